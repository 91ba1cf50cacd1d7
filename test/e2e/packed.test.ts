// The package as a user gets it: `npm pack`, installed into a scratch repository, `agentpolicy init`,
// then commits in the main tree and in a linked worktree inside it, with verification steps that
// do what test suites do: build scratch repositories, stage files, leave background children.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addWorktree, createRepo, snapshot, tempDir } from '../helpers/repo.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function processesWith(token: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(token);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const token = String(5100 + (process.pid % 400) * 2);
const policy = {
  extends: 'agentpolicy:recommended',
  rules: { 'no-deletions': 'error', 'commit-message': ['error', { minLength: 10 }] },
  verify: {
    scratch: {
      run: 'd=$(mktemp -d) && cd "$d" && git init -q && echo f > f.txt && git add . && git commit -qm fixture && cd / && rm -rf "$d"',
    },
    stage: {
      run: 'echo generated > generated.txt && git add generated.txt && git status --short | grep -q generated',
    },
    background: {
      run: `sleep ${token} & setsid sleep ${token} & nohup sleep ${token} >/dev/null 2>&1 & echo left`,
    },
    types: { run: 'test -x node_modules/.bin/agentpolicy' },
  },
};

describe('the packed package, installed', () => {
  it('guards commits in the main tree and in a linked worktree, and steps reach nothing of the user', () => {
    const packs = tempDir();
    const packed = run(
      'npm',
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', packs],
      ROOT,
      process.env,
    );
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = join(packs, packed.stdout.trim().split('\n').pop()!);

    const repo = createRepo();
    const env = { ...repo.env, npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm') };
    repo.write('package.json', `${JSON.stringify({ name: 'scratch', private: true }, null, 2)}\n`);
    repo.write('.gitignore', 'node_modules\n');
    repo.write('src/app.ts', 'export const app = 1;\n');
    const install = run(
      'npm',
      ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
      repo.dir,
      env,
    );
    expect(install.status, install.stderr).toBe(0);
    const bin = join(repo.dir, 'node_modules/.bin/agentpolicy');
    const init = run(bin, ['init'], repo.dir, env);
    expect(init.status, init.stderr).toBe(0);
    repo.write('.agentpolicyrc', `${JSON.stringify(policy, null, 2)}\n`);
    repo.git('add', '-A');
    const first = repo.gitRaw(['commit', '-q', '-m', 'Set up agentpolicy for the scratch project'], { env });
    expect(first.status, first.stderr).toBe(0);

    // The main tree: an honest commit passes, the steps' staging stays in their copy.
    repo.write('src/app.ts', 'export const app = 2;\n');
    repo.git('add', 'src/app.ts');
    const honest = repo.gitRaw(['commit', '-q', '-m', 'Change the app value'], { env });
    expect(honest.stderr).toMatch(/✓ scratch[\s\S]*✓ stage[\s\S]*✓ background[\s\S]*✓ types/);
    expect(honest.status).toBe(0);
    expect(repo.git('show', '--name-only', '--format=', 'HEAD').trim()).toBe('src/app.ts');
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(processesWith(token)).toEqual([]);

    // A worktree inside the repository, as agents make them, with no node_modules of its own.
    const worktree = addWorktree(repo, '.claude/worktrees/agent-1', 'agent-1');
    worktree.remove('src/app.ts');
    worktree.git('add', '-A');
    const before = snapshot(worktree, { indexBytes: false });
    const mainBefore = snapshot(repo, { indexBytes: false });
    const deletion = worktree.gitRaw(['commit', '-q', '-m', 'Remove the app module'], { env });
    expect(deletion.stderr).toMatch(/no-deletions/);
    expect(deletion.status).not.toBe(0);
    expect(snapshot(worktree, { indexBytes: false })).toBe(before);
    expect(snapshot(repo, { indexBytes: false })).toBe(mainBefore);
    worktree.git('reset', '-q');
    worktree.git('checkout', '--', 'src/app.ts');
    worktree.write('src/app.ts', 'export const app = 3;\n');
    worktree.git('add', 'src/app.ts');
    const inWorktree = worktree.gitRaw(['commit', '-q', '-m', 'Change the app value again'], { env });
    expect(inWorktree.stderr).toMatch(/✓ scratch[\s\S]*✓ stage[\s\S]*✓ background[\s\S]*✓ types/);
    expect(inWorktree.status).toBe(0);
    expect(processesWith(token)).toEqual([]);
    expect(repo.git('config', '--bool', 'core.bare').trim()).toBe('false');
    expect(repo.git('log', '--format=%s', 'main').trim().split('\n')).toEqual([
      'Change the app value',
      'Set up agentpolicy for the scratch project',
    ]);
    const doctor = run(bin, ['doctor'], repo.dir, env);
    expect(doctor.stdout).toMatch(/ok +worktree: .*agent-1 runs the hooks/);
    expect(doctor.status, doctor.stdout).toBe(0);
  }, 240_000);
});
