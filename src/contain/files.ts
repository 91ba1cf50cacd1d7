// A layer's file effects on a work tree, as the operations the command rules judge: removed paths
// as deletions, emptied files as destroyed content, changed files as edits, new files as
// creations, a removed file whose content reappears elsewhere as a move; a file replaced by a pipe,
// a socket or a device as destroyed content. Content is compared where
// a rule can care, so a file rewritten with the same bytes is no change at all; inside folders git
// ignores (build output, node_modules) only the paths a rule protects are read.
import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Operation, Target } from '../shell/types.js';
import type { LayerEntry } from './backend.js';

type Kind = 'file' | 'dir' | 'symlink' | 'other';

/** One path whose state differs: absent `before` is a creation, absent `after` a removal. */
export interface PathChange {
  path: string;
  before?: Kind;
  after?: Kind;
  /** Inside a folder git ignores. */
  ignored?: boolean;
}

function kindOf(stat: Stats): Kind {
  if (stat.isDirectory()) return 'dir';
  if (stat.isFile()) return 'file';
  if (stat.isSymbolicLink()) return 'symlink';
  return 'other';
}

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

export interface Trees {
  /** The real directory (the state before). */
  lower: string;
  /** The directory as the command left it. */
  view: string;
}

/** Everything under `dir` (relative to it), folders first. */
function walk(dir: string, prefix: string, out: { path: string; kind: Kind }[]): void {
  let names: string[];
  try {
    names = readdirSync(join(dir, prefix));
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const path = `${prefix}/${name}`;
    const stat = lstat(join(dir, path));
    if (!stat) continue;
    out.push({ path, kind: kindOf(stat) });
    if (stat.isDirectory()) walk(dir, path, out);
  }
}

export function sameContent(a: string, b: string): boolean {
  const sa = lstat(a);
  const sb = lstat(b);
  if (!sa || !sb || kindOf(sa) !== kindOf(sb) || sa.mode !== sb.mode) return false;
  if (sa.isSymbolicLink()) return readlinkSync(a) === readlinkSync(b);
  if (!sa.isFile()) return sa.isDirectory();
  if (sa.size !== sb.size) return false;
  return sameBytes(a, b);
}

