import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CiRange, detectRange } from '../../adapters/ci-range.js';
import { checkCommits, type PolicyOrigin } from '../../adapters/range-check.js';
import { hasPolicyAt, policyAtCommit } from '../../config/committed.js';
import { ConfigError, UsageError } from '../../errors.js';
import { locateRepository, type RepositoryLocation } from '../../git/locate.js';
import { formatGithub } from '../../report/github.js';
import { formatGitlab } from '../../report/gitlab.js';
import { formatMarkdown } from '../../report/markdown.js';
import { type CheckResult, isOk } from '../../report/result.js';
import { formatSarif } from '../../report/sarif.js';
import { formatText } from '../../report/text.js';
import { rules } from '../../rules/index.js';
import type { Finding, ResolvedPolicy } from '../../types.js';
import { VERSION } from '../../version.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy ci [--base REF] [--head REF] [--policy-from base|head]
                      [--format text|json|github|markdown|sarif|gitlab] [--sarif FILE] [--no-verify-steps]

The policy gate for CI: every commit of the range judged the way the local hooks would have judged
it (diff and message rules), the range as a whole (max-diff-lines maxRange), and the verification
steps marked "ci". The range is found from the GitHub Actions event (pull request: its base branch
and the merge-base; push: the pushed range) or GitLab's CI_MERGE_REQUEST_DIFF_BASE_SHA, else from
--base. The policy comes from the base commit, so a branch cannot loosen the policy that judges it;
a change to the policy inside the range is reported as policy-changed. When the base has no policy
at all, the range is an adoption, judged by the policy its head commit brings. --policy-from head
(the head commit's policy) is for humans who mean it. On GitHub, --format github also writes a Markdown job summary.
Exit 0 when nothing is an error, 1 when something is, 2 when the range or the policy cannot be read.
`;

/** GitHub accounts of the dependency bots whose action bumps are routine (the event names them). */
const DEPENDENCY_BOTS = ['dependabot[bot]', 'renovate[bot]'];

const FORMATS = ['text', 'json', 'github', 'markdown', 'sarif', 'gitlab'] as const;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values } = parseCommandArgs(
    'ci',
    argv,
    {
      base: { type: 'string' },
      head: { type: 'string' },
      'policy-from': { type: 'string' },
      format: { type: 'string' },
      sarif: { type: 'string' },
      'no-verify-steps': { type: 'boolean' },
    },
    false,
  );
  const format = oneOf(
    'ci',
    'format',
    values.format,
    FORMATS,
    io.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text',
  );
  const policyFrom = oneOf('ci', 'policy-from', values['policy-from'], ['base', 'head'] as const, 'base');
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`ci: ${io.cwd} is not inside a git repository.`);
  const root = location.root;
  const range = detectRange(root, io.env, {
    ...(values.base ? { base: values.base } : {}),
    ...(values.head ? { head: values.head } : {}),
  });

  const { policy, origin, file: policyFile } = judgingPolicy(location, range, policyFrom);
  // A change to the policy inside the range is reported per commit (policy-changed), never applied.
  const findings: Finding[] = [];
  const result = await checkCommits(policy, [`${range.base}..${range.head}`], range.base, range.head, {
    root,
    env: io.env,
    origin,
    ...(range.author && DEPENDENCY_BOTS.includes(range.author) ? { dependencyBot: range.author } : {}),
  });
  findings.push(...result.findings);
  const refused = new Set(
    result.findings.filter((f) => f.severity === 'error' && f.commit).map((f) => f.commit),
  );

  let verifyFailed = false;
  if (!values['no-verify-steps'])
    verifyFailed = !(await verifyHead(policy, root, location, range.head, io, format === 'text'));
  if (verifyFailed)
    findings.push({
      rule: 'verify',
      severity: 'error',
      message: 'The verification steps marked "ci" failed on the head of the range.',
      hint: 'Run `agentpolicy verify --on ci` and fix what fails.',
    });

  const how =
    origin === 'adoption'
      ? `, adoption: judged by the policy the range brings in${result.adoptedAt ? ` at ${result.adoptedAt.slice(0, 12)}` : ''}`
      : origin === 'head'
        ? ', judged by the policy of the head'
        : '';
  const subject = `${range.base.slice(0, 12)}..${range.head.slice(0, 12)} (${result.commits} commits, ${range.origin}${how})`;
  const checked: CheckResult = { ok: isOk(findings), subject, findings, stats: result.stats };
  // A finding that names no file is shown on its commit's first file, else on the policy file.
  const locate = (finding: Finding) =>
    (finding.commit && result.firstFiles.get(finding.commit)) || policyFile;
  io.stdout(render(checked, format, io, locate));
  if (refused.size && format === 'text') {
    io.stdout(
      `${refused.size} commit(s) the local hooks would have refused (made with --no-verify, by a rebase or a cherry-pick, or before the hooks were installed).\n`,
    );
  }
  if (values.sarif) writeFileSync(resolve(io.cwd, values.sarif), sarif(findings, locate));
  if (format === 'github' && io.env.GITHUB_STEP_SUMMARY) {
    // The job summary takes at most 1 MiB per step.
    appendFileSync(
      io.env.GITHUB_STEP_SUMMARY,
      formatMarkdown(checked, 'agentpolicy gate').slice(0, 1_000_000),
    );
  }
  return checked.ok ? 0 : 1;
}

/**
 * The policy that judges the range, read from commits only (never the work tree): the base's; the
 * head's when a human asks with --policy-from head; the head's as an adoption when the base has no
 * policy file at all (a policy the base has but cannot load is an error, never an adoption).
 */
function judgingPolicy(
  location: RepositoryLocation,
  range: CiRange,
  policyFrom: 'base' | 'head',
): { policy: ResolvedPolicy; origin: PolicyOrigin; file: string } {
  const at = (commit: string) => policyAtCommit(location, commit, { name: commit.slice(0, 12) });
  if (policyFrom === 'head') {
    const head = at(range.head);
    if (!head)
      throw new ConfigError(
        `No policy at ${range.head.slice(0, 12)}: the head of the range has no .agentpolicyrc to judge it by. Commit one, or judge by the base's (drop --policy-from head).`,
      );
    return { policy: head.policy, origin: 'head', file: policyFileOf(head.policy) };
  }
  const base = at(range.base);
  if (base) return { policy: base.policy, origin: 'base', file: policyFileOf(base.policy) };
  if (hasPolicyAt(location, range.base))
    throw new ConfigError(`The policy at ${range.base.slice(0, 12)} (the base of the range) cannot be read.`);
  const head = at(range.head);
  if (!head)
    throw new ConfigError(
      `No policy at ${range.base.slice(0, 12)} nor at ${range.head.slice(0, 12)}: neither the base nor the head of the range has a .agentpolicyrc, so there is nothing to judge it by. Commit one (agentpolicy init) in the pull request that adopts the gate.`,
    );
  return { policy: head.policy, origin: 'adoption', file: policyFileOf(head.policy) };
}

