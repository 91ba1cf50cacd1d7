// The policy that judges is the committed one: real commits and pushes through the installed hooks,
// trying every way to make the policy judge itself, and the one way a human lets a change through.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { createProject, type Project } from '../helpers/project.js';
import { createRepo, snapshot } from '../helpers/repo.js';

const LAX = JSON.stringify({ extends: 'agentpolicy:recommended', rules: { 'protected-paths': 'off' } });
const STRICTER = JSON.stringify({ extends: 'agentpolicy:strict' });

/** A change the committed policy refuses: an edit of a hook script (protected-paths). */
function stageProtectedChange(project: Project): void {
  project.write('.husky/pre-commit', `${project.read('.husky/pre-commit')}\n# changed\n`);
  project.git('add', '.husky/pre-commit');
}

function commit(project: Project, message = 'Change the hook script quietly', env: NodeJS.ProcessEnv = {}) {
  return project.gitRaw(['commit', '-q', '-m', message], { env });
}

/** Runs a command as a human at a terminal does (`script` gives it a pseudo-terminal). */
function inTerminal(project: Project, args: string[]) {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  return spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: project.dir,
    env: project.env,
    encoding: 'utf8',
  });
}

function withRemote(project: Project): void {
  const remote = createRepo({ bare: true });
  project.git('remote', 'add', 'origin', remote.dir);
  const first = project.gitRaw(['push', '-q', '-u', 'origin', 'main']);
  expect(first.status, first.stderr).toBe(0);
}

describe('the committed policy judges the commit', () => {
  it('a staged loosening is judged by the policy before it (policy-changed), not by itself', () => {
    const project = createProject();
    project.write('.agentpolicyrc', LAX);
    project.git('add', '.agentpolicyrc');
    stageProtectedChange(project);
    const before = snapshot(project, { indexBytes: false });
    const result = commit(project);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.agentpolicyrc changes the policy.*policy-changed/);
    expect(result.stderr).toMatch(/\.husky\/pre-commit is protected/);
    expect(snapshot(project, { indexBytes: false })).toBe(before);
  });

  it('even a tightening is a policy change that needs a human', () => {
    const project = createProject();
    project.write('.agentpolicyrc', STRICTER);
    project.git('add', '.agentpolicyrc');
    const result = commit(project, 'Tighten the policy to strict');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/policy-changed/);
  });

  it.each([
    ['an unstaged loosened policy', (p: Project) => p.write('.agentpolicyrc', LAX)],
    [
      'the old policy checked out and unstaged again',
      (p: Project) => {
        p.write('.agentpolicyrc', STRICTER);
        p.git('add', '.agentpolicyrc');
        p.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Tighten the policy to strict');
        p.write('.agentpolicyrc', LAX);
        p.git('add', '.agentpolicyrc');
        p.git('restore', '--staged', '.agentpolicyrc');
      },
    ],
    ['a deleted policy file', (p: Project) => p.remove('.agentpolicyrc')],
    [
      'a second policy file that is not staged',
      (p: Project) => p.write('.agentpolicyrc.yaml', 'rules:\n  protected-paths: off\n'),
    ],
    [
      'an "agentpolicy" key in package.json, as `npm pkg set` writes it',
      (p: Project) =>
        p.write(
          'package.json',
          JSON.stringify({ name: 'demo', agentpolicy: { rules: { 'protected-paths': 'off' } } }),
        ),
    ],
    ['a forged policy cache', (p: Project) => forgeCache(p)],
  ])('nothing unstaged changes the verdict: %s', (_name, loosen) => {
    const project = createProject();
    loosen(project);
    stageProtectedChange(project);
    const result = commit(project);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.husky\/pre-commit is protected.*protected-paths/);
  });

  it('a profile selected by a variable, export or env is not applied', () => {
    const project = createProject({
      extends: 'agentpolicy:recommended',
      profiles: { human: { rules: { 'protected-paths': 'off' } } },
    });
    stageProtectedChange(project);
    const result = commit(project, 'Change the hook script quietly', { AGENTPOLICY_PROFILE: 'human' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/protected-paths/);
    expect(result.stderr).toMatch(/AGENTPOLICY_PROFILE is ignored/);
  });

  it('a profile a human selected in a terminal applies to the hooks, and `profile --off` ends it', () => {
    const project = createProject({
      extends: 'agentpolicy:recommended',
      profiles: { human: { rules: { 'protected-paths': 'off' } } },
    });
    expect(runCli(['profile', 'human'], { cwd: project.dir, env: project.env }).stderr).toMatch(
      /run it yourself in a terminal/,
    );
    expect(inTerminal(project, ['profile', 'human', '--for', '10m']).stdout).toMatch(/applies to the hooks/);
    stageProtectedChange(project);
    const result = commit(project);
    expect(result.stderr).toMatch(/profile "human" applies/);
    expect(result.status, result.stderr).toBe(0);
    inTerminal(project, ['profile', '--off']);
    stageProtectedChange(project);
    expect(commit(project).status).not.toBe(0);
  });

  it('VERIFY.md comes from the commit too: an unstaged edit does not let a failing commit land', () => {
    const project = createProject(
      { extends: 'agentpolicy:recommended', verify: { from: 'VERIFY.md' } },
      { 'VERIFY.md': '```sh\ntest ! -f src/a.ts\n```\n' },
      'Set up the project and its checks',
    );
    project.write('VERIFY.md', '```sh\ntrue\n```\n');
    project.write('src/a.ts', 'export const a = 1;\n');
    project.git('add', 'src/a.ts');
    const result = commit(project, 'Add the first module');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/test ! -f src\/a\.ts/);
  });

  it('a staged VERIFY.md change is a policy change', () => {
    const project = createProject(
      { extends: 'agentpolicy:recommended', verify: { from: 'VERIFY.md' } },
      { 'VERIFY.md': '```sh\ntrue\n```\n' },
      'Set up the project and its checks',
    );
    project.write('VERIFY.md', '```sh\ntrue\necho more\n```\n');
    project.git('add', 'VERIFY.md');
    const result = commit(project, 'Change what verifies a commit');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/VERIFY\.md changes the policy/);
  });

  it('a change to a package script the verification runs is refused', () => {
    const project = createProject(
      { extends: 'agentpolicy:recommended', verify: { test: { run: 'npm test' } } },
      { 'package.json': JSON.stringify({ name: 'demo', scripts: { test: 'node -e 0', lint: 'true' } }) },
      'Set up the project and its checks',
    );
    project.write('package.json', JSON.stringify({ name: 'demo', scripts: { test: 'true', lint: 'true' } }));
    project.git('add', 'package.json');
    const result = commit(project, 'Make the tests faster');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/the script "test" changes, and the verification steps run it/);
    // Other scripts are the agent's to change.
    project.write(
      'package.json',
      JSON.stringify({ name: 'demo', scripts: { test: 'node -e 0', lint: 'biome' } }),
    );
    project.git('add', 'package.json');
    const other = commit(project, 'Lint with biome from now on');
    expect(other.stderr).not.toMatch(/protected-paths/);
  });
});

