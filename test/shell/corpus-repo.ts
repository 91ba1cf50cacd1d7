// The repository state the shell-command corpus assumes (test/fixtures/corpus/README.md): tracked files
// for every relative path the commands name, ignored build folders present, an unmerged and a
// merged branch, a stash, an uncommitted edit and an untracked file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GuardContext } from '../../src/adapters/guard.js';
import { resolvePolicy } from '../../src/config/resolve.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

export interface CorpusEntry {
  cmd: string;
  verdict: 'allow' | 'deny' | 'policy';
  category: string;
  why: string;
}

export function readCorpus(): CorpusEntry[] {
  const path = fileURLToPath(new URL('../fixtures/corpus/commands.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as CorpusEntry[];
}

const TRACKED = [
  'README.md',
  'package.json',
  'src/index.ts',
  'src/main.ts',
  'src/app.ts',
  'src/main.rs',
  'data.db',
  'important.db',
  'notes.md',
  'NOTES.md',
  'old.txt',
  'file.txt',
  'docs/guide.md',
  'docs/draft-proof.md',
  'scripts/build.sh',
  'scripts/cleanup.sh',
  'scripts/migrate.py',
  'test/app.test.ts',
  'tests/test_app.py',
  '.husky/pre-commit',
  '.claude/settings.json',
  'secrets.env',
  'app/soft-hold-enrollment/file.rb',
  'dirs.txt',
  'patch',
];

export function createCorpusRepo(
  policy: object = { extends: 'agentpolicy:recommended' },
  lifetime: 'test' | 'file' = 'file',
  outsideTemp = true,
): TestRepo {
  const repo = createRepo({ lifetime, outsideTemp });
  repo.write('.gitignore', 'node_modules/\ndist/\nbuild/\ncoverage/\n.next/\n');
  repo.write('.agentpolicyrc', JSON.stringify(policy));
  for (const path of TRACKED)
    repo.write(path, path === 'package.json' ? '{ "name": "corpus" }\n' : `${path}\n`);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'base');
  repo.git('branch', 'merged-branch');
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commit('feature work', { 'src/feature.ts': 'feature\n' });
  repo.git('checkout', '-q', 'main');
  for (const folder of [
    'node_modules/pkg/index.js',
    'dist/out.js',
    'build/out.js',
    'coverage/lcov.info',
    '.next/cache.json',
  ])
    repo.write(folder, 'x\n');
  repo.write('src/app.ts', 'stashed edit\n');
  repo.git('stash', '-q');
  repo.write('src/index.ts', 'uncommitted edit\n');
  repo.write('untracked.txt', 'new\n');
  return repo;
}

export function home(repo: TestRepo): string {
  return join(repo.dir, '..', 'home');
}

/** A guard context in a corpus repository with the given policy. */
export async function corpusContext(
  policy: object = { extends: 'agentpolicy:recommended' },
): Promise<GuardContext> {
  const repo = createCorpusRepo(policy);
  const { policy: resolved } = await resolvePolicy(repo.dir);
  return {
    policy: resolved,
    root: repo.dir,
    inRepository: true,
    commonDir: `${repo.dir}/.git`,
    cwd: repo.dir,
    env: { HOME: repo.home, TMPDIR: '/tmp', PATH: process.env.PATH },
  };
}