/** The repository path of the policy file (the first of the policy's sources). */
function policyFileOf(policy: ResolvedPolicy): string {
  return policy.repoSources?.[0] ?? '.agentpolicyrc';
}

async function verifyHead(
  policy: ResolvedPolicy,
  root: string,
  location: RepositoryLocation,
  head: string,
  io: Io,
  text: boolean,
): Promise<boolean> {
  const { verify, stepsFor } = await import('../../verify/verify.js');
  if (stepsFor(policy, 'ci', root).steps.length === 0 && !policy.verifyFrom) return true;
  const outcome = await verify(policy, 'ci', {
    reuse: true,
    root,
    gitDir: location.gitDir,
    commonDir: location.commonDir,
    env: io.env,
    commit: head,
    write: text ? io.stderr : () => {},
    paint: paint(useColor(io, 'stderr')),
    live: false,
  });
  if (outcome.problem) io.stderr(`agentpolicy ci: ${outcome.problem}\n`);
  return outcome.ok;
}

function sarif(findings: Finding[], locate: (finding: Finding) => string): string {
  const info = [
    ...Object.values(rules).map((rule) => ({
      id: rule.meta.id,
      description: rule.meta.description,
      hint: rule.meta.hint,
    })),
    { id: 'policy-changed', description: 'The range changes the policy that judges it.' },
    { id: 'verify', description: 'The verification steps marked "ci" must pass.' },
  ];
  return formatSarif(findings, info, VERSION, locate);
}

function render(
  result: CheckResult,
  format: (typeof FORMATS)[number],
  io: Io,
  locate: (finding: Finding) => string,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'github':
      return (
        formatGithub(result.findings) +
        (result.ok
          ? ''
          : `::error title=agentpolicy::${result.findings.filter((f) => f.severity === 'error').length} error(s) in ${result.subject}\n`)
      );
    case 'markdown':
      return formatMarkdown(result, 'agentpolicy gate');
    case 'sarif':
      return sarif(result.findings, locate);
    case 'gitlab':
      return formatGitlab(result.findings);
    default:
      return formatText(result, paint(useColor(io, 'stdout')));
  }
}
