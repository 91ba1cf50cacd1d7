// Added and removed lines from `git diff -U1 --src-prefix=a/ --dst-prefix=b/` output, keyed by the
// new path (the old path for deleted files). Pure. Headers name files as `+++ b/<path>`, where git
// C-quotes a path holding a quote, a backslash or a control character (`+++ "b/a\"b"`) and ends
// the line with a TAB when the path holds a space; `+++ /dev/null` marks a deletion.
import type { ChangedLine } from '../types.js';

export interface FileLines {
  addedLines: ChangedLine[];
  removedLines: ChangedLine[];
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of a path: `"a\tb\303\274"` → `a<TAB>bü`. */
export function unquotePath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"')) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function headerPath(line: string, prefix: string): string | undefined {
  const raw = line.slice(4).replace(/\t$/, '');
  if (raw === '/dev/null') return undefined;
  const path = unquotePath(raw);
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

const PLUS = 43;
const MINUS = 45;
const SPACE = 32;
const CR = 13;

/**
 * The text of the hunk line at `start`..`end` without its `+`/`-` and without the CR of a CRLF
 * file, so `$` in a rule matches.
 */
function lineText(patch: string, start: number, end: number): string {
  return patch.slice(start + 1, end > start + 1 && patch.charCodeAt(end - 1) === CR ? end - 1 : end);
}

/**
 * Where each file's hunks are in a patch, by path: the text after its `+++` header up to the next
 * `diff --git` line (a content line starts with `+`, `-`, ` ` or `\\`, so only a header can). Only
 * the headers are read: the hunks wait until a rule asks for them (`readHunks`). A path can have
 * two sections (a file replaced by a symlink: a deletion and an addition).
 */
export function hunkSections(patch: string): Map<string, [number, number][]> {
  const sections = new Map<string, [number, number][]>();
  let start = patch.startsWith('diff --git ') ? 0 : patch.indexOf('\ndiff --git ') + 1;
  if (start === 0 && !patch.startsWith('diff --git ')) return sections;
  for (;;) {
    const next = patch.indexOf('\ndiff --git ', start);
    const end = next === -1 ? patch.length : next + 1;
    let oldPath: string | undefined;
    // The header lines, up to `+++ ` (no `+++ `: a binary file, a mode change, a pure rename).
    for (let pos = patch.indexOf('\n', start) + 1; pos > 0 && pos < end; ) {
      let lineEnd = patch.indexOf('\n', pos);
      if (lineEnd === -1 || lineEnd > end) lineEnd = end;
      if (patch.startsWith('@@ ', pos)) break;
      if (patch.startsWith('--- ', pos)) oldPath = headerPath(patch.slice(pos, lineEnd), 'a/');
      else if (patch.startsWith('+++ ', pos)) {
        const path = headerPath(patch.slice(pos, lineEnd), 'b/') ?? oldPath;
        if (path !== undefined) {
          const list = sections.get(path) ?? [];
          list.push([lineEnd + 1, end]);
          sections.set(path, list);
        }
        break;
      }
      pos = lineEnd + 1;
    }
    if (next === -1) break;
    start = next + 1;
  }
  return sections;
}

/**
 * The added and removed lines of hunks at `start`..`end` (those of the lists `into` has), walked
 * by position: only the lines asked for become strings; the others cost a look at one character.
 */
export function readHunks(
  patch: string,
  start: number,
  end: number,
  into: Partial<FileLines> = { addedLines: [], removedLines: [] },
): Partial<FileLines> {
  const { addedLines: added, removedLines: removed } = into;
  let oldLine = 0;
  let newLine = 0;
  for (let pos = start; pos < end; ) {
    let lineEnd = patch.indexOf('\n', pos);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    const first = patch.charCodeAt(pos);
    if (first === PLUS) {
      if (added) added.push({ line: newLine, text: lineText(patch, pos, lineEnd) });
      newLine++;
    } else if (first === MINUS) {
      if (removed) removed.push({ line: oldLine, text: lineText(patch, pos, lineEnd) });
      oldLine++;
    } else if (first === SPACE) {
      // A context line: it moves both line numbers on.
      oldLine++;
      newLine++;
    } else if (patch.startsWith('@@ ', pos)) {
      const match = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(patch.slice(pos, lineEnd));
      oldLine = Number(match?.[1] ?? 0);
      newLine = Number(match?.[2] ?? 0);
    }
    pos = lineEnd + 1;
  }
  return into;
}

/** Every file's added and removed lines, read at once. */
export function parseHunks(patch: string): Map<string, FileLines> {
  const files = new Map<string, FileLines>();
  for (const [path, sections] of hunkSections(patch)) {
    const lines: FileLines = { addedLines: [], removedLines: [] };
    for (const [start, end] of sections) readHunks(patch, start, end, lines);
    files.set(path, lines);
  }
  return files;
}

/**
 * Splits `git log --format=%x01%H -p` output by commit. A \x01 counts only at the start of a line:
 * inside a patch every line starts with a header word, `+`, `-`, ` ` or `\`, and git C-quotes a
 * control character in a path, so a \x01 in a file's content cannot start a commit of its own.
 */
export function parseLogPatches(output: string): Map<string, string> {
  const byCommit = new Map<string, string>();
  for (const chunk of `\n${output}`.split('\n\x01').slice(1)) {
    const newline = chunk.indexOf('\n');
    byCommit.set(
      chunk.slice(0, newline === -1 ? undefined : newline).trim(),
      newline === -1 ? '' : chunk.slice(newline + 1),
    );
  }
  return byCommit;
}
