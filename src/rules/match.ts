// Glob matching for the rules, with minimatch's semantics for the globs policies use (`**`, `*`,
// `?`, `[...]`, `{a,b}`; dot files included), compiled to regular expressions by this small
// compiler rather than minimatch itself: it keeps 37 KB of code off every agent tool call, and
// each list of globs becomes one expression, so a path costs a single test. match.test.ts checks
// that both agree.

import * as v from 'valibot';
import { compileRegex, literalTest, type Matcher, regexProblem, remembered } from './regex.js';

function escapeChar(char: string): string {
  return /[.+^${}()|\\/]/.test(char) ? `\\${char}` : char;
}

/** Splits `{a,b}` alternatives at the top level of a brace group. */
function alternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function compileSegment(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        // `**` between slashes: any number of path segments, none included.
        const before = i === 0 || glob[i - 1] === '/';
        const after = i + 2 === glob.length || glob[i + 2] === '/';
        if (before && after) {
          if (i + 2 === glob.length) out += '.*';
          else {
            out += '(?:.*/)?';
            i += 2;
            continue;
          }
          i++;
          continue;
        }
        out += '[^/]*';
        i++;
        continue;
      }
      out += '[^/]*';
    } else if (char === '?') out += '[^/]';
    else if (char === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (char === '{') {
      let depth = 1;
      let end = i + 1;
      for (; end < glob.length && depth; end++) {
        if (glob[end] === '{') depth++;
        else if (glob[end] === '}') depth--;
      }
      const body = glob.slice(i + 1, end - 1);
      if (depth || !body.includes(',')) out += '\\{';
      else {
        out += `(?:${alternatives(body).map(compileSegment).join('|')})`;
        i = end - 1;
      }
    } else if (char === '\\' && i + 1 < glob.length) out += escapeChar(glob[++i]!);
    else out += escapeChar(char);
  }
  return out;
}

export function globSource(glob: string): string {
  return `^${compileSegment(glob.replace(/^\.\//, ''))}$`;
}

const lists = new Map<string, RegExp | null>();

function compile(globs: readonly string[]): RegExp | null {
  const key = globs.join('\0');
  let found = lists.get(key);
  if (found === undefined) {
    found = globs.length ? new RegExp(globs.map((glob) => `(?:${globSource(glob)})`).join('|')) : null;
    lists.set(key, found);
  }
  return found;
}

/** A policy's glob lists, by the list itself: each answers once per path (a history repeats them). */
const byList = new WeakMap<readonly string[], (path: string) => boolean>();

export function matchesAny(path: string, globs: readonly string[]): boolean {
  let test = byList.get(globs);
  if (!test) {
    const expression = compile(globs);
    test = expression ? remembered((candidate) => expression.test(candidate)) : () => false;
    byList.set(globs, test);
  }
  return test(path);
}

export function matchesGlob(path: string, glob: string): boolean {
  return compile([glob])?.test(path) ?? false;
}

/** A regular expression from a pattern source in the policy, compiled once (linear-time matching). */
export function regexp(source: string, flags = ''): Matcher {
  return compileRegex(source, flags);
}

/** A string option holding a regular expression: it must compile, and the message says why not. */
export const regexSource = v.pipe(
  v.string(),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = regexProblem(dataset.value);
    if (problem) addIssue({ message: `a regular expression: ${problem}` });
  }),
);

/** Values built once per list of pattern sources. */
interface ListCache<T> {
  byList: WeakMap<readonly string[], T>;
  byKey: Map<string, T>;
}

function listCache<T>(): ListCache<T> {
  return { byList: new WeakMap(), byKey: new Map() };
}

/**
 * The value for `sources`, built once: found by the list itself first (a policy's options, which a
 * range asks for once per commit), then by its contents.
 */
function perList<T>(cache: ListCache<T>, sources: readonly string[], build: () => T): T {
  if (cache.byList.has(sources)) return cache.byList.get(sources) as T;
  const key = sources.join('\0');
  if (!cache.byKey.has(key)) cache.byKey.set(key, build());
  const found = cache.byKey.get(key) as T;
  cache.byList.set(sources, found);
  return found;
}

const compiledLists = listCache<Matcher[]>();

/** The patterns of a list, compiled once. */
export function regexps(sources: readonly string[]): Matcher[] {
  return perList(compiledLists, sources, () => sources.map((source) => regexp(source)));
}

const unions = listCache<(text: string) => boolean>();

/** One test for "holds a required literal of one of these patterns"; always true when one has none. */
function literalGate(patterns: readonly Matcher[]): (text: string) => boolean {
  if (patterns.some((pattern) => !pattern.literals)) return () => true;
  return literalTest(patterns.flatMap((pattern) => pattern.literals!));
}

/**
 * Whether any of several patterns matches `text`: the content rules ask it of every added line
 * before asking which pattern matched. The patterns with required literals are asked only when
 * the line holds one of them (one native search for all), and only those whose literals it holds;
 * the others run together as one union on the engine.
 */
export function anyRegexp(sources: readonly string[]): (text: string) => boolean {
  return perList(unions, sources, () => {
    const each = regexps(sources);
    const filtered = each.filter((pattern) => pattern.literals);
    const gate = filtered.length ? literalGate(filtered) : () => false;
    const rest = union(each.filter((pattern) => !pattern.literals).map((pattern) => pattern.source));
    return (text) => (gate(text) && filtered.some((pattern) => pattern.test(text))) || rest(text);
  });
}

const gates = listCache<((text: string) => boolean) | undefined>();

/**
 * A test that is false only when none of the patterns can match anywhere in `text` (it lacks
 * every literal they require); undefined when a pattern requires none. Asked of a file's whole
 * patch text, it spares building the lines of a file no pattern can match.
 */
export function literalsOfAny(sources: readonly string[]): ((text: string) => boolean) | undefined {
  return perList(gates, sources, () => {
    const each = regexps(sources);
    return each.length && each.every((pattern) => pattern.literals) ? literalGate(each) : undefined;
  });
}

const counters = listCache<(text: string) => number>();

/**
 * How many times the patterns match `text` together (each counted on its own, without overlaps),
 * the answer remembered per line: assertion counts are asked of every changed line of a test file.
 */
export function countRegexps(sources: readonly string[]): (text: string) => number {
  return perList(counters, sources, () => {
    const each = regexps(sources);
    const gate = literalGate(each);
    const count = remembered((text) => {
      let total = 0;
      for (const pattern of each) total += pattern.count(text);
      return total;
    });
    return (text) => (gate(text) ? count(text) : 0);
  });
}

/** One pass of the engine for several patterns; one at a time when they cannot be joined. */
function union(sources: string[]): (text: string) => boolean {
  if (sources.length === 0) return () => false;
  try {
    const joined = compileRegex(sources.map((source) => `(?:${source})`).join('|'));
    return (text) => joined.test(text);
  } catch {
    // Patterns that cannot be joined (duplicate group names): one at a time.
    const each = sources.map((source) => regexp(source));
    return (text) => each.some((pattern) => pattern.test(text));
  }
}
