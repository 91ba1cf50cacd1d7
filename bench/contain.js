// Contained execution: what it adds to a command, against the same wrapper with containment off
// and against plain bash, alternating run by run. The overhead of a command that changes nothing, and how it grows with
// the files a command changes; then `npm ci` of a real project contained and not (the project is
// this repository's package.json and lock, or BENCH_NPM_PROJECT: a folder holding another's).
// Goals: at most 25 ms plus time proportional to the files changed; npm ci within 1.3x.
// Run: npm run build && node bench/contain.js
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const sh = join(root, 'bin', 'agentpolicy-sh.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const base = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-contain-'));
const env = { ...process.env, NO_COLOR: '1' };

/** A small repository with a policy that has containment on or off. */
function project(name, contain, files = {}) {
  const dir = join(base, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'bench');
  git('config', 'user.email', 'bench@example.com');
  writeFileSync(
    join(dir, '.agentpolicyrc'),
    `${JSON.stringify({ extends: 'agentpolicy:recommended', shell: { contain } })}\n`,
  );
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'src', `m${i}.ts`), `export const m${i} = ${i};\n`);
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  return dir;
}

/** One command that writes new content to each of these files, every run. */
function writes(paths) {
  return paths.map((path) => `echo "export const x = $RANDOM;" > ${path}`).join('; ');
}

function contained(dir) {
  const result = spawnSync(process.execPath, [sh, '-c', 'grep -c " - overlay " /proc/self/mountinfo'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  return result.status === 0 && Number(result.stdout.trim()) > 0;
}

try {
  const on = project('on', 'auto');
  const off = project('off', 'off');
  if (!contained(on)) {
    console.log('Contained execution cannot run here (run `agentpolicy doctor`): nothing to measure.');
    process.exit(0);
  }
  // Each command writes new content every run, so every run has an effect to judge and apply.
  const commands = [
    ['no change', 'true'],
    ['1 file changed', 'echo "export const m0 = $RANDOM;" > src/m0.ts'],
    // Literal paths, so the wrapper with containment off can check them before they run.
    ['10 files changed', writes(Array.from({ length: 10 }, (_, i) => `src/m${i}.ts`))],
    ['100 files written', `mkdir -p gen && ${writes(Array.from({ length: 100 }, (_, i) => `gen/f${i}`))}`],
    ['a commit', 'echo "// $RANDOM" >> src/m1.ts && git commit -qam "Change the first module again"'],
  ];
  // Three ways, alternating: contained; the same wrapper with containment off (what containment
  // adds); plain bash with no wrapper at all (what the user sees added).
  const plain = project('plain', 'off');
  const rows = [
    ['command', 'contained', 'wrapper, not contained', 'plain bash', 'containment adds', 'vs plain bash'],
  ];
  const added = {};
  for (const [name, command] of commands) {
    const times = timeAlternating(
      [
        { name: 'on', argv: [process.execPath, sh, '-c', command], cwd: on, env, expectStatus: 0 },
        { name: 'off', argv: [process.execPath, sh, '-c', command], cwd: off, env, expectStatus: 0 },
        { name: 'bash', argv: ['bash', '-c', command], cwd: plain, env, expectStatus: 0 },
      ],
      { runs },
    );
    const a = median(times.on);
    const b = median(times.off);
    const c = median(times.bash);
    added[name] = a - b;
    rows.push([name, ms(a), ms(b), ms(c), `+${ms(a - b)}`, `+${ms(a - c)}`]);
  }
  printTable(rows);
  const perFile = (added['100 files written'] - added['no change']) / 100;
  console.log(
    `\ncontainment adds ${ms(added['no change'])} to a command that changes nothing (goal <= 25 ms: ${added['no change'] <= 25 ? 'met' : 'not met'}), and about ${perFile.toFixed(2)} ms per file changed`,
  );

  // npm ci of a real project, contained and not, alternating, with the npm cache warm.
  const npmRuns = Number(process.env.BENCH_NPM_RUNS ?? 5);
  if (npmRuns < 1) console.log('\nnpm ci: not measured (BENCH_NPM_RUNS=0)');
  else {
    const source = process.env.BENCH_NPM_PROJECT ?? root;
    const files = Object.fromEntries(
      ['package.json', 'package-lock.json']
        .filter((file) => existsSync(join(source, file)))
        .map((file) => [file, file]),
    );
    if (!files['package-lock.json']) throw new Error(`${source} has no package-lock.json`);
    const npm = (name, contain) => {
      const dir = project(name, contain);
      for (const file of Object.keys(files)) copyFileSync(join(source, file), join(dir, file));
      execFileSync('git', ['add', '-A'], { cwd: dir });
      execFileSync('git', ['commit', '-q', '-m', 'the project'], { cwd: dir });
      return dir;
    };
    const npmOn = npm('npm-on', 'auto');
    const npmOff = npm('npm-off', 'off');
    const ci = 'npm ci --ignore-scripts --no-audit --no-fund --loglevel=error';
    const times = timeAlternating(
      [
        { name: 'on', argv: [process.execPath, sh, '-c', ci], cwd: npmOn, env, expectStatus: 0 },
        { name: 'off', argv: [process.execPath, sh, '-c', ci], cwd: npmOff, env, expectStatus: 0 },
      ],
      { runs: npmRuns, warmup: 1 },
    );
    const a = median(times.on);
    const b = median(times.off);
    console.log(
      `\nnpm ci (${source === root ? 'this repository' : source}): contained ${ms(a)}, not contained ${ms(b)}: ${(a / b).toFixed(2)}x (goal <= 1.30x: ${a / b <= 1.3 ? 'met' : 'not met'})`,
    );
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
