// No process outlives its step: background children, timeouts, Ctrl-C, SIGTERM, and agentpolicy
// itself killed with -9. Both ways of keeping a step's processes together are tried: the PID
// namespace, and the process group with the marker, which runs where namespaces are not available
// (forced here by an `unshare` on PATH that always fails).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { createProject, type Project } from '../helpers/project.js';
import { addWorktree, tempDir } from '../helpers/repo.js';

/** Processes whose command line holds `token` (a number no other test uses). */
function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(token))
        found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

// Whole processes on a machine that may be busy: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 90_000 });

async function until(condition: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The snapshot folders in a temp folder of the test's own, where no other test's runs land. */
function runDirs(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith('agentpolicy-verify-'));
}

/** PATH with an `unshare` that always fails, first: the process-group way. */
function withoutNamespaces(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const bin = tempDir();
  writeFileSync(join(bin, 'unshare'), '#!/bin/sh\nexit 1\n');
  chmodSync(join(bin, 'unshare'), 0o755);
  return { ...env, PATH: `${bin}:${env.PATH}` };
}

let token = 4100 + (process.pid % 500) * 10;
/** Sleeps that leave the step in every way a shell can: `&`, `nohup`, `setsid`, a double fork. */
function escapees(): { run: string; tokens: string[] } {
  const tokens = [0, 1, 2, 3].map(() => String(++token));
  const [a, b, c, d] = tokens;
  return {
    run: `sleep ${a} & nohup sleep ${b} >/dev/null 2>&1 & setsid sleep ${c} & (sleep ${d} &) ;`,
    tokens,
  };
}

const modes = [
  ['a PID namespace', (env: NodeJS.ProcessEnv) => env],
  ['process groups', withoutNamespaces],
] as const;

function verifyInBackground(project: Project, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [BIN, 'verify'], { cwd: project.dir, env, stdio: 'ignore' });
}

