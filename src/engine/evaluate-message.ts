import { rules } from '../rules/index.js';
import type { CommitMessage, Finding, ResolvedPolicy, RuleId } from '../types.js';

/** Runs every enabled message rule on a commit message. */
export function evaluateMessage(policy: ResolvedPolicy, message: CommitMessage, commit?: string): Finding[] {
  const findings: Finding[] = [];
  for (const [id, setting] of Object.entries(policy.rules) as [
    RuleId,
    NonNullable<ResolvedPolicy['rules'][RuleId]>,
  ][]) {
    const rule = rules[id] as {
      meta: { hint: string };
      checkMessage?: (m: CommitMessage, o: unknown) => { message: string; hint?: string }[];
    };
    if (!rule.checkMessage) continue;
    for (const report of rule.checkMessage(message, setting.options)) {
      findings.push({
        rule: id,
        severity: setting.severity,
        message: report.message,
        hint: report.hint ?? rule.meta.hint,
        ...(commit ? { commit } : {}),
      });
    }
  }
  return findings;
}
