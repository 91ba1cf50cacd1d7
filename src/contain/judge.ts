// The decision on what a contained command did: its effects through the command rules, and each
// commit it created through the change and message rules, as the pre-commit and commit-msg hooks
// judge a commit. One engine: the same rules, the same decide().
import { STEP_RULES, withPlan } from '../adapters/range-check.js';
import { decide, evaluateEffects } from '../engine/decide.js';
import { evaluateChange, evaluateMessage, needsHunks } from '../engine/evaluate.js';
import { collectCommits } from '../git/collect.js';
import { parseCommitMessage } from '../git/parse-message.js';
import type { Decision, Finding, ResolvedPolicy } from '../types.js';
import type { Effects } from './effects.js';
import { gitRunner } from './git-state.js';

export function judgeEffects(policy: ResolvedPolicy, effects: Effects, env: NodeJS.ProcessEnv): Decision {
  const findings = evaluateEffects(policy, effects.operations, effects.git, effects.facts);
  if (effects.commits) findings.push(...commitFindings(policy, effects.commits, env));
  return decide(findings, policy);
}

function commitFindings(
  policy: ResolvedPolicy,
  commits: NonNullable<Effects['commits']>,
  env: NodeJS.ProcessEnv,
): Finding[] {
  const { places } = commits;
  const gitEnv: NodeJS.ProcessEnv = {
    ...env,
    GIT_DIR: places.gitDir,
    GIT_WORK_TREE: places.root,
    GIT_NO_REPLACE_OBJECTS: '1',
  };
  delete gitEnv.GIT_INDEX_FILE;
  delete gitEnv.GIT_COMMON_DIR;
  const created = collectCommits(commits.revisions, {
    root: places.root,
    env: gitEnv,
    hunks: needsHunks(policy),
  });
  const findings: Finding[] = [];
  for (const commit of created) {
    const found = evaluateChange(policy, commit, { scope: 'commit' }, commit.id).findings;
    findings.push(
      ...(commit.parents.length > 1 ? found.filter((finding) => !STEP_RULES.has(finding.rule)) : found),
    );
  }
  if (created.length === 0) return findings;
  const run = gitRunner(places, env);
  const commentChar = run(['config', '--get', 'core.commentChar'], { ok: [1] }).stdout.trim() || '#';
  // The listing above holds each commit's message (`%B`) and parents already.
  for (const commit of created) {
    const message = withPlan(
      parseCommitMessage(commit.message, commentChar, commit.parents.length > 1),
      policy,
      places.root,
    );
    findings.push(...evaluateMessage(policy, message, commit.id));
  }
  return findings;
}
