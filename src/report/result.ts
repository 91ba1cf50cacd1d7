import type { ChangeStats } from '../engine/evaluate.js';
import type { Finding } from '../types.js';

/**
 * What a check found. This is the `--format json` output, kept stable:
 * { ok: boolean, subject: string, findings: Finding[], stats: ChangeStats }
 * where a Finding is { rule, severity: "error"|"warn", message, file?, line?, hint?, commit? }
 * and stats are { files, added, deleted, counted, budget? }. ok is false when any finding is an error.
 */
export interface CheckResult {
  ok: boolean;
  /** What was checked: "staged changes", "work tree", "a1b2c3d..e4f5a6b". */
  subject: string;
  findings: Finding[];
  stats: ChangeStats;
}

export function isOk(findings: Finding[]): boolean {
  return findings.every((finding) => finding.severity !== 'error');
}
