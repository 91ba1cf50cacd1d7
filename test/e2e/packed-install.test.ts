// The packed package installed into a scratch repository as a user installs it (npm pack, npm
// install, agentpolicy init), then an agent's ways to loosen the policy, staged and unstaged, tried
// against the real hooks and the real guard. Needs the build (npm test builds first).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TestRepo, tempDir } from '../helpers/repo.js';

const ROOT = join(import.meta.dirname, '..', '..');
const LAX = JSON.stringify({ extends: 'agentpolicy:recommended', rules: { 'protected-paths': 'off' } });

let tarball: string;
let repo: TestRepo;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input = '') {
  const result = spawnSync(command, args, {
    cwd: repo.dir,
    env: { ...repo.env, npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'), ...env },
    encoding: 'utf8',
    input,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const agentpolicy = (args: string[], input = '') =>
  run(join(repo.dir, 'node_modules/.bin/agentpolicy'), args, {}, input);

function guard(command: string) {
  return agentpolicy(
    ['agent-hook', 'claude'],
    JSON.stringify({
      session_id: 's',
      cwd: repo.dir,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
    }),
  );
}

function reset(): void {
  run('git', ['reset', '-q', '--hard', 'HEAD']);
  run('git', ['clean', '-qfd', '-e', 'node_modules']);
}

beforeAll(() => {
  const folder = tempDir('agentpolicy-pack-', 'file');
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', folder], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(pack.status, pack.stderr).toBe(0);
  tarball = join(folder, readdirSync(folder).find((name) => name.endsWith('.tgz'))!);
  repo = createRepo({ lifetime: 'file' });
  repo.write(
    'package.json',
    `${JSON.stringify({ name: 'scratch', private: true, scripts: { test: 'node -e 0' } }, null, 2)}\n`,
  );
  repo.write('.gitignore', 'node_modules\n');
  repo.write('src/app.js', 'export const app = 1;\n');
  const install = run('npm', [
    'install',
    '--save-dev',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    tarball,
  ]);
  expect(install.status, install.stderr).toBe(0);
  const init = agentpolicy(['init']);
  expect(init.status, init.stderr).toBe(0);
  run('git', ['add', '-A']);
  const first = run('git', ['commit', '-q', '-m', 'Set up agentpolicy in the scratch project']);
  expect(first.status, first.stderr).toBe(0);
}, 240_000);

describe('the packed package, installed with init', () => {
  it('lets an honest commit through', () => {
    repo.write('src/app.js', 'export const app = 2;\n');
    run('git', ['add', '-A']);
    const result = run('git', ['commit', '-q', '-m', 'Change the app value to two']);
    expect(result.status, result.stderr).toBe(0);
  });

  it('refuses a staged loosening of the policy committed with the change it would allow', () => {
    repo.write('.agentpolicyrc', LAX);
    repo.write('.github/workflows/ci.yml', 'on: push\n');
    run('git', ['add', '-A']);
    const result = run('git', ['commit', '-q', '-m', 'Loosen the policy and the hook together']);
    reset();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.agentpolicyrc changes the policy/);
    expect(result.stderr).toMatch(/allow-once --change [0-9a-f]{16}/);
  });

  it('ignores an unstaged loosening, in the hooks and in the guard', () => {
    repo.write('.agentpolicyrc', LAX);
    expect(guard("echo '{}' > .claude/settings.json").stdout).toMatch(
      /"permissionDecision":"deny".*protected-paths/,
    );
    repo.write('.github/workflows/ci.yml', 'on: push\n');
    run('git', ['add', '.github']);
    const result = run('git', ['commit', '-q', '-m', 'Add a workflow while the policy is loosened']);
    reset();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.github\/workflows\/ci\.yml is protected/);
  });

  it('does not read a policy written into package.json by npm pkg set', () => {
    expect(run('npm', ['pkg', 'set', 'agentpolicy.rules.protected-paths=off']).status).toBe(0);
    expect(guard("echo '{}' > .claude/settings.json").stdout).toMatch(/"permissionDecision":"deny"/);
    const result = run('git', ['commit', '-q', '-am', 'Store settings in the manifest']);
    reset();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/package\.json changes its "agentpolicy" key.*policy-changed/);
  });

  it('applies no profile an agent selects with a variable', () => {
    repo.write('.github/workflows/ci.yml', 'on: push\n');
    run('git', ['add', '.github']);
    const result = run('git', ['commit', '-q', '-m', 'Add a workflow with a profile'], {
      AGENTPOLICY_PROFILE: 'human',
    });
    reset();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/protected-paths/);
  });
});
