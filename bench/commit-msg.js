// The commit-msg hook as a whole process, against commitlint on the same message in the same run.
// Goal: at most 0.35x commitlint's time. Run with `npm run build && node bench/commit-msg.js`.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-'));
try {
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(join(root, 'bin/agentpolicy.cjs'), join(dir, 'node_modules/.bin/agentpolicy'));
  writeFileSync(
    join(dir, '.agentpolicyrc'),
    JSON.stringify({ rules: { 'commit-message': ['error', { conventional: true, maxSubjectLength: 100 }] } }),
  );
  writeFileSync(
    join(dir, 'commitlint.config.mjs'),
    `export default { extends: [${JSON.stringify(join(root, 'node_modules/@commitlint/config-conventional/lib/index.js'))}] };\n`,
  );
  // The hook judges by the committed policy, as in a real repository.
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', ...args], { cwd: dir });
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'chore: set up the benchmark');
  const message = join(dir, 'COMMIT_EDITMSG');
  writeFileSync(
    message,
    'feat(parser): handle heredocs fed to a shell\n\nThe body says why.\n# Please enter the commit message for your changes.\n',
  );
  const env = { ...process.env, NO_COLOR: '1' };
  const commands = [
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'], cwd: dir, env },
    {
      name: 'agentpolicy hook commit-msg',
      argv: [process.execPath, join(root, 'bin/agentpolicy.cjs'), 'hook', 'commit-msg', message],
      cwd: dir,
      env,
      expectStatus: 0,
    },
    {
      name: 'commitlint --edit',
      argv: [process.execPath, join(root, 'node_modules/@commitlint/cli/cli.js'), '--edit', message],
      cwd: dir,
      env,
      expectStatus: 0,
    },
  ];
  const times = timeAlternating(commands, { runs: Number(process.env.BENCH_RUNS ?? 15) });
  const base = median(times['commitlint --edit']);
  const rows = [['command', 'median', 'min', 'vs commitlint']];
  for (const command of commands) {
    const list = times[command.name];
    rows.push([command.name, ms(median(list)), ms(list[0]), `${(median(list) / base).toFixed(2)}x`]);
  }
  console.log(
    `commit-msg hook vs commitlint, ${times['node -e 0'].length} alternating runs each, Node ${process.versions.node}`,
  );
  printTable(rows);
  const ratio = median(times['agentpolicy hook commit-msg']) / base;
  console.log(
    `\nratio ${ratio.toFixed(2)}x commitlint (goal: at most 0.35x) ${ratio <= 0.35 ? 'met' : 'NOT met'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
