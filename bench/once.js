// What verifying once per tree costs the agent's stop: the stop hook (Claude Code's Stop through
// `agent-hook claude`) on a repository of 5,000 files with 10 edited and 5 new, where the one
// step passed on this same tree before (the work tree's tree is computed, the step is not run),
// against the same stop with the step marked `once: false` (no tree, the step runs), measured in
// the same run; and the same stop after an edit (a new tree: computed before the step and again
// after it, then the pass recorded). The step is the cheapest real one, `node -e 0`: any real step costs more, so the
// ratio is the worst case. Also the tree computation alone (a copy of the index, `git add -A` into
// a throwaway object folder, `git write-tree`) against `node -e 0`.
// Run: npm run build && node bench/once.js
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/agentpolicy.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 11);
const FILES = 5000;

function project(once) {
  const dir = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-once-'));
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', maxBuffer: 1 << 30 });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'bench');
  git('config', 'user.email', 'bench@example.com');
  const step = { run: 'node -e 0', on: ['stop'], ...(once ? {} : { once: false }) };
  writeFileSync(
    join(dir, '.agentpolicyrc'),
    JSON.stringify({ extends: 'agentpolicy:recommended', verify: { step } }),
  );
  for (let i = 0; i < FILES; i++) {
    const folder = join(dir, 'src', String(i % 100));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `file${i}.ts`), `export const value${i} = ${i};\n`.repeat(20));
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, 'src', String(i), `file${i}.ts`), `edited ${i}\n`);
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, `new${i}.ts`), `new ${i}\n`);
  return dir;
}

const reused = project(true);
const running = project(false);
const fresh = project(true);
// Each stop of `fresh` and `running` comes after an edit, so `fresh` meets a new tree every time.
const edit = 'date +%s%N >> new0.ts; exec "$0" "$@"';
const stop = (dir, edited = false) => ({
  argv: [...(edited ? ['sh', '-c', edit] : []), process.execPath, bin, 'agent-hook', 'claude'],
  cwd: dir,
  input: JSON.stringify({ session_id: 'bench', cwd: dir, hook_event_name: 'Stop', stop_hook_active: false }),
  expectStatus: 0,
});
const tree = `d=$(mktemp -d) && cp .git/index "$d/index" && mkdir "$d/objects" &&
  export GIT_INDEX_FILE="$d/index" GIT_OBJECT_DIRECTORY="$d/objects" GIT_ALTERNATE_OBJECT_DIRECTORIES="$PWD/.git/objects" &&
  git add -A -- . && git write-tree >/dev/null; rm -rf "$d"`;
const times = timeAlternating(
  [
    { name: 'reused', ...stop(reused) },
    { name: 'running', ...stop(running, true) },
    { name: 'fresh', ...stop(fresh, true) },
    { name: 'tree', argv: ['sh', '-c', tree], cwd: reused },
    { name: 'step', argv: [process.execPath, '-e', '0'] },
  ],
  { runs },
);
rmSync(reused, { recursive: true, force: true });
rmSync(running, { recursive: true, force: true });
rmSync(fresh, { recursive: true, force: true });

const m = (name) => median(times[name]);
printTable([
  ['what', 'median', 'baseline', 'ratio'],
  [
    `stop, ${FILES.toLocaleString('en')} files (10 edited, 5 new), the step passed on this tree before`,
    ms(m('reused')),
    `the same stop running the step (\`node -e 0\`): ${ms(m('running'))}`,
    `${(m('reused') / m('running')).toFixed(2)}x`,
  ],
  [
    'the same stop after an edit: a new tree, computed before and after the step, which runs',
    ms(m('fresh')),
    `the stop running the step: ${ms(m('running'))}`,
    `${(m('fresh') / m('running')).toFixed(2)}x`,
  ],
  [
    "the work tree's tree alone (index copy, `git add -A`, `write-tree`)",
    ms(m('tree')),
    `\`node -e 0\`: ${ms(m('step'))}`,
    `${(m('tree') / m('step')).toFixed(2)}x`,
  ],
]);