describe('a human lets a policy change through', () => {
  it('with the one command the hook prints, bound to that change, at commit and at push', () => {
    const project = createProject();
    withRemote(project);
    project.write('.agentpolicyrc', STRICTER);
    project.git('add', '.agentpolicyrc');
    const blocked = commit(project, 'Tighten the policy to strict');
    expect(blocked.status).not.toBe(0);
    const command = /`agentpolicy (allow-once --change [0-9a-f]{16})`/.exec(blocked.stderr)?.[1];
    expect(command, blocked.stderr).toBeDefined();
    // An agent cannot run it.
    expect(runCli(command!.split(' '), { cwd: project.dir, env: project.env }).status).toBe(2);
    const granted = inTerminal(project, command!.split(' '));
    expect(granted.stdout).toMatch(/may now change \.agentpolicyrc/);
    const committed = commit(project, 'Tighten the policy to strict');
    expect(committed.status, committed.stderr).toBe(0);
    // A push that something else blocks does not spend the permission.
    project.write('.github/workflows/ci.yml', 'on: push\n');
    project.git('add', '-A');
    project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Add a workflow past the hooks');
    const failed = project.gitRaw(['push', '-q', 'origin', 'main']);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/\.github\/workflows\/ci\.yml is protected/);
    expect(failed.stderr).not.toMatch(/policy-changed/);
    project.git('reset', '-q', '--hard', 'HEAD~1');
    const pushed = project.gitRaw(['push', '-q', 'origin', 'main']);
    expect(pushed.status, pushed.stderr).toBe(0);
  });

  it('the permission covers no other change', () => {
    const project = createProject();
    project.write('.agentpolicyrc', STRICTER);
    project.git('add', '.agentpolicyrc');
    const command = /`agentpolicy (allow-once --change [0-9a-f]{16})`/.exec(commit(project).stderr)![1]!;
    inTerminal(project, command.split(' '));
    project.write('.agentpolicyrc', LAX);
    project.git('add', '.agentpolicyrc');
    const other = commit(project, 'Loosen the policy instead');
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/policy-changed/);
    expect(inTerminal(project, ['allow-once', '--change', '0123456789abcdef']).stdout).toMatch(
      /no staged change and no unpushed commit is change 0123456789abcdef/,
    );
  });
});

