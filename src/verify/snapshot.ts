// The repository a `staged` step runs in: a git repository of its own, in the run's temporary
// folder, whose HEAD, index and files hold exactly what is being checked. For a commit about to be
// made, HEAD is a stand-in commit of the staged tree on top of the user's HEAD (and MERGE_HEAD
// when `git commit` concludes a merge; `git merge` writes it only when it stops); for a push or
// CI, HEAD is the commit itself. Objects are shared through `objects/info/alternates`
// (read-only for git: nothing is copied, nothing written back); branches, tags and remote-tracking
// refs are copied as names. So `git status` is clean, `git ls-files`, `git log` and `git diff
// HEAD~1` answer as in a fresh clone, and a step's git commands act on this copy, never on the
// user's repository. The user's index is read through a copy of its file: even `write-tree`,
// which writes a cache back, never touches it. Dependency folders are linked in from the work tree
// (the main worktree's when a linked one has none): they are ignored by git but needed to build.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { git } from '../git/exec.js';
import { stepEnvironment } from './step-env.js';

/** Folders of installed dependencies that are ignored by git but needed to build and test. */
export const DEPENDENCY_FOLDERS = ['node_modules', 'vendor', '.venv', 'venv', '.yarn'];

/** Repository settings that change the files a checkout writes; copied so the copy matches. */
const CHECKOUT_SETTINGS =
  /^(core\.(autocrlf|eol|safecrlf|checkroundtripencoding)|filter\..+\.(clean|smudge|process|required)|user\.(name|email))$/;

export interface SnapshotSource {
  /** The user's work tree top. */
  root: string;
  /** The worktree's own git dir (its HEAD, index and MERGE_HEAD). */
  gitDir: string;
  /** The hook's environment: GIT_INDEX_FILE names the index git will commit. */
  env: NodeJS.ProcessEnv;
  /** A commit to check (pre-push, CI); without it, the index. */
  commit?: string;
  /** The branch the commit is on, e.g. refs/heads/feature (pre-push). */
  ref?: string;
}

export interface Snapshot {
  /** The snapshot's work tree, where the steps run. */
  dir: string;
  /** The commit its HEAD holds. */
  head: string;
}

export function createSnapshot(source: SnapshotSource, runDir: string): Snapshot {
  const { root, gitDir, env } = source;
  const dir = join(runDir, 'tree');
  const [objects = '', shallow = '', format = 'sha1', userHead = ''] = git(
    [
      'rev-parse',
      '--path-format=absolute',
      '--git-path',
      'objects',
      '--git-path',
      'shallow',
      '--show-object-format',
      '--verify',
      '-q',
      'HEAD',
    ],
    { cwd: root, env, okStatus: [1] },
  )
    .stdout.trim()
    .split('\n');
  const clean = stepEnvironment(env);
  git(['init', '-q', '--template=', `--object-format=${format}`, dir], { cwd: runDir, env: clean });
  const own = join(dir, '.git');
  writeFileSync(join(own, 'objects', 'info', 'alternates'), `${objects}\n`);
  if (existsSync(shallow)) copyFileSync(shallow, join(own, 'shallow'));

  let head = source.commit;
  if (!head) {
    // The index git will commit, read through a copy: write-tree writes its cache back to the file.
    const named = env.GIT_INDEX_FILE;
    const index = named ? (isAbsolute(named) ? named : resolve(root, named)) : join(gitDir, 'index');
    const copy = join(runDir, 'judged-index');
    if (existsSync(index)) copyFileSync(index, copy);
    const objectsEnv = { ...env, GIT_INDEX_FILE: copy, GIT_OBJECT_DIRECTORY: join(own, 'objects') };
    const tree = git(['write-tree'], { cwd: root, env: objectsEnv }).stdout.trim();
    const parents = [userHead, ...mergeHeads(gitDir)].filter(Boolean).flatMap((oid) => ['-p', oid]);
    head = git(['commit-tree', tree, ...parents, '-m', 'The staged changes being verified'], {
      cwd: root,
      env: {
        ...objectsEnv,
        GIT_AUTHOR_NAME: env.GIT_AUTHOR_NAME || 'agentpolicy',
        GIT_AUTHOR_EMAIL: env.GIT_AUTHOR_EMAIL || 'agentpolicy@localhost',
        GIT_COMMITTER_NAME: env.GIT_COMMITTER_NAME || env.GIT_AUTHOR_NAME || 'agentpolicy',
        GIT_COMMITTER_EMAIL: env.GIT_COMMITTER_EMAIL || env.GIT_AUTHOR_EMAIL || 'agentpolicy@localhost',
      },
    }).stdout.trim();
  }

  copyRefs(root, env, own);
  const branch = source.commit ? source.ref : symbolicHead(gitDir);
  if (branch?.startsWith('refs/heads/')) {
    mkdirSync(dirname(join(own, branch)), { recursive: true });
    writeFileSync(join(own, branch), `${head}\n`);
    writeFileSync(join(own, 'HEAD'), `ref: ${branch}\n`);
  } else {
    writeFileSync(join(own, 'HEAD'), `${head}\n`);
  }
  copyCheckoutSettings(root, env, own, clean, join(dirname(objects), 'lfs'));
  git(['read-tree', '--reset', '-u', 'HEAD'], { cwd: dir, env: clean });
  linkDependencies(root, env, dir, own);
  return { dir, head };
}

