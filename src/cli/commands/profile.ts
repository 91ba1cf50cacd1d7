import { clearProfileSelection, readProfileSelection, writeProfileSelection } from '../../audit/profile.js';
import { policyInForce } from '../../config/committed.js';
import { parseDuration } from '../../config/resolve.js';
import { UsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { repository } from '../context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy profile [<name> [--for 1h] | --off]

For a human, in a terminal: selects a profile of the policy (its "profiles" section) for the git
hooks and \`agentpolicy check\` in this repository, for a while (default 1h, at most 24h).
  profile            shows the profile selected now, if any
  profile <name>     selects it
  profile --off      goes back to the policy without a profile
The agent guard never applies a profile, and every commit made while one is selected is judged
with it, an agent's too. No variable, argument or file selects a profile: it does not run without
a terminal, and the guard refuses any agent command that runs it or writes where it is kept
(.git/agentpolicy/).
`;

const MAX_MS = 24 * 3_600_000;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values, positionals } = parseCommandArgs('profile', argv, {
    for: { type: 'string' },
    off: { type: 'boolean' },
  });
  const location = repository(io, 'profile');
  const name = positionals[0];
  if (!name && !values.off) {
    const selection = readProfileSelection(location.commonDir);
    io.stdout(
      selection
        ? `Profile "${selection.name}" is selected until ${selection.expires}.\n`
        : 'No profile is selected: the hooks apply the policy as committed.\n',
    );
    return 0;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY)
    throw new UsageError(
      'profile: run it yourself in a terminal. It is for humans, so it does not run without one.',
    );
  if (values.off) {
    clearProfileSelection(location.commonDir);
    io.stdout('No profile is selected now: the hooks apply the policy as committed.\n');
    return 0;
  }
  const duration = parseDuration(values.for ?? '1h', Number.NaN);
  if (!Number.isFinite(duration) || duration <= 0 || duration > MAX_MS)
    throw new UsageError(
      `profile: --for takes a duration up to 24h, such as 30m or 2h; got "${values.for}".`,
    );
  // The profile must exist in the policy in force.
  policyInForce(location, 'index', { profile: name!, env: io.env });
  const now = Date.now();
  writeProfileSelection(location.commonDir, {
    name: name!,
    selected: new Date(now).toISOString(),
    expires: new Date(now + duration).toISOString(),
  });
  io.stdout(
    `Profile "${name}" applies to the hooks here for ${values.for ?? '1h'}. \`agentpolicy profile --off\` ends it.\n`,
  );
  return 0;
}
