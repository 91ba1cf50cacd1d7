// The gate on a history with the shapes real projects have: a package.json change before any
// policy, a lock file bump, a rename, a merge, a huge deletion, the commit that adopts the policy
// and work after it. Every commit is judged (none skipped), each commit's numbers are git's own,
// a repository adopts the gate with a pull request that passes, and a push to a remote that lacks
// the history judges only what came after the policy.
import { beforeAll, describe, expect, it } from 'vitest';
import { collectCommits } from '../../src/git/collect.js';
import { runCli } from '../helpers/cli.js';
import { createRepo, snapshot, type TestRepo } from '../helpers/repo.js';

const POLICY = {
  extends: 'agentpolicy:recommended',
  rules: {
    'max-diff-lines': ['error', { max: 150 }],
    'no-deletions': 'error',
    'commit-message': ['error', { minLength: 10 }],
  },
};

const lines = (count: number, word: string) =>
  `${Array.from({ length: count }, (_, i) => `export const ${word}${i} = ${i};`).join('\n')}\n`;

interface History {
  repo: TestRepo;
  root: string;
  bigWithManifest: string;
  lockBump: string;
  rename: string;
  merge: string;
  deletion: string;
  adoption: string;
  after: string;
}

function buildHistory(): History {
  const repo = createRepo({ lifetime: 'file' });
  const vendor = Object.fromEntries(
    Array.from({ length: 16 }, (_, i) => [`vendor/lib${i}.js`, lines(4000, `v${i}_`)]),
  );
  const root = repo.commit('Start the project with its vendored libraries', {
    'package.json': JSON.stringify({ name: 'p', scripts: { test: 'node test.js' } }, null, 2),
    'package-lock.json': '{}\n',
    'src/a.ts': lines(10, 'a'),
    ...vendor,
  });
  // Before any policy: a package.json change with a 300-line rewrite.
  const bigWithManifest = repo.commit('Bump the dependencies and rewrite the server', {
    'package.json': JSON.stringify({ name: 'p', scripts: { test: 'node test.js', start: 'node s.js' } }),
    'src/server.ts': lines(300, 'server'),
  });
  const lockBump = repo.commit('Refresh the lock file after the bump', {
    'package-lock.json': `${lines(5000, 'lock')}`,
  });
  repo.git('mv', 'src/a.ts', 'src/b.ts');
  const rename = repo.commit('Rename the a module to b, one line changed', {
    'src/b.ts': `${lines(10, 'a')}export const extra = 1;\n`,
  });
  repo.git('checkout', '-q', '-b', 'side');
  repo.commit('Add the side module on its branch', { 'src/side.ts': lines(120, 'side') });
  repo.git('checkout', '-q', 'main');
  repo.commit('Add the c module on main meanwhile', { 'src/c.ts': lines(20, 'c') });
  repo.git('merge', '-q', '--no-ff', 'side', '-m', "Merge branch 'side' into main");
  const merge = repo.git('rev-parse', 'HEAD').trim();
  repo.git('rm', '-q', '-r', 'vendor');
  const deletion = repo.commit('Drop the vendored libraries in one go');
  const adoption = repo.commit('Adopt the agentpolicy gate and its hooks', {
    '.agentpolicyrc': JSON.stringify(POLICY, null, 2),
    '.husky/pre-commit': 'npx agentpolicy hook pre-commit\n',
    '.github/workflows/agentpolicy.yml': 'on: pull_request\njobs: {}\n',
  });
  const after = repo.commit('Add the d module under the policy', { 'src/d.ts': lines(5, 'd') });
  return { repo, root, bigWithManifest, lockBump, rename, merge, deletion, adoption, after };
}

function gate(repo: TestRepo, args: string[]) {
  const before = snapshot(repo);
  const result = runCli(['ci', '--format', 'json', '--no-verify-steps', ...args], {
    cwd: repo.dir,
    env: { ...repo.env, GITHUB_ACTIONS: '', GITLAB_CI: '' },
  });
  expect(snapshot(repo)).toBe(before);
  expect(result.stdout.startsWith('{'), result.stderr).toBe(true);
  return { ...result, json: JSON.parse(result.stdout) };
}

type Found = { rule: string; severity: string; commit?: string; message: string };

