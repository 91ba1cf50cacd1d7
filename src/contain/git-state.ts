// A command's effects on git's state, read by comparing the repository before the command (the
// real one) with the repository as the command left it (seen through the held run): refs moved or
// deleted and whether their commits survive, stash entries dropped, reflogs cut, objects pruned,
// config and hooks changed, uncommitted work overwritten, and the commits it created.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../git/exec.js';
import type { GitEffect } from '../types.js';

export interface GitPlaces {
  /** Top of the work tree. */
  root: string;
  gitDir: string;
  commonDir: string;
}

/** Runs git on one side: before the command (the real repository) or after (the held view). */
export type GitRunner = (
  args: string[],
  options?: { input?: string; ok?: number[] },
) => { stdout: string; status: number };

export function gitRunner(places: GitPlaces, env: NodeJS.ProcessEnv): GitRunner {
  // The objects as stored: a replace ref the command added must not change what is judged.
  const gitEnv: NodeJS.ProcessEnv = {
    ...env,
    GIT_DIR: places.gitDir,
    GIT_WORK_TREE: places.root,
    GIT_NO_REPLACE_OBJECTS: '1',
  };
  delete gitEnv.GIT_COMMON_DIR;
  delete gitEnv.GIT_INDEX_FILE;
  return (args, options = {}) =>
    git(args, {
      cwd: places.root,
      env: gitEnv,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.ok ? { okStatus: options.ok } : {}),
    });
}

export interface RefState {
  refs: Map<string, string>;
  /** The ref HEAD points to, or undefined when detached. */
  headRef?: string;
  head?: string;
}

const ZERO = /^0+$/;

export function readRefs(run: GitRunner, gitDir: string): RefState {
  const refs = new Map<string, string>();
  // "<oid> <refname>" per line.
  for (const line of run(['for-each-ref', '--format=%(objectname) %(refname)']).stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  const state: RefState = { refs };
  let head = '';
  try {
    head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return state;
  }
  if (head.startsWith('ref: ')) {
    state.headRef = head.slice(5);
    const oid = refs.get(state.headRef);
    if (oid) state.head = oid;
  } else if (/^[0-9a-f]{40,64}$/.test(head)) state.head = head;
  return state;
}

/** The oids of a reflog, oldest first: each line is "<old> <new> <who> <when>\t<message>". */
export function readReflog(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[1] ?? '')
    .filter((oid) => oid && !ZERO.test(oid));
}

/** Local refs whose commits matter: branches, tags and a detached HEAD (remote-tracking refs do not). */
function judgedRefs(state: RefState): Map<string, string> {
  const judged = new Map<string, string>();
  for (const [ref, oid] of state.refs)
    if (ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')) judged.set(ref, oid);
  if (!state.headRef && state.head) judged.set('HEAD', state.head);
  return judged;
}

/** What keeps commits: every ref but the stash (an entry there is not a branch), and HEAD. */
function tips(state: RefState): string[] {
  const kept = [...state.refs].filter(([ref]) => ref !== 'refs/stash').map(([, oid]) => oid);
  return [...new Set([...kept, ...(state.head ? [state.head] : [])])];
}

export interface RefEffectInput {
  before: RefState;
  after: RefState;
  /** git run on the repository as the command left it (it holds every object either side has). */
  afterGit: GitRunner;
  /** The work tree as the command left it. */
  view: string;
}

function count(run: GitRunner, from: string, exclude: string[]): number {
  // Revisions read with --stdin ignore a --not before it: each carries its own ^.
  const result = run(['rev-list', '--count', from, '--stdin'], {
    input: exclude.map((oid) => `^${oid}\n`).join(''),
    ok: [128],
  });
  // The commits are gone from the object store: everything on them is lost.
  if (result.status !== 0) return 1;
  return Number(result.stdout.trim()) || 0;
}

/** Whether every commit dropped from `from` survives: rebased (an equivalent patch), or amended. */
function rewritten(run: GitRunner, from: string, to: string): boolean {
  const cherry = run(['cherry', to, from], { ok: [1, 128] });
  if (cherry.status !== 0) return false;
  const lines = cherry.stdout.split('\n').filter(Boolean);
  if (lines.every((line) => line.startsWith('- '))) return true;
  // An amend: the old tip alone is dropped, and the new one has the same parents.
  const parents = (oid: string) => run(['rev-parse', `${oid}^@`], { ok: [128] }).stdout.trim();
  return lines.length === 1 && parents(from) === parents(to);
}

/** The blobs of `paths` in a commit (absent paths left out). */
function blobsAt(run: GitRunner, commit: string, paths: string[]): Map<string, string> {
  const blobs = new Map<string, string>();
  // "<mode> SP <type> SP <oid> TAB <path>" NUL-terminated.
  const out = run(['ls-tree', '-z', commit, '--', ...paths.map((path) => `:(literal)${path}`)], {
    ok: [128],
  });
  for (const record of out.stdout.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab > 0) blobs.set(record.slice(tab + 1), record.slice(0, tab).split(' ')[2] ?? '');
  }
  return blobs;
}

/** The blobs the work tree holds at `paths` (absent files left out), hashed as `git add` would. */
export function worktreeBlobs(run: GitRunner, root: string, paths: string[]): Map<string, string> {
  const present = paths.filter((path) => {
    try {
      return lstatSync(join(root, path)).isFile();
    } catch {
      return false;
    }
  });
  const blobs = new Map<string, string>();
  if (present.length === 0) return blobs;
  const out = run(['hash-object', '--stdin-paths'], { input: `${present.join('\n')}\n` }).stdout.split('\n');
  for (const [at, path] of present.entries()) blobs.set(path, out[at] ?? '');
  return blobs;
}

