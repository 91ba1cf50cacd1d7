import { resolve } from 'node:path';
import { audit, guardCommand } from '../../adapters/guard.js';
import { UsageError } from '../../errors.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { guardContext } from '../guard-context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy check-command [--format text|json] [--cwd DIR] -- "<command>"

Says whether the policy allows a shell command, without running any part of it. Answers allow,
deny, ask, or contain: the command runs code whose effects cannot be seen before it runs, so it
may run only where they are judged before they land (contained execution), never as a plain allow.
Exit 0 allow; 1 deny, ask or contain; 2 error.
JSON: { verdict, decision, rule, reason, alternative, findings }.
`;

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const end = argv.indexOf('--');
  const { values, positionals } = parseCommandArgs('check-command', end === -1 ? argv : argv.slice(0, end), {
    format: { type: 'string' },
    cwd: { type: 'string' },
  });
  const words = end === -1 ? positionals : argv.slice(end + 1);
  if (words.length === 0)
    throw new UsageError(
      'check-command: give the command after --, e.g. agentpolicy check-command -- "git status".',
    );
  const command = words.join(' ');
  const format = oneOf('check-command', 'format', values.format, ['text', 'json'] as const, 'text');
  const cwd = values.cwd ? resolve(io.cwd, values.cwd) : io.cwd;
  const context = await guardContext(cwd, io.env, globals);
  const decision = guardCommand(command, context);
  audit(context, { agent: 'check-command', tool: 'shell', command }, decision);
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify({ verdict: decision.verdict, decision: decision.verdict, rule: decision.rule ?? null, reason: decision.reason ?? null, alternative: decision.alternative ?? null, findings: decision.findings }, null, 2)}\n`,
    );
  } else {
    const p = paint(useColor(io, 'stdout'));
    if (decision.verdict === 'allow') io.stdout(`${p.green('allow')}\n`);
    else {
      io.stdout(
        `${decision.verdict === 'deny' ? p.red('deny') : p.yellow(decision.verdict)} ${p.bold(decision.rule ?? '')}: ${decision.reason}\n`,
      );
      if (decision.alternative) io.stdout(`  ${p.cyan('instead:')} ${decision.alternative}\n`);
    }
  }
  return decision.verdict === 'allow' ? 0 : 1;
}
