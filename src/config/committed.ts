// Which policy judges. One rule at every layer: the policy as committed, never the work tree, so
// nothing unstaged and nothing staged changes a verdict. A commit is judged by HEAD's policy, a push
// and a CI range by the policy of their base; until a policy is committed at all, the hooks use the
// staged one (the commit that brings the policy in) and the guard the work tree's.
import { git } from '../git/exec.js';
import type { RepositoryLocation } from '../git/locate.js';
import { readHead } from '../git/objects.js';
import { POLICY_FILES } from './places.js';
import { noPolicy, type Resolution, type ResolveOptions, resolveTree } from './resolve.js';
import { commitTree, indexTree, type PolicyTree, worktreeTree } from './tree.js';

export interface PolicyInForce extends Resolution {
  /** Where it was read from: "HEAD", a commit, "the index" or "the work tree". */
  where: string;
  /** The commit it was read from; undefined when it came from the index or the work tree. */
  commit?: string;
  tree: PolicyTree;
}

/** HEAD's commit id; null on an unborn branch. */
export function headCommit(location: RepositoryLocation, env: NodeJS.ProcessEnv = {}): string | null {
  if (!env.GIT_DIR && !env.GIT_COMMON_DIR) {
    const head = readHead(location.gitDir, location.commonDir);
    if (head !== undefined) return head;
  }
  const result = git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    cwd: location.root,
    okStatus: [1, 128],
  });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** The policy committed at `commit`, or undefined when that commit has none. */
export function policyAtCommit(
  location: RepositoryLocation,
  commit: string,
  options: ResolveOptions & { name?: string } = {},
): PolicyInForce | undefined {
  const tree = commitTree(location.root, location.commonDir, commit, options.name);
  const resolution = resolveTree(tree, location.root, options);
  return resolution && { ...resolution, where: tree.where, commit, tree };
}

/**
 * The policy in force in this work tree: HEAD's. Without a committed one, `until` says where a
 * policy being set up is read from: the index for the hooks and checks, the work tree for the guard.
 */
export function policyInForce(
  location: RepositoryLocation,
  until: 'index' | 'worktree',
  options: ResolveOptions & { env?: NodeJS.ProcessEnv } = {},
): PolicyInForce {
  const head = headCommit(location, options.env);
  if (head) {
    const committed = policyAtCommit(location, head, { ...options, name: 'HEAD' });
    if (committed) return committed;
  }
  const tree =
    until === 'index' ? indexTree(location.root, options.env ?? process.env) : worktreeTree(location.root);
  const resolution = resolveTree(tree, location.root, options);
  if (!resolution) throw noPolicy(location.root);
  return { ...resolution, where: tree.where, tree };
}

/** Whether `commit` holds a policy file (without validating it). */
export function hasPolicyAt(location: RepositoryLocation, commit: string): boolean {
  const tree = commitTree(location.root, location.commonDir, commit);
  return POLICY_FILES.some((path) => {
    try {
      return tree.read(path) !== undefined;
    } catch {
      return true;
    }
  });
}
