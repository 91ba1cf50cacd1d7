// What running verification steps costs beyond the steps themselves. `agentpolicy verify` with one
// step (`true`) on a repository of 1,000 staged files, as a whole process, against the floor
// measured in the same run: `node -e 0` plus `git checkout-index -a` into a fresh folder, the step,
// and removing the folder (what any tool that runs a check on exactly the staged files must pay). Also the cost of starting one step
// inside its PID namespace, against a plain `sh -c true`. Run: npm run build && node bench/verify.js
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/agentpolicy.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 15);

const dir = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-verify-'));
const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', maxBuffer: 1 << 30 });
git('init', '-q', '-b', 'main');
git('config', 'user.name', 'bench');
git('config', 'user.email', 'bench@example.com');
writeFileSync(
  join(dir, '.agentpolicyrc'),
  JSON.stringify({ extends: 'agentpolicy:recommended', verify: { noop: { run: 'true' } } }),
);
for (let i = 0; i < 1000; i++) {
  const folder = join(dir, 'src', String(i % 50));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `file${i}.ts`), `export const value${i} = ${i};\n`.repeat(20));
}
git('add', '-A');
git('commit', '-q', '-m', 'base');
git('add', '-A');

const copies = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-copies-'));
let copy = 0;
const floorScript = `
const { spawnSync } = require('node:child_process');
const target = ${JSON.stringify(copies)} + '/' + process.argv[1] + '/';
spawnSync('git', ['checkout-index', '-a', '--prefix=' + target], { cwd: ${JSON.stringify(dir)} });
spawnSync('sh', ['-c', 'true']);
require('node:fs').rmSync(target, { recursive: true, force: true });
`;
const times = timeAlternating(
  [
    { name: 'verify', argv: [process.execPath, bin, 'verify'], cwd: dir, expectStatus: 0 },
    {
      name: 'floor',
      get argv() {
        return [process.execPath, '-e', floorScript, String(copy++)];
      },
      cwd: dir,
    },
  ],
  { runs },
);
rmSync(copies, { recursive: true, force: true });

// The wrapping src/verify/processes.ts uses when the machine allows it.
const user = process.getuid() === 0 ? [] : ['--user', '--map-current-user'];
const isolated = [
  'setpriv',
  '--pdeathsig',
  'KILL',
  'unshare',
  ...user,
  '--pid',
  '--fork',
  '--kill-child',
  '--',
];
const available = spawnSync(isolated[0], [...isolated.slice(1), 'true']).status === 0;
const step = timeAlternating(
  [
    { name: 'plain', argv: ['sh', '-c', 'true'] },
    ...(available ? [{ name: 'isolated', argv: [...isolated, 'sh', '-c', 'true'] }] : []),
  ],
  { runs: 41 },
);
rmSync(dir, { recursive: true, force: true });

const verify = median(times.verify);
const floor = median(times.floor);
const rows = [
  ['what', 'median', 'baseline', 'ratio'],
  [
    'verify, 1,000 staged files, one step',
    ms(verify),
    `floor ${ms(floor)}`,
    `${(verify / floor).toFixed(2)}x`,
  ],
];
if (available) {
  const inside = median(step.isolated);
  const plain = median(step.plain);
  rows.push([
    'one step started in its own PID namespace',
    ms(inside),
    `sh -c true ${ms(plain)}`,
    `+${ms(inside - plain)}`,
  ]);
} else {
  rows.push(['one step started in its own PID namespace', 'not available here', '', '']);
}
printTable(rows);
