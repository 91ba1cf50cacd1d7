// Parsers for git's NUL-separated change listings. Pure: git output in, FileChange records out.
//
// `--raw -z` (diff-format(5)): ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0",
// with two paths ("<src>\0<dst>\0") for renames (R<score>) and copies (C<score>).
// `--numstat -z`: "<added>\t<deleted>\t<path>\0", or "<added>\t<deleted>\t\0<src>\0<dst>\0" for
// renames and copies; "-\t-\t" for binary files. Given both flags, git prints every raw record,
// then every numstat record. `git log -z --format=%x01%H %P` puts "\x01<oid> <parents>\0\n" before
// each commit's records.
import type { FileChange, FileStatus } from '../types.js';

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
  U: 'unmerged',
};

export interface CommitChanges {
  oid: string;
  parents: string[];
  files: FileChange[];
}

interface Counts {
  added: number;
  deleted: number;
  binary: boolean;
}

/** Parses the records of one change listing (raw + numstat) starting at `tokens[start]`. */
function parseRecords(tokens: string[], start: number): { files: FileChange[]; next: number } {
  const files: FileChange[] = [];
  const counts = new Map<string, Counts>();
  let i = start;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!.startsWith('\n') ? tokens[i]!.slice(1) : tokens[i]!;
    if (token.startsWith('\x01')) break;
    if (token === '') continue;
    if (token.startsWith(':')) {
      const [oldMode = '', newMode = '', , , code = ''] = token.slice(1).split(' ');
      const letter = code[0] ?? 'M';
      const status = STATUS[letter] ?? 'modified';
      const twoPaths = letter === 'R' || letter === 'C';
      const first = tokens[++i]!;
      const path = twoPaths ? tokens[++i]! : first;
      const mode = status === 'deleted' ? oldMode : newMode;
      const file: FileChange = {
        status,
        path,
        added: 0,
        deleted: 0,
        binary: false,
        symlink: mode === '120000',
        submodule: mode === '160000' || oldMode === '160000',
      };
      if (twoPaths) file.oldPath = first;
      if (twoPaths && code.length > 1) file.similarity = Number(code.slice(1));
      if (oldMode !== '000000') file.oldMode = oldMode;
      if (newMode !== '000000') file.newMode = newMode;
      files.push(file);
      continue;
    }
    const numstat = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(token);
    if (!numstat) throw new Error(`unexpected git output: ${JSON.stringify(token.slice(0, 80))}`);
    const [, added, deleted, rest] = numstat as unknown as [string, string, string, string];
    let path = rest;
    if (rest === '') {
      // "<added>\t<deleted>\t\0<src>\0<dst>\0": counts are keyed by the destination.
      i += 2;
      path = tokens[i]!;
    }
    const binary = added === '-';
    counts.set(path, { added: binary ? 0 : Number(added), deleted: binary ? 0 : Number(deleted), binary });
  }
  for (const file of files) {
    const count = counts.get(file.path);
    if (count) Object.assign(file, count);
  }
  return { files, next: i };
}

/** `git diff --raw --numstat -z` output. */
export function parseChanges(output: string): FileChange[] {
  return parseRecords(output.split('\0'), 0).files;
}

/** `git log -z --raw --numstat --format=%x01%H %P` output: one entry per commit, in log order. */
export function parseLogChanges(output: string): CommitChanges[] {
  const tokens = output.split('\0');
  const commits: CommitChanges[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!.replace(/^\n/, '');
    if (!token.startsWith('\x01')) {
      i++;
      continue;
    }
    const [oid = '', ...parents] = token.slice(1).trim().split(' ').filter(Boolean);
    const { files, next } = parseRecords(tokens, i + 1);
    commits.push({ oid, parents, files });
    i = next;
  }
  return commits;
}
