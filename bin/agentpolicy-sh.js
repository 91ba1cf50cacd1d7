#!/usr/bin/env node
// A SHELL for agents: `agentpolicy-sh -c "<command>"` is `agentpolicy sh -c "<command>"`.
import { main } from '../dist/cli.js';

process.exitCode = await main(['sh', ...process.argv.slice(2)]);
