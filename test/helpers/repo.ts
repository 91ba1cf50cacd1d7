// Real git repositories in temp folders for tests: fixed branch `main`, local identity, no gc, no
// signing, no global or system config, so a developer's own git settings cannot change a result.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach } from 'vitest';

const created: string[] = [];
const shared: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  for (const dir of shared.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An environment for git that ignores the user's and the system's configuration. */
export function gitEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') && !key.startsWith('AGENTPOLICY_') && key !== 'HUSKY') env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * A temporary folder, removed after the test (or, shared by a whole file, after the file). `outside`
 * puts it outside the system's temp directories, for tests where a path in /tmp would count as a
 * temporary path (the shell guard lets deletion there through).
 */
export function tempDir(
  prefix = 'agentpolicy-test-',
  lifetime: 'test' | 'file' = 'test',
  outside = false,
): string {
  const parent = outside ? join(homedir(), '.cache', 'agentpolicy-tests') : tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, prefix));
  (lifetime === 'file' ? shared : created).push(dir);
  return dir;
}

export interface TestRepo {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  /** Runs git in the repository; throws with stderr on failure. */
  git: (...args: string[]) => string;
  /** Runs git and returns status, stdout and stderr without throwing. */
  gitRaw: (args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string }) => RunResult;
  write: (path: string, content: string | Buffer) => void;
  read: (path: string) => string;
  remove: (path: string) => void;
  /** Stages everything and commits. Returns the new commit id. */
  commit: (message: string, files?: Record<string, string | Buffer>) => string;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function createRepo(
  options: {
    objectFormat?: 'sha1' | 'sha256';
    bare?: boolean;
    dir?: string;
    lifetime?: 'test' | 'file';
    outsideTemp?: boolean;
  } = {},
): TestRepo {
  const base = tempDir('agentpolicy-test-', options.lifetime, options.outsideTemp);
  const home = join(base, 'home');
  mkdirSync(home, { recursive: true });
  const dir = options.dir ?? join(base, 'repo');
  mkdirSync(dir, { recursive: true });
  const env = gitEnv(home);
  const gitRaw: TestRepo['gitRaw'] = (args, opts = {}) => {
    const result = spawnSync('git', args, {
      cwd: opts.cwd ?? dir,
      env: { ...env, ...opts.env },
      input: opts.input,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  const git = (...args: string[]) => {
    const result = gitRaw(args);
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const init = ['init', '-q', '-b', 'main'];
  if (options.objectFormat === 'sha256') init.push('--object-format=sha256');
  if (options.bare) init.push('--bare');
  git(...init);
  for (const [key, value] of [
    ['gc.auto', '0'],
    ['commit.gpgsign', 'false'],
    ['tag.gpgsign', 'false'],
    ['core.autocrlf', 'false'],
    ['advice.detachedHead', 'false'],
  ]) {
    git('config', key!, value!);
  }
  const write = (path: string, content: string | Buffer) => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  };
  return {
    dir,
    home,
    env,
    git,
    gitRaw,
    write,
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    remove: (path) => rmSync(join(dir, path), { recursive: true, force: true }),
    commit: (message, files) => {
      for (const [path, content] of Object.entries(files ?? {})) write(path, content);
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD').trim();
    },
  };
}

/**
 * A linked worktree of `repo` at `path` (absolute, or relative to the repository), on a new branch:
 * a repository of its own for the helpers, sharing the main one's objects, refs and config.
 */
export function addWorktree(repo: TestRepo, path: string, branch: string): TestRepo {
  const dir = resolve(repo.dir, path);
  repo.git('worktree', 'add', '-q', '-b', branch, dir);
  const gitRaw: TestRepo['gitRaw'] = (args, opts = {}) =>
    repo.gitRaw(args, { ...opts, cwd: opts.cwd ?? dir });
  const git = (...args: string[]) => {
    const result = gitRaw(args);
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const write = (file: string, content: string | Buffer) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  };
  return {
    ...repo,
    dir,
    git,
    gitRaw,
    write,
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    remove: (file) => rmSync(join(dir, file), { recursive: true, force: true }),
    commit: (message, files) => {
      for (const [file, content] of Object.entries(files ?? {})) write(file, content);
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD').trim();
    },
  };
}

/**
 * A fingerprint of everything a user could lose: the index file's bytes, every work tree file
 * (content, mode, symlink target), HEAD, the refs, the shared config and the list of worktrees.
 * Equal before and after means untouched. Works in a linked worktree too (its own index and HEAD,
 * the shared rest).
 */
export function snapshot(repo: TestRepo, options: { indexBytes?: boolean } = {}): string {
  const hash = createHash('sha256');
  const gitDir = repo.git('rev-parse', '--absolute-git-dir').trim();
  const commonDir = resolve(repo.dir, repo.git('rev-parse', '--git-common-dir').trim());
  for (const file of ['config', 'config.worktree', 'packed-refs', 'shallow']) {
    try {
      hash.update(file).update(readFileSync(join(commonDir, file)));
    } catch {
      hash.update(`${file}:absent`);
    }
  }
  hash.update(repo.gitRaw(['worktree', 'list', '--porcelain']).stdout);
  // After a refused `git commit`, git itself has refreshed the index's stat data: compare what the
  // index holds rather than its bytes there.
  if (options.indexBytes === false) hash.update(repo.git('ls-files', '--stage', '-z'));
  for (const name of options.indexBytes === false ? ['HEAD'] : ['index', 'HEAD']) {
    try {
      hash.update(name).update(readFileSync(join(gitDir, name)));
    } catch {
      hash.update(`${name}:absent`);
    }
  }
  hash.update(repo.gitRaw(['for-each-ref']).stdout);
  hash.update(repo.gitRaw(['stash', 'list']).stdout);
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name === '.git' && folder === repo.dir) continue;
      const full = join(folder, entry.name);
      const stat = lstatSync(full);
      hash.update(`${full}\0${stat.mode}\0`);
      if (entry.isSymbolicLink()) hash.update(readlinkSync(full));
      else if (entry.isDirectory()) walk(full);
      else hash.update(readFileSync(full));
    }
  };
  walk(repo.dir);
  return hash.digest('hex');
}
