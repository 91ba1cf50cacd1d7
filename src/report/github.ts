// GitHub Actions workflow commands. A step shows at most 10 error and 10 warning annotations
// (more are dropped silently), so the rest are counted in a final notice.
import type { Finding } from '../types.js';

/** Escaping for the message (actions/toolkit command.ts). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping for property values, which also may not hold ':' or ','. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const LIMIT = 10;

export function formatGithub(findings: Finding[]): string {
  const lines: string[] = [];
  const shown = { error: 0, warn: 0 };
  let dropped = 0;
  for (const finding of findings) {
    if (shown[finding.severity] >= LIMIT) {
      dropped++;
      continue;
    }
    shown[finding.severity]++;
    const properties = [
      ...(finding.file ? [`file=${escapeProperty(finding.file)}`] : []),
      ...(finding.line !== undefined ? [`line=${finding.line}`] : []),
      `title=${escapeProperty(finding.rule)}`,
    ].join(',');
    const commit = finding.commit ? ` (commit ${finding.commit.slice(0, 12)})` : '';
    const hint = finding.hint ? `\n${finding.hint}` : '';
    lines.push(
      `::${finding.severity === 'error' ? 'error' : 'warning'} ${properties}::${escapeData(`${finding.message}${commit}${hint}`)}`,
    );
  }
  if (dropped)
    lines.push(
      `::notice title=agentpolicy::${escapeData(`+${dropped} more findings; the job summary lists them all.`)}`,
    );
  return lines.length ? `${lines.join('\n')}\n` : '';
}
