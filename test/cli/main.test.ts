import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { BIN, runCli } from '../helpers/cli.js';
import { createRepo, tempDir } from '../helpers/repo.js';

describe('the command line', () => {
  it('prints help and the version, and exits 2 without a command', () => {
    const repo = createRepo();
    const help = runCli(['--help'], { cwd: repo.dir, env: repo.env });
    expect(help.status).toBe(0);
    for (const name of Object.keys(commands)) expect(help.stdout).toContain(`  ${name}`);
    expect(runCli(['--version'], { cwd: repo.dir, env: repo.env }).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(runCli([], { cwd: repo.dir, env: repo.env }).status).toBe(2);
  });

  it.each(Object.keys(commands))('%s --help explains the command', (name) => {
    const result = runCli([name, '--help'], { cwd: '/', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: agentpolicy ${name}`));
  });

  it.each([
    [['chek'], /Unknown command "chek"\. Did you mean "check"\?/],
    [['check', '--formt', 'json'], /Unknown option '--formt'.*Did you mean "--format"\?/],
    [['check', '--format', 'yaml'], /--format must be one of text, json, github, markdown; got "yaml"/],
    [['check', '--staged', '--worktree'], /choose one of --staged, --worktree and --range/],
  ])('a usage error exits 2 and says what to do: %j', (args, message) => {
    const repo = createRepo();
    repo.write('.agentpolicyrc', '{}');
    const result = runCli(args, { cwd: repo.dir, env: repo.env });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('colours only a terminal, and never with NO_COLOR', () => {
    const repo = createRepo();
    repo.write('.agentpolicyrc', '{ "rules": { "edit-only": "error" } }');
    repo.write('a.txt', 'a\n');
    repo.git('add', '-A');
    const plain = runCli(['check'], { cwd: repo.dir, env: repo.env });
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    const forced = runCli(['check'], { cwd: repo.dir, env: { ...repo.env, NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\x1b\[31merror/);
  });
});

describe('the launcher', () => {
  it('blocks with exit 2 and a way out when its build is missing', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bin'));
    copyFileSync(BIN, join(dir, 'bin/agentpolicy.cjs'));
    for (const args of [['check-command', '--', 'ls'], ['agent-hook', 'claude'], ['check']]) {
      const result = spawnSync(process.execPath, [join(dir, 'bin/agentpolicy.cjs'), ...args], {
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/cannot load its code .*blocked.*npm install/);
    }
  });
});

describe('hooks in git situations', () => {
  it('a commit on a detached HEAD runs the hooks', async () => {
    const { createProject } = await import('../helpers/project.js');
    const project = createProject({
      extends: 'agentpolicy:recommended',
      rules: { 'commit-message': ['error', { minLength: 10 }] },
    });
    project.git('checkout', '-q', '--detach');
    project.write('d.txt', 'd\n');
    project.git('add', '-A');
    expect(project.gitRaw(['commit', '-q', '-m', 'short']).status).not.toBe(0);
    expect(project.gitRaw(['commit', '-q', '-m', 'A long enough message']).status).toBe(0);
  });
});
