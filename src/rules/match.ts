// Glob matching for the rules: minimatch with dot files included, each glob compiled once.
import { Minimatch } from 'minimatch';

const compiled = new Map<string, Minimatch>();

function matcher(glob: string): Minimatch {
  let found = compiled.get(glob);
  if (!found) {
    found = new Minimatch(glob, { dot: true, nocomment: true, nonegate: true });
    compiled.set(glob, found);
  }
  return found;
}

export function matchesAny(path: string, globs: readonly string[]): boolean {
  for (const glob of globs) if (matcher(glob).match(path)) return true;
  return false;
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
