// Judges a range of commits the way the local hooks would have judged each one, plus the range
// rules on the whole: shared by `check --range`, the pre-push hook and the CI gate. The commits
// come from one streaming `git log` (files, hunks and messages together) and are judged one by one
// as git writes them. Besides that listing, a constant few, all running beside it: one
// `git cat-file --batch` given every package.json the range changes as the listing shows them
// (their scripts and "agentpolicy" key, judged after the listing), `git rev-list` to prove no
// commit was left out, and one `git diff` for the range as a whole.

import { hasPolicyAt } from '../config/committed.js';
import { POLICY_FILES } from '../config/places.js';
import { changeStats, evaluateChange, evaluateMessage, needsHunks } from '../engine/evaluate.js';
import { BlobReader, collectRange, listRange, type RangeCommit, streamCommits } from '../git/collect.js';
import { git, gitAsync, settled } from '../git/exec.js';
import { locateRepository } from '../git/locate.js';
import { parseCommitMessage } from '../git/parse-message.js';
import type { CheckResult } from '../report/result.js';
import { isOk } from '../report/result.js';
import type { ChangeSet, Finding, ResolvedPolicy } from '../types.js';
import { generatedAt, markGenerated } from './attributes.js';
import { policyChangeFindings, withPackageManifest } from './policy-change.js';
import { withPlan } from './with-plan.js';

export { withPlan };

/** Rules that judge the size and shape of one step of work, which a merge is not. */
export const STEP_RULES: ReadonlySet<string> = new Set([
  'max-diff-lines',
  'edit-only',
  'no-deletions',
  'progress-updated',
]);

/** Findings that guard the policy and its paths: there is nothing to guard before a policy exists. */
const GUARD_RULES: ReadonlySet<string> = new Set(['policy-changed', 'protected-paths']);

/**
 * Where the policy that judges came from:
 * - `base`: the commit the range builds on. A change to it inside the range is an error.
 * - `head`: a human chose the head's policy (`ci --policy-from head`). Changes to it are warnings.
 * - `adoption`: nothing before the range had a policy; the one the range brings in judges. The
 *   commit that brings it in is the adoption: not a policy change, and nothing it sets up was
 *   protected yet.
 */
export type PolicyOrigin = 'base' | 'head' | 'adoption';

export interface RangeOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  /** Skip the message rules (check --range judges diffs only when asked). */
  messages?: boolean;
  origin?: PolicyOrigin;
  /**
   * With `adoption`: commits made before any policy existed are history, not judged (a push to a
   * remote that lacks that history). They are counted and reported, never passed in silence.
   */
  afterPolicyOnly?: boolean;
  /**
   * The commit whose .gitattributes says which files are vendored or generated: the one the policy
   * came from. Default: the base with `base`, else the head.
   */
  attributesAt?: string;
  /**
   * The pull request was opened by this dependency bot (as the CI platform says, which a commit
   * cannot fake): a workflow change that only moves `uses:` lines to another version of the same
   * action is reported as a warning instead of a protected-paths error.
   */
  dependencyBot?: string;
}

export interface RangeResult extends CheckResult {
  /** Commits in the range. */
  commits: number;
  /** Commits from before any policy, left out with `afterPolicyOnly`. */
  beforePolicy: number;
  /** The commit that brought the first policy in, in adoption. */
  adoptedAt?: string;
  /** The first file of each commit with a finding that names none: where reports show it. */
  firstFiles: Map<string, string>;
}

export function checkRange(
  policy: ResolvedPolicy,
  base: string | undefined,
  head: string,
  options: RangeOptions,
): Promise<RangeResult> {
  return checkCommits(policy, base ? [`${base}..${head}`] : [head], base, head, options);
}

const isPolicyFile = (path: string | undefined) =>
  path !== undefined && (POLICY_FILES as readonly string[]).includes(path);

/**
 * Judges the commits a revision range selects, each on its own, and `base..head` as a whole.
 * Without a base, the whole is measured from the first commit's parent.
 */
