// The live diff budget: a file tool call whose result would take the uncommitted change (work tree
// and index against HEAD, new files included) past `max-diff-lines` `max` is denied before it lands,
// so an agent commits one bounded step at a time instead of learning of the budget at commit time.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { git } from '../git/exec.js';
import { matchesAny } from '../rules/match.js';
import type { Options as DiffOptions } from '../rules/max-diff-lines.js';
import { patchFiles } from '../shell/apply-patch.js';
import type { Decision, ResolvedPolicy } from '../types.js';
import { absolute } from './guard.js';

/** What a file tool call would leave in one file: its whole new text, or only a count of lines. */
export type PlannedWrite =
  | { path: string; content: string }
  /** A change whose result is not known exactly (a patch): at most this many lines. */
  | { path: string; lines: number };

/** The files a host's file tool call touches, whatever it does to them. */
export function touchedFiles(tool: string, input: Record<string, unknown>, cwd: string): string[] {
  const path = [input.file_path, input.notebook_path].find((value) => typeof value === 'string');
  if (typeof path === 'string') return [absolute(path, cwd)];
  if (tool !== 'apply_patch') return [];
  const patch = [input.input, input.patch, input.command].find((value) => typeof value === 'string');
  if (typeof patch !== 'string') return [];
  return patchFiles(patch).flatMap((file) =>
    [file.path, ...('to' in file && file.to ? [file.to] : [])].map((path) => absolute(path, cwd)),
  );
}

/** The file writes a host's tool input plans, as far as they can be known before it runs. */
export function plannedWrites(tool: string, input: Record<string, unknown>, cwd: string): PlannedWrite[] {
  const path = typeof input.file_path === 'string' ? absolute(input.file_path, cwd) : undefined;
  switch (tool) {
    case 'Write':
      return path && typeof input.content === 'string' ? [{ path, content: input.content }] : [];
    case 'Edit': {
      if (!path || typeof input.old_string !== 'string' || typeof input.new_string !== 'string') return [];
      const current = readText(path);
      if (current === undefined || !current.includes(input.old_string)) return [];
      const content =
        input.replace_all === true
          ? current.split(input.old_string).join(input.new_string)
          : current.replace(input.old_string, () => input.new_string as string);
      return [{ path, content }];
    }
    case 'NotebookEdit': {
      const notebook =
        typeof input.notebook_path === 'string' ? absolute(input.notebook_path, cwd) : undefined;
      const source = typeof input.new_source === 'string' ? input.new_source : '';
      return notebook ? [{ path: notebook, lines: lineCount(source) }] : [];
    }
    case 'apply_patch': {
      const patch = [input.input, input.patch, input.command].find((value) => typeof value === 'string');
      return typeof patch === 'string' ? patchWrites(patch, cwd) : [];
    }
    default:
      return [];
  }
}

/** A patch's files with the lines it adds and removes: an upper bound of what it changes. */
function patchWrites(patch: string, cwd: string): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  let current: { path: string; lines: number } | undefined;
  for (const line of patch.split('\n')) {
    const header = /^\s*\*\*\* (?:Add|Update|Delete) File: (.+?)\s*$/.exec(line);
    if (header) {
      current = { path: absolute(header[1]!, cwd), lines: 0 };
      writes.push(current);
    } else if (current && /^[+-]/.test(line) && !/^\*\*\*/.test(line)) current.lines++;
  }
  return writes;
}

/**
 * The deny for writes that would take the uncommitted change past the budget, or undefined. The
 * rule's `ignore` globs and `binaryCost` count as at commit time; a warn-level rule never denies.
 */
