#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs; every agent tool call and every hook starts us.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
