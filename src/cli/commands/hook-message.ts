// The commit-msg hook in a module of its own: it runs on every commit, so the hot bundle carries
// it without the rest of the hooks (change sets, ranges, verification). Also the hooks' report.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withPlan } from '../../adapters/with-plan.js';
import { evaluateMessage } from '../../engine/evaluate.js';
import { UsageError } from '../../errors.js';
import { git } from '../../git/exec.js';
import { locateRepository, type RepositoryLocation } from '../../git/locate.js';
import { parseCommitMessage } from '../../git/parse-message.js';
import { isOk } from '../../report/result.js';
import { formatText } from '../../report/text.js';
import type { Finding } from '../../types.js';
import type { Globals } from '../commands.js';
import { judgingPolicy } from '../context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy hook commit-msg <message file>

The message rules on the message git will commit, under the policy committed at HEAD.
`;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const [name, ...args] = argv;
  if (name !== 'commit-msg')
    throw new UsageError(
      `hook ${name ?? ''}: this hook runs from agentpolicy's full build (bin/agentpolicy.cjs).`,
    );
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`hook: ${io.cwd} is not inside a git repository.`);
  return commitMsg(args, io, location);
}

export async function commitMsg(args: string[], io: Io, location: RepositoryLocation): Promise<number> {
  const file = args[0];
  if (!file) throw new UsageError('hook commit-msg: git passes the message file as the first argument.');
  const { policy } = judgingPolicy(location, io);
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

export function report(hook: string, subject: string, findings: Finding[], io: Io): number {
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