export async function checkCommits(
  policy: ResolvedPolicy,
  revisions: string[],
  base: string | undefined,
  head: string,
  options: RangeOptions,
): Promise<RangeResult> {
  const origin = options.origin ?? 'base';
  const { root, env } = options;
  const gitOptions = { cwd: root, ...(env ? { env } : {}) };
  const collect = {
    root,
    hunks: needsHunks(policy) || Boolean(options.dependencyBot),
    ...(env ? { env } : {}),
  };
  // The listing first, the longest of the git processes: its commits are judged (`onCommit`,
  // below) once what follows has run, as its output comes in.
  const streaming = settled(streamCommits(revisions, collect, (commit) => onCommit(commit)));
  // Started now, read after the listing: they run while the commits are judged.
  const listed = settled(gitAsync(['rev-list', ...revisions, '--'], gitOptions));
  const known =
    base === undefined ? undefined : settled(listRange(base, head, { root, ...(env ? { env } : {}) }));
  const location = locateRepository(root, {});
  const isGenerated = location
    ? generatedAt(location, options.attributesAt ?? (origin === 'base' ? base : head))
    : () => false;
  const commentChar =
    options.messages === false
      ? '#'
      : git(['config', '--get', 'core.commentChar'], { cwd: root, okStatus: [1] }).stdout.trim() || '#';
  // Every version of package.json the range holds, read while the listing goes on (ended below,
  // whatever happens, so git never outlives the check).
  const blobs = new BlobReader(collect);

  // Which policy files each commit holds, followed through the range from its boundary parents.
  const policyFiles = new Map<string, Set<string>>();
  // Whether a policy existed in the commit or any commit before it.
  const afterPolicy = new Map<string, boolean>();
  const filesOf = (oid: string): Set<string> => {
    let files = policyFiles.get(oid);
    if (!files) {
      files = new Set(location && hasPolicyAt(location, oid) ? ['(policy)'] : []);
      policyFiles.set(oid, files);
    }
    return files;
  };

  const findings: Finding[] = [];
  const seen = new Set<string>();
  let first: RangeCommit | undefined;
  let beforePolicy = 0;
  let adoptedAt: string | undefined;
  // Commits that change package.json: its content is judged once the listing has ended.
  const manifests: { id: string; old?: string; new?: string; adjust: Adjust }[] = [];
  const firstFiles = new Map<string, string>();

  const judge = (commit: RangeCommit): Finding[] => {
    const found = [
      ...policyChangeFindings(commit, policy, false, commit.id),
      ...evaluateChange(policy, commit, { scope: 'commit' }, commit.id).findings,
    ];
    if (options.messages !== false) {
      const message = withPlan(
        parseCommitMessage(commit.message, commentChar, commit.parents.length > 1),
        policy,
        root,
      );
      found.push(...evaluateMessage(policy, message, commit.id));
    }
    return found;
  };

  const onCommit = (commit: RangeCommit) => {
    first ??= commit;
    seen.add(commit.id);
    // The policy files after this commit: its first parent's, with what this commit changes.
    const before = commit.parents[0] ? filesOf(commit.parents[0]) : new Set<string>();
    const after = new Set(before);
    for (const file of commit.files) {
      if (isPolicyFile(file.oldPath) || (file.status === 'deleted' && isPolicyFile(file.path))) {
        after.delete(file.oldPath ?? file.path);
        after.delete('(policy)');
      }
      if (file.status !== 'deleted' && isPolicyFile(file.path)) after.add(file.path);
    }
    policyFiles.set(commit.id, after);
    const parentsHadPolicy = commit.parents.some((p) => filesOf(p).size > 0);
    const earlier = commit.parents.some((p) => afterPolicy.get(p) ?? filesOf(p).size > 0);
    afterPolicy.set(commit.id, earlier || after.size > 0);
    const adopts = origin === 'adoption' && !parentsHadPolicy && !earlier && after.size > 0;

    if (origin === 'adoption' && options.afterPolicyOnly && !earlier && !adopts) {
      beforePolicy++;
      return;
    }
    if (adopts) adoptedAt ??= commit.id;
    const adjust = adjustment(commit, adopts ? [...after][0]! : undefined, origin, options.dependencyBot);
    markGenerated(commit, isGenerated);
    let found: Finding[];
    try {
      found = judge(commit);
    } catch (error) {
      found = [unjudged(commit.id, error)];
    }
    const adjusted = adjust(found);
    if (commit.files[0] && adjusted.some((finding) => !finding.file))
      firstFiles.set(commit.id, commit.files[0].path);
    findings.push(...adjusted);
    const manifest = commit.files.find(
      (file) => file.path === 'package.json' || file.oldPath === 'package.json',
    );
    if (manifest) {
      const entry = {
        id: commit.id,
        ...(manifest.oldOid ? { old: manifest.oldOid } : {}),
        ...(manifest.newOid && manifest.status !== 'deleted' ? { new: manifest.newOid } : {}),
        adjust,
      };
      for (const oid of [entry.old, entry.new]) if (oid !== undefined) blobs.want(oid);
      manifests.push(entry);
    }
  };

  try {
    await streaming;
  } finally {
    blobs.end();
  }
  findings.push(...manifestFindings(policy, manifests, await blobs.read(), collect));
  const order = new Map([...seen].map((oid, index) => [oid, index]));
  findings.sort((a, b) => (order.get(a.commit ?? '') ?? -1) - (order.get(b.commit ?? '') ?? -1));

  // Every commit the range selects must have been judged (or counted as before the policy).
  const selected = (await listed).split('\n').filter(Boolean);
  for (const oid of selected) {
    if (seen.has(oid)) continue;
    findings.push({
      rule: 'unjudged',
      severity: 'error',
      message: 'This commit of the range was not in the listing it was judged from.',
      hint: 'Run the check again; if it persists, report it as a bug.',
      commit: oid,
    });
  }
  const commits = selected.length;

  if (base === undefined && first?.parents[0]) base = first.parents[0];
  const whole = known ? await known : collectRange(base, head, { ...collect, hunks: false });
  markGenerated(whole, isGenerated);
  findings.push(
    ...evaluateChange(policy, whole, { scope: 'range' }).findings.filter(
      (finding) => finding.rule === 'max-diff-lines',
    ),
  );
  const subject = `${base ? base.slice(0, 12) : '(root)'}..${head.slice(0, 12)}`;
  // A range of one commit is that commit: its budget is the per-commit one when no maxRange is set.
  let stats = changeStats(policy, whole, { scope: 'range' });
  if (stats.budget === undefined && commits === 1) stats = changeStats(policy, whole, { scope: 'commit' });
  return {
    ok: isOk(findings),
    subject,
    findings,
    stats,
    commits,
    beforePolicy,
    firstFiles,
    ...(adoptedAt ? { adoptedAt } : {}),
  };
}

