#!/usr/bin/env node
// The launcher. Every agent tool call and every commit message starts it, so the commands on those
// paths run from one CommonJS bundle whose compiled code V8 keeps between runs (next to the bundle,
// as trusted as the code itself); everything else runs from the ESM build, loaded per command.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const HOT = new Set(['agent-hook', 'check-command', 'exec', 'sh']);

function isHot(argv) {
  if (globalThis.__agentpolicySh) return true;
  const args = argv.filter((arg) => arg !== '--debug');
  return HOT.has(args[0]) || (args[0] === 'hook' && args[1] === 'commit-msg');
}

function loadBundle() {
  const file = join(__dirname, '..', 'dist', 'hot.cjs');
  const source = readFileSync(file, 'utf8');
  const cacheFile = `${file}.${process.version}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    Module.createRequire(file),
    module,
    file,
    join(__dirname, '..', 'dist'),
  );
  if (!cachedData || script.cachedDataRejected) {
    // Written once the command has run, so the cache holds the functions the run compiled lazily
    // (the policy loader, the guard), not only the bundle's top level.
    process.once('exit', () => {
      try {
        const temporary = `${cacheFile}.${process.pid}`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // A read-only install only loses the speed-up.
      }
    });
  }
  return module.exports;
}

async function run() {
  const argv = process.argv.slice(2);
  if (typeof Module.enableCompileCache === 'function') Module.enableCompileCache();
  let main;
  try {
    ({ main } = isHot(argv) ? loadBundle() : await import('../dist/cli.js'));
  } catch (error) {
    // Fail closed: a missing or broken build blocks whatever asked, and says how to fix it.
    process.stderr.write(
      `agentpolicy: cannot load its code (${error.code ?? error.message}); the action is blocked. Reinstall it (npm install), or run npm run build in a checkout.\n`,
    );
    process.exitCode = 2;
    return;
  }
  process.exitCode = await main(globalThis.__agentpolicySh ? ['sh', ...argv] : argv);
}

run();
