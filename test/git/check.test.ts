// `agentpolicy check` as a process in real repositories: every diff rule, every output format,
// exit codes, and the index and work tree left exactly as they were.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo, snapshot, type TestRepo } from '../helpers/repo.js';

const BASE = {
  'src/a.ts': 'export const a = 1;\n',
  'test/a.test.ts': "test('a', () => {\n  expect(a).toBe(1);\n  expect(a).not.toBe(2);\n});\n",
  'README.md': '# x\n',
};

function repoWith(rules: object): TestRepo {
  const repo = createRepo();
  repo.commit('base', { ...BASE, '.agentpolicyrc': JSON.stringify({ rules }) });
  return repo;
}

function check(repo: TestRepo, args: string[] = []) {
  const before = snapshot(repo);
  const result = runCli(['check', ...args], { cwd: repo.dir, env: repo.env });
  expect(snapshot(repo)).toBe(before);
  return result;
}

type Edit = (repo: TestRepo) => void;
const stage =
  (edit: Edit): Edit =>
  (repo) => {
    edit(repo);
    repo.git('add', '-A');
  };

describe('each diff rule in a real repository', () => {
  it.each<[string, object, Edit, RegExp | null]>([
    [
      'no-deletions blocks a deletion',
      { 'no-deletions': 'error' },
      stage((r) => r.remove('src/a.ts')),
      /src\/a\.ts is deleted/,
    ],
    [
      'no-deletions lets a rename through',
      { 'no-deletions': 'error' },
      stage((r) => r.git('mv', 'src/a.ts', 'src/b.ts')),
      null,
    ],
    [
      'edit-only blocks a new file',
      { 'edit-only': 'error' },
      stage((r) => r.write('src/new.ts', 'x\n')),
      /src\/new\.ts is a new file/,
    ],
    [
      'edit-only allows listed globs',
      { 'edit-only': ['error', { allow: ['test/**'] }] },
      stage((r) => r.write('test/b.test.ts', 'x\n')),
      null,
    ],
    [
      'edit-only counts a rename',
      { 'edit-only': 'error' },
      stage((r) => r.git('mv', 'src/a.ts', 'src/b.ts')),
      /renamed to the new path src\/b\.ts/,
    ],
    [
      'max-diff-lines blocks a big change',
      { 'max-diff-lines': ['error', { max: 10 }] },
      stage((r) => r.write('src/a.ts', 'x\n'.repeat(20))),
      /max-diff-lines 21\/10/,
    ],
    [
      'max-diff-lines ignores lock files',
      { 'max-diff-lines': ['error', { max: 10 }] },
      stage((r) => r.write('package-lock.json', '{}\n'.repeat(500))),
      null,
    ],
    [
      'max-diff-lines charges binary files',
      { 'max-diff-lines': ['error', { max: 10, binaryCost: 11 }] },
      stage((r) => r.write('logo.png', Buffer.from([0, 1, 2]))),
      /11 lines; at most 10/,
    ],
    [
      'max-diff-lines maxFiles',
      { 'max-diff-lines': ['error', { maxFiles: 2 }] },
      stage((r) => {
        for (const n of ['x', 'y', 'z']) r.write(`${n}.txt`, 'n\n');
      }),
      /touches 3 files; at most 2/,
    ],
    [
      'protected-paths',
      { 'protected-paths': 'error' },
      stage((r) => r.write('.github/workflows/ci.yml', 'on: push\n')),
      /\.github\/workflows\/ci\.yml is protected/,
    ],
    [
      'protected-paths: .gitattributes, which could hide lines as binary',
      { 'protected-paths': 'error' },
      stage((r) => r.write('.gitattributes', '*.ts -diff\n')),
      /\.gitattributes is protected/,
    ],
    [
      'scope',
      { scope: ['error', { allow: ['src/**'] }] },
      stage((r) => r.write('README.md', '# y\n')),
      /README\.md is outside the scope/,
    ],
    [
      'no-new-suppressions',
      { 'no-new-suppressions': 'error' },
      stage((r) => r.write('src/a.ts', '// @ts-ignore\nexport const a = 1;\n')),
      /src\/a\.ts\n\s+1\s+error\s+Adds a suppression/,
    ],
    [
      'no-test-tampering: .only',
      { 'no-test-tampering': 'error' },
      stage((r) => r.write('test/a.test.ts', r.read('test/a.test.ts').replace("test('a'", "test.only('a'"))),
      /Skips or focuses tests/,
    ],
    [
      'no-test-tampering: fewer assertions',
      { 'no-test-tampering': 'error' },
      stage((r) => r.write('test/a.test.ts', "test('a', () => {\n  expect(a).toBe(1);\n});\n")),
      /1 assertion\(s\) fewer/,
    ],
    [
      'no-test-tampering: deleted test',
      { 'no-test-tampering': 'error' },
      stage((r) => r.remove('test/a.test.ts')),
      /test file test\/a\.test\.ts is deleted/,
    ],
    [
      'forbidden-content',
      {
        'forbidden-content': [
          'error',
          { patterns: [{ pattern: 'console\\.log', message: 'Use the logger.' }] },
        ],
      },
      stage((r) => r.write('src/a.ts', 'console.log(1);\n')),
      /1\s+error\s+Use the logger\./,
    ],
    [
      'forbidden-content: a pattern ending in $ on a CRLF line',
      {
        'forbidden-content': ['error', { patterns: [{ pattern: 'TODO$', message: 'Finish the TODO.' }] }],
      },
      stage((r) => r.write('src/a.ts', 'export const a = 1; // TODO\r\n')),
      /1\s+error\s+Finish the TODO\./,
    ],
    [
      'progress-updated',
      { 'progress-updated': 'error' },
      stage((r) => r.write('src/a.ts', 'export const a = 2;\n')),
      /PROGRESS\.md did not/,
    ],
  ])('%s', (_name, rules, edit, expected) => {
    const repo = repoWith(rules);
    edit(repo);
    const result = check(repo);
    if (expected) {
      expect(result.status, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toMatch(expected);
    } else {
      expect(result.status, result.stdout + result.stderr).toBe(0);
    }
  });

  it('warnings report but pass', () => {
    const repo = repoWith({ 'edit-only': 'warn' });
    stage((r) => r.write('src/new.ts', 'x\n'))(repo);
    const result = check(repo);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/passed with 1 warning/);
  });
});

