// Real `git push` to a bare repository on disk through the pre-push hook.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createProject, type Project } from '../helpers/project.js';
import { createRepo } from '../helpers/repo.js';

const policy = {
  extends: 'agentpolicy:recommended',
  rules: { 'commit-message': ['error', { minLength: 10, forbid: ['wip'] }] },
};

function withRemote(project: Project): string {
  const remote = createRepo({ bare: true });
  project.git('remote', 'add', 'origin', remote.dir);
  const first = project.gitRaw(['push', '-q', '-u', 'origin', 'main']);
  expect(first.status, first.stderr).toBe(0);
  return remote.dir;
}

function commitSkippingHooks(project: Project, message: string, file = 'x.txt'): void {
  project.write(file, `${message}\n${Math.random()}\n`);
  project.git('add', '-A');
  // What an agent that bypasses the hooks does; the pre-push hook judges the commit again.
  project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', message);
}

describe('pre-push hook', () => {
  it('judges every pushed commit again, catching one made with the hooks skipped', () => {
    const project = createProject(policy);
    withRemote(project);
    commitSkippingHooks(project, 'A good first change');
    commitSkippingHooks(project, 'wip');
    const result = project.gitRaw(['push', '-q', 'origin', 'main']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/"wip".*commit-message/);
  });

  it('blocks a force push and allows a fast-forward', () => {
    const project = createProject(policy);
    withRemote(project);
    commitSkippingHooks(project, 'Add the x file for now');
    expect(project.gitRaw(['push', '-q', 'origin', 'main']).status).toBe(0);
    project.git('reset', '-q', '--hard', 'HEAD~1');
    commitSkippingHooks(project, 'Rewrite the x file instead');
    const forced = project.gitRaw(['push', '-q', '--force', 'origin', 'main']);
    expect(forced.status).not.toBe(0);
    expect(forced.stderr).toMatch(/Force push to refs\/heads\/main.*no-force-push/);
  });

  it('allows a force push to an allowed branch', () => {
    const project = createProject({
      ...policy,
      rules: { ...policy.rules, 'no-force-push': ['error', { allow: ['agent/*'] }] },
    });
    withRemote(project);
    project.git('checkout', '-q', '-b', 'agent/task');
    commitSkippingHooks(project, 'Start the agent task');
    expect(project.gitRaw(['push', '-q', 'origin', 'agent/task']).status).toBe(0);
    project.git('commit', '-q', '--amend', '-m', 'Start the agent task again');
    expect(project.gitRaw(['push', '-q', '--force', 'origin', 'agent/task']).stderr).not.toMatch(
      /no-force-push/,
    );
  });

  it('blocks deleting a remote branch, even alongside a good ref', () => {
    const project = createProject(policy);
    withRemote(project);
    project.git('branch', 'old');
    expect(project.gitRaw(['push', '-q', 'origin', 'old']).status).toBe(0);
    commitSkippingHooks(project, 'A good change to push');
    const result = project.gitRaw(['push', '-q', 'origin', 'main', ':old']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/The push deletes refs\/heads\/old.*no-branch-deletion/);
  });

  it('checks a new branch against what the remote already has, and passes a clean one', () => {
    const project = createProject(policy);
    withRemote(project);
    project.git('checkout', '-q', '-b', 'feature');
    commitSkippingHooks(project, 'Add the feature in one go');
    const result = project.gitRaw(['push', '-q', 'origin', 'feature']);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.status).toBe(0);
  });

  it('catches bad commits rewritten by a rebase, which runs no commit hooks', () => {
    const project = createProject(policy);
    withRemote(project);
    project.git('checkout', '-q', '-b', 'topic');
    commitSkippingHooks(project, 'fix', 'topic.txt');
    project.git('checkout', '-q', 'main');
    commitSkippingHooks(project, 'Move main ahead of topic', 'main.txt');
    project.git('checkout', '-q', 'topic');
    project.git('rebase', '-q', 'main');
    const result = project.gitRaw(['push', '-q', 'origin', 'topic']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/at least 10 are required/);
  });

  it('works from a linked worktree without its own node_modules', () => {
    const project = createProject(policy);
    withRemote(project);
    const worktree = join(project.dir, '..', 'wt');
    project.git('worktree', 'add', '-q', worktree, '-b', 'wt-branch');
    // No step of its own: linked worktrees run the hooks through the shared config.
    const doctor = runCli(['doctor'], { cwd: worktree, env: project.env });
    expect(doctor.status, doctor.stdout).toBe(0);
    expect(doctor.stdout).not.toMatch(/husky is not set up here/);
    project.write('../wt/w.txt', 'w\n');
    project.gitRaw(['add', '-A'], { cwd: worktree });
    const bad = project.gitRaw(['commit', '-q', '-m', 'wip'], { cwd: worktree });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/commit-message/);
    const good = project.gitRaw(['commit', '-q', '-m', 'Add w from the worktree'], { cwd: worktree });
    expect(good.status, good.stderr).toBe(0);
    expect(project.gitRaw(['push', '-q', 'origin', 'wt-branch'], { cwd: worktree }).status).toBe(0);
  });
});
