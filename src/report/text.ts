import type { Paint } from '../cli/io.js';
import type { Finding } from '../types.js';
import type { CheckResult } from './result.js';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Findings grouped by file (general ones first), the diff budget, and a summary line. */
export function formatText(result: CheckResult, p: Paint): string {
  const lines: string[] = [];
  const groups = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const key = finding.file ?? '';
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
  for (const key of keys) {
    lines.push(key === '' ? p.bold(result.subject) : p.bold(key));
    for (const finding of groups.get(key)!) {
      const severity = finding.severity === 'error' ? p.red('error') : p.yellow('warn ');
      const where = finding.line !== undefined ? p.dim(`${String(finding.line).padStart(4)}  `) : '';
      const commit = finding.commit ? p.dim(` (${finding.commit.slice(0, 12)})`) : '';
      lines.push(`  ${where}${severity}  ${finding.message}${commit}  ${p.dim(finding.rule)}`);
      if (finding.hint) lines.push(`        ${p.dim(`→ ${finding.hint}`)}`);
    }
    lines.push('');
  }
  const { stats } = result;
  if (stats.budget !== undefined) {
    const text = `max-diff-lines ${stats.counted}/${stats.budget}`;
    lines.push(stats.counted > stats.budget ? p.red(text) : p.dim(text));
  }
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const size = `${result.subject}: ${plural(stats.files, 'file')}, +${stats.added} -${stats.deleted}`;
  lines.push(
    errors
      ? `${p.red('✗')} ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''} (${size})`
      : `${p.green('✓')} ${warnings ? `passed with ${plural(warnings, 'warning')}` : 'passed'} (${size})`,
  );
  return `${lines.join('\n')}\n`;
}
