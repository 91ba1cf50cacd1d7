import type { GuardContext } from '../adapters/guard.js';
import { locateRepository } from '../git/locate.js';
import type { Globals } from './commands.js';
import { loadPolicy } from './context.js';

/**
 * The policy and places the guard judges a command in. Inside a repository: its policy (which must
 * load; a broken one blocks). Outside one: the recommended preset, with the working directory as
 * the project.
 */
export async function guardContext(
  cwd: string,
  env: NodeJS.ProcessEnv,
  globals: Globals,
): Promise<GuardContext> {
  const location = locateRepository(cwd, env);
  if (location) {
    const policy = await loadPolicy(location.root, globals);
    return { policy, root: location.root, inRepository: true, commonDir: location.commonDir, cwd, env };
  }
  const { PRESETS, resolveFound } = await import('../config/resolve.js');
  const { policy } = resolveFound(
    { filepath: 'agentpolicy:recommended', data: PRESETS.recommended },
    cwd,
    () => '',
  );
  return { policy, root: cwd, inRepository: false, cwd, env };
}
