import { readCachedPolicy, writeCachedPolicy } from '../config/cache.js';
import { UsageError } from '../errors.js';
import { locateRepository } from '../git/locate.js';
import type { ResolvedPolicy } from '../types.js';
import type { Globals } from './commands.js';
import type { Io } from './io.js';

/** The repository the command works on: the work tree that contains the working directory. */
export function repositoryRoot(io: Io, command: string): string {
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`${command}: ${io.cwd} is not inside a git repository.`);
  return location.root;
}

/** Loads and resolves the policy (the full loader: cosmiconfig, validation, extends, profiles). */
export async function loadResolution(root: string, globals: Globals) {
  const { resolvePolicy } = await import('../config/resolve.js');
  return resolvePolicy(root, globals.profile ? { profile: globals.profile } : {});
}

/**
 * The resolved policy for a command that only needs the policy (the hot paths use this): from the
 * cache when no file it came from has changed, else resolved in full and cached.
 */
export async function loadPolicy(root: string, globals: Globals): Promise<ResolvedPolicy> {
  const commonDir = locateRepository(root)?.commonDir;
  if (commonDir) {
    const cached = readCachedPolicy(root, commonDir, globals.profile);
    if (cached) return cached;
  }
  const { policy, files } = await loadResolution(root, globals);
  if (commonDir) writeCachedPolicy(commonDir, globals.profile, files, policy);
  return policy;
}
