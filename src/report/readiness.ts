// The readiness report: where the current change stands against the policy, on one page a
// reviewer or an agent reads before a pull request. Pure: data in, Markdown or HTML out.
import type { Finding } from '../types.js';

export interface Readiness {
  generatedAt: string;
  /** What was judged: "staged changes", "work tree", "main..feature". */
  subject: string;
  rules: { id: string; severity: 'warn' | 'error'; findings: Finding[] }[];
  budget?: { used: number; max: number; files: number; maxFiles?: number };
  /**
   * The uncommitted change (work tree and index against HEAD, new files included) as the live diff
   * budget counts it before each file tool call; `enforced` when max-diff-lines is at error.
   */
  live?: { used: number; max: number; enforced: boolean };
  verification?: StepRun;
  /** The last check after a file tool call (steps `on: ["edit"]`), kept apart from the hooks' runs. */
  lastEdit?: StepRun;
  plan?: { done: number; total: number; items: { text: string; done: boolean }[] };
  progress?: { exists: boolean; updated: boolean };
  /** For a range: its commits that have findings, oldest first, with their subjects. */
  commits?: { id: string; subject: string }[];
}

export interface StepRun {
  time: string;
  hook: string;
  results: { name: string; status: string; durationMs: number; reused?: boolean }[];
}

/** Findings listed per rule before the rest are only counted (the commits section lists them all). */
const PER_RULE = 5;

/** The findings of each commit, in the order of `data.commits`; the range's own under ''. */
export function findingsByCommit(data: Readiness): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>((data.commits ?? []).map((commit) => [commit.id, []]));
  for (const rule of data.rules)
    for (const finding of rule.findings) {
      const key = finding.commit ?? '';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(finding);
    }
  return groups;
}

export function readinessVerdict(data: Readiness): { ready: boolean; blockers: number } {
  const blockers =
    data.rules.reduce((sum, rule) => sum + rule.findings.filter((f) => f.severity === 'error').length, 0) +
    (data.verification?.results.filter((r) => r.status === 'failed' || r.status === 'timed-out').length ?? 0);
  return { ready: blockers === 0, blockers };
}

