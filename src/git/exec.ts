// The one place that runs git. Every call gets our flags: no pager, no external diff or textconv,
// unquoted paths, no optional locks (a check must never take the index lock from the user).
import { spawnSync } from 'node:child_process';
import { GitError } from '../errors.js';

export const GIT_FLAGS = ['-c', 'core.quotePath=false', '--no-pager', '--no-optional-locks'];

export interface GitOptions {
  cwd: string;
  /** Extra environment; GIT_INDEX_FILE and friends pass through from ours unless overridden. */
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  okStatus?: number[];
}

export interface GitResult {
  stdout: string;
  status: number;
}

/** Runs git and returns its stdout as text; throws GitError on failure. */
export function git(args: readonly string[], options: GitOptions): GitResult {
  const result = spawnSync('git', [...GIT_FLAGS, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    windowsHide: true,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new GitError(
      args,
      null,
      code === 'ENOENT' ? 'git is not installed or not on PATH' : String(result.error),
      {
        cause: result.error,
      },
    );
  }
  const status = result.status ?? -1;
  if (status !== 0 && !options.okStatus?.includes(status)) {
    throw new GitError(args, result.status, result.stderr);
  }
  return { stdout: result.stdout, status };
}

/** The top of the work tree that contains `cwd`, or undefined outside a repository. */
export function findRepositoryRoot(cwd: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], {
    cwd,
    encoding: 'utf8',
    windowsHide: true,
  });
  if (result.status !== 0) return undefined;
  return result.stdout.replace(/\n$/, '');
}
