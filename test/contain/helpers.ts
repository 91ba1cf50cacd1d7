// Contained runs as a real unprivileged user: as root, the repository is handed to `nobody` and
// the wrapper runs through `runuser -u nobody`, so a bug can only harm that throwaway repository;
// as anyone else, it runs as that user.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { createRepo, type RunResult, type TestRepo } from '../helpers/repo.js';

export const SH = BIN.replace(/agentpolicy\.cjs$/, 'agentpolicy-sh.cjs');
export const AS_ROOT = process.getuid?.() === 0;

/** Gives the repository (and its temp folder, home included) to the user the wrapper runs as. */
export function handOver(repo: TestRepo): void {
  if (!AS_ROOT) return;
  const base = dirname(repo.dir);
  chmodSync(base, statSync(base).mode | 0o755);
  spawnSync('chown', ['-R', 'nobody:nogroup', base]);
}

/** Takes the repository back, so the test's own git calls run as its owner. */
export function takeBack(repo: TestRepo): void {
  if (AS_ROOT) spawnSync('chown', ['-R', 'root:root', dirname(repo.dir)]);
}

export function userArgv(argv: string[], env: NodeJS.ProcessEnv): string[] {
  if (!AS_ROOT) return argv;
  const vars = Object.entries(env)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return ['runuser', '-u', 'nobody', '--', 'env', '-i', ...vars, ...argv];
}

export interface Run extends RunResult {}

/** Runs the built wrapper (`sh` for agentpolicy-sh, `exec` for agentpolicy exec) as the user. */
export function wrapper(
  repo: TestRepo,
  how: 'sh' | 'exec',
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Run {
  const env = { ...repo.env, ...options.env };
  const entry = how === 'sh' ? [process.execPath, SH, ...args] : [process.execPath, BIN, 'exec', ...args];
  const argv = userArgv(entry, env);
  const result = spawnSync(argv[0]!, argv.slice(1), {
    cwd: options.cwd ?? repo.dir,
    env,
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The same, started in the background: resolves with the result once it ends. */
export function wrapperAsync(repo: TestRepo, args: string[], onStart?: (pid: number) => void): Promise<Run> {
  const env = repo.env;
  const argv = userArgv([process.execPath, SH, ...args], env);
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: repo.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    if (child.pid) onStart?.(child.pid);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** A repository with a policy and a few tracked files, handed to the user. */
export function containedRepo(
  policy: object = { extends: 'agentpolicy:recommended' },
  files: Record<string, string> = {},
): TestRepo {
  const repo = createRepo();
  repo.commit('base', {
    '.agentpolicyrc': JSON.stringify(policy),
    'README.md': '# project\n',
    'src/a.ts': 'export const a = 1;\n',
    'src/b.ts': 'export const b = 2;\n',
    'src/c.ts': 'export const c = 3;\n',
    'src/d.ts': 'export const d = 4;\n',
    ...files,
  });
  mkdirSync(join(repo.home, '.cache'), { recursive: true });
  handOver(repo);
  return repo;
}

/** Whether contained execution runs here: the overlay shows in the command's own mount table. */
export function containmentRuns(): boolean {
  const repo = containedRepo();
  const result = wrapper(repo, 'sh', ['-c', 'grep -c " - overlay " /proc/self/mountinfo']);
  return result.status === 0 && Number(result.stdout.trim()) > 0;
}

/**
 * Code the static pass cannot see through (a command decoded when it runs), so the command runs
 * and only its effects can be judged.
 */
export function opaque(command: string): string {
  const encoded = Buffer.from(command).toString('base64');
  return `python3 -c "import base64, os, sys; sys.exit(os.waitstatus_to_exitcode(os.system(base64.b64decode('${encoded}').decode())))"`;
}

/**
 * A folder the wrapper's user may write that is outside the temp folders and the caches: under
 * /var/lib for `nobody` (made by root), under the real home otherwise. Removed after the file.
 */
export function outsideFolder(): string {
  const base = AS_ROOT ? '/var/lib' : (process.env.HOME ?? '/nonexistent');
  const dir = mkdtempSync(join(base, 'agentpolicy-test-'));
  if (AS_ROOT) spawnSync('chown', ['nobody:nogroup', dir]);
  outside.push(dir);
  return dir;
}

const outside: string[] = [];
afterAll(() => {
  for (const dir of outside.splice(0)) rmSync(dir, { recursive: true, force: true });
});
