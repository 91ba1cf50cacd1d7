import type { CheckResult } from './result.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

/** A table a reviewer reads in a pull request or a job summary. */
export function formatMarkdown(result: CheckResult, title = 'agentpolicy'): string {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const lines = [
    `## ${result.ok ? '✅' : '❌'} ${title}: ${result.ok ? 'passed' : `${errors} error(s)`}${warnings ? `, ${warnings} warning(s)` : ''}`,
    '',
    `${cell(result.subject)}: ${result.stats.files} file(s), +${result.stats.added} −${result.stats.deleted}` +
      (result.stats.budget !== undefined
        ? `, max-diff-lines ${result.stats.counted}/${result.stats.budget}`
        : ''),
    '',
  ];
  if (result.findings.length) {
    lines.push('| | Rule | Where | Finding |', '|---|---|---|---|');
    for (const finding of result.findings) {
      const where = [
        finding.file
          ? `\`${cell(finding.file)}${finding.line !== undefined ? `:${finding.line}` : ''}\``
          : '',
        finding.commit ? `commit \`${finding.commit.slice(0, 12)}\`` : '',
      ]
        .filter(Boolean)
        .join(' ');
      lines.push(
        `| ${finding.severity === 'error' ? '❌' : '⚠️'} | \`${finding.rule}\` | ${where} | ${cell(finding.message)}${finding.hint ? `<br><sub>${cell(finding.hint)}</sub>` : ''} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
