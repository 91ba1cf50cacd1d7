import type { GuardContext } from '../adapters/guard.js';
import { policyInForce } from '../config/committed.js';
import { resolvePreset } from '../config/resolve.js';
import { locateRepository } from '../git/locate.js';
import type { Globals } from './commands.js';

/**
 * The policy and places the guard judges a command in. Inside a repository: the committed policy
 * (HEAD's), never the work tree's, so no file an agent writes by any route loosens the guard; the
 * work tree's only until a policy is committed. No profile: profiles are for humans' commits. A
 * policy that does not load blocks. Outside a repository: the recommended preset.
 */
export async function guardContext(
  cwd: string,
  env: NodeJS.ProcessEnv,
  _globals?: Globals,
): Promise<GuardContext> {
  const location = locateRepository(cwd, env);
  if (location) {
    const { policy } = policyInForce(location, 'worktree', { env });
    return { policy, root: location.root, inRepository: true, commonDir: location.commonDir, cwd, env };
  }
  const { policy } = resolvePreset('recommended', cwd);
  return { policy, root: cwd, inRepository: false, cwd, env };
}
