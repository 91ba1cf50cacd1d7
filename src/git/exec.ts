// The one place that runs git. Every call gets our flags: no pager, no external diff or textconv,
// unquoted paths, no optional locks (a check must never take the index lock from the user).
import { createRequire } from 'node:module';
import { GitError } from '../errors.js';

// node:child_process costs several milliseconds to load, and most agent tool calls run no git at
// all (the policy is read from git's files): load it on the first git call.
const requireModule = createRequire(import.meta.url);
let loaded: typeof import('node:child_process') | undefined;
function childProcess(): typeof import('node:child_process') {
  loaded ??= requireModule('node:child_process') as typeof import('node:child_process');
  return loaded;
}

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

/**
 * Replace refs (`git replace`) swap one object for another for every git command that honours them:
 * what we read and judge are the objects as committed.
 */
function gitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, GIT_NO_REPLACE_OBJECTS: '1' };
}

/** Runs git and returns its stdout as text; throws GitError on failure. */
export function git(args: readonly string[], options: GitOptions): GitResult {
  const { stdout, status } = gitBytes(args, options);
  return { stdout: stdout.toString('utf8'), status };
}

/** git could not be started at all: missing from PATH, or the system refused the process. */
function spawnFailure(args: readonly string[], error: Error): GitError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'git is not installed or not on PATH' : String(error);
  return new GitError(args, null, reason, { cause: error });
}

/** Runs git and returns its stdout as bytes (for object contents, whose sizes git gives in bytes). */
export function gitBytes(args: readonly string[], options: GitOptions): { stdout: Buffer; status: number } {
  const result = childProcess().spawnSync('git', [...GIT_FLAGS, ...args], {
    cwd: options.cwd,
    env: gitEnv(options.env ?? process.env),
    input: options.input,
    maxBuffer: 1024 * 1024 * 1024,
    windowsHide: true,
  });
  if (result.error) throw spawnFailure(args, result.error);
  const status = result.status ?? -1;
  if (status !== 0 && !options.okStatus?.includes(status)) {
    throw new GitError(args, result.status, String(result.stderr));
  }
  return { stdout: result.stdout, status };
}

/** The top of the work tree that contains `cwd`, or undefined outside a repository. */
export function findRepositoryRoot(cwd: string): string | undefined {
  const result = childProcess().spawnSync('git', ['rev-parse', '--show-toplevel'], {
    cwd,
    env: gitEnv(process.env),
    encoding: 'utf8',
    windowsHide: true,
  });
  if (result.status !== 0) return undefined;
  return result.stdout.replace(/\n$/, '');
}

/**
 * Runs git and hands its stdout to `onOutput` piece by piece as it comes (bytes, cut anywhere), so
 * a long listing is parsed while git still writes it and never held whole. The handler runs
 * synchronously: while it works nothing more is read, and git waits on the full pipe.
 */
export function gitStream(
  args: readonly string[],
  options: Omit<GitOptions, 'input' | 'okStatus'>,
  onOutput: (output: Buffer) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn('git', [...GIT_FLAGS, ...args], {
      cwd: options.cwd,
      env: gitEnv(options.env ?? process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stderr = '';
    let failure: unknown;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < 65536) stderr += text;
    });
    child.stdout.on('data', (output: Buffer) => {
      if (failure) return;
      try {
        onOutput(output);
      } catch (error) {
        // The handler gave up: stop git and report the handler's error, not git's.
        failure = error;
        child.kill();
      }
    });
    child.on('error', (error) => {
      failure ??= spawnFailure(args, error);
    });
    child.on('close', (status) => {
      if (failure) reject(failure);
      else if (status !== 0) reject(new GitError(args, status, stderr));
      else resolve();
    });
  });
}

/**
 * Runs git with its input open for writing as the caller learns what to ask (`cat-file --batch`):
 * its stdout as bytes once the input is ended and git has finished.
 */
export function gitPiped(
  args: readonly string[],
  options: Omit<GitOptions, 'input' | 'okStatus'>,
): { input: import('node:stream').Writable; output: Promise<Buffer> } {
  const child = childProcess().spawn('git', [...GIT_FLAGS, ...args], {
    cwd: options.cwd,
    env: gitEnv(options.env ?? process.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const output = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let stderr = '';
    let failure: unknown;
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < 65536) stderr += text;
    });
    // git gone early (EPIPE on our writes): the exit status or the spawn error says why.
    child.stdin.on('error', () => {});
    child.on('error', (error) => {
      failure ??= spawnFailure(args, error);
    });
    child.on('close', (status) => {
      if (failure) reject(failure);
      else if (status !== 0) reject(new GitError(args, status, stderr));
      else resolve(Buffer.concat(chunks));
    });
  });
  return { input: child.stdin, output };
}

/** Runs git without waiting for it: its stdout as text once it ends (for work that can overlap). */
export async function gitAsync(
  args: readonly string[],
  options: Omit<GitOptions, 'input' | 'okStatus'>,
): Promise<string> {
  const chunks: Buffer[] = [];
  await gitStream(args, options, (output) => chunks.push(output));
  return Buffer.concat(chunks).toString('utf8');
}

/** A promise awaited later: its failure is reported then, not as an unhandled rejection now. */
export function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
