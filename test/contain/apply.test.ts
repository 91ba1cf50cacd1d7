// Applying a layer all or nothing: the journal finishes after a crash, undoes on a failure, and
// refuses paths something else changed while the command ran.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApplyConflict, applySteps, planApply, recoverJournals, type Step } from '../../src/contain/apply.js';
import type { LayerEntry } from '../../src/contain/backend.js';
import { tempDir } from '../helpers/repo.js';

/** A real tree, a layer over it (as overlayfs leaves one), and a trash folder beside the layer. */
function fixture() {
  const base = tempDir();
  const root = join(base, 'project');
  const run = join(base, 'state', 'run-1-test');
  const upper = join(run, 'upper');
  const files: Record<string, string> = {
    'keep.txt': 'keep\n',
    'edit.txt': 'before\n',
    'gone.txt': 'gone\n',
    'dir/old.txt': 'old\n',
    'dir/sub/deep.txt': 'deep\n',
    'remade/a.txt': 'a\n',
    'remade/b.txt': 'b\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  // What the command did: edited a file, made one, removed one and a folder, made a folder anew.
  const layer: Record<string, string> = {
    'edit.txt': 'after\n',
    'new.txt': 'new\n',
    'fresh/x.txt': 'x\n',
    'remade/c.txt': 'c\n',
  };
  for (const [path, content] of Object.entries(layer)) {
    mkdirSync(join(upper, path, '..'), { recursive: true });
    writeFileSync(join(upper, path), content);
  }
  const entries: LayerEntry[] = [
    { path: 'dir', kind: 'removed' },
    { path: 'edit.txt', kind: 'file' },
    { path: 'fresh', kind: 'dir', opaque: false },
    { path: 'fresh/x.txt', kind: 'file' },
    { path: 'gone.txt', kind: 'removed' },
    { path: 'new.txt', kind: 'file' },
    { path: 'remade', kind: 'dir', opaque: true },
    { path: 'remade/c.txt', kind: 'file' },
  ];
  const layers = [{ root, upper, trash: join(run, 'trash'), entries }];
  return { root, run, layers, journal: join(run, 'journal.json') };
}

/** Every file under a folder with its content, for comparing trees. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, tree(dir, path));
    else out[path] = readFileSync(join(dir, path), 'utf8');
  }
  return out;
}

const AFTER = {
  'keep.txt': 'keep\n',
  'edit.txt': 'after\n',
  'new.txt': 'new\n',
  'fresh/x.txt': 'x\n',
  'remade/c.txt': 'c\n',
};

describe('applying a layer', () => {
  it('makes the real tree what the command left', () => {
    const { root, layers, journal } = fixture();
    applySteps(journal, planApply(layers, Date.now() + 1000));
    expect(tree(root)).toEqual(AFTER);
    expect(readdirSync(join(journal, '..'))).not.toContain('journal.json');
  });

  it.each([1, 3, 6])('finishes a journal a crash left after %i steps', (done) => {
    const { root, layers, journal, run } = fixture();
    const steps = planApply(layers, Date.now() + 1000);
    writeFileSync(journal, JSON.stringify({ version: 1, steps }));
    for (const step of steps.slice(0, done)) {
      if (step.op !== 'move') throw new Error('the fixture starts with moves');
      mkdirSync(join(step.to, '..'), { recursive: true });
      renameSync(step.from, step.to);
    }
    expect(recoverJournals([join(run, '..')], () => false)).toBe(1);
    expect(tree(root)).toEqual(AFTER);
  });

  it('undoes every done step when one fails: the tree is as before', () => {
    const { root, layers, journal } = fixture();
    const before = tree(root);
    const steps = planApply(layers, Date.now() + 1000);
    // The last step's source vanished (as if the disk failed under it).
    const last = steps.findLast((step): step is Extract<Step, { op: 'move' }> => step.op === 'move')!;
    rmSync(last.from, { recursive: true });
    expect(() => applySteps(journal, steps)).toThrow();
    expect(tree(root)).toEqual(before);
    expect(readdirSync(join(journal, '..'))).not.toContain('journal.json');
  });

  it('refuses to apply over a path that changed while the command ran', () => {
    const { root, layers } = fixture();
    const started = Date.now() - 60_000;
    utimesSync(join(root, 'edit.txt'), new Date(), new Date());
    writeFileSync(join(root, 'edit.txt'), 'edited by someone else\n');
    expect(() => planApply(layers, started)).toThrow(ApplyConflict);
    expect(readFileSync(join(root, 'edit.txt'), 'utf8')).toBe('edited by someone else\n');
  });

  it('runs only the journals the registry names: one planted beside the layers is left alone', () => {
    const { root, layers, journal, run } = fixture();
    const registry = join(run, '..', '..', 'journals');
    const before = tree(root);
    writeFileSync(journal, JSON.stringify({ version: 1, steps: planApply(layers, Date.now() + 1000) }));
    expect(recoverJournals([join(run, '..')], () => false, registry)).toBe(0);
    expect(tree(root)).toEqual(before);
    // A registered apply runs, and leaves neither journal nor registration behind.
    rmSync(journal);
    applySteps(journal, planApply(layers, Date.now() + 1000), registry);
    expect(tree(root)).toEqual(AFTER);
    expect(readdirSync(registry)).toEqual([]);
  });

  it.each([
    ['with the trash still there', false],
    ['with the trash already removed', true],
  ])('changes nothing when a finished journal runs again (its removal lost to a crash), %s', (_, emptied) => {
    const { root, layers, journal, run } = fixture();
    const registry = join(run, '..', '..', 'journals');
    const steps = planApply(layers, Date.now() + 1000);
    applySteps(journal, steps, registry);
    expect(tree(root)).toEqual(AFTER);
    if (emptied) rmSync(join(run, 'trash'), { recursive: true, force: true });
    // The journal and its registration (named by the hash of the journal's path), as a crash left them.
    writeFileSync(journal, JSON.stringify({ version: 1, steps }));
    writeFileSync(join(registry, createHash('sha256').update(journal).digest('hex')), journal);
    expect(recoverJournals([join(run, '..')], () => false, registry)).toBe(1);
    expect(tree(root)).toEqual(AFTER);
    expect(readdirSync(registry)).toEqual([]);
  });

  it('drops a journal that was never written whole', () => {
    const { root, run, journal } = fixture();
    const before = tree(root);
    writeFileSync(journal, '{"version":1,"steps":[{"op":"mo');
    recoverJournals([join(run, '..')], () => false);
    expect(tree(root)).toEqual(before);
  });
});