describe('a history with the shapes of real projects', () => {
  let h: History;
  beforeAll(() => {
    h = buildHistory();
  });

  it('reads each commit with the numbers git itself gives', () => {
    const commits = collectCommits([`${h.root}..main`], { root: h.repo.dir, hunks: true, env: h.repo.env });
    expect(commits.map((commit) => commit.id)).toEqual(
      h.repo.git('rev-list', '--reverse', '--topo-order', `${h.root}..main`).trim().split('\n'),
    );
    for (const commit of commits) {
      // git's own count: the commit against its first parent, renames found.
      const numstat = h.repo
        .git('diff', '--numstat', '-M', `${commit.id}^1`, commit.id)
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t'));
      const ours = commit.files.map((file) => [file.added, file.deleted]);
      expect(ours.map(([a, d]) => `${a}\t${d}`).sort(), commit.message).toEqual(
        numstat.map(([a, d]) => `${a}\t${d}`).sort(),
      );
      for (const file of commit.files) expect(file.addedLines).toHaveLength(file.added);
    }
  });

  it('judges every commit of an adoption range: none is skipped for having no policy before it', () => {
    const { json, status } = gate(h.repo, ['--base', h.root, '--head', 'main']);
    expect(status).toBe(1);
    expect(json.subject).toMatch(/adoption: judged by the policy the range brings in/);
    const at = (commit: string) =>
      (json.findings as Found[]).filter((finding) => finding.commit === commit).map((f) => f.rule);
    // The package.json change before any policy gets the diff rules like any other commit.
    expect(at(h.bigWithManifest)).toContain('max-diff-lines');
    // The 64,000-line deletion of 16 files.
    expect(at(h.deletion)).toEqual(expect.arrayContaining(['max-diff-lines', 'no-deletions']));
    expect(at(h.lockBump)).toEqual([]);
    expect(at(h.rename)).toEqual([]);
    expect(at(h.merge)).toEqual([]);
    expect(at(h.adoption)).toEqual(['adoption']);
    expect(at(h.after)).toEqual([]);
  });

  it('judges the commits as committed, whatever refs/replace puts in their place', () => {
    // The 64,000-line deletion swapped, for every command that honours replace refs, for a small rename.
    h.repo.git('replace', h.deletion, h.rename);
    try {
      const { json } = gate(h.repo, ['--base', h.root, '--head', 'main']);
      const at = (commit: string) =>
        (json.findings as Found[]).filter((finding) => finding.commit === commit).map((f) => f.rule);
      expect(at(h.deletion)).toEqual(expect.arrayContaining(['max-diff-lines', 'no-deletions']));
      expect(json.findings.filter((finding: Found) => finding.rule === 'unjudged')).toEqual([]);
    } finally {
      h.repo.git('replace', '-d', h.deletion);
    }
  });

  it('passes the pull request that adopts the policy, and says it is an adoption', () => {
    const { json, status } = gate(h.repo, ['--base', h.deletion, '--head', 'main']);
    expect(status, JSON.stringify(json.findings)).toBe(0);
    expect(json.findings).toEqual([
      expect.objectContaining({ rule: 'adoption', severity: 'warn', commit: h.adoption }),
    ]);
    expect(json.subject).toMatch(/2 commits.*adoption/);
  });

  it('--policy-from head reads the head commit, never the work tree', () => {
    const clean = gate(h.repo, ['--base', h.root, '--head', 'main', '--policy-from', 'head']);
    h.repo.write('.agentpolicyrc', JSON.stringify({ rules: {} }));
    h.repo.write('VERIFY.md', '```sh\nfalse\n```\n');
    try {
      const dirty = gate(h.repo, ['--base', h.root, '--head', 'main', '--policy-from', 'head']);
      expect(dirty.json.findings).toEqual(clean.json.findings);
      expect(dirty.status).toBe(clean.status);
    } finally {
      h.repo.git('checkout', '-q', '--', '.agentpolicyrc');
      h.repo.remove('VERIFY.md');
    }
    expect(clean.json.subject).toMatch(/judged by the policy of the head/);
  });

  it('a push to a remote that lacks the history judges only what came after the policy', () => {
    const mirror = createRepo({ bare: true });
    h.repo.git('remote', 'add', 'mirror', mirror.dir);
    const tip = h.repo.git('rev-parse', 'main').trim();
    const push = (oid: string) =>
      runCli(['hook', 'pre-push', 'mirror', mirror.dir], {
        cwd: h.repo.dir,
        env: h.repo.env,
        input: `refs/heads/main ${oid} refs/heads/main ${'0'.repeat(40)}\n`,
      });
    // The hooks are not installed in this repository: pre-push says so (no-hook-bypass), and
    // judges the pushed commits all the same.
    const clean = push(tip);
    expect(clean.stderr).toMatch(/adoption/);
    expect(clean.stderr).not.toMatch(/max-diff-lines|no-deletions|protected-paths|policy-changed/);
    h.repo.git('checkout', '-q', '-b', 'late');
    const late = h.repo.commit('Add a large module after the policy', { 'src/e.ts': lines(200, 'e') });
    const blocked = push(late);
    h.repo.git('checkout', '-q', 'main');
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toMatch(/The change is 200 lines; at most 150/);
    expect(blocked.stderr).toContain(late.slice(0, 12));
    expect(blocked.stderr).not.toContain(h.deletion.slice(0, 12));
  });
});
