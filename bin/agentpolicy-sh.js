#!/usr/bin/env node
// A SHELL for agents: `agentpolicy-sh -c "<command>"` is `agentpolicy sh -c "<command>"`.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
process.exitCode = await main(['sh', ...process.argv.slice(2)]);
