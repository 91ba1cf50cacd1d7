// Judges a range of commits the way the local hooks would have judged each one, plus the range
// rules on the whole: shared by `check --range`, the pre-push hook and the CI gate. Two or three
// git processes for the whole range, however many commits it has.
import { hasPolicyAt } from '../config/committed.js';
import { POLICY_FILES } from '../config/places.js';
import { changeStats, evaluateChange, evaluateMessage, needsHunks } from '../engine/evaluate.js';
import { collectCommits, collectRange } from '../git/collect.js';
import { readCommits } from '../git/commit-messages.js';
import { git } from '../git/exec.js';
import { locateRepository } from '../git/locate.js';
import { parseCommitMessage } from '../git/parse-message.js';
import type { CheckResult } from '../report/result.js';
import { isOk } from '../report/result.js';
import type { ChangeSet, Finding, ResolvedPolicy } from '../types.js';
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

export interface RangeOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  /** Skip the message rules (check --range judges diffs only when asked). */
  messages?: boolean;
  /**
   * The policy came from the range itself, none being in force before it: the commit that brings
   * the first policy in is a human setting the guardrails up, and is not judged.
   */
  settingUp?: boolean;
}

export function checkRange(
  policy: ResolvedPolicy,
  base: string | undefined,
  head: string,
  options: RangeOptions,
): CheckResult & { commits: number } {
  return checkCommits(policy, base ? [`${base}..${head}`] : [head], base, head, options);
}

/**
 * Judges the commits a revision range selects, each on its own, and `base..head` as a whole.
 * Without a base, the whole is measured from the first commit's parent.
 */
export function checkCommits(
  policy: ResolvedPolicy,
  revisions: string[],
  base: string | undefined,
  head: string,
  options: RangeOptions,
): CheckResult & { commits: number } {
  const collect = {
    root: options.root,
    hunks: needsHunks(policy),
    ...(options.env ? { env: options.env } : {}),
  };
  const commits = collectCommits(revisions, collect);
  if (base === undefined && commits[0]?.parents[0]) base = commits[0].parents[0];
  const findings: Finding[] = [];
  for (const commit of commits) {
    if (options.settingUp && bringsFirstPolicy(commit, options.root)) continue;
    const parent = commit.parents[0];
    const { keyChanged } = withPackageManifest(
      commit,
      options.root,
      parent ? { commit: parent } : { absent: true },
      { commit: commit.id! },
      options.env,
    );
    // A change to what judges is judged by the policy before it, and always reported.
    findings.push(...policyChangeFindings(commit, policy, keyChanged, commit.id));
    const found = evaluateChange(policy, commit, { scope: 'commit' }, commit.id).findings;
    // A merge brings commits that are judged one by one; its own size and shape are not a step.
    findings.push(
      ...(commit.parents.length > 1 ? found.filter((finding) => !STEP_RULES.has(finding.rule)) : found),
    );
  }
  if (options.messages !== false) {
    const commentChar =
      git(['config', '--get', 'core.commentChar'], { cwd: options.root, okStatus: [1] }).stdout.trim() || '#';
    for (const commit of readCommits(
      options.root,
      commits.map((c) => c.id!),
    )) {
      const message = withPlan(
        parseCommitMessage(commit.message, commentChar, commit.parents.length > 1),
        policy,
        options.root,
      );
      findings.push(...evaluateMessage(policy, message, commit.oid));
    }
  }
  const whole = collectRange(base, head, { ...collect, hunks: false });
  const rangeFindings = evaluateChange(policy, whole, { scope: 'range' }).findings.filter(
    (finding) => finding.rule === 'max-diff-lines',
  );
  findings.push(...rangeFindings);
  const subject = `${base ? base.slice(0, 12) : '(root)'}..${head.slice(0, 12)}`;
  // A range of one commit is that commit: its budget is the per-commit one when no maxRange is set.
  let stats = changeStats(policy, whole, { scope: 'range' });
  if (stats.budget === undefined && commits.length === 1)
    stats = changeStats(policy, whole, { scope: 'commit' });
  return { ok: isOk(findings), subject, findings, stats, commits: commits.length };
}

/** The commit that adds a policy where its first parent had none: a human setting the guardrails up. */
function bringsFirstPolicy(commit: ChangeSet & { parents: string[] }, root: string): boolean {
  const addsPolicy = commit.files.some(
    (file) => file.status !== 'deleted' && (POLICY_FILES as readonly string[]).includes(file.path),
  );
  if (!addsPolicy) return false;
  const parent = commit.parents[0];
  const location = locateRepository(root, {});
  return parent === undefined || (location !== undefined && !hasPolicyAt(location, parent));
}
