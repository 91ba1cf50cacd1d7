import { generatedAt, markGenerated } from '../../adapters/attributes.js';
import {
  applyChangePermission,
  policyChangeFindings,
  withPackageManifest,
} from '../../adapters/policy-change.js';
import { checkRange } from '../../adapters/range-check.js';
import { headCommit, policyAtCommit } from '../../config/committed.js';
import { evaluateChange, needsHunks } from '../../engine/evaluate.js';
import { UsageError } from '../../errors.js';
import { collectStagedLater, collectWorktree } from '../../git/collect.js';
import { git, settled } from '../../git/exec.js';
import type { RepositoryLocation } from '../../git/locate.js';
import { formatGithub } from '../../report/github.js';
import { formatMarkdown } from '../../report/markdown.js';
import { type CheckResult, isOk } from '../../report/result.js';
import { formatText } from '../../report/text.js';
import type { ResolvedPolicy } from '../../types.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { judgingPolicy, repository } from '../context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy check [--staged | --worktree | --range A..B] [--format text|json|github|markdown]

Runs the diff rules of the policy on a change set and reports what they find.
  --staged      what \`git commit\` would commit now (the default)
  --worktree    the work tree against HEAD, untracked files included (an agent checking itself)
  --range A..B  every commit of the range on its own (diff and message rules), and the range as a
                whole (max-diff-lines maxRange)
The policy that judges is the committed one, as at commit time (HEAD's; for --range, the one at
its start): a change to the policy in what is checked is reported as policy-changed.
Exit 0 when nothing is an error, 1 when something is, 2 for usage, policy or git errors.
The index and the work tree are only read, never changed.
`;

const FORMATS = ['text', 'json', 'github', 'markdown'] as const;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values } = parseCommandArgs(
    'check',
    argv,
    {
      staged: { type: 'boolean' },
      worktree: { type: 'boolean' },
      range: { type: 'string' },
      format: { type: 'string' },
    },
    false,
  );
  const chosen = [values.staged, values.worktree, values.range !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('check: choose one of --staged, --worktree and --range.');
  const format = oneOf('check', 'format', values.format, FORMATS, 'text');
  const location = repository(io, 'check');
  const result =
    values.range !== undefined
      ? await checkGivenRange(values.range, location, io)
      : await checkChangeSet(values.worktree ? 'worktree' : 'staged', location, io);
  io.stdout(render(result, format, io));
  return result.ok ? 0 : 1;
}

async function checkChangeSet(
  source: 'staged' | 'worktree',
  location: RepositoryLocation,
  io: Io,
): Promise<CheckResult> {
  const root = location.root;
  // git lists the staged change while the policy loads. It lists the hunks too, whether a content
  // rule is on or not (not known yet): no file's lines are read unless a rule asks for them.
  const staged =
    source === 'staged' ? settled(collectStagedLater({ root, env: io.env, hunks: true })) : undefined;
  const inForce = judgingPolicy(location, io);
  const { policy } = inForce;
  const change = staged ? await staged : collectWorktree({ root, env: io.env, hunks: needsHunks(policy) });
  markGenerated(change, generatedAt(location, inForce.commit));
  const head = headCommit(location, io.env);
  const { keyChanged } = withPackageManifest(
    change,
    root,
    head ? { commit: head } : { absent: true },
    source === 'staged' ? { index: true } : { worktree: true },
    io.env,
  );
  const evaluated = evaluateChange(policy, change, { scope: 'commit' });
  const { stats } = evaluated;
  let findings = inForce.commit
    ? [...policyChangeFindings(change, policy, keyChanged), ...evaluated.findings]
    : evaluated.findings;
  if (source === 'staged')
    findings = applyChangePermission(
      findings,
      location.commonDir,
      root,
      { staged: true, parent: head },
      io.env,
    ).findings;
  return {
    ok: isOk(findings),
    subject: source === 'staged' ? 'staged changes' : 'work tree',
    findings,
    stats,
  };
}

function checkGivenRange(range: string, location: RepositoryLocation, io: Io): Promise<CheckResult> {
  const root = location.root;
  const match = /^(.*?)\.\.(\.?)(.*)$/.exec(range);
  if (!match) throw new UsageError(`check: --range takes A..B (or A...B); got "${range}".`);
  const [, from = '', threeDots, to = ''] = match;
  const head = git(['rev-parse', '--verify', `${to || 'HEAD'}^{commit}`], { cwd: root }).stdout.trim();
  let base = from
    ? git(['rev-parse', '--verify', `${from}^{commit}`], { cwd: root }).stdout.trim()
    : undefined;
  if (base && threeDots) base = git(['merge-base', base, head], { cwd: root }).stdout.trim();
  // Judged as the CI gate judges: by the policy at the start of the range.
  const atBase = base ? policyAtCommit(location, base, { name: base.slice(0, 12) })?.policy : undefined;
  const policy: ResolvedPolicy = atBase ?? judgingPolicy(location, io).policy;
  return checkRange(policy, base, head, { root, origin: atBase ? 'base' : 'adoption' });
}

export function render(result: CheckResult, format: (typeof FORMATS)[number], io: Io): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'github':
      return formatGithub(result.findings);
    case 'markdown':
      return formatMarkdown(result);
    default:
      return formatText(result, paint(useColor(io, 'stdout')));
  }
}
