// Change sets from real git, read-only: the staged index (GIT_INDEX_FILE honoured), the work tree
// against HEAD, one commit, and a range (each commit, and the range as a whole). One git process
// lists a whole change set, files and hunks together; a range comes from one streaming `git log`
// that is parsed commit by commit while git writes it. Hunks are asked of git only when a content
// rule is on, and a file's lines are read from them only when a rule asks for that file's.
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangedLine, ChangeSet, FileChange } from '../types.js';
import { git, gitAsync, gitBytes, gitPiped, gitStream, settled } from './exec.js';
import { parseChanges, readRecords } from './parse-changes.js';
import { hunkSections, readHunks } from './parse-hunks.js';
import { CommitSplitter, type LoggedCommit, logFormat, parseLoggedCommit } from './parse-log.js';

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
 * Flags for the hunks, pinned against the repository's config: one line of context (`diff.context`).
 * The lines a diff adds and removes do not depend on the context, except at none: with -U0 git
 * first trims the files' common tail (xdiff-interface.c, `xdi_diff`: "if (!xecfg->ctxlen && ...)
 * trim_common_tail"), which can move a change, so its counts would differ from `git log
 * --numstat`'s. One line keeps git's own diff and the least text to read. Our prefixes
 * (`diff.noprefix`, `diff.mnemonicPrefix`), no extra context between hunks
 * (`diff.interHunkContext`), submodules as one `Submodule <path> <old>..<new>` line
 * (`diff.submodule=diff` would print their files' diffs inline).
 */
const PATCH = [
  '-M',
  '-U1',
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

/**
 * Gives each file its added and removed lines, read from the patch when first asked for: a rule
 * reads the lines of the files it judges (test files, say), and the rest are never built. Each
 * file's `patchText` lets a rule see first whether the lines can hold what it looks for.
 */
function withHunks(files: FileChange[], patch: string): FileChange[] {
  const sections = hunkSections(patch);
  for (const file of files) {
    hunksOf.set(file, { patch, sections: sections.get(file.path) ?? [] });
    Object.defineProperties(file, LAZY_LINES);
  }
  return files;
}

/** Where a file's hunks are in its patch. */
const hunksOf = new WeakMap<FileChange, { patch: string; sections: [number, number][] }>();

function readLines(file: FileChange, key: 'addedLines' | 'removedLines'): ChangedLine[] {
  const lines: ChangedLine[] = [];
  const { patch, sections } = hunksOf.get(file)!;
  const into = key === 'addedLines' ? { addedLines: lines } : { removedLines: lines };
  for (const [start, end] of sections) readHunks(patch, start, end, into);
  return lines;
}

/** A property computed on first read; a later write replaces it like any property. */
function lazyLines(key: 'addedLines' | 'removedLines'): PropertyDescriptor {
  const define = (file: FileChange, value: unknown) =>
    Object.defineProperty(file, key, { value, writable: true, enumerable: true, configurable: true });
  // The same accessors for every file (the file is `this`): one definition costs little.
  return {
    get(this: FileChange) {
      const value = readLines(this, key);
      define(this, value);
      return value;
    },
    set(this: FileChange, value: unknown) {
      define(this, value);
    },
    enumerable: true,
    configurable: true,
  };
}

const LAZY_LINES: PropertyDescriptorMap = {
  addedLines: lazyLines('addedLines'),
  removedLines: lazyLines('removedLines'),
  patchText: {
    get(this: FileChange) {
      const { patch, sections } = hunksOf.get(this)!;
      // Slices of the patch: V8 shares its characters rather than copying them.
      return sections.length === 1
        ? patch.slice(sections[0]![0], sections[0]![1])
        : sections.map(([start, end]) => patch.slice(start, end)).join('');
    },
    enumerable: false,
    configurable: true,
  },
};

/** What `git commit` would commit now: the index (or GIT_INDEX_FILE) against HEAD. */
export function collectStaged(options: CollectOptions): ChangeSet {
  // On an unborn branch `git diff --cached` compares with the empty tree by itself.
  return { source: 'staged', files: listWithHunks(['diff', '--cached'], options) };
}

/** `collectStaged` with git running while the caller goes on (loading the policy, say). */
export async function collectStagedLater(options: CollectOptions): Promise<ChangeSet> {
  const output = await gitAsync(diffArgs(['diff', '--cached'], options), {
    cwd: options.root,
    ...(options.env ? { env: options.env } : {}),
  });
  return { source: 'staged', files: changesOf(output, options) };
}

function diffArgs(command: string[], options: CollectOptions): string[] {
  return [...command, ...LIST, ...(options.hunks ? PATCH : []), '--'];
}

/** One `git diff`'s output: the records, then (when hunks were asked for) a NUL and the patch. */
function changesOf(output: string, options: CollectOptions): FileChange[] {
  if (!options.hunks) return parseChanges(output);
  const { files, end } = readRecords(output, 0);
  return withHunks(files, output.slice(end));
}

function listWithHunks(command: string[], options: CollectOptions): FileChange[] {
  return changesOf(run(diffArgs(command, options), options), options);
}

/** The work tree against HEAD, untracked files (not ignored) included as added. */
export function collectWorktree(options: CollectOptions): ChangeSet {
  const base = hasHead(options) ? 'HEAD' : emptyTree(options);
  const files = listWithHunks(['diff', base], options);
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

export type RangeCommit = ChangeSet & { id: string; parents: string[]; message: string };

function logArgs(range: string[], marker: string, options: CollectOptions): string[] {
  return ['log', '-z', logFormat(marker), ...LOG, ...LIST, ...(options.hunks ? PATCH : []), ...range, '--'];
}

function toRangeCommit(commit: LoggedCommit, hunks: boolean): RangeCommit {
  if (hunks) withHunks(commit.files, commit.patch);
  return {
    source: 'commit',
    id: commit.oid,
    parents: commit.parents,
    message: commit.message,
    files: commit.files,
  };
}

/** A word no commit can know in advance: it marks where each commit starts in the listing. */
function newMarker(): string {
  return `agentpolicy-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/**
 * Every commit of a revision range (`['A..B']`, or `[tip, '--not', '--remotes=origin']`), oldest
 * first, each as its own change set with its message. A merge commit's change is its diff against
 * its first parent: what the merge brings into the branch. `onCommit` gets each commit as soon as
 * git has written it; only one commit is held at a time.
 */
