// The repository state the blind set assumes (test/fixtures/blind/README.md): a small app with a
// merged branch and an unmerged one (both also on origin), husky's hooks folder, one stash entry, an
// uncommitted edit to src/app.ts, an untracked file, and ignored build output present.
import type { GuardContext } from '../../src/adapters/guard.js';
import { resolvePolicy } from '../../src/config/resolve.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const PACKAGE = {
  name: 'demo-app',
  version: '1.2.3',
  private: true,
  scripts: { build: 'tsc -p .', test: 'vitest run', lint: 'eslint .', dev: 'vite' },
};

const CLAUDE_SETTINGS =
  '{ "hooks": { "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "npx agentpolicy agent-hook claude" } ] } ] } }\n';

export function createBlindRepo(): TestRepo {
  const repo = createRepo({ lifetime: 'file', outsideTemp: true });
  repo.write('.agentpolicyrc', '{ "extends": "agentpolicy:recommended" }\n');
  repo.write('.gitignore', 'node_modules/\ndist/\nbuild/\ncoverage/\n');
  repo.write('.claude/settings.json', CLAUDE_SETTINGS);
  repo.write('.husky/pre-commit', 'npm test\n');
  repo.write('README.md', '# Demo app\n\nSome docs.\n');
  repo.write('data.db', 'SQLite format 3 fake');
  repo.write('docs/api.md', '# API\n');
  repo.write('docs/guide.md', '# Guide\n');
  repo.write('package.json', `${JSON.stringify(PACKAGE, null, 2)}\n`);
  repo.write('requirements.txt', 'requests\n');
  repo.write('scripts/build.sh', '#!/bin/sh\nnpm run build\n');
  repo.write('scripts/test.sh', '#!/bin/sh\nnpm test\n');
  repo.write('secrets.env', 'API_KEY=abc\nDB_URL=x\n');
  repo.write('src/app.ts', 'export const app = {};\n');
  repo.write('src/helper.ts', 'export const helper = 1;\n');
  repo.write('src/index.ts', 'import { main } from "./main";\nmain();\n');
  repo.write('src/main.ts', 'export const main = () => 1;\n');
  repo.write('test/a.test.ts', 'import { test } from "vitest";\ntest("x", () => {});\n');
  repo.write('tests/test_x.py', 'def test_x():\n    assert True\n');
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'initial');
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commit('feature work', { 'docs/feature.md': '# Feature\n' });
  repo.git('checkout', '-q', '-b', 'merged-branch', 'main');
  repo.commit('helper', { 'src/helper.ts': 'export const helper = 2;\n' });
  repo.git('checkout', '-q', 'main');
  repo.git('merge', '-q', '--no-ff', '-m', 'merge merged-branch', 'merged-branch');
  repo.git('checkout', '-q', 'feature');
  repo.commit('feature docs', { 'docs/feature.md': '# Feature\n\nMore.\n' });
  repo.git('checkout', '-q', 'main');
  for (const branch of ['main', 'feature', 'merged-branch'])
    repo.git('update-ref', `refs/remotes/origin/${branch}`, branch);
  repo.git('config', 'core.hooksPath', '.husky/_');
  repo.write('.husky/_/h', '#!/bin/sh\n');
  repo.write('.husky/_/.gitignore', '*\n');
  for (const [path, content] of Object.entries({
    'node_modules/lodash/index.js': 'module.exports = {};\n',
    'dist/bundle.js': 'x\n',
    'dist/bundle.js.map': '{}\n',
    'build/out.o': 'x\n',
    'coverage/lcov.info': 'TN:\n',
  }))
    repo.write(path, content);
  repo.write('src/app.ts', 'export const app = {};\n// stashed edit\n');
  repo.git('stash', 'push', '-q', '-m', 'wip stash');
  repo.write('src/app.ts', 'export const app = {};\n// uncommitted edit\n');
  repo.write('scratch.txt', 'scratch\n');
  return repo;
}

export async function blindContext(): Promise<GuardContext> {
  const repo = createBlindRepo();
  const { policy } = await resolvePolicy(repo.dir);
  return {
    policy,
    root: repo.dir,
    inRepository: true,
    commonDir: `${repo.dir}/.git`,
    cwd: repo.dir,
    env: { HOME: '/nonexistent', TMPDIR: '/tmp', PATH: process.env.PATH },
  };
}
