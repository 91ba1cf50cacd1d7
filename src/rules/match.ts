// Glob matching for the rules: minimatch semantics with dot files included. Each list of globs is
// compiled once into one regular expression, so a path costs a single test however many globs
// there are (minimatch's own matcher costs a walk per glob and path, which shows on 20,000 files).
import { Minimatch } from 'minimatch';

const lists = new Map<string, RegExp | null>();

function compile(globs: readonly string[]): RegExp | null {
  const key = globs.join('\0');
  let found = lists.get(key);
  if (found === undefined) {
    const sources = globs.flatMap((glob) => {
      const re = new Minimatch(glob, { dot: true, nocomment: true, nonegate: true }).makeRe();
      return re ? [re.source] : [];
    });
    found = sources.length ? new RegExp(sources.map((source) => `(?:${source})`).join('|')) : null;
    lists.set(key, found);
  }
  return found;
}

export function matchesAny(path: string, globs: readonly string[]): boolean {
  return compile(globs)?.test(path) ?? false;
}

const regexps = new Map<string, RegExp>();

/** A regular expression from a pattern source in the policy, compiled once. */
export function regexp(source: string, flags = ''): RegExp {
  const key = `${flags}/${source}`;
  let found = regexps.get(key);
  if (!found) {
    found = new RegExp(source, flags);
    regexps.set(key, found);
  }
  return found;
}
