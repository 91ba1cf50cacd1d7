// The Linux backend on its own, with each of its two launchers: the command's writes land in the
// layer, the real tree stays as it was, the layers' folder is out of its reach, the overlay cannot
// be taken away, and everything else is read-only.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linuxBackend } from '../../src/contain/linux.js';
import { tempDir } from '../helpers/repo.js';

function place() {
  const base = tempDir();
  const root = join(base, 'project');
  const state = join(base, 'layers');
  const upper = join(state, 'upper');
  const work = join(state, 'work');
  for (const dir of [root, upper, work]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, 'kept.txt'), 'kept\n');
  writeFileSync(join(root, 'gone.txt'), 'gone\n');
  const outside = join(base, 'outside');
  const out = join(base, 'out');
  mkdirSync(outside);
  mkdirSync(out);
  return { base, root, state, upper, work, outside, out };
}

const script = [
  'echo new > new.txt',
  'rm gone.txt',
  'mkdir made && echo deep > made/deep.txt',
  `ls "$STATE" 2>/dev/null | wc -l`,
  `umount "$PWD" 2>/dev/null && echo unmounted`,
  `touch "$OUTSIDE/x" 2>/dev/null || echo read-only`,
  'exit 5',
].join('; ');

describe.each(['perl', 'sh'] as const)('the Linux backend, %s launcher', (launcher) => {
  const backend = linuxBackend(launcher);
  it('holds what the command did in the layer, or says why it cannot run here', async () => {
    const availability = backend.probe(process.env);
    if (!availability.ok) {
      // Where the kernel forbids it, the probe names the cause and the fix instead.
      expect(availability.reason.length * availability.fix.length).toBeGreaterThan(0);
      return;
    }
    const p = place();
    let output = '';
    const held = await backend.run(
      {
        argv: ['sh', '-c', `exec > "${p.out}/out.txt"; ${script}`],
        cwd: p.root,
        env: { ...process.env, STATE: p.state, OUTSIDE: p.outside },
        layered: [{ root: p.root, upper: p.upper, work: p.work }],
        // Only this folder outside the project is writable (the temp folder holds it all here).
        writable: [p.out],
        hidden: [p.state],
      },
      { on: () => () => {} },
    );
    try {
      expect(held.exitCode).toBe(5);
      // Seen as the command left it, while held.
      const view = held.view(p.root);
      expect(readFileSync(join(view, 'new.txt'), 'utf8')).toBe('new\n');
      expect(existsSync(join(view, 'gone.txt'))).toBe(false);
      // The perl launcher holds none of the wrapper's streams once the command has ended, so the
      // wrapper's readers see their end without waiting for the namespaces to be torn down.
      const host = /^\/proc\/(\d+)\/root/.exec(view)![1];
      const streams = readdirSync(`/proc/${host}/fd`).filter((fd) => Number(fd) <= 2);
      expect(streams).toEqual(launcher === 'perl' ? [] : ['0', '1', '2']);
    } finally {
      await held.release();
    }
    output = readFileSync(join(p.out, 'out.txt'), 'utf8');
    expect(output).toBe('0\nread-only\n');
    expect(existsSync(join(p.outside, 'x'))).toBe(false);
    // The real tree is as it was; the layer has it all.
    expect(existsSync(join(p.root, 'new.txt'))).toBe(false);
    expect(readFileSync(join(p.root, 'gone.txt'), 'utf8')).toBe('gone\n');
    expect(readFileSync(join(p.upper, 'new.txt'), 'utf8')).toBe('new\n');
    expect(readFileSync(join(p.upper, 'made', 'deep.txt'), 'utf8')).toBe('deep\n');
    const whiteout = lstatSync(join(p.upper, 'gone.txt'));
    expect(whiteout.isCharacterDevice() && whiteout.rdev === 0).toBe(true);
  });
});
