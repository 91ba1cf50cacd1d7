// What git knew about the paths a command changed, as of before it ran: tracked or not, ignored or
// not, and with uncommitted changes (their blobs in HEAD and in the index). One `git status` for
// the paths that existed, one `git check-ignore` for the paths the command made: every git
// process costs milliseconds on each contained command.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { GitRunner } from './git-state.js';

export interface WorktreeStatus {
  /** Tracked paths with uncommitted changes: their blobs in HEAD and in the index (zeros: none). */
  dirty: Map<string, { head: string; index: string }>;
  untracked: Set<string>;
  /** Paths git ignores (a folder without its slash): everything under them is ignored too. */
  ignored: string[];
  hasHead: boolean;
  format: 'sha1' | 'sha256';
}

export function emptyStatus(): WorktreeStatus {
  return { dirty: new Map(), untracked: new Set(), ignored: [], hasHead: false, format: 'sha1' };
}

/** Runs a git listing over literal paths, a thousand at a time (argument lists have a limit). */
export function listPaths(run: GitRunner, args: string[], paths: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < paths.length; i += 1000) {
    const spec = paths.slice(i, i + 1000).map((path) => `:(literal)${path}`);
    out.push(
      ...run([...args, '--', ...spec])
        .stdout.split('\0')
        .filter(Boolean),
    );
  }
  return out;
}

/**
 * `git status --porcelain=v2 -z` over the paths: "# branch.oid <oid>|(initial)", changed entries
 * "1 <XY> <sub> <mH> <mI> <mW> <hH> <hI> <path>" (and "u ..." for conflicts, whose blobs are
 * stages), "? <path>" untracked, "! <path>" ignored (a folder with its slash).
 */
export function readStatus(run: GitRunner, paths: string[]): WorktreeStatus {
  const status = emptyStatus();
  const records = listPaths(
    run,
    [
      'status',
      '--porcelain=v2',
      '-z',
      '--branch',
      '--untracked-files=all',
      '--ignored=matching',
      '--no-renames',
    ],
    paths,
  );
  for (const record of records) {
    if (record.startsWith('# branch.oid ')) {
      const oid = record.slice('# branch.oid '.length);
      status.hasHead = oid !== '(initial)';
      if (oid.length === 64) status.format = 'sha256';
    } else if (record.startsWith('1 ')) {
      const fields = record.split(' ');
      status.dirty.set(fields.slice(8).join(' '), { head: fields[6] ?? '', index: fields[7] ?? '' });
    } else if (record.startsWith('u ')) {
      const fields = record.split(' ');
      status.dirty.set(fields.slice(10).join(' '), { head: fields[7] ?? '', index: fields[8] ?? '' });
    } else if (record.startsWith('? ')) status.untracked.add(record.slice(2));
    else if (record.startsWith('! ')) status.ignored.push(record.slice(2).replace(/\/$/, ''));
  }
  return status;
}

export function isIgnored(status: WorktreeStatus, path: string): boolean {
  return status.ignored.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

/** Which of the paths git ignores (folders asked about as folders). */
export function checkIgnored(run: GitRunner, paths: { path: string; dir: boolean }[]): Set<string> {
  if (paths.length === 0) return new Set();
  const input = paths.map(({ path, dir }) => (dir ? `${path}/` : path)).join('\0');
  const out = run(['check-ignore', '-z', '--stdin'], { input, ok: [1] }).stdout;
  return new Set(
    out
      .split('\0')
      .filter(Boolean)
      .map((path) => path.replace(/\/$/, '')),
  );
}

/** The blob id git gives a file's bytes as they are (no clean filters), or undefined when absent. */
export function blobOf(path: string, format: WorktreeStatus['format']): string | undefined {
  let content: Buffer;
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) content = Buffer.from(readlinkSync(path));
    else if (stat.isFile()) content = readFileSync(path);
    else return undefined;
  } catch {
    return undefined;
  }
  return createHash(format === 'sha256' ? 'sha256' : 'sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

/**
 * Tracked files whose uncommitted changes the command overwrote with what git had stored (the
 * index's or HEAD's version), when git's own state did not change: `git show HEAD:f > f`, or a
 * program restoring files. (When git's state changed, git-state.ts reads it with git.)
 */
export function revertedWithoutGit(
  status: WorktreeStatus,
  paths: string[],
  lower: string,
  view: string,
): string[] {
  return paths.filter((path) => {
    const entry = status.dirty.get(path);
    if (!entry) return false;
    const now = blobOf(join(view, path), status.format);
    const was = blobOf(join(lower, path), status.format);
    if (now === undefined || now === was) return false;
    // Back to a stored version, and what was there is not what the index keeps.
    return (now === entry.index || now === entry.head) && was !== entry.index;
  });
}