function mergeHeads(gitDir: string): string[] {
  try {
    return readFileSync(join(gitDir, 'MERGE_HEAD'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The branch HEAD names (refs/heads/x), or undefined when detached. */
function symbolicHead(gitDir: string): string | undefined {
  try {
    return /^ref: (\S+)/.exec(readFileSync(join(gitDir, 'HEAD'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** Branches, tags and remote-tracking refs as names, in one packed-refs file (no remotes set up). */
function copyRefs(root: string, env: NodeJS.ProcessEnv, own: string): void {
  const refs = git(
    ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags', 'refs/remotes'],
    { cwd: root, env },
  ).stdout;
  if (refs) writeFileSync(join(own, 'packed-refs'), refs);
}

/**
 * The repository's settings that change the files a checkout writes, and Git LFS pointed at the
 * user's objects (read there; with no remote in the copy, nothing is fetched into them).
 */
function copyCheckoutSettings(
  root: string,
  env: NodeJS.ProcessEnv,
  own: string,
  clean: NodeJS.ProcessEnv,
  lfs: string,
): void {
  const listed = git(['config', '--local', '--list', '-z'], { cwd: root, env, okStatus: [1] }).stdout;
  const settings: [string, string][] = [];
  for (const entry of listed.split('\0')) {
    const newline = entry.indexOf('\n');
    const key = newline === -1 ? entry : entry.slice(0, newline);
    if (CHECKOUT_SETTINGS.test(key)) settings.push([key, newline === -1 ? 'true' : entry.slice(newline + 1)]);
  }
  if (existsSync(lfs)) settings.push(['lfs.storage', lfs]);
  for (const [key, value] of settings)
    git(['config', '--file', join(own, 'config'), '--add', key, value], { cwd: own, env: clean });
}

/**
 * Links the dependency folders, at the top and in nested packages (workspaces), from the work tree,
 * or from the main worktree when a linked one has none of its own. They are excluded in the
 * snapshot, so `git status` stays clean even where the project does not ignore them.
 */
function linkDependencies(root: string, env: NodeJS.ProcessEnv, dir: string, own: string): void {
  const source = DEPENDENCY_FOLDERS.some((folder) => existsSync(join(root, folder)))
    ? root
    : (mainWorktree(root, env) ?? root);
  const nested = git(['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'], {
    cwd: source,
    env: stepEnvironment(env),
  })
    .stdout.split('\0')
    .map((path) => path.replace(/\/$/, ''))
    .filter((path) => DEPENDENCY_FOLDERS.includes(path.slice(path.lastIndexOf('/') + 1)));
  const linked: string[] = [];
  const inside = `${realpathSync(dir)}/`;
  for (const path of new Set([...DEPENDENCY_FOLDERS.filter((f) => existsSync(join(source, f))), ...nested])) {
    const target = join(dir, path);
    if (existsSync(target) || !existsSync(dirname(target))) continue;
    // A committed symlink on the way (packages/a -> elsewhere) must not take the link outside.
    if (!`${realpathSync(dirname(target))}/`.startsWith(inside)) continue;
    symlinkSync(join(source, path), target, 'dir');
    linked.push(`/${path}`);
  }
  if (linked.length) {
    mkdirSync(join(own, 'info'), { recursive: true });
    writeFileSync(join(own, 'info', 'exclude'), `${linked.join('\n')}\n`);
  }
}

/** The main worktree's top, when `root` is a linked worktree of a repository that has one. */
function mainWorktree(root: string, env: NodeJS.ProcessEnv): string | undefined {
  const first = git(['worktree', 'list', '--porcelain', '-z'], { cwd: root, env }).stdout.split('\0')[0];
  const main = first?.startsWith('worktree ') ? first.slice('worktree '.length) : undefined;
  return main && main !== root && existsSync(main) ? main : undefined;
}