function bar(used: number, max: number, width = 20): string {
  const filled = Math.min(width, Math.round((used / Math.max(max, 1)) * width));
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

function ruleStatus(rule: Readiness['rules'][number]): 'pass' | 'warn' | 'fail' {
  if (rule.findings.some((f) => f.severity === 'error')) return 'fail';
  return rule.findings.length ? 'warn' : 'pass';
}

const ICON = { pass: '✅', warn: '⚠️', fail: '❌' } as const;

function escapeMarkdown(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

function liveNote(live: NonNullable<Readiness['live']>): string {
  const left = live.max - live.used;
  if (!live.enforced)
    return 'counted as file tool calls are (max-diff-lines is a warning: nothing is denied).';
  return left >= 0
    ? `counted as file tool calls are: ${left} left before a file tool call is denied.`
    : `counted as file tool calls are: past the budget, so every file tool call that adds to it is denied until a commit.`;
}

function duration(result: StepRun['results'][number]): string {
  return result.reused ? 'passed before on this same tree' : `${(result.durationMs / 1000).toFixed(1)}s`;
}

function stepLines(run: StepRun): string[] {
  return run.results.map((result) => {
    const icon = result.status === 'passed' ? '✅' : result.status === 'skipped' ? '➖' : '❌';
    return `- ${icon} ${escapeMarkdown(result.name)} (${result.status}, ${duration(result)})`;
  });
}

export function formatReadinessMarkdown(data: Readiness): string {
  const { ready, blockers } = readinessVerdict(data);
  const lines = [
    `# ${ready ? '✅ Ready' : '❌ Not ready'}: ${escapeMarkdown(data.subject)}`,
    '',
    ready ? 'Every rule passes.' : `${blockers} thing(s) block this change.`,
    '',
  ];
  if (data.budget) {
    const { used, max, files, maxFiles } = data.budget;
    lines.push(
      '## Diff budget',
      '',
      `\`${bar(used, max)}\` **${used}** of ${max} lines (${Math.round((used / max) * 100)}%), ${files} file(s)${maxFiles ? ` of ${maxFiles}` : ''}`,
      '',
    );
  }
  if (data.live) {
    const { used, max } = data.live;
    lines.push(
      '## Live diff budget',
      '',
      `\`${bar(used, max)}\` **${used}** of ${max} lines uncommitted, ${liveNote(data.live)}`,
      '',
    );
  }
  lines.push('## Rules', '', '| | Rule | Findings |', '|---|---|---|');
  for (const rule of data.rules) {
    const status = ruleStatus(rule);
    const detail = rule.findings.length
      ? rule.findings
          .slice(0, 5)
          .map(
            (f) =>
              `${f.file ? `\`${escapeMarkdown(f.file)}${f.line ? `:${f.line}` : ''}\` ` : ''}${escapeMarkdown(f.message)}`,
          )
          .join('<br>') + (rule.findings.length > 5 ? `<br>+${rule.findings.length - 5} more` : '')
      : '';
    lines.push(`| ${ICON[status]} | \`${rule.id}\` (${rule.severity}) | ${detail} |`);
  }
  lines.push('');
  if (data.commits?.length) {
    lines.push('## By commit', '');
    const subjects = new Map(data.commits.map((commit) => [commit.id, commit.subject]));
    const groups = [...findingsByCommit(data)].filter(([, found]) => found.length);
    for (const [id, found] of groups.slice(0, 100)) {
      const errors = found.filter((f) => f.severity === 'error').length;
      lines.push(
        `- ${id ? `\`${id.slice(0, 12)}\` ${escapeMarkdown(subjects.get(id) ?? '')}` : 'the range as a whole'}: ${errors} error(s), ${found.length - errors} warning(s); ${[...new Set(found.map((f) => f.rule))].map((r) => `\`${r}\``).join(', ')}`,
      );
    }
    if (groups.length > 100) lines.push(`- +${groups.length - 100} more commit(s)`);
    lines.push('');
  }
  if (data.verification) {
    lines.push(`## Verification (${data.verification.hook}, ${data.verification.time})`, '');
    lines.push(...stepLines(data.verification), '');
  } else {
    lines.push('## Verification', '', 'Not run yet: `agentpolicy verify`.', '');
  }
  if (data.lastEdit) {
    lines.push(`## Last edit-time check (${data.lastEdit.time})`, '');
    lines.push(
      ...(data.lastEdit.results.length ? stepLines(data.lastEdit) : ['No step matched the files edited.']),
      '',
    );
  }
  if (data.plan) {
    lines.push(
      `## Plan: ${data.plan.done} of ${data.plan.total} done`,
      '',
      `\`${bar(data.plan.done, data.plan.total)}\``,
      '',
    );
    for (const item of data.plan.items)
      lines.push(`- [${item.done ? 'x' : ' '}] ${escapeMarkdown(item.text)}`);
    lines.push('');
  }
  if (data.progress) {
    lines.push(
      '## Progress notes',
      '',
      !data.progress.exists
        ? 'There is no PROGRESS.md.'
        : data.progress.updated
          ? 'PROGRESS.md was updated with this change.'
          : 'PROGRESS.md did not move with this change.',
      '',
    );
  }
  lines.push(`<sub>agentpolicy report, ${data.generatedAt}</sub>`, '');
  return lines.join('\n');
}

function html(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function meter(id: string, used: number, max: number, label: string): string {
  const percent = Math.round((used / Math.max(max, 1)) * 100);
  const level = percent > 100 ? 'over' : percent > 80 ? 'near' : 'ok';
  return `<div class="meter ${level}" id="${id}" role="meter" aria-valuenow="${used}" aria-valuemax="${max}" aria-label="${html(label)}"><div class="fill" style="width:${Math.min(percent, 100)}%"></div></div><p class="meter-label">${html(label)}</p>`;
}

/** A single self-contained page: inline CSS, no scripts, no external resources. */
export function formatReadinessHtml(data: Readiness): string {
  const { ready, blockers } = readinessVerdict(data);
  // In the rules table a finding links to its commit; under a commit it names its rule.
  const item = (f: Finding, under: 'rule' | 'commit') =>
    `<li>${under === 'commit' ? `<code class="rule-id">${html(f.rule)}</code> ` : ''}${under === 'rule' && f.commit ? `<a class="commit-id" href="#c-${f.commit.slice(0, 12)}"><code>${f.commit.slice(0, 12)}</code></a> ` : ''}${f.file ? `<code>${html(f.file)}${f.line ? `:${f.line}` : ''}</code> ` : ''}${html(f.message)}</li>`;
  const rows = data.rules
    .map((rule) => {
      const status = ruleStatus(rule);
      const shown = data.commits ? rule.findings.slice(0, PER_RULE) : rule.findings;
      const findings =
        shown.map((f) => item(f, 'rule')).join('') +
        (rule.findings.length > shown.length
          ? `<li class="more">+${rule.findings.length - shown.length} more, by commit below</li>`
          : '');
      return `<tr class="${status}"><td class="status">${status}</td><td class="rule"><code>${html(rule.id)}</code> <span class="severity">${rule.severity}</span></td><td>${findings ? `<ul>${findings}</ul>` : '<span class="none">no findings</span>'}</td></tr>`;
    })
    .join('\n');
  const budget = data.budget
    ? `<section><h2>Diff budget</h2>${meter('budget', data.budget.used, data.budget.max, `${data.budget.used} of ${data.budget.max} lines, ${data.budget.files} file(s)`)}</section>`
    : '';
  const steps = (run: StepRun) =>
    run.results.length
      ? `<ul class="steps">${run.results
          .map(
            (r) =>
              `<li class="${html(r.status)}"><span class="status">${html(r.status)}</span> ${html(r.name)} <small>${html(duration(r))}</small></li>`,
          )
          .join('')}</ul>`
      : '<p class="none">No step matched the files edited.</p>';
  const verification = data.verification
    ? `<section><h2>Verification <small>${html(data.verification.hook)}, ${html(data.verification.time)}</small></h2>${steps(data.verification)}</section>`
    : '<section><h2>Verification</h2><p class="none">Not run yet: <code>agentpolicy verify</code>.</p></section>';
  const lastEdit = data.lastEdit
    ? `<section id="last-edit"><h2>Last edit-time check <small>${html(data.lastEdit.time)}</small></h2>${steps(data.lastEdit)}</section>`
    : '';
  const live = data.live
    ? `<section><h2>Live diff budget</h2>${meter('live', data.live.used, data.live.max, `${data.live.used} of ${data.live.max} lines uncommitted, ${liveNote(data.live)}`)}</section>`
    : '';
  const plan = data.plan
    ? `<section><h2>Plan</h2>${meter('plan', data.plan.done, data.plan.total, `${data.plan.done} of ${data.plan.total} items done`)}<ul class="plan">${data.plan.items
        .map(
          (item) =>
            `<li class="${item.done ? 'done' : 'open'}">${item.done ? '☑' : '☐'} ${html(item.text)}</li>`,
        )
        .join('')}</ul></section>`
    : '';
  const subjects = new Map((data.commits ?? []).map((commit) => [commit.id, commit.subject]));
  const commits = data.commits
    ? `<section><h2>By commit</h2>${[...findingsByCommit(data)]
        .filter(([, found]) => found.length)
        .map(([id, found]) => {
          const errors = found.filter((f) => f.severity === 'error').length;
          const head = id
            ? `<code>${id.slice(0, 12)}</code> <span class="subject">${html(subjects.get(id) ?? '')}</span>`
            : '<span class="subject">The range as a whole</span>';
          return `<details class="commit ${errors ? 'fail' : 'warn'}"${id ? ` id="c-${id.slice(0, 12)}"` : ''}><summary>${head} <span class="count">${errors} error(s), ${found.length - errors} warning(s)</span></summary><ul>${found.map((f) => item(f, 'commit')).join('')}</ul></details>`;
        })
        .join('\n')}</section>`
    : '';
  const progress = data.progress
    ? `<section><h2>Progress notes</h2><p>${!data.progress.exists ? 'There is no PROGRESS.md.' : data.progress.updated ? 'PROGRESS.md was updated with this change.' : 'PROGRESS.md did not move with this change.'}</p></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${ready ? 'Ready' : 'Not ready'}: ${html(data.subject)}</title>
<style>
:root{--ok:#1a7f37;--warn:#9a6700;--fail:#cf222e;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff}
@media (prefers-color-scheme:dark){:root{--ok:#3fb950;--warn:#d29922;--fail:#f85149;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--bg:#0d1117}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:960px;margin:0 auto;padding:24px}h1{font-size:26px;margin:0 0 4px;overflow-wrap:anywhere}h2{font-size:18px;margin:28px 0 8px}
.verdict{padding:16px 20px;border-radius:8px;border:2px solid}.verdict.ready{border-color:var(--ok)}.verdict.blocked{border-color:var(--fail)}
.verdict p{margin:0;color:var(--muted)}.dot{display:inline-block;width:14px;height:14px;border-radius:50%;margin-right:10px;vertical-align:middle}
.ready .dot{background:var(--ok)}.blocked .dot{background:var(--fail)}td.rule{width:36%}code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;table-layout:fixed}td{border-top:1px solid var(--line);padding:8px;vertical-align:top;overflow-wrap:anywhere}
td.status{width:64px;font-weight:600;text-transform:uppercase;font-size:12px}tr.pass .status,.passed .status{color:var(--ok)}tr.warn .status{color:var(--warn)}tr.fail .status,.failed .status,.timed-out .status{color:var(--fail)}
td ul{margin:0;padding-left:18px}.severity,small,.none{color:var(--muted);font-size:12px}
.meter{height:14px;border-radius:7px;background:var(--line);overflow:hidden}.meter .fill{height:100%;background:var(--ok)}
.meter.near .fill{background:var(--warn)}.meter.over .fill{background:var(--fail)}.meter-label{margin:4px 0 0;color:var(--muted)}
ul.steps,ul.plan{list-style:none;padding:0;margin:0}ul.steps li,ul.plan li{padding:4px 0}.steps .status{display:inline-block;width:72px;font-size:12px;font-weight:600;text-transform:uppercase}
.plan .done{color:var(--muted);text-decoration:line-through}footer{margin-top:32px;color:var(--muted);font-size:12px}
details.commit{border-top:1px solid var(--line);padding:6px 0}details.commit summary{cursor:pointer;overflow-wrap:anywhere}
details.commit ul{margin:6px 0 0;padding-left:18px;overflow-wrap:anywhere}details.commit .count{color:var(--muted);font-size:12px;white-space:nowrap}
details.commit.fail summary code{color:var(--fail)}details.commit.warn summary code{color:var(--warn)}.rule-id{font-weight:600}
li.more{list-style:none;color:var(--muted);font-size:12px}a.commit-id{text-decoration:none}
@media (max-width:480px){main{padding:12px}td.rule{width:40%}td.status{width:48px}}
</style></head>
<body><main>
<div class="verdict ${ready ? 'ready' : 'blocked'}" id="verdict"><h1><span class="dot"></span>${ready ? 'Ready' : 'Not ready'}: ${html(data.subject)}</h1><p>${ready ? 'Every rule passes.' : `${blockers} thing(s) block this change.`}</p></div>
${budget}
${live}
<section><h2>Rules</h2><table id="rules"><tbody>
${rows}
</tbody></table></section>
${commits}
${verification}
${lastEdit}
${plan}
${progress}
<footer>agentpolicy report, ${html(data.generatedAt)}</footer>
</main></body></html>
`;
}
