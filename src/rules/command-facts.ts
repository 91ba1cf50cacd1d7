// What the command rules know about the repository and the machine: plain data, gathered by the
// adapter (src/git/repo-state.ts) before the rules run, so the rules stay pure.
import { relative, sep } from 'node:path';
import { globReaches } from '../shell/glob.js';
import type { Target } from '../shell/types.js';

export interface CommandFacts {
  /** Top of the work tree; absent outside a repository (the working directory is the project then). */
  root: string;
  inRepository: boolean;
  /** The repository's common git directory (absolute), which a linked worktree keeps elsewhere. */
  gitDir?: string;
  home?: string;
  /** Absolute directories where deleting is always fine. */
  tempDirs: string[];
  /** Tracked files (relative to root) under the targets the operations name. */
  trackedUnder: Set<string>;
  /** Targets (absolute) that git ignores. */
  ignored: Set<string>;
  /** Absolute paths that exist. */
  existing: Set<string>;
  /** Uncommitted changes to tracked files (staged or not). */
  dirty: boolean;
  /**
   * Tracked files (relative to root) under the deleted targets whose uncommitted changes (staged
   * or not) exist nowhere else: deleting them loses those changes for good.
   */
  changedUnder?: Set<string>;
  /** Untracked files that are not ignored. */
  untracked: boolean;
  /** At least one stash entry. */
  stash: boolean;
  /** Branch name → merged into HEAD. */
  merged: Map<string, boolean>;
  /** Names that are refs (to tell `git checkout <branch>` from `git checkout <file>`). */
  refs: Set<string>;
  /** What `git clean -X` would delete (its dry run), when a command cleans ignored files. */
  cleaned?: string[];
  /** Revisions a command moves HEAD to whose committed policy differs from HEAD's. */
  policyMoves?: Set<string>;
}

export type Place = 'outside' | 'temp' | 'project-root' | 'git-dir' | 'project';

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** Where a path is: outside the project, in a temp directory, the project (or its .git) itself. */
export function placeOf(path: string, facts: CommandFacts): Place {
  // The project first: a project can itself live in a temporary directory.
  if (!isInside(path, facts.root)) {
    return facts.tempDirs.some((dir) => isInside(path, dir) && path !== dir) ? 'temp' : 'outside';
  }
  const rel = relative(facts.root, path);
  if (rel === '') return 'project-root';
  if (rel === '.git' || rel.startsWith(`.git${sep}`)) return 'git-dir';
  return 'project';
}

/** The target relative to the project root, with forward slashes. */
export function projectPath(target: Target, facts: CommandFacts): string | undefined {
  if (!target.path) return undefined;
  return relative(facts.root, target.path).split(sep).join('/');
}

/** Tracked files the target covers: the file itself, everything under a directory, a glob's matches. */
export function trackedFilesOf(target: Target, facts: CommandFacts): string[] {
  const rel = projectPath(target, facts);
  if (rel === undefined) return [];
  const files: string[] = [];
  for (const file of facts.trackedUnder) {
    if (
      target.glob
        ? globReaches(file, rel, target.globOptions)
        : file === rel || file.startsWith(`${rel}/`) || rel === ''
    )
      files.push(file);
  }
  return files;
}

/** Where a target is, for messages: `src/a.ts`, or the absolute path when outside the project. */
export function shown(target: Target, facts: CommandFacts): string {
  if (!target.path) return target.raw;
  const place = placeOf(target.path, facts);
  return place === 'project' || place === 'git-dir'
    ? (projectPath(target, facts) ?? target.raw)
    : target.path;
}

export function list(items: string[], max = 3): string {
  return items.slice(0, max).join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');
}

/** Build output, dependencies and caches: what a build or an install makes again. */
const REGENERABLE =
  /(^|\/)(node_modules|dist|build|out|coverage|target|\.cache|\.next|\.nuxt|\.turbo|\.parcel-cache|\.svelte-kit|__pycache__|\.pytest_cache|\.mypy_cache|\.ruff_cache|\.tox|\.nyc_output|\.gradle|tmp|\.husky\/_)(\/|$)|\.(pyc|pyo|o|class|log|tsbuildinfo)$|(^|\/)\.eslintcache$/;

/** A path (relative to the root) a build, test run or install writes again. */
export function regenerable(path: string): boolean {
  return REGENERABLE.test(path);
}
