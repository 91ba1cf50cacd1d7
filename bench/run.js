// Runs every benchmark in turn: `npm run bench`. Each prints its figures against a baseline
// measured in the same run; none of them passes or fails on time.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const name of ['guard', 'live', 'commit-msg', 'check', 'ci', 'verify', 'once', 'contain']) {
  console.log(`\n=== bench/${name}.js ===\n`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(`${name}.js`, import.meta.url))], {
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exitCode = result.status ?? 1;
}