/** Compares two files of the same size a megabyte at a time (a command may leave huge files). */
function sameBytes(a: string, b: string): boolean {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW;
  const fa = openSync(a, flags);
  let fb: number;
  try {
    fb = openSync(b, flags);
  } catch (error) {
    closeSync(fa);
    throw error;
  }
  try {
    const ba = Buffer.allocUnsafe(1 << 20);
    const bb = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const na = readSync(fa, ba, 0, ba.length, null);
      const nb = readSync(fb, bb, 0, bb.length, null);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/**
 * The change roots of a layer: the highest paths that were created, replaced or removed (a folder
 * made anew counts once, with everything in it). `skip` leaves out paths another reader handles
 * (the git directory).
 */
export function changeRoots(
  entries: LayerEntry[],
  trees: Trees,
  skip: (path: string) => boolean,
): PathChange[] {
  const roots: PathChange[] = [];
  const covered: string[] = [];
  for (const entry of entries) {
    if (skip(entry.path) || covered.some((dir) => entry.path.startsWith(`${dir}/`))) continue;
    const below = lstat(join(trees.lower, entry.path));
    const before = below ? kindOf(below) : undefined;
    if (entry.kind === 'removed') {
      if (before) roots.push({ path: entry.path, before });
      continue;
    }
    if (entry.kind === 'dir') {
      if (before === 'dir' && !entry.opaque) continue;
      covered.push(entry.path);
    }
    const after: Kind = entry.kind === 'dir' ? 'dir' : entry.kind;
    roots.push({ path: entry.path, ...(before ? { before } : {}), after });
  }
  return roots;
}

/**
 * Every path a change root holds, file by file: the folders it made, replaced or removed taken
 * apart; files present before and after compared, and left out when their content is the same.
 * Inside folders git ignores, only the paths `wanted` names are kept (those a rule protects).
 */
export function expandChanges(
  roots: PathChange[],
  trees: Trees,
  wanted: (path: string) => boolean,
): PathChange[] {
  const changes: PathChange[] = [];
  const push = (change: PathChange) => {
    if (change.before !== undefined && change.after !== undefined && change.before === change.after) {
      if (sameContent(join(trees.lower, change.path), join(trees.view, change.path))) return;
    }
    changes.push(change);
  };
  for (const root of roots) {
    const folder = root.before === 'dir' || root.after === 'dir';
    if (!folder) {
      push(root);
      continue;
    }
    const before: { path: string; kind: Kind }[] = [];
    const after: { path: string; kind: Kind }[] = [];
    if (root.before === 'dir') walk(trees.lower, root.path, before);
    else if (root.before) before.push({ path: root.path, kind: root.before });
    if (root.after === 'dir') walk(trees.view, root.path, after);
    else if (root.after) after.push({ path: root.path, kind: root.after });
    const afterKinds = new Map(after.map((entry) => [entry.path, entry.kind]));
    const beforeKinds = new Map(before.map((entry) => [entry.path, entry.kind]));
    const flag = root.ignored ? { ignored: true } : {};
    // A removed folder is judged as one recursive deletion, like `rm -r`.
    if (root.before === 'dir' && root.after !== 'dir')
      changes.push({ path: root.path, before: 'dir', ...flag });
    for (const { path, kind } of before) {
      if (root.before === 'dir' && root.after !== 'dir') break;
      if (kind === 'dir' || afterKinds.has(path)) continue;
      if (!root.ignored || wanted(path)) changes.push({ path, before: kind, ...flag });
    }
    for (const { path, kind } of after) {
      if (kind === 'dir') continue;
      if (root.ignored && !wanted(path)) continue;
      const was = beforeKinds.get(path);
      push({ path, ...(was && was !== 'dir' ? { before: was } : {}), after: kind, ...flag });
    }
  }
  return changes;
}

function target(root: string, path: string): Target {
  return { raw: path, path: join(root, path), glob: false, dynamic: false };
}

/**
 * The operations of a set of changes. `via` names the command in messages. A removed file whose
 * exact content appears at a new or changed path is a move; a file emptied is destroyed content.
 */
export function changeOperations(
  changes: PathChange[],
  trees: Trees,
  root: string,
  via: string,
): Operation[] {
  const operations: Operation[] = [];
  const removed = changes.filter((change) => change.before && !change.after && change.before !== 'dir');
  const written = changes.filter((change) => change.after && change.after !== 'dir');
  const moved = new Set<string>();
  for (const from of removed) {
    if (from.ignored) continue;
    const to = written.find(
      (change) =>
        !moved.has(change.path) &&
        !change.ignored &&
        sameContent(join(trees.lower, from.path), join(trees.view, change.path)),
    );
    if (!to) continue;
    moved.add(to.path);
    moved.add(from.path);
    operations.push({ kind: 'move', from: [target(root, from.path)], to: target(root, to.path), via });
  }
  for (const change of changes) {
    if (moved.has(change.path)) continue;
    if (change.before && (!change.after || change.before !== change.after)) {
      if (!change.after || change.before === 'dir' || change.after === 'dir')
        operations.push({
          kind: 'delete',
          targets: [target(root, change.path)],
          recursive: change.before === 'dir',
          via,
        });
    }
    if (!change.after) continue;
    const before = lstat(join(trees.lower, change.path));
    const after = lstat(join(trees.view, change.path));
    const mode: Extract<Operation, { kind: 'write' }>['mode'] =
      !change.before || change.before === 'dir'
        ? 'create'
        : before?.isFile() &&
            before.size > 0 &&
            ((after?.isFile() && after.size === 0) || change.after === 'other')
          ? 'destroy'
          : 'modify';
    if (change.after === 'dir') continue;
    operations.push({ kind: 'write', target: target(root, change.path), mode, via });
    // A link made by the command leads later writes to where it points: judged as a write there,
    // as the static pass judges `ln -s` (a link to the policy, to .git, out of the project).
    if (change.after === 'symlink' && after) {
      const pointed = linkTarget(join(trees.view, change.path), join(root, change.path));
      if (pointed)
        operations.push({
          kind: 'write',
          target: { raw: pointed, path: pointed, glob: false, dynamic: false },
          mode: 'modify',
          via,
        });
    }
  }
  return operations;
}

/** Where a symbolic link at `real` (read at `seen`) points, as an absolute, normalised path. */
function linkTarget(seen: string, real: string): string | undefined {
  try {
    return resolve(dirname(real), readlinkSync(seen));
  } catch {
    return undefined;
  }
}