describe.each(modes)('step processes, with %s', (_name, environment) => {
  it('ends background children when the step ends', () => {
    const leave = escapees();
    const project = createProject({
      extends: 'agentpolicy:recommended',
      verify: { leave: { run: `${leave.run} echo left` } },
    });
    const result = spawnSync(process.execPath, [BIN, 'verify'], {
      cwd: project.dir,
      env: environment(project.env),
      encoding: 'utf8',
      timeout: 25_000,
    });
    expect(result.stderr).toMatch(/✓ leave/);
    expect(result.status).toBe(0);
    for (const left of leave.tokens) expect(processesWith(left)).toEqual([]);
  });

  it('ends the whole tree of a step that times out', () => {
    const leave = escapees();
    const project = createProject({
      extends: 'agentpolicy:recommended',
      verify: { slow: { run: `[ -z "$SLOW" ] || { ${leave.run} sleep 30; }`, timeout: '1s' } },
    });
    const result = spawnSync(process.execPath, [BIN, 'verify'], {
      cwd: project.dir,
      env: { ...environment(project.env), SLOW: '1' },
      encoding: 'utf8',
      timeout: 25_000,
    });
    expect(result.stderr).toMatch(/✗ slow timed out/);
    for (const left of leave.tokens) expect(processesWith(left)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'ends the steps and removes the snapshot on %s',
    async (signal) => {
      const leave = escapees();
      const ready = join(tempDir(), 'ready');
      const project = createProject({
        extends: 'agentpolicy:recommended',
        verify: { long: { run: `[ -z "$READY" ] || { ${leave.run} touch "$READY"; sleep 30; }` } },
      });
      const tmp = tempDir();
      const before = runDirs(tmp);
      const child = verifyInBackground(project, { ...environment(project.env), READY: ready, TMPDIR: tmp });
      await until(() => existsSync(ready) && leave.tokens.every((t) => processesWith(t).length > 0));
      const exited = new Promise((resolve) => child.on('exit', (code, name) => resolve(name ?? code)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      await until(() => leave.tokens.every((t) => processesWith(t).length === 0), 3000);
      expect(runDirs(tmp).filter((dir) => !before.includes(dir))).toEqual([]);
    },
  );

  it('leaves nothing for good when agentpolicy is killed with -9: the next run ends it', async () => {
    const leave = escapees();
    const ready = join(tempDir(), 'ready');
    const project = createProject({
      extends: 'agentpolicy:recommended',
      verify: { long: { run: `[ -z "$READY" ] || { ${leave.run} touch "$READY"; sleep 30; }` } },
    });
    const tmp = tempDir();
    const before = runDirs(tmp);
    const env = { ...environment(project.env), TMPDIR: tmp };
    const child = verifyInBackground(project, { ...env, READY: ready });
    await until(() => existsSync(ready) && leave.tokens.every((t) => processesWith(t).length > 0));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const left = runDirs(tmp).filter((dir) => !before.includes(dir));
    expect(left).toHaveLength(1);
    const next = spawnSync(process.execPath, [BIN, 'verify'], {
      cwd: project.dir,
      env,
      encoding: 'utf8',
      timeout: 25_000,
    });
    expect(next.status).toBe(0);
    await until(() => leave.tokens.every((t) => processesWith(t).length === 0), 3000);
    expect(runDirs(tmp).filter((dir) => left.includes(dir))).toEqual([]);
  });
});

describe('step processes', () => {
  it('in a PID namespace, end with agentpolicy killed with -9, without waiting for a next run', async () => {
    const leave = escapees();
    const ready = join(tempDir(), 'ready');
    const project = createProject({
      extends: 'agentpolicy:recommended',
      verify: { long: { run: `[ -z "$READY" ] || { ${leave.run} touch "$READY"; sleep 30; }` } },
    });
    const child = verifyInBackground(project, { ...project.env, READY: ready });
    await until(() => existsSync(ready) && leave.tokens.every((t) => processesWith(t).length > 0));
    child.kill('SIGKILL');
    await until(() => leave.tokens.every((t) => processesWith(t).length === 0), 3000);
  });

  it('are kept together without root, in a user namespace', () => {
    const leave = escapees();
    const project = createProject({
      extends: 'agentpolicy:recommended',
      verify: { leave: { run: `${leave.run} id -u` } },
    });
    // Run by a user without root: nobody when the tests run as root (the whole project, its home and
    // temp folder then belong to nobody), else the user running the tests.
    const asRoot = process.getuid?.() === 0;
    const uid = asRoot ? 65534 : process.getuid?.();
    const base = join(project.dir, '..');
    if (asRoot) {
      spawnSync('chown', ['-R', 'nobody', base]);
      chownSync(base, 65534, -1);
    }
    const argv = [process.execPath, BIN, 'verify', '--format', 'json'];
    const options = { cwd: project.dir, env: { ...project.env, TMPDIR: base }, encoding: 'utf8' } as const;
    const result = asRoot
      ? spawnSync('runuser', ['-u', 'nobody', '--', ...argv], options)
      : spawnSync(argv[0]!, argv.slice(1), options);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const outcome = JSON.parse(result.stdout) as { results: { name: string; status: string }[] };
    expect(outcome.results).toEqual([expect.objectContaining({ name: 'leave', status: 'passed' })]);
    for (const left of leave.tokens) expect(processesWith(left)).toEqual([]);
    const logs = join(project.dir, '.git/agentpolicy/logs');
    const run = readdirSync(logs).sort().pop();
    expect(readFileSync(join(logs, run!, 'leave.log'), 'utf8')).toMatch(new RegExp(`^${uid}$`, 'm'));
  });
});

describe('step logs', () => {
  it('are kept per worktree and per run', () => {
    const project = createProject({
      extends: 'agentpolicy:recommended',
      verify: { where: { run: '[ -z "$MARK" ] || { echo "$MARK"; exit 1; }' } },
    });
    const worktree = addWorktree(project, join(project.dir, '..', 'wt'), 'feature');
    const verify = (cwd: string, mark: string) =>
      spawnSync(process.execPath, [BIN, 'verify'], {
        cwd,
        env: { ...project.env, MARK: mark },
        encoding: 'utf8',
      });
    const logOf = (result: ReturnType<typeof verify>) => /full log: (\S+)/.exec(result.stderr)?.[1] ?? '';
    const first = logOf(verify(project.dir, 'main-1'));
    const second = logOf(verify(project.dir, 'main-2'));
    const inWorktree = logOf(verify(worktree.dir, 'worktree-1'));
    expect(new Set([first, second, inWorktree]).size).toBe(3);
    expect(readFileSync(first, 'utf8')).toMatch(/main-1/);
    expect(readFileSync(second, 'utf8')).toMatch(/main-2/);
    expect(readFileSync(inWorktree, 'utf8')).toMatch(/worktree-1/);
    expect(inWorktree).toContain(join(project.dir, '.git/worktrees/wt/agentpolicy/logs/'));
  });
});
