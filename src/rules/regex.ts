// Regular expressions from a policy run on RE2 (re2js): matching takes time linear in the input,
// so no pattern can hang a commit, and a pattern holds no state between lines (JavaScript's `g`
// and `y` flags would make `test` start where the last match ended and skip matches). The engine
// loads only when a pattern is compiled, off the paths every tool call takes. Before the engine
// runs, a substring search for the literals every match must hold (regex-literals.ts) turns away
// the lines that cannot match: most lines, for most patterns.
import { createRequire } from 'node:module';
import { requiredLiterals } from './regex-literals.js';

export interface Matcher {
  /** The pattern as written in the policy. */
  source: string;
  /** Whether the pattern matches anywhere in `text`. */
  test(text: string): boolean;
  /** How many times it matches in `text`, without overlaps. */
  count(text: string): number;
  /** Strings one of which every match holds, when known. */
  literals: string[] | undefined;
}

interface Re2 {
  RE2JS: {
    compile(
      source: string,
      flags?: number,
    ): { matcher(input: string): { find(): boolean; end(): number; start(): number } };
    translateRegExp(source: string): string;
    CASE_INSENSITIVE: number;
    DOTALL: number;
    MULTILINE: number;
  };
}

const requireModule = createRequire(import.meta.url);
let engine: Re2['RE2JS'] | undefined;

function re2(): Re2['RE2JS'] {
  engine ??= (requireModule('re2js') as Re2).RE2JS;
  return engine;
}

/** Flags a pattern may carry: i, m and s change the match; g, y, u and d change nothing here. */
export const REGEX_FLAGS = 'imsguyd';

export class RegexError extends Error {}

const compiled = new Map<string, Matcher>();
/**
 * A pattern compiled once per process (validating a policy compiles what its rules then use): on
 * the engine at once, or for a shipped pattern (checked by a test) when a line first needs it.
 */
export function compileRegex(source: string, flags = ''): Matcher {
  const key = `${flags}/${source}`;
  let found = compiled.get(key);
  if (!found) {
    found = compile(source, flags, flags !== '' || !shipped.has(source));
    compiled.set(key, found);
  }
  return found;
}

/**
 * A test for "holds one of these strings": `includes` for one, else a native expression made of
 * the literals alone (no quantifier, so it runs in time linear in the text).
 */
