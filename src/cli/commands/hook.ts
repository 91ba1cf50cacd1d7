import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkCommits, STEP_RULES, withPlan } from '../../adapters/range-check.js';
import { consumeAllowance } from '../../audit/allow-once.js';
import { hasPolicyAt } from '../../config/presence.js';
import { evaluateChange, evaluateMessage, evaluatePush, needsHunks } from '../../engine/evaluate.js';
import { UsageError } from '../../errors.js';
import { collectStaged } from '../../git/collect.js';
import { git } from '../../git/exec.js';
import { locateRepository, type RepositoryLocation } from '../../git/locate.js';
import { parseCommitMessage } from '../../git/parse-message.js';
import { parsePrePushInput } from '../../git/parse-pre-push.js';
import { resolvePushUpdates } from '../../git/push-updates.js';
import { isOk } from '../../report/result.js';
import { formatText } from '../../report/text.js';
import type { Finding, ResolvedPolicy } from '../../types.js';
import type { Globals } from '../commands.js';
import { loadPolicy } from '../context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy hook <pre-commit|commit-msg|pre-push|pre-merge-commit> [git's hook arguments]

Runs the policy for one git hook. The scripts that \`agentpolicy init\` installs call this; git passes
the arguments (commit-msg: the message file; pre-push: the remote name and URL, and the refs on stdin).
  pre-commit        the diff rules on the staged change, then the verification steps for pre-commit
  pre-merge-commit  the same for a merge, without the rules that judge one step's size and shape
  commit-msg        the message rules on the message git will commit
  pre-push          every pushed commit judged again (diff and message rules), the whole push's
                    size, force pushes and branch deletions, then the steps for pre-push
`;

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const [name, ...args] = argv;
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`hook: ${io.cwd} is not inside a git repository.`);
  switch (name) {
    case 'commit-msg':
      return commitMsg(args, io, globals, location);
    case 'pre-commit':
    case 'pre-merge-commit':
      return preCommit(name, io, globals, location);
    case 'pre-push':
      return prePush(args, io, globals, location);
    default:
      throw new UsageError(
        `hook: unknown hook "${name ?? ''}". Hooks: pre-commit, commit-msg, pre-push, pre-merge-commit.`,
      );
  }
}

async function commitMsg(
  args: string[],
  io: Io,
  globals: Globals,
  location: RepositoryLocation,
): Promise<number> {
  const file = args[0];
  if (!file) throw new UsageError('hook commit-msg: git passes the message file as the first argument.');
  const policy = await loadPolicy(location.root, globals);
  const raw = readFileSync(resolve(io.cwd, file), 'utf8');
  const merging = existsSync(join(location.gitDir, 'MERGE_HEAD'));
  const message = withPlan(
    parseCommitMessage(raw, commentChar(location.root), merging),
    policy,
    location.root,
  );
  return report('commit-msg', 'the commit message', evaluateMessage(policy, message), io);
}

function commentChar(root: string): string {
  return git(['config', '--get', 'core.commentChar'], { cwd: root, okStatus: [1] }).stdout.trim() || '#';
}

async function preCommit(
  hook: 'pre-commit' | 'pre-merge-commit',
  io: Io,
  globals: Globals,
  location: RepositoryLocation,
): Promise<number> {
  const policy = await loadPolicy(location.root, globals);
  // git points GIT_INDEX_FILE at what it will commit (index.lock during `commit -a`).
  const change = collectStaged({ root: location.root, env: io.env, hunks: needsHunks(policy) });
  let { findings } = evaluateChange(policy, change, { scope: 'commit' });
  if (hook === 'pre-merge-commit') findings = findings.filter((finding) => !STEP_RULES.has(finding.rule));
  // Until a policy is committed there is nothing in force: the commit that brings the policy and
  // the hooks in is a human setting the guardrails up, and the diff rules start after it.
  if (findings.length && !hasCommittedPolicy(location.root)) {
    io.stderr(
      'agentpolicy: this commit brings the first policy in; the diff rules apply from the next commit.\n',
    );
    findings = [];
  }
  findings = waiveAllowedOnce(findings, location, io);
  const status = report(hook, 'staged changes', findings, io);
  if (status !== 0) return status;
  const changedPaths = change.files.flatMap((file) =>
    file.oldPath ? [file.path, file.oldPath] : [file.path],
  );
  return runVerification(hook, policy, io, location, { changedPaths });
}

