// Change sets from real git in every awkward case, and never a change to the user's index or work tree.
import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collectCommits,
  collectRange,
  collectStaged,
  collectWorktree,
  hasHead,
} from '../../src/git/collect.js';
import type { ChangeSet, FileChange } from '../../src/types.js';
import { createRepo, snapshot, type TestRepo } from '../helpers/repo.js';

function staged(repo: TestRepo, hunks = true, env?: NodeJS.ProcessEnv): ChangeSet {
  const before = snapshot(repo);
  const change = collectStaged({ root: repo.dir, hunks, env: env ?? repo.env });
  expect(snapshot(repo)).toBe(before);
  return change;
}

function byPath(change: ChangeSet): Record<string, FileChange> {
  return Object.fromEntries(change.files.map((file) => [file.path, file]));
}

describe('staged change sets', () => {
  it.each(['sha1', 'sha256'] as const)('the initial commit of a %s repository (no HEAD)', (objectFormat) => {
    const repo = createRepo({ objectFormat });
    repo.write('a.txt', 'one\ntwo\n');
    repo.git('add', '-A');
    const change = staged(repo);
    expect(change.files).toEqual([
      expect.objectContaining({
        status: 'added',
        path: 'a.txt',
        added: 2,
        deleted: 0,
        addedLines: [
          { line: 1, text: 'one' },
          { line: 2, text: 'two' },
        ],
      }),
    ]);
  });

  it('odd file names: spaces, unicode, quotes, tabs and newlines', () => {
    const repo = createRepo();
    const names = [
      'with space.txt',
      'ünïcödé 文件.txt',
      'quote"and\\backslash.txt',
      'tab\there.txt',
      'new\nline.txt',
      '-leading-dash.txt',
    ];
    for (const name of names) repo.write(name, `${name}\n`);
    repo.git('add', '-A');
    const files = byPath(staged(repo));
    for (const name of names) {
      expect(files[name]).toMatchObject({ status: 'added', added: name.split('\n').length });
      expect(files[name]?.addedLines).toEqual([
        { line: 1, text: name.split('\n')[0] },
        ...(name.includes('\n') ? [{ line: 2, text: 'line.txt' }] : []),
      ]);
    }
  });

  it("each file's patch text holds its own changed lines and no other file's, out of sight", () => {
    const repo = createRepo();
    repo.write('a.ts', 'const a = 1;\nconst b = 2;\n');
    repo.write('tab\tname.ts', 'keep\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'base');
    repo.write('a.ts', 'const a = 1;\nconst b = 3; // @ts-ignore\n');
    repo.write('tab\tname.ts', 'keep\nmore\n');
    repo.git('add', '-A');
    const files = byPath(staged(repo));
    for (const [path, own, other] of [
      ['a.ts', ['const b = 3; // @ts-ignore', 'const b = 2;'], 'more'],
      ['tab\tname.ts', ['more'], '@ts-ignore'],
    ] as const) {
      const file = files[path]!;
      const lines = [...(file.addedLines ?? []), ...(file.removedLines ?? [])].map((line) => line.text);
      expect(lines.sort()).toEqual([...own].sort());
      for (const line of lines) expect(file.patchText).toContain(line);
      expect(file.patchText).not.toContain(other);
      expect(Object.keys(file)).not.toContain('patchText');
    }
  });

  it('a rename is a rename with its similarity, and counts only its edits', () => {
    const repo = createRepo();
    repo.commit('base', { 'old.txt': `${Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')}\n` });
    repo.git('mv', 'old.txt', 'new.txt');
    repo.write('new.txt', `${repo.read('new.txt')}one more\n`);
    repo.git('add', '-A');
    expect(staged(repo).files).toEqual([
      expect.objectContaining({
        status: 'renamed',
        path: 'new.txt',
        oldPath: 'old.txt',
        added: 1,
        deleted: 0,
        similarity: expect.any(Number),
      }),
    ]);
  });

  it('binary files are flagged binary, never silently zero lines of text', () => {
    const repo = createRepo();
    repo.write('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    repo.git('add', '-A');
    expect(staged(repo).files[0]).toMatchObject({
      path: 'image.png',
      binary: true,
      added: 0,
      deleted: 0,
      addedLines: [],
    });
  });

  it('CRLF lines are counted, and read without their CR so that `$` in a rule matches', () => {
    const repo = createRepo();
    repo.commit('base', { 'win.txt': 'a\r\nb\r\n' });
    repo.write('win.txt', 'a\r\nB\r\nc\r\n');
    repo.git('add', '-A');
    const [file] = staged(repo).files;
    expect(file).toMatchObject({ added: 2, deleted: 1 });
    expect(file?.addedLines).toEqual([
      { line: 2, text: 'B' },
      { line: 3, text: 'c' },
    ]);
    expect(file?.removedLines).toEqual([{ line: 2, text: 'b' }]);
    repo.write('new-win.txt', 'x\r\ny\r\n');
    const untracked = collectWorktree({ root: repo.dir, hunks: true, env: repo.env }).files;
    expect(untracked.find((f) => f.path === 'new-win.txt')?.addedLines?.map((line) => line.text)).toEqual([
      'x',
      'y',
    ]);
  });

  it('symlinks, mode changes, type changes and deletions', () => {
    const repo = createRepo();
    repo.commit('base', { 'script.sh': 'echo hi\n', 'gone.txt': 'bye\n', 'was-file': 'x\n' });
    symlinkSync('script.sh', join(repo.dir, 'link'));
    chmodSync(join(repo.dir, 'script.sh'), 0o755);
    repo.git('rm', '-q', 'gone.txt');
    repo.remove('was-file');
    symlinkSync('script.sh', join(repo.dir, 'was-file'));
    repo.git('add', '-A');
    const files = byPath(staged(repo));
    expect(files.link).toMatchObject({ status: 'added', symlink: true, newMode: '120000' });
    expect(files['script.sh']).toMatchObject({
      status: 'modified',
      oldMode: '100644',
      newMode: '100755',
      added: 0,
      deleted: 0,
    });
    expect(files['gone.txt']).toMatchObject({ status: 'deleted', deleted: 1 });
    expect(files['was-file']).toMatchObject({ status: 'type-changed', symlink: true });
  });

  it('a submodule is a submodule', () => {
    const inner = createRepo();
    inner.commit('inner', { 'x.txt': 'x\n' });
    const repo = createRepo();
    repo.commit('base', { 'a.txt': 'a\n' });
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner.dir, 'vendor/inner');
    const files = byPath(staged(repo));
    expect(files['vendor/inner']).toMatchObject({ status: 'added', submodule: true, newMode: '160000' });
    expect(files['.gitmodules']).toMatchObject({ status: 'added' });
  });

  it('honours GIT_INDEX_FILE, as git sets it during commit -a and commit <path>', () => {
    const repo = createRepo();
    repo.commit('base', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    repo.write('a.txt', 'A\n');
    repo.write('b.txt', 'B\n');
    repo.git('add', 'a.txt');
    const other = join(repo.dir, '.git', 'next-index-test.lock');
    repo.gitRaw(['read-tree', 'HEAD'], { env: { GIT_INDEX_FILE: other } });
    repo.gitRaw(['update-index', '--add', 'b.txt'], { env: { GIT_INDEX_FILE: other } });
    expect(staged(repo).files.map((f) => f.path)).toEqual(['a.txt']);
    expect(staged(repo, true, { ...repo.env, GIT_INDEX_FILE: other }).files.map((f) => f.path)).toEqual([
      'b.txt',
    ]);
  });

  it('20,000 files in one change', () => {
    const repo = createRepo();
    for (let i = 0; i < 20_000; i++) repo.write(`many/${i % 100}/f${i}.txt`, `${i}\n`);
    repo.git('add', '-A');
    const change = staged(repo, false);
    expect(change.files).toHaveLength(20_000);
    expect(change.files.reduce((sum, file) => sum + file.added, 0)).toBe(20_000);
  }, 60_000);
});

describe('work tree and commits', () => {
  it('the work tree against HEAD includes untracked files but not ignored ones', () => {
    const repo = createRepo();
    repo.commit('base', { 'a.txt': 'a\n', '.gitignore': 'dist/\n' });
    repo.write('a.txt', 'a\nb\n');
    repo.write('new.txt', 'one\ntwo\nthree');
    repo.write('dist/out.js', 'x\n');
    repo.write('blob.bin', Buffer.from([0, 1, 2]));
    const before = snapshot(repo);
    const files = byPath(collectWorktree({ root: repo.dir, hunks: true, env: repo.env }));
    expect(snapshot(repo)).toBe(before);
    expect(Object.keys(files).sort()).toEqual(['a.txt', 'blob.bin', 'new.txt']);
    expect(files['new.txt']).toMatchObject({
      status: 'added',
      added: 3,
      addedLines: [
        { line: 1, text: 'one' },
        { line: 2, text: 'two' },
        { line: 3, text: 'three' },
      ],
    });
    expect(files['blob.bin']).toMatchObject({ binary: true });
  });

  it('a git failure is an error, never an empty history', () => {
    const repo = createRepo();
    repo.commit('base', { 'a.txt': 'a\n' });
    const broken = { ...repo.env, GIT_DIR: join(repo.dir, 'no-such-git-dir') };
    expect(hasHead({ root: repo.dir, env: repo.env })).toBe(true);
    expect(() => hasHead({ root: repo.dir, env: broken })).toThrow(/git rev-parse .* failed/);
  });

  it('the work tree of a repository with no commit yet', () => {
    const repo = createRepo();
    repo.write('a.txt', 'a\n');
    repo.git('add', 'a.txt');
    repo.write('b.txt', 'b\n');
    expect(
      collectWorktree({ root: repo.dir, env: repo.env })
        .files.map((f) => f.path)
        .sort(),
    ).toEqual(['a.txt', 'b.txt']);
  });

  it('each commit of a range, a merge as its diff against the first parent, and the range as a whole', () => {
    const repo = createRepo();
    const base = repo.commit('base', { 'a.txt': 'a\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('feature work', { 'f.txt': 'f1\nf2\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('main work', { 'a.txt': 'a\nmore\n' });
    repo.git('merge', '-q', '--no-ff', 'feature', '-m', 'Merge feature');
    const head = repo.git('rev-parse', 'HEAD').trim();
    const commits = collectCommits([`${base}..${head}`], { root: repo.dir, hunks: true, env: repo.env });
    expect(commits).toHaveLength(3);
    const merge = commits.find((commit) => commit.parents.length === 2)!;
    expect(merge.files).toEqual([expect.objectContaining({ path: 'f.txt', added: 2 })]);
    const whole = collectRange(base, head, { root: repo.dir, env: repo.env });
    expect(byPath(whole)['a.txt']).toMatchObject({ added: 1 });
    expect(byPath(whole)['f.txt']).toMatchObject({ added: 2 });
  });

  it('a root commit in a range compares with the empty tree', () => {
    const repo = createRepo({ objectFormat: 'sha256' });
    const root = repo.commit('root', { 'a.txt': 'a\n' });
    const [commit] = collectCommits([root], { root: repo.dir, env: repo.env });
    expect(commit?.files).toEqual([expect.objectContaining({ path: 'a.txt', status: 'added', added: 1 })]);
    expect(collectRange(undefined, root, { root: repo.dir, env: repo.env }).files).toHaveLength(1);
  });
});
