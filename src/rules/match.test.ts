import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { matchesAny, matchesGlob } from './match.js';

const globs = [
  '**/*.test.*',
  '.husky/**',
  '.agentpolicyrc',
  'src/{a,b}/*.ts',
  '**/__snapshots__/**',
  'docs/**/*.md',
  'x/**',
  '*',
  '**/b',
  'a/**/b',
  '**/*',
  'file?.txt',
  'img/[abc].png',
  'img/[!abc].png',
  '**/package-lock.json',
  '{src,test}/**/*.{ts,js}',
  '.git/hooks/**',
  'a.b',
  'feature/*',
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
  'docs/b.md',
  'docs/b.txt',
  'ünï/a.test.ts',
  'with space/.husky/x',
  'x',
  'x/a',
  'x/a/b',
  'a',
  'a/b',
  'b',
  'a/x/y/b',
  'dir/.hidden',
  'file1.txt',
  'file12.txt',
  'img/a.png',
  'img/d.png',
  'package-lock.json',
  'sub/package-lock.json',
  'test/u/v.js',
  'src/q.ts',
  '.git/hooks/pre-push',
  'aXb',
  'a.b',
  'feature/one',
  'feature/one/two',
];

describe('our glob compiler agrees with minimatch (dot: true)', () => {
  for (const glob of globs) {
    it.each(paths)(`${glob} on %s`, (path) => {
      expect(matchesGlob(path, glob)).toBe(minimatch(path, glob, { dot: true }));
    });
  }

  it('matches nothing with no globs', () => {
    expect(matchesAny('a', [])).toBe(false);
  });
});
