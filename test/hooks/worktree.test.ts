// Every linked worktree is guarded with no step of its own: beside the repository or inside it
// (where coding agents make theirs), with or without its own node_modules.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createProject } from '../helpers/project.js';
import { addWorktree, snapshot } from '../helpers/repo.js';

const policy = {
  extends: 'agentpolicy:recommended',
  rules: { 'no-deletions': 'error', 'commit-message': ['error', { minLength: 10, forbid: ['wip'] }] },
  verify: {
    scratch: {
      run: 'd=$(mktemp -d) && cd "$d" && git init -q && git commit -q --allow-empty -m fixture && cd / && rm -rf "$d"',
    },
  },
};

const places = [
  ['beside the repository', '../wt'],
  ['inside it, as agents make them', '.claude/worktrees/agent-1'],
] as const;

describe.each(places)('a linked worktree %s', (_name, path) => {
  function setUp() {
    const project = createProject(policy, {
      'src/keep.ts': 'export const keep = 1;\n',
      'src/other.ts': 'x\n',
    });
    const worktree = addWorktree(project, path, 'feature');
    return { project, worktree };
  }

  it('blocks a deletion and a bad message, lets an honest commit through, with the main node_modules', () => {
    const { project, worktree } = setUp();
    worktree.remove('src/keep.ts');
    worktree.git('add', '-A');
    const before = snapshot(worktree, { indexBytes: false });
    const deletion = worktree.gitRaw(['commit', '-q', '-m', 'Remove the keep module']);
    expect(deletion.stderr).toMatch(/no-deletions/);
    expect(deletion.status).not.toBe(0);
    expect(snapshot(worktree, { indexBytes: false })).toBe(before);
    worktree.git('reset', '-q', 'HEAD', '--', 'src/keep.ts');
    worktree.git('checkout', '--', 'src/keep.ts');

    worktree.write('src/other.ts', 'y\n');
    worktree.git('add', 'src/other.ts');
    const wip = worktree.gitRaw(['commit', '-q', '-m', 'wip']);
    expect(wip.stderr).toMatch(/commit-message/);
    expect(wip.status).not.toBe(0);
    const honest = worktree.gitRaw(['commit', '-q', '-m', 'Change the other module']);
    expect(honest.stderr).toMatch(/✓ scratch/);
    expect(honest.status).toBe(0);
    expect(project.git('config', '--bool', 'core.bare').trim()).toBe('false');
    expect(project.git('log', '-1', '--format=%s', 'main').trim()).toBe(
      'Set up the project with agentpolicy',
    );
  });

  it('blocks every commit when no binary is found anywhere, and says how to fix it', () => {
    const { project, worktree } = setUp();
    rmSync(join(project.dir, 'node_modules'), { recursive: true, force: true });
    worktree.write('src/other.ts', 'y\n');
    worktree.git('add', '-A');
    const result = worktree.gitRaw(['commit', '-q', '-m', 'Change the other module']);
    expect(result.stderr).toMatch(/node_modules\/\.bin\/agentpolicy is missing.*blocked/);
    expect(result.status).not.toBe(0);
  });

  it('is checked by doctor, from the main tree and from the worktree', () => {
    const { project, worktree } = setUp();
    const escaped = (path: string) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const fromMain = runCli(['doctor'], { cwd: project.dir, env: project.env });
    expect(fromMain.stdout).toMatch(new RegExp(`ok +worktree: ${escaped(worktree.dir)} runs the hooks`));
    expect(fromMain.status, fromMain.stdout).toBe(0);
    const fromWorktree = runCli(['doctor'], { cwd: worktree.dir, env: project.env });
    expect(fromWorktree.stdout).toMatch(
      /ok +hook pre-commit: \S*\.git\/agentpolicy\/hooks\/pre-commit runs agentpolicy/,
    );
    expect(fromWorktree.stdout).toMatch(new RegExp(`ok +worktree: ${escaped(project.dir)} runs the hooks`));
    expect(fromWorktree.status, fromWorktree.stdout).toBe(0);
    rmSync(join(project.dir, '.git/agentpolicy/hooks'), { recursive: true, force: true });
    const broken = runCli(['doctor'], { cwd: project.dir, env: project.env });
    expect(broken.stdout).toMatch(/FAIL +worktree: .* runs no pre-commit hook/);
    expect(broken.stdout).toMatch(/fix: agentpolicy init --hooks/);
    expect(broken.status).toBe(1);
    expect(runCli(['init', '--hooks'], { cwd: project.dir, env: project.env }).status).toBe(0);
    expect(runCli(['doctor'], { cwd: worktree.dir, env: project.env }).status).toBe(0);
  });
});
