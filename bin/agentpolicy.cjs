#!/usr/bin/env node
// The launcher. Every agent tool call and every commit message starts it, so the commands on those
// paths run from CommonJS bundles whose compiled code V8 keeps between runs (next to the bundle,
// as trusted as the code itself): dist/agent-hook.cjs for `agent-hook`, dist/hot.cjs for the
// others. Everything else runs from the ESM build, loaded per command.
'use strict';
const { existsSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const HOT = new Set(['check-command', 'exec', 'sh']);

/** The hot bundle for this command line, or undefined for the ESM build. */
function hotBundle(argv) {
  if (globalThis.__agentpolicySh) return 'hot.cjs';
  const args = argv.filter((arg) => arg !== '--debug');
  if (args[0] === 'agent-hook') return 'agent-hook.cjs';
  return HOT.has(args[0]) || (args[0] === 'hook' && args[1] === 'commit-msg') ? 'hot.cjs' : undefined;
}

function loadBundle(name) {
  const file = join(__dirname, '..', 'dist', name);
  // The build makes the bundle ASCII and already wrapped as the module function.
  const source = readFileSync(file, 'latin1');
  const cacheFile = `${file}.${process.version}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}
  const script = new vm.Script(source, {
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
  // Written once the command has run, so the cache holds the functions the run compiled lazily
  // (the policy loader, the guard), not only the bundle's top level. A contained command that
  // changed something also compiles the judge and the apply: the first such run writes the cache
  // again with them, and marks it so (`.judged`); a cache made anew drops the mark.
  const fresh = !cachedData || script.cachedDataRejected;
  const judgedMark = `${cacheFile}.judged`;
  process.once('exit', () => {
    const judged = globalThis.__agentpolicyJudged === true;
    if (!fresh && !(judged && !existsSync(judgedMark))) return;
    try {
      const temporary = `${cacheFile}.${process.pid}`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
      if (judged) writeFileSync(judgedMark, '');
      else rmSync(judgedMark, { force: true });
    } catch {
      // A read-only install only loses the speed-up.
    }
  });
  return module.exports;
}

async function run() {
  const argv = process.argv.slice(2);
  if (typeof Module.enableCompileCache === 'function') Module.enableCompileCache();
  let main;
  try {
    const bundle = hotBundle(argv);
    ({ main } = bundle ? loadBundle(bundle) : await import('../dist/cli.js'));
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
