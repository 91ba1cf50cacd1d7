// The rule registry. Each rule module exports `meta` and a `check<Input>` function for every input
// kind listed in `meta.inputs`.
import type { RuleId } from '../types.js';
import * as commitMessage from './commit-message.js';
import * as contextBudget from './context-budget.js';
import * as editOnly from './edit-only.js';
import * as forbiddenContent from './forbidden-content.js';
import * as maxDiffLines from './max-diff-lines.js';
import * as maxSessions from './max-sessions.js';
import * as noBranchDeletion from './no-branch-deletion.js';
import * as noDeletions from './no-deletions.js';
import * as noDestructiveGit from './no-destructive-git.js';
import * as noForcePush from './no-force-push.js';
import * as noHookBypass from './no-hook-bypass.js';
import * as noMassDeletion from './no-mass-deletion.js';
import * as noNewSuppressions from './no-new-suppressions.js';
import * as noTestTampering from './no-test-tampering.js';
import * as planItem from './plan-item.js';
import * as progressUpdated from './progress-updated.js';
import * as protectedPaths from './protected-paths.js';
import type { RuleMeta } from './rule.js';
import * as scope from './scope.js';

export const rules = {
  'commit-message': commitMessage,
  'context-budget': contextBudget,
  'edit-only': editOnly,
  'forbidden-content': forbiddenContent,
  'max-diff-lines': maxDiffLines,
  'max-sessions': maxSessions,
  'no-branch-deletion': noBranchDeletion,
  'no-deletions': noDeletions,
  'no-destructive-git': noDestructiveGit,
  'no-force-push': noForcePush,
  'no-hook-bypass': noHookBypass,
  'no-mass-deletion': noMassDeletion,
  'no-new-suppressions': noNewSuppressions,
  'no-test-tampering': noTestTampering,
  'plan-item': planItem,
  'progress-updated': progressUpdated,
  'protected-paths': protectedPaths,
  scope,
} satisfies Record<RuleId, { meta: RuleMeta }>;

export const ruleIds = Object.keys(rules) as RuleId[];

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(rules, id);
}