type Adjust = (found: Finding[]) => Finding[];

function unjudged(commit: string, error: unknown): Finding {
  return {
    rule: 'unjudged',
    severity: 'error',
    message: `This commit could not be judged: ${error instanceof Error ? error.message : String(error)}`,
    hint: 'Report this as a bug; the range cannot pass until every commit is judged.',
    commit,
  };
}

/** What a commit's place in the range makes of its findings. `adopts`: the policy file it brings in. */
function adjustment(
  commit: RangeCommit,
  adopts: string | undefined,
  origin: PolicyOrigin,
  dependencyBot: string | undefined,
): Adjust {
  return (found) => {
    if (dependencyBot) found = found.map((finding) => routineBump(finding, commit, dependencyBot));
    // A merge brings commits that are judged one by one; its own size and shape are not a step.
    if (commit.parents.length > 1) found = found.filter((finding) => !STEP_RULES.has(finding.rule));
    if (adopts) {
      return [
        {
          rule: 'adoption',
          severity: 'warn',
          message:
            'This commit brings the first policy in: the range is judged by the policy it brings, and nothing was protected before it.',
          hint: 'From the next pull request on, the policy of the base branch judges, and a change to it is a policy change.',
          file: adopts,
          commit: commit.id,
        },
        // A human setting things up, as at commit time: its size and new files are not a step.
        ...found.filter((finding) => !GUARD_RULES.has(finding.rule) && !STEP_RULES.has(finding.rule)),
      ];
    }
    if (origin === 'base') return found;
    return found.map((finding) =>
      finding.rule === 'policy-changed' && finding.file !== 'package.json'
        ? {
            ...finding,
            severity: 'warn',
            message: `${finding.file} changes the policy. The range is judged by the policy of its head${origin === 'adoption' ? ', which this range brings in' : ', as --policy-from head asks'}.`,
            hint: 'Review the policy change itself: nothing older judges it.',
          }
        : finding,
    );
  };
}