/** The blobs the index holds at `paths`: "<mode> <oid> <stage>\t<path>" records. */
export function indexBlobs(run: GitRunner, paths?: string[]): Map<string, string> {
  const blobs = new Map<string, string>();
  const spec = paths ? ['--', ...paths.map((path) => `:(literal)${path}`)] : [];
  for (const record of run(['ls-files', '-s', '-z', ...spec]).stdout.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab > 0) blobs.set(record.slice(tab + 1), record.split(' ')[1] ?? '');
  }
  return blobs;
}

function sameBlobs(a: Map<string, string>, b: Map<string, string>, paths: string[]): boolean {
  return paths.every((path) => a.get(path) === b.get(path));
}

/** Changed paths between two commits. */
function changedPaths(run: GitRunner, from: string, to: string): string[] | undefined {
  const out = run(['diff', '--name-only', '-z', '--no-renames', from, to], { ok: [128] });
  return out.status === 0 ? out.stdout.split('\0').filter(Boolean) : undefined;
}

/** Whether the work of a branch moved back is still in the index or the work tree (a soft or mixed reset). */
function leftInPlace(run: GitRunner, view: string, from: string, to: string): boolean {
  const paths = changedPaths(run, to, from);
  if (paths === undefined) return false;
  if (paths.length === 0) return true;
  const wanted = blobsAt(run, from, paths);
  return (
    sameBlobs(indexBlobs(run, paths), wanted, paths) ||
    sameBlobs(worktreeBlobs(run, view, paths), wanted, paths)
  );
}

export function refEffects({ before, after, afterGit, view }: RefEffectInput): GitEffect[] {
  const effects: GitEffect[] = [];
  const old = judgedRefs(before);
  const now = judgedRefs(after);
  const remaining = tips(after);
  for (const [ref, from] of old) {
    const to = now.get(ref);
    if (to === from) continue;
    if (to !== undefined) {
      const ancestor = afterGit(['merge-base', '--is-ancestor', from, to], { ok: [1, 128] }).status === 0;
      if (ancestor) continue;
    }
    const lost = count(afterGit, from, remaining);
    if (lost === 0) continue;
    const checkedOut = ref === before.headRef || ref === 'HEAD';
    const kept =
      to !== undefined &&
      (rewritten(afterGit, from, to) ||
        (checkedOut && after.headRef === before.headRef && leftInPlace(afterGit, view, from, to)));
    effects.push({ kind: 'ref-moved', ref, from, ...(to !== undefined ? { to } : {}), lost, kept });
  }
  return effects;
}

/** Stash entries gone from the stash's reflog, unless their changes are in the work tree now. */
export function stashEffects(
  beforeLog: string[],
  afterLog: string[],
  afterGit: GitRunner,
  view: string,
): GitEffect[] {
  const remaining = new Set(afterLog);
  let dropped = 0;
  for (const entry of beforeLog) {
    if (remaining.has(entry)) continue;
    // `git stash pop`: the entry goes once its changes are applied to the work tree.
    const paths = changedPaths(afterGit, `${entry}^1`, entry);
    const applied =
      paths !== undefined &&
      paths.length > 0 &&
      sameBlobs(worktreeBlobs(afterGit, view, paths), blobsAt(afterGit, entry, paths), paths);
    if (!applied) dropped++;
  }
  return dropped ? [{ kind: 'stash-dropped', count: dropped }] : [];
}

/** Reflog entries removed from a ref that still exists (`git reflog expire`, `reflog delete`). */
export function reflogEffects(
  changed: string[],
  before: string,
  after: string,
  refsAfter: RefState,
): GitEffect[] {
  const effects: GitEffect[] = [];
  for (const path of changed) {
    if (!path.startsWith('logs/') || path === 'logs/refs/stash') continue;
    const ref = path.slice('logs/'.length);
    if (ref !== 'HEAD' && !refsAfter.refs.has(ref)) continue; // a deleted or renamed ref: judged as a ref
    let old = '';
    let now = '';
    try {
      old = readFileSync(join(before, path), 'utf8');
    } catch {
      continue;
    }
    try {
      now = readFileSync(join(after, path), 'utf8');
    } catch {
      now = '';
    }
    if (now.startsWith(old)) continue;
    const kept = new Set(now.split('\n'));
    const removed = old.split('\n').filter((line) => line && !kept.has(line)).length;
    if (removed) effects.push({ kind: 'reflog-cut', ref, entries: removed });
  }
  return effects;
}

/** `git config --file <path> --list -z`: "key\nvalue\0" records. */
export function readConfig(run: GitRunner, path: string): string[] {
  try {
    lstatSync(path);
  } catch {
    return [];
  }
  return run(['config', '--file', path, '--list', '-z'], { ok: [1] })
    .stdout.split('\0')
    .filter(Boolean);
}

export function configEffects(before: string[], after: string[]): GitEffect[] {
  const effects: GitEffect[] = [];
  const split = (record: string) => {
    const newline = record.indexOf('\n');
    return newline === -1
      ? { key: record.toLowerCase() }
      : { key: record.slice(0, newline).toLowerCase(), value: record.slice(newline + 1) };
  };
  const remaining = [...before];
  for (const record of after) {
    const at = remaining.indexOf(record);
    if (at !== -1) {
      remaining.splice(at, 1);
      continue;
    }
    const { key, value } = split(record);
    effects.push({ kind: 'config-changed', key, ...(value !== undefined ? { value } : {}) });
  }
  for (const record of remaining) {
    const { key } = split(record);
    if (!effects.some((effect) => effect.kind === 'config-changed' && effect.key === key))
      effects.push({ kind: 'config-changed', key });
  }
  return effects;
}
