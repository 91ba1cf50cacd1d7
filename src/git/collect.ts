// Change sets from real git, read-only: the staged index (GIT_INDEX_FILE honoured), the work tree
// against HEAD, one commit, and a range (each commit, and the range as a whole). One git process
// lists a whole change set or a whole range; hunks are read only when a content rule asks.
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeSet, FileChange } from '../types.js';
import { git } from './exec.js';
import { type CommitChanges, parseChanges, parseLogChanges } from './parse-changes.js';
import { parseHunks, parseLogPatches } from './parse-hunks.js';

/**
 * Flags for every listing: rename detection, full ids, and every submodule change whatever
 * `diff.ignoreSubmodules` or a `submodule.<name>.ignore` line in .gitmodules (which the change itself
 * may add) says.
 */
const LIST = [
  '-M',
  '--raw',
  '--numstat',
  '-z',
  '--no-abbrev',
  '--no-ext-diff',
  '--no-textconv',
  '--ignore-submodules=none',
];
/**
 * Flags for the hunks, pinned against the repository's config: our prefixes (`diff.noprefix`,
 * `diff.mnemonicPrefix`), no context between hunks (`diff.interHunkContext` would fuse them with
 * context lines), submodules as one `Submodule <path> <old>..<new>` line (`diff.submodule=diff`
 * would print their files' diffs inline).
 */
const PATCH = [
  '-M',
  '-U0',
  '--inter-hunk-context=0',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--ignore-submodules=none',
  '--submodule=short',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];
/**
 * For `git log`: a merge as its diff against its first parent, a root commit against the empty tree
 * whatever `log.showRoot` says, oldest first.
 */
const LOG = ['--diff-merges=first-parent', '--root', '--reverse', '--topo-order', '--no-show-signature'];

export interface CollectOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  /** Read added and removed lines (for the content rules). */
  hunks?: boolean;
}

function run(args: string[], options: CollectOptions): string {
  return git(args, { cwd: options.root, ...(options.env ? { env: options.env } : {}) }).stdout;
}

/** The tree of an empty repository in this repository's object format (SHA-1 or SHA-256). */
export function emptyTree(options: CollectOptions): string {
  return git(['hash-object', '-t', 'tree', '--stdin'], {
    cwd: options.root,
    input: '',
    ...(options.env ? { env: options.env } : {}),
  }).stdout.trim();
}

export function hasHead(options: CollectOptions): boolean {
  return (
    // Exit 1: no commit yet. Any other failure is an error, not an empty history.
    git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
      cwd: options.root,
      okStatus: [1],
      ...(options.env ? { env: options.env } : {}),
    }).status === 0
  );
}

function withHunks(files: FileChange[], patch: string): FileChange[] {
  const lines = parseHunks(patch);
  for (const file of files) {
    const found = lines.get(file.path);
    file.addedLines = found?.addedLines ?? [];
    file.removedLines = found?.removedLines ?? [];
  }
  return files;
}

/** What `git commit` would commit now: the index (or GIT_INDEX_FILE) against HEAD. */
export function collectStaged(options: CollectOptions): ChangeSet {
  // On an unborn branch `git diff --cached` compares with the empty tree by itself.
  const files = parseChanges(run(['diff', '--cached', ...LIST], options));
  if (options.hunks) withHunks(files, run(['diff', '--cached', ...PATCH], options));
  return { source: 'staged', files };
}

/** The work tree against HEAD, untracked files (not ignored) included as added. */
export function collectWorktree(options: CollectOptions): ChangeSet {
  const base = hasHead(options) ? 'HEAD' : emptyTree(options);
  const files = parseChanges(run(['diff', base, ...LIST], options));
  if (options.hunks) withHunks(files, run(['diff', base, ...PATCH], options));
  const untracked = run(['ls-files', '--others', '--exclude-standard', '-z'], options)
    .split('\0')
    .filter(Boolean);
  for (const path of untracked) files.push(untrackedFile(options.root, path, options.hunks ?? false));
  return { source: 'worktree', files };
}

/**
 * Counts an untracked file's lines as git would once it is added: binary when it has a NUL in its
 * first 8000 bytes; a symlink as one line, its target, never the file it points to (which may lie
 * outside the repository, or be /dev/zero).
 */
function untrackedFile(root: string, path: string, hunks: boolean): FileChange {
  const file: FileChange = {
    status: 'added',
    path,
    added: 0,
    deleted: 0,
    binary: false,
    symlink: false,
    submodule: false,
  };
  let text: string;
  try {
    const full = join(root, path);
    const stats = lstatSync(full);
    if (stats.isSymbolicLink()) {
      Object.assign(file, { symlink: true, newMode: '120000' });
      text = readlinkSync(full);
    } else if (stats.isFile()) {
      const content = readFileSync(full);
      if (content.subarray(0, 8000).includes(0)) return { ...file, binary: true };
      text = content.toString('utf8');
    } else if (path.endsWith('/')) {
      // A nested repository, listed as `dir/`: `git add` would add it as a submodule.
      return { ...file, path: path.slice(0, -1), submodule: true, newMode: '160000' };
    } else {
      return file;
    }
  } catch {
    return file; // removed meanwhile
  }
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  file.added = lines.length;
  if (hunks) {
    file.addedLines = lines.map((line, index) => ({ line: index + 1, text: line }));
    file.removedLines = [];
  }
  return file;
}

/**
 * Every commit of a revision range (`['A..B']`, or `[tip, '--not', '--remotes=origin']`), oldest
 * first, each as its own change set. A merge commit's change
 * is its diff against its first parent: what the merge brings into the branch.
 */
export function collectCommits(
  range: string[],
  options: CollectOptions,
): (ChangeSet & { parents: string[] })[] {
  const commits: CommitChanges[] = parseLogChanges(
    run(['log', '--format=%x01%H %P', ...LOG, ...LIST, ...range, '--'], options),
  );
  if (options.hunks) {
    const patches = parseLogPatches(
      run(['log', '--format=%x01%H', ...LOG, ...PATCH, ...range, '--'], options),
    );
    for (const commit of commits) withHunks(commit.files, patches.get(commit.oid) ?? '');
  }
  return commits.map((commit) => ({
    source: 'commit',
    id: commit.oid,
    parents: commit.parents,
    files: commit.files,
  }));
}

/** The range as one change: `base` to `head` (base being the merge-base the caller found). */
export function collectRange(base: string | undefined, head: string, options: CollectOptions): ChangeSet {
  const from = base ?? emptyTree(options);
  const files = parseChanges(run(['diff', from, head, ...LIST, '--'], options));
  if (options.hunks) withHunks(files, run(['diff', from, head, ...PATCH, '--'], options));
  return { source: 'range', id: `${base ?? ''}..${head}`, files };
}
