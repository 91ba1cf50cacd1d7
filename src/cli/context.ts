import { UsageError } from '../errors.js';
import { findRepositoryRoot } from '../git/exec.js';
import type { Globals } from './commands.js';
import type { Io } from './io.js';

/** The repository the command works on: the work tree that contains the working directory. */
export function repositoryRoot(io: Io, command: string): string {
  const root = findRepositoryRoot(io.cwd);
  if (!root) throw new UsageError(`${command}: ${io.cwd} is not inside a git repository.`);
  return root;
}

/** Loads and resolves the policy (the full loader: cosmiconfig, validation, extends, profiles). */
export async function loadResolution(root: string, globals: Globals) {
  const { resolvePolicy } = await import('../config/resolve.js');
  return resolvePolicy(root, globals.profile ? { profile: globals.profile } : {});
}

/** The resolved policy for a command that only needs the policy (the hot paths use this). */
export async function loadPolicy(root: string, globals: Globals) {
  return (await loadResolution(root, globals)).policy;
}
