// Parsers for git's NUL-separated change listings. Pure: git output in, FileChange records out.
//
// `--raw -z` (diff-format(5)): ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0",
// with two paths ("<src>\0<dst>\0") for renames (R<score>) and copies (C<score>).
// `--numstat -z`: "<added>\t<deleted>\t<path>\0", or "<added>\t<deleted>\t\0<src>\0<dst>\0" for
// renames and copies; "-\t-\t" for binary files. Given both flags, git prints every raw record,
// then every numstat record, and with -p one more NUL before the patch text.
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

interface Counts {
  added: number;
  deleted: number;
  binary: boolean;
}

/**
 * Reads the records of one change listing (raw, then numstat) from `text` at `start`, up to the
 * empty field that ends them (the NUL git writes before a patch) or the end of the text. Returns
 * where the records ended, past that empty field.
 */
export function readRecords(text: string, start: number): { files: FileChange[]; end: number } {
  const files: FileChange[] = [];
  const counts = new Map<string, Counts>();
  let pos = start;
  const next = (): string | undefined => {
    if (pos >= text.length) return undefined;
    let stop = text.indexOf('\0', pos);
    if (stop === -1) stop = text.length;
    const token = text.slice(pos, stop);
    pos = stop + 1;
    return token;
  };
  const path = (): string => {
    const token = next();
    if (token === undefined || token === '')
      throw new Error('unexpected git output: a record without its path');
    return token;
  };
  for (;;) {
    let token = next();
    if (token === undefined) break;
    if (token.startsWith('\n')) token = token.slice(1);
    if (token === '') break;
    if (token.startsWith(':')) {
      const [oldMode = '', newMode = '', oldOid = '', newOid = '', code = ''] = token.slice(1).split(' ');
      const letter = code[0] ?? 'M';
      const status = STATUS[letter] ?? 'modified';
      const twoPaths = letter === 'R' || letter === 'C';
      const first = path();
      const mode = status === 'deleted' ? oldMode : newMode;
      const file: FileChange = {
        status,
        path: twoPaths ? path() : first,
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
      if (!/^0+$/.test(oldOid)) file.oldOid = oldOid;
      if (!/^0+$/.test(newOid)) file.newOid = newOid;
      files.push(file);
      continue;
    }
    const numstat = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(token);
    if (!numstat) throw new Error(`unexpected git output: ${JSON.stringify(token.slice(0, 80))}`);
    const [, added, deleted, rest] = numstat as unknown as [string, string, string, string];
    let name = rest;
    if (rest === '') {
      // "<added>\t<deleted>\t\0<src>\0<dst>\0": counts are keyed by the destination.
      path();
      name = path();
    }
    const binary = added === '-';
    counts.set(name, { added: binary ? 0 : Number(added), deleted: binary ? 0 : Number(deleted), binary });
  }
  for (const file of files) {
    const count = counts.get(file.path);
    if (count) Object.assign(file, count);
  }
  return { files, end: pos };
}

/** `git diff --raw --numstat -z` output. */
export function parseChanges(output: string): FileChange[] {
  return readRecords(output, 0).files;
}