export function liveBudget(
  writes: PlannedWrite[],
  policy: ResolvedPolicy,
  root: string,
  env: NodeJS.ProcessEnv,
): Decision | undefined {
  const setting = policy.rules['max-diff-lines'];
  if (setting?.severity !== 'error' || writes.length === 0) return undefined;
  const options = setting.options as DiffOptions;
  const inside = writes
    .map((write) => ({ ...write, relative: relative(root, write.path) }))
    .filter(
      (write) =>
        write.relative !== '' && !write.relative.startsWith(`..${sep}`) && !isAbsolute(write.relative),
    )
    .filter((write) => !matchesAny(write.relative.split(sep).join('/'), options.ignore));
  if (inside.length === 0) return undefined;
  const current = uncommittedLines(root, env, options);
  let after = current.total;
  for (const write of inside) {
    const key = write.relative.split(sep).join('/');
    const before = current.perFile.get(key) ?? 0;
    const next =
      'content' in write ? changedLines(headText(root, env, key) ?? '', write.content) : before + write.lines;
    after += next - before;
  }
  if (after <= options.max) return undefined;
  const reason =
    `This edit would take the uncommitted change to ${after} lines, past the budget of ${options.max} ` +
    `(max-diff-lines; ${current.total} lines are uncommitted now).`;
  return {
    verdict: 'deny',
    rule: 'max-diff-lines',
    reason,
    alternative: 'Commit what you have as one step first, or ask a human for a larger budget.',
    findings: [{ rule: 'max-diff-lines', severity: 'error', message: reason }],
  };
}

/** Lines added plus deleted, per file, from HEAD to the work tree, untracked files included. */
export function uncommittedLines(
  root: string,
  env: NodeJS.ProcessEnv,
  options: Pick<DiffOptions, 'ignore' | 'binaryCost'>,
): { total: number; perFile: Map<string, number> } {
  const perFile = new Map<string, number>();
  const head = git(['rev-parse', '-q', '--verify', 'HEAD^{tree}'], {
    cwd: root,
    env,
    okStatus: [1],
  }).stdout.trim();
  const base = head || git(['hash-object', '-t', 'tree', '/dev/null'], { cwd: root, env }).stdout.trim();
  const numstat = git(['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', base], {
    cwd: root,
    env,
  }).stdout;
  for (const entry of numstat.split('\0')) {
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(entry);
    if (!match) continue;
    const lines = match[1] === '-' ? options.binaryCost : Number(match[1]) + Number(match[2]);
    perFile.set(match[3]!, lines);
  }
  const untracked = git(['ls-files', '--others', '--exclude-standard', '-z'], { cwd: root, env }).stdout;
  for (const path of untracked.split('\0').filter(Boolean)) {
    const text = readText(resolve(root, path));
    perFile.set(path, text === undefined ? options.binaryCost : lineCount(text));
  }
  let total = 0;
  for (const [path, lines] of perFile) if (!matchesAny(path, options.ignore)) total += lines;
  return { total, perFile };
}

function headText(root: string, env: NodeJS.ProcessEnv, path: string): string | undefined {
  const shown = git(['cat-file', 'blob', `HEAD:${path}`], { cwd: root, env, okStatus: [128] });
  return shown.status === 0 ? shown.stdout : undefined;
}

const MAX_TEXT_BYTES = 8 * 1024 * 1024;

/** A file's text, or undefined when it is missing, too large or binary. */
function readText(path: string): string | undefined {
  try {
    if (!existsSync(path) || statSync(path).size > MAX_TEXT_BYTES) return undefined;
    const text = readFileSync(path, 'utf8');
    return text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}

function lines(text: string): string[] {
  if (text === '') return [];
  const split = text.split('\n');
  if (split[split.length - 1] === '') split.pop();
  return split;
}

function lineCount(text: string): number {
  return lines(text).length;
}

const MAX_EDIT_DISTANCE = 4000;

/**
 * Lines added plus deleted between two texts, as git counts them: the shortest edit script (Myers)
 * after the common head and tail are set aside; past MAX_EDIT_DISTANCE, every line in between.
 */
export function changedLines(before: string, after: string): number {
  const a = lines(before);
  const b = lines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return n + m;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return d;
    }
  }
  return n + m;
}
