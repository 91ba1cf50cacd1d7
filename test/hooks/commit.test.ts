// Real `git commit` through the hooks that `agentpolicy init` installs.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject } from '../helpers/project.js';
import { snapshot } from '../helpers/repo.js';

const messagePolicy = {
  extends: 'agentpolicy:recommended',
  rules: { 'commit-message': ['error', { minLength: 10, forbid: ['wip'], maxSubjectLength: 72 }] },
};

describe('commit-msg hook', () => {
  it.each([
    ['an empty message', ''],
    ['"wip"', 'wip'],
    ['a too short message', 'fix'],
    ['a long subject', 'x'.repeat(80)],
  ])('blocks %s', (_name, message) => {
    const project = createProject(messagePolicy);
    project.write('src/a.ts', 'export const a = 1;\n');
    project.git('add', '-A');
    const before = snapshot(project, { indexBytes: false });
    const result = project.gitRaw(['commit', '-q', '--allow-empty-message', '-m', message]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/commit-message/);
    expect(snapshot(project, { indexBytes: false })).toBe(before);
  });

  it('lets a good message through, from a subdirectory too', () => {
    const project = createProject(messagePolicy);
    project.write('src/a.ts', 'export const a = 1;\n');
    project.git('add', '-A');
    const result = project.gitRaw(['commit', '-q', '-m', 'Add the first module'], {
      cwd: join(project.dir, 'src'),
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('ignores comment lines and the scissors part of commit -v', () => {
    const project = createProject(messagePolicy);
    project.write('a.txt', 'wip\n');
    project.git('add', '-A');
    const editor = `sh -c 'printf "Describe the change well\\n# wip\\n" > "$1"' --`;
    const result = project.gitRaw(['-c', `core.editor=${editor}`, 'commit', '-q', '-v']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs on commit --amend and blocks a bad amended message', () => {
    const project = createProject(messagePolicy);
    const result = project.gitRaw(['commit', '-q', '--amend', '-m', 'wip']);
    expect(result.status).not.toBe(0);
    expect(project.git('log', '-1', '--format=%s').trim()).toBe('Set up the project with agentpolicy');
  });

  it('accepts the message of a merge', () => {
    const project = createProject(
      { ...messagePolicy, rules: { 'commit-message': ['error', { conventional: true }] } },
      {},
      'chore: set up agentpolicy',
    );
    project.git('checkout', '-q', '-b', 'feature');
    project.write('f.txt', 'feature\n');
    project.git('add', '-A');
    expect(project.gitRaw(['commit', '-q', '-m', 'feat: add f']).status).toBe(0);
    project.git('checkout', '-q', 'main');
    const merge = project.gitRaw(['merge', '-q', '--no-ff', 'feature', '--no-edit']);
    expect(merge.stderr).toBe('');
    expect(merge.status).toBe(0);
  });

  it('blocks every commit when the binary is missing, and says how to fix it', () => {
    const project = createProject(messagePolicy);
    project.remove('node_modules');
    const result = project.gitRaw(['commit', '-q', '--allow-empty', '-m', 'A perfectly good message']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/node_modules\/\.bin\/agentpolicy is missing.*blocked/);
    expect(result.stderr).toMatch(/npm install/);
  });

  it('blocks with exit 2 reasons when the committed policy is broken', () => {
    const project = createProject(messagePolicy);
    project.write('.agentpolicyrc', '{ "rules": { "commit-mesage": "error" } }');
    project.git('add', '-A');
    project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Break the policy past the hooks');
    const result = project.gitRaw(['commit', '-q', '--allow-empty', '-m', 'A perfectly good message']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/HEAD:\.agentpolicyrc is not a valid policy/);
    expect(result.stderr).toMatch(/unknown rule "commit-mesage"\. Did you mean "commit-message"\?/);
  });
});