describe('the pre-push hook judges by the policy of what the remote has', () => {
  it('a loosened policy committed past the hooks does not judge its own push', () => {
    const project = createProject();
    withRemote(project);
    project.write('.agentpolicyrc', LAX);
    project.write('.husky/pre-commit', 'exit 0\n');
    project.git('add', '-A');
    project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Loosen the policy and the hook');
    const result = project.gitRaw(['push', '-q', 'origin', 'main']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.agentpolicyrc changes the policy.*policy-changed/);
    expect(result.stderr).toMatch(/\.husky\/pre-commit is protected/);
  });

  it('reports commit hooks that were switched off, where git leaves a trace', () => {
    const project = createProject();
    withRemote(project);
    project.git('config', 'include.path', '../elsewhere.config');
    project.commit('Add a file with the hooks intact', { 'a.txt': 'a\n' });
    const result = project.gitRaw(['push', '-q', 'origin', 'main']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/config includes other files.*no-hook-bypass/);
  });
});

/** What the old policy cache looked like: a resolved policy with every rule off. */
function forgeCache(project: Project): void {
  const folder = join(project.dir, '.git/agentpolicy/cache');
  mkdirSync(folder, { recursive: true });
  const entry = {
    version: '0.1.0',
    profile: '',
    files: [{ path: join(project.dir, '.agentpolicyrc'), content: project.read('.agentpolicyrc') }],
    policy: {
      rules: {},
      verify: [],
      shell: { deny: [], allow: [], onError: 'deny', tempDirs: [] },
      sources: [],
    },
  };
  writeFileSync(join(folder, 'policy.json'), JSON.stringify(entry));
}

describe('the guard obeys the committed policy too', () => {
  const payload = (project: Project, command: string) =>
    JSON.stringify({
      session_id: 's',
      transcript_path: '/dev/null',
      cwd: project.dir,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
    });

  it.each([
    ['an unstaged loosened policy', (p: Project) => p.write('.agentpolicyrc', LAX)],
    [
      'a staged loosened policy',
      (p: Project) => {
        p.write('.agentpolicyrc', LAX);
        p.git('add', '.agentpolicyrc');
      },
    ],
    [
      'a package.json key',
      (p: Project) =>
        p.write('package.json', JSON.stringify({ agentpolicy: { rules: { 'protected-paths': 'off' } } })),
    ],
    ['a forged cache', (p: Project) => forgeCache(p)],
    [
      'a symlink to a policy outside the repository',
      (p: Project) => {
        const outside = join(p.dir, '..', 'lax.json');
        writeFileSync(outside, LAX);
        p.remove('.agentpolicyrc');
        symlinkSync(outside, join(p.dir, '.agentpolicyrc'));
      },
    ],
  ])('%s does not loosen it', (_name, loosen) => {
    const project = createProject();
    loosen(project);
    const result = runCli(['agent-hook', 'claude'], {
      cwd: project.dir,
      env: project.env,
      input: payload(project, "echo 'on: push' > .github/workflows/ci.yml"),
    });
    expect(result.stdout).toMatch(/"permissionDecision":"deny".*protected-paths/);
  });

  it('AGENTPOLICY_PROFILE does not select a profile for the guard', () => {
    const project = createProject({
      extends: 'agentpolicy:recommended',
      profiles: { human: { rules: { 'protected-paths': 'off' } } },
    });
    const result = runCli(['agent-hook', 'claude'], {
      cwd: project.dir,
      env: { ...project.env, AGENTPOLICY_PROFILE: 'human' },
      input: payload(project, "echo 'on: push' > .github/workflows/ci.yml"),
    });
    expect(result.stdout).toMatch(/"permissionDecision":"deny".*protected-paths/);
  });
});

describe('a history with nothing in common with the remote', () => {
  it('is judged by the policy of the remote default branch, not by the policy it brings', () => {
    const project = createProject();
    withRemote(project);
    project.git('checkout', '-q', '--orphan', 'lax');
    project.write('.agentpolicyrc', LAX);
    project.write('.github/workflows/ci.yml', 'on: push\n');
    project.git('add', '-A');
    project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Start a history of my own');
    const result = project.gitRaw(['push', '-q', 'origin', 'lax']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.github\/workflows\/ci\.yml is protected/);
  });
});