/**
 * package.json's scripts (protected-paths) and its "agentpolicy" key (policy-changed) for each
 * commit that changes it, every version read by one `git cat-file --batch` (`blobs`).
 */
function manifestFindings(
  policy: ResolvedPolicy,
  manifests: { id: string; old?: string; new?: string; adjust: Adjust }[],
  blobs: Map<string, string>,
  collect: { root: string; env?: NodeJS.ProcessEnv },
): Finding[] {
  if (manifests.length === 0) return [];
  const protectedPaths = policy.rules['protected-paths'];
  const scriptsOnly: ResolvedPolicy = {
    ...policy,
    rules: protectedPaths ? { 'protected-paths': protectedPaths } : {},
  };
  const findings: Finding[] = [];
  for (const manifest of manifests) {
    const change: ChangeSet = { source: 'commit', id: manifest.id, files: [] };
    const side = (oid?: string) => ({ text: oid === undefined ? undefined : blobs.get(oid) });
    // The change set has no files: only package.json's content is judged here.
    const touched = {
      ...change,
      files: [
        {
          status: 'modified' as const,
          path: 'package.json',
          added: 0,
          deleted: 0,
          binary: false,
          symlink: false,
          submodule: false,
        },
      ],
    };
    const { keyChanged } = withPackageManifest(
      touched,
      collect.root,
      side(manifest.old),
      side(manifest.new),
      collect.env,
    );
    if (touched.packageScripts) change.packageScripts = touched.packageScripts;
    const found = [
      ...(keyChanged ? policyChangeFindings(change, policy, true, manifest.id) : []),
      ...evaluateChange(scriptsOnly, change, { scope: 'commit' }, manifest.id).findings,
    ];
    findings.push(...manifest.adjust(found));
  }
  return findings;
}

/** `uses: owner/action@ref` (a step or a reusable workflow), with an optional comment. */
const USES = /^\s*(?:-\s+)?uses:\s*["']?([^@\s"']+)@([^\s"'#]+)["']?\s*(?:#.*)?$/;

/**
 * A protected-paths finding on a workflow whose change in this commit only moves `uses:` lines to
 * another version of the same action, in a pull request a dependency bot opened: a warning.
 */
function routineBump(finding: Finding, commit: RangeCommit, bot: string): Finding {
  if (finding.rule !== 'protected-paths' || finding.severity !== 'error') return finding;
  const file = commit.files.find((candidate) => candidate.path === finding.file);
  if (file?.status !== 'modified' || !/^\.github\/workflows\/[^/]+\.ya?ml$/.test(file.path)) return finding;
  const added = file.addedLines ?? [];
  const removed = file.removedLines ?? [];
  if (added.length === 0 || added.length !== removed.length) return finding;
  const bump = added.every((line, i) => {
    const now = USES.exec(line.text);
    const before = USES.exec(removed[i]!.text);
    return (
      now &&
      before &&
      now[1] === before[1] &&
      line.text.slice(0, line.text.indexOf('uses:')) ===
        removed[i]!.text.slice(0, removed[i]!.text.indexOf('uses:'))
    );
  });
  if (!bump) return finding;
  return {
    ...finding,
    severity: 'warn',
    message: `${finding.file}: ${bot} moves actions to other versions, and changes nothing else.`,
    hint: 'Routine for a dependency bot; review the versions it pins before merging.',
  };
}
