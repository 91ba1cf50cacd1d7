import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluateMessage } from '../../engine/evaluate-message.js';
import { UsageError } from '../../errors.js';
import { git } from '../../git/exec.js';
import { locateRepository, type RepositoryLocation } from '../../git/locate.js';
import { parseCommitMessage } from '../../git/parse-message.js';
import type { Finding } from '../../types.js';
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
  const findings = evaluateMessage(policy, parseCommitMessage(raw, commentChar, merging));
  return report('commit-msg', findings, io);
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
