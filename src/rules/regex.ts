// Regular expressions from a policy run on RE2 (re2js): matching takes time linear in the input,
// so no pattern can hang a commit, and a pattern holds no state between lines (JavaScript's `g`
// and `y` flags would make `test` start where the last match ended and skip matches). The engine
// loads only when a pattern is compiled, off the paths every tool call takes.
import { createRequire } from 'node:module';

export interface Matcher {
  /** The pattern as written in the policy. */
  source: string;
  /** Whether the pattern matches anywhere in `text`. */
  test(text: string): boolean;
  /** How many times it matches in `text`, without overlaps. */
  count(text: string): number;
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

export function compileRegex(source: string, flags = ''): Matcher {
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
  const { RE2JS } = { RE2JS: re2() };
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  let compiled: ReturnType<Re2['RE2JS']['compile']>;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(source), bits);
  } catch (error) {
    throw new RegexError(
      `${(error as Error).message.replace(/^error parsing regexp: /, '')} (patterns run in linear time, so lookarounds and backreferences are not available)`,
    );
  }
  return {
    source,
    test: (text) => compiled.matcher(text).find(),
    count: (text) => {
      const matcher = compiled.matcher(text);
      let found = 0;
      while (matcher.find() && found < text.length + 1) found++;
      return found;
    },
  };
}

/**
 * Patterns agentpolicy itself ships as rule defaults. A test compiles each on RE2
 * (src/rules/regex.test.ts), so a policy that leaves a default as it is validates without loading
 * the engine (~260 KB) on every tool call; a pattern written in the policy is always compiled.
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
