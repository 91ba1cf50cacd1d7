// Change sets that the repository's own git settings and the files' content cannot thin out: each
// case below made collection miss lines, files or whole commits (a pass where a rule should fire)
// or put findings on the wrong line, before collect.ts pinned the flags it depends on.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectCommits, collectStaged, collectWorktree } from '../../src/git/collect.js';
import type { ChangeSet } from '../../src/types.js';
import { createRepo, snapshot, type TestRepo } from '../helpers/repo.js';

function unchanged<T>(repo: TestRepo, collect: () => T): T {
  const before = snapshot(repo);
  const result = collect();
  expect(snapshot(repo)).toBe(before);
  return result;
}

function staged(repo: TestRepo): ChangeSet {
  return unchanged(repo, () => collectStaged({ root: repo.dir, hunks: true, env: repo.env }));
}

/** A repository whose submodule `vendor/inner` has a new commit staged. */
function repoWithSubmoduleBump(): TestRepo {
  const inner = createRepo();
  inner.commit('inner', { 'x.txt': 'x\n' });
  const repo = createRepo();
  repo.commit('base', { 'a.txt': 'a\n' });
  repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner.dir, 'vendor/inner');
  repo.git('commit', '-q', '-m', 'add the submodule');
  inner.commit('inner 2', { 'x.txt': 'y\n' });
  repo.gitRaw(['-c', 'protocol.file.allow=always', 'pull', '-q'], { cwd: join(repo.dir, 'vendor/inner') });
  repo.git('add', 'vendor/inner');
  return repo;
}

describe('git settings of the repository', () => {
  it.each([
    ['diff.interHunkContext', '5'],
    ['diff.context', '7'],
  ])('%s=%s keeps the new-file line numbers of added lines', (key, value) => {
    const repo = createRepo();
    repo.commit('base', { 'a.txt': 'a\nb\nc\nd\ne\n' });
    repo.git('config', key, value);
    repo.write('a.txt', 'A\nb\nc\nd\nE\n');
    repo.git('add', '-A');
    const [file] = staged(repo).files;
    expect(file?.addedLines).toEqual([
      { line: 1, text: 'A' },
      { line: 5, text: 'E' },
    ]);
    expect(file?.removedLines).toEqual([
      { line: 1, text: 'a' },
      { line: 5, text: 'e' },
    ]);
  });

  it('log.showRoot=false still lists the files of a root commit', () => {
    const repo = createRepo();
    const root = repo.commit('root', { 'a.txt': 'a\n' });
    repo.git('config', 'log.showRoot', 'false');
    const [commit] = unchanged(repo, () =>
      collectCommits([root], { root: repo.dir, hunks: true, env: repo.env }),
    );
    expect(commit?.files).toEqual([
      expect.objectContaining({ path: 'a.txt', status: 'added', addedLines: [{ line: 1, text: 'a' }] }),
    ]);
  });

  it.each([
    [
      'submodule.<name>.ignore=all in .gitmodules',
      ['config', '-f', '.gitmodules', 'submodule.vendor/inner.ignore', 'all'],
    ],
    ['diff.ignoreSubmodules=all', ['config', 'diff.ignoreSubmodules', 'all']],
  ])('%s does not hide a submodule bump', (_name, setting) => {
    const repo = repoWithSubmoduleBump();
    repo.git(...setting);
    repo.git('add', '-A');
    const staged = collectStaged({ root: repo.dir, hunks: true, env: repo.env });
    expect(staged.files).toContainEqual(
      expect.objectContaining({ path: 'vendor/inner', status: 'modified', submodule: true }),
    );
    // `git commit` itself believes the setting and would find nothing to commit.
    repo.git('-c', 'diff.ignoreSubmodules=none', 'commit', '-q', '-m', 'bump');
    const [commit] = collectCommits(['HEAD~1..HEAD'], { root: repo.dir, hunks: true, env: repo.env });
    expect(commit?.files).toContainEqual(
      expect.objectContaining({ path: 'vendor/inner', status: 'modified', submodule: true }),
    );
  });

  it('diff.submodule=diff does not pour the submodule into the lines of other files', () => {
    const repo = repoWithSubmoduleBump();
    repo.git('config', 'diff.submodule', 'diff');
    repo.write('a.txt', 'a\nb\n');
    repo.git('add', '-A');
    const files = staged(repo).files;
    expect(files.find((file) => file.path === 'a.txt')?.addedLines).toEqual([{ line: 2, text: 'b' }]);
  });
});

describe('file content', () => {
  it.each([
    ['a \\x01 inside a line', 'foo\x01bar'],
    ['a \\x01 then a commit-like id', `x\x01${'0'.repeat(40)}`],
    ['a NUL after the first 8,000 bytes', `${'t'.repeat(9000)}\0`],
  ])('%s in a commit of a range hides no later line', (_name, line) => {
    const repo = createRepo();
    const base = repo.commit('base', { 'a.txt': 'x\n' });
    repo.commit('two', { 'a.txt': `x\n${line}\nSECRET\n`, 'b.txt': 'later\n' });
    const [commit] = collectCommits([`${base}..HEAD`], { root: repo.dir, hunks: true, env: repo.env });
    const lines = Object.fromEntries(commit!.files.map((file) => [file.path, file.addedLines]));
    expect(lines['a.txt']?.map((added) => added.line)).toEqual([2, 3]);
    expect(lines['a.txt']?.[1]).toEqual({ line: 3, text: 'SECRET' });
    expect(lines['b.txt']).toEqual([{ line: 1, text: 'later' }]);
  });
});

describe('untracked files in the work tree', () => {
  it('an untracked symlink is a one-line symlink, never the file it points to', () => {
    const repo = createRepo();
    repo.commit('base', { 'a.txt': 'a\n' });
    const outside = join(repo.home, 'outside.txt');
    writeFileSync(outside, 'one\ntwo\nthree\n');
    symlinkSync(outside, join(repo.dir, 'link'));
    symlinkSync('/dev/zero', join(repo.dir, 'endless'));
    const files = unchanged(repo, () =>
      collectWorktree({ root: repo.dir, hunks: true, env: repo.env }),
    ).files;
    expect(files.find((file) => file.path === 'link')).toMatchObject({
      status: 'added',
      symlink: true,
      newMode: '120000',
      added: 1,
      addedLines: [{ line: 1, text: outside }],
    });
    expect(files.find((file) => file.path === 'endless')).toMatchObject({ symlink: true, added: 1 });
  });

  it('an untracked nested repository is a submodule to be', () => {
    const repo = createRepo();
    repo.commit('base', { 'a.txt': 'a\n' });
    repo.gitRaw(['init', '-q', 'nested']);
    repo.write('nested/x.txt', 'x\n');
    const files = unchanged(repo, () => collectWorktree({ root: repo.dir, env: repo.env })).files;
    expect(files).toEqual([
      expect.objectContaining({ path: 'nested', status: 'added', submodule: true, newMode: '160000' }),
    ]);
  });
});
