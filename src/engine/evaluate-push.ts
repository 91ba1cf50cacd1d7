import { rules } from '../rules/index.js';
import type { Finding, RefUpdate, ResolvedPolicy, RuleId } from '../types.js';

/** Runs every enabled push rule on the ref updates of one push. */
export function evaluatePush(policy: ResolvedPolicy, updates: RefUpdate[]): Finding[] {
  const findings: Finding[] = [];
  for (const [id, setting] of Object.entries(policy.rules) as [
    RuleId,
    NonNullable<ResolvedPolicy['rules'][RuleId]>,
  ][]) {
    const rule = rules[id] as {
      meta: { hint: string };
      checkPush?: (u: RefUpdate[], o: unknown) => { message: string; hint?: string }[];
    };
    if (!rule.checkPush) continue;
    for (const report of rule.checkPush(updates, setting.options)) {
      findings.push({
        rule: id,
        severity: setting.severity,
        message: report.message,
        hint: report.hint ?? rule.meta.hint,
      });
    }
  }
  return findings;
}