describe('sources and formats', () => {
  it('--worktree sees unstaged and untracked work; --range judges each commit', () => {
    const repo = repoWith({ 'edit-only': 'error', 'max-diff-lines': ['error', { max: 5, maxRange: 8 }] });
    repo.write('src/loose.ts', 'x\n');
    expect(check(repo, ['--worktree']).stdout).toMatch(/src\/loose\.ts is a new file/);
    repo.remove('src/loose.ts');
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.commit('small one', { 'src/a.ts': 'a\nb\nc\nd\n' });
    repo.commit('small two', { 'src/a.ts': 'a\nb\nc\nd\ne\nf\ng\nh\n' });
    const result = check(repo, ['--range', `${base}..HEAD`, '--format', 'json']);
    const json = JSON.parse(result.stdout);
    expect(json.ok).toBe(false);
    expect(json.findings.map((f: { rule: string; commit?: string }) => [f.rule, Boolean(f.commit)])).toEqual([
      ['max-diff-lines', false],
    ]);
    expect(json.findings[0].message).toMatch(/The range is 9 lines; at most 8/);
  });

  it('json is stable: ok, subject, findings, stats', () => {
    const repo = repoWith({ 'max-diff-lines': ['error', { max: 1 }] });
    stage((r) => r.write('src/a.ts', 'a\nb\n'))(repo);
    const json = JSON.parse(check(repo, ['--format', 'json']).stdout);
    expect(json).toEqual({
      ok: false,
      subject: 'staged changes',
      findings: [
        {
          rule: 'max-diff-lines',
          severity: 'error',
          message: 'The change is 3 lines; at most 1 (max-diff-lines 3/1).',
          hint: expect.any(String),
        },
      ],
      stats: { files: 1, added: 2, deleted: 1, counted: 3, budget: 1 },
    });
  });

  it('github annotations are escaped and capped at 10 per severity', () => {
    const repo = repoWith({ 'edit-only': 'error' });
    for (let i = 0; i < 12; i++) repo.write(`src/new,${i}:x.ts`, 'x\n');
    repo.git('add', '-A');
    const lines = check(repo, ['--format', 'github']).stdout.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(
      /^::error file=src\/new%2C\d+%3Ax\.ts,title=edit-only::src\/new,\d+:x\.ts is a new file\.%0A/,
    );
    expect(lines[10]).toBe('::notice title=agentpolicy::+2 more findings; the job summary lists them all.');
  });

  it('markdown is a table', () => {
    const repo = repoWith({ 'edit-only': 'error' });
    stage((r) => r.write('src/n|ew.ts', 'x\n'))(repo);
    expect(check(repo, ['--format', 'markdown']).stdout).toMatch(
      /\| ❌ \| `edit-only` \| `src\/n\\\|ew\.ts` \|/,
    );
  });

  it('works from a subdirectory and in a linked worktree', () => {
    const repo = repoWith({ 'edit-only': 'error' });
    repo.write('src/deep/new.ts', 'x\n');
    repo.git('add', '-A');
    expect(runCli(['check'], { cwd: `${repo.dir}/src/deep`, env: repo.env }).stdout).toMatch(
      /src\/deep\/new\.ts is a new file/,
    );
    const worktree = `${repo.dir}-wt`;
    repo.git('worktree', 'add', '-q', worktree);
    repo.write('../repo-wt/src/wt.ts', 'x\n');
    repo.gitRaw(['add', '-A'], { cwd: worktree });
    const result = runCli(['check'], { cwd: worktree, env: repo.env });
    expect(result.stdout).toMatch(/src\/wt\.ts is a new file/);
  });
});

