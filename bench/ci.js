// The CI gate over a 1,000-commit range, as a whole process: the total, and the cost per commit.
// Run: npm run build && node bench/ci.js
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const commits = Number(process.env.BENCH_COMMITS ?? 1000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-ci-'));
try {
  const git = (args, input) => execFileSync('git', args, { cwd: dir, input, maxBuffer: 1 << 30 });
  git(['init', '-q', '-b', 'main']);
  writeFileSync(
    join(dir, '.agentpolicyrc'),
    JSON.stringify({ extends: 'agentpolicy:strict', rules: { 'edit-only': 'off' }, verify: {} }),
  );
  writeFileSync(join(dir, 'VERIFY.md'), '```sh\ntrue\n```\n');
  writeFileSync(join(dir, 'a.ts'), 'export const a = 0;\n');
  git(['add', '-A']);
  git([
    '-c',
    'user.name=b',
    '-c',
    'user.email=b@example.com',
    'commit',
    '-q',
    '-m',
    'Set up the benchmark project',
  ]);
  // 1,000 small commits, written with fast-import: each changes one file and adds one.
  let stream = '';
  const now = 1_764_000_000;
  for (let i = 1; i <= commits; i++) {
    const message = `Change the module for step ${i}\n`;
    const body = `export const a = ${i};\n// step ${i}\n`;
    stream += `commit refs/heads/feature\ncommitter B <b@example.com> ${now + i} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
    stream += i === 1 ? 'from refs/heads/main\n' : '';
    stream += `M 100644 inline a.ts\ndata ${Buffer.byteLength(body)}\n${body}M 100644 inline src/f${i}.ts\ndata 2\n${i % 10}\n\n`;
  }
  git(['fast-import', '--quiet'], stream);
  const env = { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', GITLAB_CI: '' };
  const gate = [
    process.execPath,
    join(root, 'bin/agentpolicy.cjs'),
    'ci',
    '--base',
    'main',
    '--head',
    'feature',
    '--format',
    'json',
    '--no-verify-steps',
  ];
  const times = timeAlternating(
    [
      { name: 'node -e 0', argv: [process.execPath, '-e', '0'], cwd: dir, env },
      { name: `agentpolicy ci (${commits} commits)`, argv: gate, cwd: dir, env, expectStatus: 0 },
    ],
    { runs, warmup: 1 },
  );
  const total = median(times[`agentpolicy ci (${commits} commits)`]);
  const start = median(times['node -e 0']);
  console.log(
    `the CI gate over a ${commits}-commit range (diff and message rules per commit, the range as a whole), ${runs} runs, Node ${process.versions.node}\n`,
  );
  printTable([
    ['command', 'median', 'min'],
    ...Object.entries(times).map(([name, list]) => [name, ms(median(list)), ms(list[0])]),
  ]);
  console.log(
    `\ncost per commit: ${((total - start) / commits).toFixed(2)} ms (total ${ms(total)}, minus Node's start-up)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
