// GitLab Code Quality (a subset of the Code Climate spec): an array of issues, each with a unique
// fingerprint (duplicates are collapsed by GitLab) and a severity of info|minor|major|critical|blocker.
import type { Finding } from '../types.js';
import { fingerprint } from './sarif.js';

const SEVERITY = { error: 'major', warn: 'minor' } as const;

export function formatGitlab(findings: Finding[]): string {
  const seen = new Map<string, number>();
  const issues = findings.map((finding) => {
    let id = fingerprint(finding);
    const count = seen.get(id) ?? 0;
    seen.set(id, count + 1);
    if (count) id = `${id}-${count}`;
    return {
      description: finding.commit
        ? `${finding.message} (commit ${finding.commit.slice(0, 12)})`
        : finding.message,
      check_name: finding.rule,
      fingerprint: id,
      severity: SEVERITY[finding.severity],
      location: { path: finding.file ?? '.', lines: { begin: finding.line ?? 1 } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
