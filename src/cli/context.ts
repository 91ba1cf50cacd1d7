import { readProfileSelection } from '../audit/profile.js';
import { type PolicyInForce, policyInForce } from '../config/committed.js';
import { UsageError } from '../errors.js';
import { locateRepository, type RepositoryLocation } from '../git/locate.js';
import type { ResolvedPolicy } from '../types.js';
import type { Globals } from './commands.js';
import type { Io } from './io.js';

/** The repository the command works on: the work tree that contains the working directory. */
export function repositoryRoot(io: Io, command: string): string {
  return repository(io, command).root;
}

export function repository(io: Io, command: string): RepositoryLocation {
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`${command}: ${io.cwd} is not inside a git repository.`);
  return location;
}

/**
 * The policy that judges commits here: HEAD's (the staged one until a policy is committed), with
 * the profile a human selected in a terminal. What an agent can write, set or pass selects nothing.
 */
export function judgingPolicy(location: RepositoryLocation, io: Io): PolicyInForce {
  warnAboutOldProfileVariable(io);
  const profile = readProfileSelection(location.commonDir)?.name;
  return policyInForce(location, 'index', { env: io.env, ...(profile ? { profile } : {}) });
}

/** AGENTPOLICY_PROFILE once selected a profile; it no longer does, and saying so spares a surprise. */
export function warnAboutOldProfileVariable(io: Io): void {
  if (io.env.AGENTPOLICY_PROFILE)
    io.stderr(
      'agentpolicy: AGENTPOLICY_PROFILE is ignored: a profile is selected by a human in a terminal, with `agentpolicy profile <name>`.\n',
    );
}

/** The judging policy for commands that only need the policy (verify, report). */
export async function loadPolicy(root: string, _globals?: Globals): Promise<ResolvedPolicy> {
  const location = locateRepository(root, {});
  if (!location) throw new UsageError(`${root} is not inside a git repository.`);
  const profile = readProfileSelection(location.commonDir)?.name;
  return policyInForce(location, 'index', profile ? { profile } : {}).policy;
}
