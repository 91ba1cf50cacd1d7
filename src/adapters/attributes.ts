// Files a team has marked as not its own to review, in .gitattributes (gitattributes(5), GitHub's
// linguist overrides): `linguist-vendored`, `linguist-generated`, and `-diff` (or the `binary`
// macro). The size and suppression rules leave such files out; every other rule (protected paths,
// deletions, forbidden content) still judges them. The .gitattributes read is the one committed
// in the commit whose policy judges (never the work tree, the index or the change being judged),
// and only at the top of the tree: a change cannot exempt itself.
import { commitTree } from '../config/tree.js';
import type { RepositoryLocation } from '../git/locate.js';
import { unquotePath } from '../git/parse-hunks.js';
import { matchesAny } from '../rules/match.js';
import type { ChangeSet } from '../types.js';

interface Line {
  glob: string;
  /** For each attribute the line sets (true) or unsets (false). */
  vendored?: boolean;
  generated?: boolean;
  nodiff?: boolean;
}

function state(token: string, name: string): boolean | undefined {
  if (token === name || token === `${name}=true`) return true;
  if (token === `-${name}` || token === `!${name}` || token === `${name}=false`) return false;
  return undefined;
}

/** A pattern as a glob: with a slash before its end it is anchored at the top, else any depth. */
function globOf(pattern: string): string | undefined {
  if (pattern.startsWith('!') || pattern.endsWith('/')) return undefined; // never matches a file
  const anchored = pattern.replace(/^\//, '');
  return pattern.slice(0, -1).includes('/') ? anchored : `**/${anchored}`;
}

/** The lines of a .gitattributes file that say something about these attributes. */
export function parseAttributes(text: string): Line[] {
  const lines: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('[attr]')) continue;
    const quoted = line.startsWith('"') ? /^("(?:[^"\\]|\\.)*")\s*(.*)$/.exec(line) : undefined;
    const [pattern, rest] = quoted
      ? [unquotePath(quoted[1]!), quoted[2]!]
      : [line.split(/\s+/)[0]!, line.slice(line.split(/\s+/)[0]!.length)];
    const glob = globOf(pattern);
    if (!glob) continue;
    const entry: Line = { glob };
    for (const token of rest.trim().split(/\s+/)) {
      const vendored = state(token, 'linguist-vendored');
      const generated = state(token, 'linguist-generated');
      const diff = token === 'binary' ? false : state(token, 'diff');
      if (vendored !== undefined) entry.vendored = vendored;
      if (generated !== undefined) entry.generated = generated;
      if (diff !== undefined) entry.nodiff = !diff;
    }
    if (entry.vendored !== undefined || entry.generated !== undefined || entry.nodiff !== undefined)
      lines.push(entry);
  }
  return lines;
}

/** Whether a path is vendored, generated or not diffed: for each attribute the last line matching wins. */
export function isGeneratedBy(lines: Line[]): (path: string) => boolean {
  if (lines.length === 0) return () => false;
  return (path) => {
    let vendored = false;
    let generated = false;
    let nodiff = false;
    for (const line of lines) {
      if (!matchesAny(path, [line.glob])) continue;
      vendored = line.vendored ?? vendored;
      generated = line.generated ?? generated;
      nodiff = line.nodiff ?? nodiff;
    }
    return vendored || generated || nodiff;
  };
}

/** The test of the .gitattributes committed at `commit`; nothing is exempt when it cannot be read. */
export function generatedAt(
  location: RepositoryLocation,
  commit: string | undefined,
): (path: string) => boolean {
  if (!commit) return () => false;
  try {
    const text = commitTree(location.root, location.commonDir, commit).read('.gitattributes');
    return isGeneratedBy(parseAttributes(text ?? ''));
  } catch {
    return () => false;
  }
}

/** Marks the files of a change set that the attributes exempt from the size and suppression rules. */
export function markGenerated(change: ChangeSet, isGenerated: (path: string) => boolean): void {
  for (const file of change.files)
    if (isGenerated(file.path) && (file.oldPath === undefined || isGenerated(file.oldPath)))
      file.generated = true;
}
