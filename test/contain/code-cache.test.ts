// The launcher's compiled-code cache and contained commands: the first command that changed
// something (and so compiled the judge and the apply) writes the cache again with that code and
// marks it; later ones leave it alone. Run from a copy of the built package the wrapper's user owns.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/repo.js';
import { AS_ROOT, containedRepo, containmentRuns, userArgv } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function packageCopy(): string {
  const dir = join(tempDir('agentpolicy-pkg-'), 'agentpolicy');
  for (const part of ['bin', 'dist', 'hooks', 'policies', 'package.json'])
    cpSync(join(ROOT, part), join(dir, part), {
      recursive: true,
      filter: (path) => !path.includes('.v8cache'),
    });
  if (AS_ROOT) spawnSync('chown', ['-R', 'nobody:nogroup', join(dir, '..')]);
  return dir;
}

describe("the launcher's code cache and contained commands", () => {
  it('is written again, once, by the first contained command that changed something', () => {
    const pkg = packageCopy();
    const repo = containedRepo();
    const runs = containmentRuns();
    const sh = (command: string) => {
      const argv = userArgv(
        [process.execPath, join(pkg, 'bin', 'agentpolicy-sh.cjs'), '-c', command],
        repo.env,
      );
      return spawnSync(argv[0]!, argv.slice(1), { cwd: repo.dir, env: repo.env, encoding: 'utf8' }).status;
    };
    const caches = () => readdirSync(join(pkg, 'dist')).filter((name) => name.includes('.v8cache'));
    const cache = () => join(pkg, 'dist', caches().find((name) => name.endsWith('.v8cache'))!);

    expect(sh('true')).toBe(0);
    expect(caches().some((name) => name.endsWith('.judged'))).toBe(false);
    const lean = statSync(cache());

    expect(sh('echo changed >> README.md')).toBe(0);
    // Where containment runs, the change was judged: the cache now holds the judge, and says so.
    expect(existsSync(`${cache()}.judged`)).toBe(runs);
    expect(statSync(cache()).size > lean.size).toBe(runs);

    const judged = statSync(cache());
    expect(sh('echo again >> README.md')).toBe(0);
    expect(statSync(cache()).mtimeMs).toBe(judged.mtimeMs);
  });
});