function hasCommittedPolicy(root: string): boolean {
  if (
    git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: root, okStatus: [1, 128] }).status !== 0
  )
    return false;
  return hasPolicyAt(root, 'HEAD');
}

/** A human's `agentpolicy allow-once <rule>` lets the findings of that rule through, once. */
function waiveAllowedOnce(findings: Finding[], location: RepositoryLocation, io: Io): Finding[] {
  const blocking = [
    ...new Set(findings.filter((finding) => finding.severity === 'error').map((finding) => finding.rule)),
  ];
  const waived = blocking.filter((rule) => consumeAllowance(location.commonDir, rule, undefined));
  for (const rule of waived)
    io.stderr(`agentpolicy: ${rule} let through once, as a human allowed with \`agentpolicy allow-once\`.\n`);
  return findings.filter((finding) => !waived.includes(finding.rule));
}

async function prePush(
  args: string[],
  io: Io,
  globals: Globals,
  location: RepositoryLocation,
): Promise<number> {
  const remote = args[0] ?? 'origin';
  const policy = await loadPolicy(location.root, globals);
  const updates = resolvePushUpdates(location.root, remote, parsePrePushInput(await io.readStdin()));
  const findings = evaluatePush(policy, updates);
  // Every pushed commit is judged again: rebases, cherry-picks and --no-verify commits never ran
  // the local commit hooks.
  const seen = new Set<string>();
  for (const update of updates) {
    if (update.deletion || update.commits.length === 0) continue;
    const result = checkCommits(policy, update.range, update.base, update.localOid, {
      root: location.root,
      env: io.env,
    });
    for (const finding of result.findings) {
      const key = `${finding.commit ?? update.localOid}\0${finding.rule}\0${finding.message}`;
      if (!seen.has(key)) findings.push(finding);
      seen.add(key);
    }
  }
  const status = report('pre-push', `push to ${remote}`, waiveAllowedOnce(findings, location, io), io);
  if (status !== 0) return status;
  const tips = [
    ...new Set(
      updates
        .filter((update) => !update.deletion && update.commits.length > 0)
        .map((update) => update.localOid),
    ),
  ];
  for (const tip of tips) {
    const result = await runVerification('pre-push', policy, io, location, { commit: tip });
    if (result !== 0) return result;
  }
  return 0;
}

async function runVerification(
  hook: string,
  policy: ResolvedPolicy,
  io: Io,
  location: RepositoryLocation,
  scope: { changedPaths?: string[]; commit?: string },
): Promise<number> {
  const { verify } = await import('../../verify/verify.js');
  const p = paint(useColor(io, 'stderr'));
  const occasion = hook === 'pre-push' ? 'pre-push' : 'pre-commit';
  const outcome = await verify(policy, occasion, {
    root: location.root,
    commonDir: location.commonDir,
    env: io.env,
    ...scope,
    write: io.stderr,
    paint: p,
    live: io.stderrIsTTY,
  });
  if (outcome.problem) io.stderr(`${p.red('✗')} ${outcome.problem}\n`);
  if (outcome.ok) return 0;
  io.stderr(`agentpolicy ${hook}: blocked: verification failed. Fix it, then try again.\n`);
  return 1;
}

function report(hook: string, subject: string, findings: Finding[], io: Io): number {
  if (findings.length === 0) return 0;
  const ok = isOk(findings);
  const text = formatText(
    { ok, subject, findings, stats: { files: 0, added: 0, deleted: 0, counted: 0 } },
    paint(useColor(io, 'stderr')),
  );
  // The summary line of formatText counts files of a change set; hooks say what they block instead.
  io.stderr(text.split('\n').slice(0, -2).join('\n'));
  io.stderr(
    ok
      ? '\n'
      : `\nagentpolicy ${hook}: blocked by ${findings.filter((f) => f.severity === 'error').length} error(s).\n`,
  );
  return ok ? 0 : 1;
}
