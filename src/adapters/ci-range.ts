// Which commits a CI run judges. On GitHub pull requests the base comes from the event's base
// branch and the merge-base, not the event's base sha (frozen when the PR was opened or synced);
// GitLab merge requests give CI_MERGE_REQUEST_DIFF_BASE_SHA. A shallow clone that lacks the
// merge-base is an error that says how to fix the checkout, never a pass over what happens to be there.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { git } from '../git/exec.js';
import { locateRepository } from '../git/locate.js';
import { type ObjectStore, openObjectStore } from '../git/objects.js';
import { isZeroOid } from '../git/parse-pre-push.js';

export interface CiRange {
  base: string;
  head: string;
  /** Where the range came from, for the report. */
  origin: string;
  /** The account that opened the pull request, as the CI platform says (not as a commit claims). */
  author?: string;
}

export interface RangeRequest {
  base?: string;
  head?: string;
}

const stores = new Map<string, ObjectStore | undefined>();

/**
 * A commit given by its full id, read from the object store without spawning git (CI platforms
 * give ids); undefined when it is not one, or the store cannot tell (git decides then).
 */
function commitById(root: string, ref: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(ref)) return undefined;
  if (!stores.has(root)) {
    const location = locateRepository(root, env);
    stores.set(root, location ? openObjectStore(location.commonDir) : undefined);
  }
  try {
    return stores.get(root)?.read(ref)?.type === 'commit' ? ref : undefined;
  } catch {
    return undefined;
  }
}

function resolveCommit(root: string, ref: string, env: NodeJS.ProcessEnv): string | undefined {
  const known = commitById(root, ref, env);
  if (known) return known;
  const result = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd: root,
    okStatus: [1, 128],
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function isShallow(root: string): boolean {
  return git(['rev-parse', '--is-shallow-repository'], { cwd: root }).stdout.trim() === 'true';
}

function mergeBase(root: string, a: string, b: string): string | undefined {
  const result = git(['merge-base', a, b], { cwd: root, okStatus: [1] });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function shallowHelp(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_ACTIONS === 'true')
    return 'Check out the whole history: `actions/checkout` with `fetch-depth: 0`.';
  if (env.GITLAB_CI === 'true')
    return 'Clone the whole history: set the variable `GIT_DEPTH: 0` for the job.';
  return 'Fetch the whole history: `git fetch --unshallow` (or `git fetch --deepen=<n>` until the merge-base is there).';
}

function requireCommit(root: string, ref: string, what: string, env: NodeJS.ProcessEnv): string {
  const commit = resolveCommit(root, ref, env);
  if (commit) return commit;
  const shallow = isShallow(root)
    ? ` The clone is shallow. ${shallowHelp(env)}`
    : ` Fetch it first (\`git fetch origin ${ref}\`).`;
  throw new UsageError(
    `ci: the ${what} ${ref} is not in this clone, so the range cannot be judged.${shallow}`,
  );
}

function requireMergeBase(root: string, a: string, b: string, env: NodeJS.ProcessEnv): string {
  const base = mergeBase(root, a, b);
  if (base) return base;
  const help = isShallow(root)
    ? `The clone is shallow. ${shallowHelp(env)}`
    : 'The two have no history in common.';
  throw new UsageError(
    `ci: no merge-base between ${a.slice(0, 12)} and ${b.slice(0, 12)}, so the range cannot be judged. ${help}`,
  );
}

export function detectRange(root: string, env: NodeJS.ProcessEnv, request: RangeRequest): CiRange {
  if (request.base) {
    const head = requireCommit(root, request.head ?? 'HEAD', 'head', env);
    const baseCommit = requireCommit(root, request.base, 'base', env);
    return { base: requireMergeBase(root, baseCommit, head, env), head, origin: `--base ${request.base}` };
  }
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_EVENT_PATH) return githubRange(root, env, request);
  if (env.GITLAB_CI === 'true') return gitlabRange(root, env, request);
  throw new UsageError(
    'ci: outside GitHub Actions and GitLab CI, say what to judge: agentpolicy ci --base <ref> [--head <ref>].',
  );
}

interface GithubEvent {
  pull_request?: { base: { ref: string; sha: string }; head: { sha: string }; user?: { login?: string } };
  before?: string;
  after?: string;
  repository?: { default_branch?: string };
}

function githubRange(root: string, env: NodeJS.ProcessEnv, request: RangeRequest): CiRange {
  const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH!, 'utf8')) as GithubEvent;
  if (event.pull_request) {
    const prHead = event.pull_request.head.sha;
    const login = event.pull_request.user?.login;
    const author = typeof login === 'string' ? { author: login } : {};
    // actions/checkout checks out the merge commit refs/pull/N/merge by default: its first parent
    // is the base branch now, its second the pull request's head.
    const headCommit = requireCommit(root, request.head ?? 'HEAD', 'head', env);
    const parents = git(['rev-list', '--parents', '-n', '1', headCommit], { cwd: root })
      .stdout.trim()
      .split(' ')
      .slice(1);
    if (parents.length === 2 && parents[1] === prHead) {
      return {
        base: requireMergeBase(root, parents[0]!, parents[1]!, env),
        head: prHead,
        origin: 'pull request (merge ref)',
        ...author,
      };
    }
    const head = resolveCommit(root, prHead, env) ?? headCommit;
    const baseBranch =
      resolveCommit(root, `origin/${event.pull_request.base.ref}`, env) ??
      requireCommit(root, event.pull_request.base.sha, 'base', env);
    return {
      base: requireMergeBase(root, baseBranch, head, env),
      head,
      origin: `pull request into ${event.pull_request.base.ref}`,
      ...author,
    };
  }
  const after = request.head ?? event.after ?? 'HEAD';
  const head = requireCommit(root, after, 'head', env);
  if (event.before && !isZeroOid(event.before) && resolveCommit(root, event.before, env)) {
    const before = event.before;
    // A force push: judge from where the new history left the old one.
    return { base: requireMergeBase(root, before, head, env), head, origin: 'push' };
  }
  const branch = event.repository?.default_branch ?? 'main';
  const base = requireCommit(root, `origin/${branch}`, 'default branch', env);
  return { base: requireMergeBase(root, base, head, env), head, origin: `new branch, from ${branch}` };
}

function gitlabRange(root: string, env: NodeJS.ProcessEnv, request: RangeRequest): CiRange {
  const head = requireCommit(root, request.head ?? env.CI_COMMIT_SHA ?? 'HEAD', 'head', env);
  if (env.CI_MERGE_REQUEST_DIFF_BASE_SHA) {
    const base = requireCommit(root, env.CI_MERGE_REQUEST_DIFF_BASE_SHA, 'merge request base', env);
    return { base: requireMergeBase(root, base, head, env), head, origin: 'merge request' };
  }
  const before = env.CI_COMMIT_BEFORE_SHA;
  if (before && !isZeroOid(before) && resolveCommit(root, before, env)) {
    return { base: requireMergeBase(root, before, head, env), head, origin: 'push' };
  }
  const branch = env.CI_DEFAULT_BRANCH ?? 'main';
  const base = requireCommit(root, `origin/${branch}`, 'default branch', env);
  return { base: requireMergeBase(root, base, head, env), head, origin: `new branch, from ${branch}` };
}