describe('a broken policy blocks with exit 2 and names the problem', () => {
  it.each([
    [
      'a misspelt rule id',
      '{ "rules": { "max-dif-lines": "error" } }',
      /unknown rule "max-dif-lines"\. Did you mean "max-diff-lines"\?/,
    ],
    [
      'a wrong type',
      '{ "rules": { "max-diff-lines": ["error", { "max": true }] } }',
      /rules\.max-diff-lines\[1\]\.max: expected number, found true/,
    ],
    [
      'truncated JSON',
      '{ "rules": { "max-diff-lines": ["error", { "max": 3',
      /\.agentpolicyrc:1:\d+: invalid JSON/,
    ],
  ])('%s', (_name, policy, expected) => {
    const repo = createRepo();
    repo.write('.agentpolicyrc', policy);
    repo.write('a.txt', 'a\n');
    repo.git('add', '-A');
    const result = check(repo, ['--staged']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(expected);
  });

  it('a git error is exit 2 too', () => {
    const repo = createRepo();
    repo.write('.agentpolicyrc', '{}');
    const result = check(repo, ['--range', 'nope..HEAD']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/git rev-parse/);
  });
});

describe('check judges by the committed policy', () => {
  it('a staged policy change is judged by the policy before it and reported as policy-changed', () => {
    const repo = repoWith({ 'no-deletions': 'error' });
    repo.write('.agentpolicyrc', JSON.stringify({ rules: { 'no-deletions': 'off' } }));
    repo.remove('src/a.ts');
    repo.git('add', '-A');
    const result = check(repo, ['--staged']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/\.agentpolicyrc changes the policy/);
    expect(result.stdout).toMatch(/src\/a\.ts is deleted/);
  });

  it('an unstaged loosened policy changes nothing', () => {
    const repo = repoWith({ 'no-deletions': 'error' });
    repo.write('.agentpolicyrc', JSON.stringify({ rules: {} }));
    repo.git('rm', '-q', 'src/a.ts');
    const result = check(repo, ['--staged']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/src\/a\.ts is deleted/);
  });

  it('--range is judged by the policy at its start', () => {
    const repo = repoWith({ 'no-deletions': 'error' });
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.remove('src/a.ts');
    repo.commit('Loosen and delete', { '.agentpolicyrc': JSON.stringify({ rules: {} }) });
    const result = check(repo, ['--range', `${base}..HEAD`]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/policy-changed/);
    expect(result.stdout).toMatch(/src\/a\.ts is deleted/);
  });
});
