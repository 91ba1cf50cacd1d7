import { auditPath, readAudit } from '../../audit/log.js';
import { parseDuration } from '../../config/resolve.js';
import { UsageError } from '../../errors.js';
import { locateRepository } from '../../git/locate.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy log [--denied] [--since 1h|<ISO time>] [--limit N] [--format text|json]

Shows the guard's decisions from the audit log (.git/agentpolicy/audit.jsonl), newest last.
`;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values } = parseCommandArgs(
    'log',
    argv,
    {
      denied: { type: 'boolean' },
      since: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
    },
    false,
  );
  const format = oneOf('log', 'format', values.format, ['text', 'json'] as const, 'text');
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`log: ${io.cwd} is not inside a git repository.`);
  let since = Number.NEGATIVE_INFINITY;
  if (values.since) {
    const ago = parseDuration(values.since, Number.NaN);
    since = Number.isFinite(ago) ? Date.now() - ago : Date.parse(values.since);
    if (!Number.isFinite(since))
      throw new UsageError(`log: --since takes a duration (30m, 2h) or a date; got "${values.since}".`);
  }
  const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
  if (values.limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new UsageError(`log: --limit takes a whole number; got "${values.limit}".`);
  const audit = readAudit(location.commonDir);
  if (audit.skipped)
    io.stderr(
      `agentpolicy log: skipped ${audit.skipped} unreadable line(s) in ${auditPath(location.commonDir)} (cut short by a process that was killed, or edited by hand).\n`,
    );
  const entries = audit.entries
    .filter((entry) => Date.parse(entry.time) >= since)
    .filter((entry) => !values.denied || entry.decision !== 'allow')
    .slice(-limit);
  if (format === 'json') {
    io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  const p = paint(useColor(io, 'stdout'));
  for (const entry of entries) {
    const verdict =
      entry.decision === 'allow'
        ? p.green(entry.allowedOnce ? 'allow*' : 'allow')
        : entry.decision === 'ask'
          ? p.yellow('ask')
          : p.red('deny');
    const what = entry.command ?? entry.paths?.join(', ') ?? entry.tool;
    io.stdout(`${p.dim(entry.time)} ${entry.agent.padEnd(8)} ${verdict.padEnd(6)} ${what}\n`);
    if (entry.decision !== 'allow' && entry.reason)
      io.stdout(`    ${p.dim(`${entry.rule ?? ''}: ${entry.reason}`)}\n`);
  }
  if (entries.length === 0) io.stdout('No decisions logged yet.\n');
  return 0;
}
