import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { matchesAny } from './match.js';

const globs = [
  '**/*.test.*',
  '.husky/**',
  '.agentpolicyrc',
  'src/{a,b}/*.ts',
  '**/__snapshots__/**',
  'docs/**/*.md',
  '!x',
];
const paths = [
  'a.test.ts',
  'deep/x/a.test.js',
  '.husky/pre-commit',
  '.husky/_/h',
  '.agentpolicyrc',
  'x/.agentpolicyrc',
  'src/a/x.ts',
  'src/c/x.ts',
  'src/a/b/x.ts',
  'p/__snapshots__/s.snap',
  'docs/a/b.md',
  'docs/b.txt',
  '!x',
  'ünï/a.test.ts',
  'with space/.husky/x',
];

describe('matchesAny', () => {
  it.each(paths)('agrees with minimatch (dot files included) on %s', (path) => {
    expect(matchesAny(path, globs)).toBe(
      globs.some((glob) => minimatch(path, glob, { dot: true, nonegate: true })),
    );
  });

  it('matches nothing with no globs', () => {
    expect(matchesAny('a', [])).toBe(false);
  });
});