export async function streamCommits(
  range: string[],
  options: CollectOptions,
  onCommit: (commit: RangeCommit) => void,
): Promise<void> {
  const marker = newMarker();
  const splitter = new CommitSplitter(marker);
  const take = (pieces: string[]) => {
    for (const piece of pieces) onCommit(toRangeCommit(parseLoggedCommit(piece), options.hunks ?? false));
  };
  await gitStream(
    logArgs(range, marker, options),
    { cwd: options.root, ...(options.env ? { env: options.env } : {}) },
    (output) => take(splitter.push(output)),
  );
  take(splitter.end());
}

/** `streamCommits`, gathered: for small ranges and tests. */
export function collectCommits(range: string[], options: CollectOptions): RangeCommit[] {
  const marker = newMarker();
  const splitter = new CommitSplitter(marker);
  const output = gitBytes(logArgs(range, marker, options), {
    cwd: options.root,
    ...(options.env ? { env: options.env } : {}),
  }).stdout;
  return [...splitter.push(output), ...splitter.end()].map((piece) =>
    toRangeCommit(parseLoggedCommit(piece), options.hunks ?? false),
  );
}

/** The range as one change: `base` to `head` (base being the merge-base the caller found). */
export function collectRange(base: string | undefined, head: string, options: CollectOptions): ChangeSet {
  const from = base ?? emptyTree(options);
  const files = listWithHunks(['diff', from, head], options);
  return { source: 'range', id: `${base ?? ''}..${head}`, files };
}

/** `collectRange` without hunks, while other work goes on (the range's listing, say). */
export async function listRange(base: string, head: string, options: CollectOptions): Promise<ChangeSet> {
  const output = await gitAsync(['diff', base, head, ...LIST, '--'], {
    cwd: options.root,
    ...(options.env ? { env: options.env } : {}),
  });
  return { source: 'range', id: `${base}..${head}`, files: parseChanges(output) };
}

/**
 * The contents of many blobs from one `git cat-file --batch` (replace refs ignored: what the commits
 * really hold), started at the first id and given the ids as they become known (a range's
 * listing, say), a batch at a time, so git reads them while that work goes on. `read` gives the
 * contents once git is done.
 */
export class BlobReader {
  private input: import('node:stream').Writable | undefined;
  private output: Promise<Buffer> | undefined;
  private readonly asked = new Set<string>();
  private pending: string[] = [];

  constructor(private readonly options: CollectOptions) {}

  want(oid: string): void {
    if (this.asked.has(oid)) return;
    this.asked.add(oid);
    this.pending.push(oid);
    if (!this.input) {
      const started = gitPiped(['--no-replace-objects', 'cat-file', '--batch'], {
        cwd: this.options.root,
        ...(this.options.env ? { env: this.options.env } : {}),
      });
      this.input = started.input;
      this.output = settled(started.output);
    }
    if (this.pending.length >= BLOB_BATCH) this.flush();
  }

  private flush(): void {
    if (this.pending.length) this.input?.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
  }

  /** No more ids: git answers the ones it has and ends. */
  end(): void {
    if (!this.input || this.input.writableEnded) return;
    this.flush();
    this.input.end();
  }

  async read(): Promise<Map<string, string>> {
    this.end();
    return this.output ? parseBatch(await this.output) : new Map();
  }
}

/** Ids written to `cat-file --batch` at a time: each write wakes git, which costs. */
const BLOB_BATCH = 64;

/** `cat-file --batch` output, per id: "<oid> blob <size>\n<size bytes>\n", or "<id> missing\n". */
function parseBatch(out: Buffer): Map<string, string> {
  const blobs = new Map<string, string>();
  let pos = 0;
  while (pos < out.length) {
    const newline = out.indexOf(10, pos);
    if (newline === -1) break;
    const [oid = '', type, size] = out.subarray(pos, newline).toString('utf8').split(' ');
    pos = newline + 1;
    if (size === undefined) continue; // "<id> missing"
    const end = pos + Number(size);
    if (type === 'blob') blobs.set(oid, out.subarray(pos, end).toString('utf8'));
    pos = end + 1;
  }
  return blobs;
}
