import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluateMessage } from '../../engine/evaluate-message.js';
import { evaluatePush } from '../../engine/evaluate-push.js';
import { UsageError } from '../../errors.js';
import { readCommits } from '../../git/commit-messages.js';
import { git } from '../../git/exec.js';
import { locateRepository, type RepositoryLocation } from '../../git/locate.js';
import { parseCommitMessage } from '../../git/parse-message.js';
import { parsePrePushInput } from '../../git/parse-pre-push.js';
import { resolvePushUpdates } from '../../git/push-updates.js';
import { parsePlan } from '../../memory/plan.js';
import type { CommitMessage, Finding, ResolvedPolicy } from '../../types.js';
import type { Globals } from '../commands.js';
import { loadPolicy } from '../context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy hook <pre-commit|commit-msg|pre-push|pre-merge-commit> [git's hook arguments]

Runs the policy for one git hook. The scripts that \`agentpolicy init\` installs call this; git passes
the arguments (commit-msg: the message file; pre-push: the remote name and URL, and the refs on stdin).
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
  const commentChar =
    git(['config', '--get', 'core.commentChar'], { cwd: location.root, okStatus: [1] }).stdout.trim() || '#';
  const merging = existsSync(join(location.gitDir, 'MERGE_HEAD'));
  const message = withPlan(parseCommitMessage(raw, commentChar, merging), policy, location.root);
  const findings = evaluateMessage(policy, message);
  return report('commit-msg', findings, io);
}

async function preCommit(
  hook: string,
  io: Io,
  globals: Globals,
  location: RepositoryLocation,
): Promise<number> {
  const policy = await loadPolicy(location.root, globals);
  const changedPaths = git(['diff', '--cached', '--name-only', '-z', '--no-renames'], { cwd: location.root })
    .stdout.split('\0')
    .filter(Boolean);
  return runVerification(hook, policy, io, location, { changedPaths });
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
  const commits = [...new Set(updates.flatMap((update) => update.commits))];
  const commentChar =
    git(['config', '--get', 'core.commentChar'], { cwd: location.root, okStatus: [1] }).stdout.trim() || '#';
  for (const commit of readCommits(location.root, commits)) {
    const message = withPlan(
      parseCommitMessage(commit.message, commentChar, commit.parents.length > 1),
      policy,
      location.root,
    );
    findings.push(...evaluateMessage(policy, message, commit.oid));
  }
  const status = report('pre-push', findings, io);
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
  io.stderr(`agentpolicy ${hook}: blocked: verification failed. Fix it, then commit again.\n`);
  return 1;
}

/** Adds PLAN.md's items to the message when the plan-item rule needs them. */
function withPlan(message: CommitMessage, policy: ResolvedPolicy, root: string): CommitMessage {
  const setting = policy.rules['plan-item'];
  if (!setting) return message;
  const path = join(root, String(setting.options.file));
  if (!existsSync(path)) return message;
  return { ...message, planItems: parsePlan(readFileSync(path, 'utf8')).map((item) => item.text) };
}

function report(hook: string, findings: Finding[], io: Io): number {
  const p = paint(useColor(io, 'stderr'));
  for (const finding of findings) {
    const label = finding.severity === 'error' ? p.red('error') : p.yellow('warn');
    io.stderr(`${label} ${p.bold(finding.rule)}: ${finding.message}\n`);
    if (finding.hint) io.stderr(`  ${p.dim(finding.hint)}\n`);
  }
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  if (errors) io.stderr(`agentpolicy ${hook}: blocked by ${errors} error(s).\n`);
  return errors ? 1 : 0;
}
