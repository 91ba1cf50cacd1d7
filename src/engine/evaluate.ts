// The engine: runs every enabled rule that judges a kind of input, and turns the rules' reports
// into findings with the policy's severity and the rule's fix hint.

import { rules } from '../rules/index.js';
import { countLines } from '../rules/max-diff-lines.js';
import type { ChangeContext } from '../rules/rule.js';
import type {
  ChangeSet,
  CommitMessage,
  Finding,
  RefUpdate,
  ResolvedPolicy,
  RuleId,
  RuleReport,
} from '../types.js';

type Check = (input: unknown, options: unknown, context?: unknown) => RuleReport[];

function run(
  policy: ResolvedPolicy,
  method: 'checkChange' | 'checkMessage' | 'checkPush',
  input: unknown,
  context?: unknown,
  commit?: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const [id, setting] of Object.entries(policy.rules) as [
    RuleId,
    NonNullable<ResolvedPolicy['rules'][RuleId]>,
  ][]) {
    const rule = rules[id] as unknown as { meta: { hint: string } } & Partial<Record<typeof method, Check>>;
    const check = rule[method];
    if (!check) continue;
    for (const report of check(input, setting.options, context)) {
      findings.push({
        rule: id,
        severity: setting.severity,
        message: report.message,
        ...(report.file !== undefined ? { file: report.file } : {}),
        ...(report.line !== undefined ? { line: report.line } : {}),
        hint: report.hint ?? rule.meta.hint,
        ...(commit ? { commit } : {}),
      });
    }
  }
  return findings;
}

export interface ChangeStats {
  files: number;
  added: number;
  deleted: number;
  /** Lines counted against max-diff-lines (ignored files left out, binary files at their cost). */
  counted: number;
  /** The max-diff-lines limit that applied, when the rule is on. */
  budget?: number;
}

export function evaluateChange(
  policy: ResolvedPolicy,
  change: ChangeSet,
  context: ChangeContext,
  commit?: string,
): { findings: Finding[]; stats: ChangeStats } {
  const findings = run(policy, 'checkChange', change, context, commit);
  return { findings, stats: changeStats(policy, change, context) };
}

export function changeStats(policy: ResolvedPolicy, change: ChangeSet, context: ChangeContext): ChangeStats {
  const stats: ChangeStats = { files: change.files.length, added: 0, deleted: 0, counted: 0 };
  for (const file of change.files) {
    stats.added += file.added;
    stats.deleted += file.deleted;
  }
  const setting = policy.rules['max-diff-lines'];
  const options = (setting?.options ?? { ignore: [], binaryCost: 50 }) as {
    ignore: string[];
    binaryCost: number;
    max?: number;
    maxRange?: number;
  };
  stats.counted = countLines(change, options).lines;
  const budget = context.scope === 'range' ? options.maxRange : options.max;
  if (setting && budget !== undefined) stats.budget = budget;
  return stats;
}

export function evaluateMessage(policy: ResolvedPolicy, message: CommitMessage, commit?: string): Finding[] {
  return run(policy, 'checkMessage', message, undefined, commit);
}

export function evaluatePush(policy: ResolvedPolicy, updates: RefUpdate[]): Finding[] {
  return run(policy, 'checkPush', updates);
}

/** True when a content rule is on, so collection must read the hunks. */
export function needsHunks(policy: ResolvedPolicy): boolean {
  return Boolean(
    policy.rules['no-new-suppressions'] ||
      policy.rules['no-test-tampering'] ||
      policy.rules['forbidden-content'],
  );
}
