import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { uncommittedLines } from '../../adapters/live-budget.js';
import { checkRange } from '../../adapters/range-check.js';
import { policyAtCommit } from '../../config/committed.js';
import { evaluateChange, needsHunks } from '../../engine/evaluate.js';
import { UsageError } from '../../errors.js';
import { collectStaged, collectWorktree } from '../../git/collect.js';
import { git } from '../../git/exec.js';
import { locateRepository } from '../../git/locate.js';
import { parsePlan } from '../../memory/plan.js';
import {
  formatReadinessHtml,
  formatReadinessMarkdown,
  type Readiness,
  type StepRun,
} from '../../report/readiness.js';
import type { Options as DiffOptions } from '../../rules/max-diff-lines.js';
import type { ChangeSet, Finding, ResolvedPolicy, RuleId } from '../../types.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { loadPolicy } from '../context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy report [--worktree | --staged | --range A..B] [--format markdown|html] [--output FILE]

The one page to read before a pull request: each rule's verdict on the change, the diff budget
used (and, for the work tree or the index, the uncommitted lines the live budget counts before a
file tool call), the last verification results and the last edit-time check, PLAN.md's checklist
progress, and whether PROGRESS.md moved with the change. The change is the work tree against HEAD unless said otherwise. HTML is a single
self-contained page.
`;

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const { values } = parseCommandArgs(
    'report',
    argv,
    {
      worktree: { type: 'boolean' },
      staged: { type: 'boolean' },
      range: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
    },
    false,
  );
  const format = oneOf('report', 'format', values.format, ['markdown', 'html'] as const, 'markdown');
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`report: ${io.cwd} is not inside a git repository.`);
  const root = location.root;
  let policy: ResolvedPolicy;
  let subject: string;
  let findings: Finding[];
  let stats: { counted: number; budget?: number; files: number };
  let paths: string[];
  let commits: Readiness['commits'];
  if (values.range) {
    const [from = '', to = 'HEAD'] = values.range.split(/\.\.\.?/);
    const head = git(['rev-parse', '--verify', `${to || 'HEAD'}^{commit}`], { cwd: root }).stdout.trim();
    const base = from
      ? git(['rev-parse', '--verify', `${from}^{commit}`], { cwd: root }).stdout.trim()
      : undefined;
    // Judged as the CI gate judges: by the base's committed policy, else the head's (an adoption).
    const atBase = base ? policyAtCommit(location, base, { name: base.slice(0, 12) }) : undefined;
    const atHead = atBase ? undefined : policyAtCommit(location, head, { name: head.slice(0, 12) });
    policy = atBase?.policy ?? atHead?.policy ?? (await loadPolicy(root, globals));
    const result = await checkRange(policy, base, head, {
      root,
      origin: atBase || !atHead ? 'base' : 'adoption',
    });
    ({ subject, findings, stats } = result);
    commits = commitSubjects(root, [...new Set(findings.flatMap((f) => (f.commit ? [f.commit] : [])))]);
    paths = git(['diff', '--name-only', '-z', ...(base ? [base] : []), head], { cwd: root })
      .stdout.split('\0')
      .filter(Boolean);
  } else {
    policy = await loadPolicy(root, globals);
    const options = { root, env: io.env, hunks: needsHunks(policy) };
    const change: ChangeSet = values.staged ? collectStaged(options) : collectWorktree(options);
    ({ findings, stats } = evaluateChange(policy, change, { scope: 'commit' }));
    subject = values.staged ? 'staged changes' : 'work in progress';
    paths = change.files.flatMap((file) => [file.path, ...(file.oldPath ? [file.oldPath] : [])]);
  }
  const data = readiness(policy, root, location.commonDir, subject, findings, stats, paths);
  if (commits) data.commits = commits;
  else {
    const live = liveBudgetUsed(policy, root, io.env);
    if (live) data.live = live;
  }
  const page = format === 'html' ? formatReadinessHtml(data) : formatReadinessMarkdown(data);
  if (values.output) writeFileSync(resolve(io.cwd, values.output), page);
  else io.stdout(page);
  return 0;
}

function readiness(
  policy: ResolvedPolicy,
  root: string,
  commonDir: string,
  subject: string,
  findings: Finding[],
  stats: { counted: number; budget?: number; files: number },
  paths: string[],
): Readiness {
  const ruleIds = Object.keys(policy.rules) as RuleId[];
  const data: Readiness = {
    generatedAt: new Date().toISOString(),
    subject,
    rules: [
      ...ruleIds.map((id) => ({
        id,
        severity: policy.rules[id]!.severity,
        findings: findings.filter((finding) => finding.rule === id),
      })),
      ...[
        ...new Set(
          findings.map((finding) => finding.rule).filter((rule) => !ruleIds.includes(rule as RuleId)),
        ),
      ].map((id) => ({
        id,
        severity: 'error' as const,
        findings: findings.filter((finding) => finding.rule === id),
      })),
    ],
  };
  const limits = policy.rules['max-diff-lines']?.options as { maxFiles?: number } | undefined;
  if (stats.budget !== undefined)
    data.budget = {
      used: stats.counted,
      max: stats.budget,
      files: stats.files,
      ...(limits?.maxFiles ? { maxFiles: limits.maxFiles } : {}),
    };
  const verification = lastRun(commonDir, 'verify-last.json');
  if (verification) data.verification = verification;
  const lastEdit = lastRun(commonDir, 'verify-last-edit.json');
  if (lastEdit) data.lastEdit = lastEdit;
  const plan = join(root, 'PLAN.md');
  if (existsSync(plan)) {
    const items = parsePlan(readFileSync(plan, 'utf8'));
    data.plan = { done: items.filter((item) => item.done).length, total: items.length, items };
  }
  data.progress = { exists: existsSync(join(root, 'PROGRESS.md')), updated: paths.includes('PROGRESS.md') };
  return data;
}

/** A run of steps saved by verify.ts; undefined when there is none (or it cannot be read). */
function lastRun(commonDir: string, name: string): StepRun | undefined {
  const path = join(commonDir, 'agentpolicy', name);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StepRun;
  } catch {
    return undefined;
  }
}

/** The uncommitted change as the live diff budget counts it before a file tool call. */
function liveBudgetUsed(policy: ResolvedPolicy, root: string, env: NodeJS.ProcessEnv): Readiness['live'] {
  const setting = policy.rules['max-diff-lines'];
  if (!setting) return undefined;
  const options = setting.options as DiffOptions;
  return {
    used: uncommittedLines(root, env, options).total,
    max: options.max,
    enforced: setting.severity === 'error',
  };
}

/** The subjects of `oids`, in that order, from one git process. */
function commitSubjects(root: string, oids: string[]): { id: string; subject: string }[] {
  if (oids.length === 0) return [];
  const out = git(['log', '--no-walk=unsorted', '--stdin', '-z', '--format=%H %s'], {
    cwd: root,
    input: `${oids.join('\n')}\n`,
  }).stdout;
  return out
    .split('\0')
    .filter(Boolean)
    .map((record) => ({
      id: record.slice(0, record.indexOf(' ')),
      subject: record.slice(record.indexOf(' ') + 1),
    }));
}
