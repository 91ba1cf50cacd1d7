// `agentpolicy check --staged` under the strict preset on generated repositories, as a whole
// process, against the content floor measured in the same run: `git diff --cached -U0 --raw
// --numstat` plus `node -e 0` (what any Node tool that reads the staged lines must pay). Goals: at
// most 1.5x the floor with 1,000 modified files and 200,000 changed lines; under 3 s with 20,000
// new files. Run: npm run build && node bench/check.js   (BENCH_RUNS; BENCH_SCENARIO=A or B for one)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/agentpolicy.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 9);

function makeRepo(name, files, linesPerFile, modify) {
  const dir = mkdtempSync(join(tmpdir(), `agentpolicy-bench-${name}-`));
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', maxBuffer: 1 << 30 });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'bench');
  git('config', 'user.email', 'bench@example.com');
  writeFileSync(
    join(dir, '.agentpolicyrc'),
    JSON.stringify({
      extends: 'agentpolicy:strict',
      rules: { 'max-diff-lines': ['error', { max: 1_000_000 }], 'edit-only': 'warn' },
      verify: {},
    }),
  );
  const write = (word) => {
    const body = Array.from({ length: linesPerFile }, (_, i) => `export const ${word}${i} = ${i};`).join(
      '\n',
    );
    for (let i = 0; i < files; i++) {
      const folder = join(dir, 'src', String(i % 50));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `file${i}.ts`), `${body}\n`);
    }
  };
  // Modified files: committed once, then every line rewritten (each line removed and added).
  if (modify) write('before');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  write('value');
  git('add', '-A');
  return dir;
}

function peakRss(dir) {
  const result = spawnSync(
    process.execPath,
    [join(root, 'bench/rss.js'), 'check', '--staged', '--format', 'json'],
    { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  return Number(/maxRSS (\d+)/.exec(result.stderr)?.[1] ?? Number.NaN) / 1024;
}

const scenarios = [
  {
    name: 'A: 1,000 modified files, 200,000 changed lines',
    files: 1000,
    lines: 100,
    modify: true,
    goal: (ratio) => ratio <= 1.5,
    goalText: 'at most 1.5x the floor',
  },
  {
    name: 'B: 20,000 new files',
    files: 20000,
    lines: 1,
    modify: false,
    goal: (_ratio, check) => check < 3000,
    goalText: 'under 3 s',
  },
];

console.log(
  `check --staged (strict) vs the content floor, ${runs} alternating runs each, Node ${process.versions.node}, ${process.platform} ${process.arch}\n`,
);
for (const scenario of scenarios.filter(
  (s) => !process.env.BENCH_SCENARIO || s.name.startsWith(process.env.BENCH_SCENARIO),
)) {
  const dir = makeRepo(scenario.name[0], scenario.files, scenario.lines, scenario.modify);
  try {
    const env = { ...process.env, NO_COLOR: '1' };
    const commands = [
      {
        name: 'floor: git diff --cached -U0 --raw --numstat',
        argv: ['git', 'diff', '--cached', '-U0', '--raw', '--numstat'],
        cwd: dir,
        env,
      },
      { name: 'floor: node -e 0', argv: [process.execPath, '-e', '0'], cwd: dir, env },
      {
        name: 'agentpolicy check --staged',
        argv: [process.execPath, bin, 'check', '--staged', '--format', 'json'],
        cwd: dir,
        env,
        expectStatus: 0,
      },
    ];
    const loadBefore = loadavg()[0];
    const times = timeAlternating(commands, { runs, warmup: 2 });
    const floor = median(times[commands[0].name]) + median(times[commands[1].name]);
    const check = median(times[commands[2].name]);
    const ratio = check / floor;
    console.log(`${scenario.name} (load ${loadBefore.toFixed(1)} to ${loadavg()[0].toFixed(1)})`);
    printTable([
      ['command', 'median', 'min'],
      ...commands.map((command) => [
        command.name,
        ms(median(times[command.name])),
        ms(times[command.name][0]),
      ]),
      ['floor (sum)', ms(floor), ''],
    ]);
    console.log(
      `ratio ${ratio.toFixed(2)}x the floor, ${ms(check)}, peak memory ${peakRss(dir).toFixed(0)} MiB; goal ${scenario.goalText}: ${scenario.goal(ratio, check) ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
