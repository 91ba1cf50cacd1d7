import { grantAllowance } from '../../audit/allow-once.js';
import { suggestion } from '../../config/names.js';
import { parseDuration } from '../../config/resolve.js';
import { UsageError } from '../../errors.js';
import { locateRepository } from '../../git/locate.js';
import { ruleIds } from '../../rules/index.js';
import { parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy allow-once <rule> [--for 10m] [--command "<exact command>"]

For a human: lets the agent through one denial by <rule>, within the time given (default 10m),
optionally only for one exact command. It must be run in a terminal; the guard refuses any agent
command that runs it or writes where the permissions are kept (.git/agentpolicy/).
`;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values, positionals } = parseCommandArgs('allow-once', argv, {
    for: { type: 'string' },
    command: { type: 'string' },
  });
  const rule = positionals[0];
  if (!rule)
    throw new UsageError(
      'allow-once: name the rule to allow once, e.g. `agentpolicy allow-once no-destructive-git`.',
    );
  const known = [...ruleIds, 'shell'];
  if (!known.includes(rule))
    throw new UsageError(`allow-once: unknown rule "${rule}".${suggestion(rule, known)}`);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError(
      'allow-once: run it yourself in a terminal. It is for humans, so it does not run without one.',
    );
  }
  const duration = parseDuration(values.for ?? '10m', Number.NaN);
  if (!Number.isFinite(duration) || duration <= 0)
    throw new UsageError(`allow-once: --for takes a duration such as 10m or 1h; got "${values.for}".`);
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`allow-once: ${io.cwd} is not inside a git repository.`);
  const now = Date.now();
  grantAllowance(location.commonDir, {
    rule,
    created: new Date(now).toISOString(),
    expires: new Date(now + duration).toISOString(),
    ...(values.command ? { command: values.command } : {}),
  });
  io.stdout(
    `The next denial by ${rule}${values.command ? ` of \`${values.command}\`` : ''} within ${values.for ?? '10m'} will be let through once.\n`,
  );
  return 0;
}
