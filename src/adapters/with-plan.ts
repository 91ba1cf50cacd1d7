// PLAN.md's checklist items for the plan-item rule: the commit-msg hook, pre-push and CI read them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '../memory/plan.js';
import type { CommitMessage, ResolvedPolicy } from '../types.js';

/** Adds PLAN.md's items to a message when the plan-item rule needs them. */
export function withPlan(message: CommitMessage, policy: ResolvedPolicy, root: string): CommitMessage {
  const setting = policy.rules['plan-item'];
  if (!setting) return message;
  const path = join(root, String(setting.options.file));
  if (!existsSync(path)) return message;
  return { ...message, planItems: parsePlan(readFileSync(path, 'utf8')).map((item) => item.text) };
}