export function literalTest(literals: readonly string[]): (text: string) => boolean {
  if (literals.length === 1) {
    const [literal] = literals as [string];
    return (text) => text.includes(literal);
  }
  const any = new RegExp(
    literals.map((literal) => literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'),
  );
  return (text) => any.test(text);
}

function compile(source: string, flags: string, eager: boolean): Matcher {
  const unknown = [...flags].filter((flag) => !REGEX_FLAGS.includes(flag));
  if (unknown.length || new Set(flags).size !== flags.length)
    throw new RegexError(
      `flags "${flags}" are not valid (use some of i, m, s; g, y, u and d are accepted and change nothing)`,
    );
  // The JavaScript syntax first, for its clearer messages on plain mistakes.
  try {
    new RegExp(source, flags.replace(/[gyd]/g, ''));
  } catch (error) {
    throw new RegexError((error as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  let program = eager ? onEngine(source, flags) : undefined;
  const engine = () => {
    program ??= onEngine(source, flags);
    return program;
  };
  const literals = requiredLiterals(source, flags);
  const may = literals ? literalTest(literals) : () => true;
  // A shipped pattern runs natively on lines up to NATIVE_LENGTH: the same answers (a test checks
  // them against RE2), without loading or running the engine.
  const native = eager ? undefined : nativeOf(source);
  const once = native && new RegExp(native);
  const every = native && new RegExp(native, 'g');
  return {
    source,
    literals,
    test: (text) =>
      may(text) && (once && text.length <= NATIVE_LENGTH ? once.test(text) : engine().matcher(text).find()),
    count: (text) => {
      if (!may(text)) return 0;
      let found = 0;
      if (every && text.length <= NATIVE_LENGTH) {
        every.lastIndex = 0;
        for (let match = every.exec(text); match; match = every.exec(text)) {
          found++;
          if (match[0] === '') every.lastIndex++;
        }
        return found;
      }
      const matcher = engine().matcher(text);
      while (matcher.find() && found < text.length + 1) found++;
      return found;
    },
  };
}

/**
 * Lines up to this length run shipped patterns natively. Each shipped pattern starts at a literal
 * or a word boundary and repeats only one class at a time, up to a character outside it, so a
 * failed attempt never reads past the run its own start began: the native engine's backtracking
 * stays linear in the line. The cap bounds it even so; longer lines go to RE2.
 */
const NATIVE_LENGTH = 65536;

/**
 * A shipped pattern in JavaScript's own syntax with RE2's meaning: RE2's `\s` is the ASCII
 * white space `[\t\n\f\r ]` (JavaScript's also takes `\v` and Unicode spaces); `\w`, `\d`
 * and `\b` are ASCII in both. Undefined for a pattern with anything else whose meaning differs
 * (`.`, classes holding `\s`, Unicode escapes): it runs on RE2.
 */
export function nativeOf(source: string): string | undefined {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      const next = source[i + 1];
      if (next === undefined) return undefined;
      i++;
      if (next === 's') out += '[\\t\\n\\f\\r ]';
      else if (next === 'S') out += '[^\\t\\n\\f\\r ]';
      else if ('bwWdD.()[]{}|?*+^$\\/-'.includes(next)) out += `\\${next}`;
      else return undefined;
    } else if (char === '[') {
      // A class of plain characters only.
      const end = source.indexOf(']', i + 1);
      const body = end === -1 ? '' : source.slice(i + 1, end);
      if (end === -1 || /[\\[^]/.test(body)) return undefined;
      out += source.slice(i, end + 1);
      i = end;
    } else if (char === '.') return undefined;
    else out += char;
  }
  return out;
}

/**
 * Patterns agentpolicy itself ships as rule defaults. A test compiles each on RE2
 * (src/rules/regex.test.ts), so a policy that leaves a default as it is validates without loading
 * the engine (~260 KB) on every tool call, and each compiles when a line first needs it; a
 * pattern written in the policy is always compiled.
 */
const shipped = new Set<string>();

/** Registers a rule's default patterns as shipped (see `shipped`); returns them unchanged. */
export function shippedPatterns<T extends readonly string[]>(sources: T): T {
  for (const source of sources) shipped.add(source);
  return sources;
}

/** The shipped patterns, for the test that compiles them. */
export function listShippedPatterns(): string[] {
  return [...shipped];
}

type Program = ReturnType<Re2['RE2JS']['compile']>;

/** Compiles `source` on RE2 now, shipped or not; throws RegexError when RE2 cannot run it. */
export function checkOnEngine(source: string, flags = ''): void {
  onEngine(source, flags);
}

/** The pattern compiled by RE2, or why RE2 cannot run it. */
function onEngine(source: string, flags: string): Program {
  const RE2JS = re2();
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  try {
    return RE2JS.compile(RE2JS.translateRegExp(source), bits);
  } catch (error) {
    throw new RegexError(
      `${(error as Error).message.replace(/^error parsing regexp: /, '')} (patterns run in linear time, so lookarounds and backreferences are not available)`,
    );
  }
}

/** How many lines a remembered answer is kept for, and up to what length. */
const REMEMBERED_LINES = 8192;
const REMEMBERED_LENGTH = 256;

/**
 * A function of a line, its answers remembered: a history repeats its lines (code moved between
 * files, the same change in a commit and in the merge that brings it). The remembered line is a
 * copy, so it does not hold on to the patch it was cut from.
 */
export function remembered<T>(run: (text: string) => T): (text: string) => T {
  const answers = new Map<string, T>();
  return (text) => {
    if (text.length > REMEMBERED_LENGTH) return run(text);
    let answer = answers.get(text);
    if (answer === undefined) {
      answer = run(text);
      if (answers.size >= REMEMBERED_LINES) answers.clear();
      answers.set(` ${text}`.slice(1), answer);
    }
    return answer;
  };
}

/** Why `source` with `flags` cannot be used, or undefined when it can. */
export function regexProblem(source: string, flags = ''): string | undefined {
  if (flags === '' && shipped.has(source)) return undefined;
  try {
    compileRegex(source, flags);
    return undefined;
  } catch (error) {
    if (error instanceof RegexError) return error.message;
    throw error;
  }
}
