// The resolved policy, cached under .git/agentpolicy/ and keyed by the content of every file it
// came from, so a hot call (an agent tool call, a commit-msg hook) reads a few small files instead
// of loading cosmiconfig, the YAML parser and the validator. Any change to a source file, the
// agentpolicy version or the profile misses the cache and resolves afresh.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedPolicy } from '../types.js';
import { VERSION } from '../version.js';
import { CODE_PLACES, SEARCH_PLACES } from './places.js';

interface CacheEntry {
  version: string;
  profile: string;
  /** Each source file with its whole content: policy files are small, and comparing them needs no hashing. */
  files: { path: string; content: string }[];
  policy: ResolvedPolicy;
}

function cachePath(commonDir: string, profile: string | undefined): string {
  return join(
    commonDir,
    'agentpolicy',
    'cache',
    `policy${profile ? `.${encodeURIComponent(profile)}` : ''}.json`,
  );
}

/** The cached policy when every file it came from is unchanged; undefined otherwise. */
export function readCachedPolicy(
  root: string,
  commonDir: string,
  profile: string | undefined,
): ResolvedPolicy | undefined {
  // A code config present: let the full loader run, which refuses it.
  if (CODE_PLACES.some((name) => existsSync(join(root, name)))) return undefined;
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readFileSync(cachePath(commonDir, profile), 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
  if (entry.version !== VERSION || entry.profile !== (profile ?? '')) return undefined;
  // The policy file that would be found now must be the one the cache was made from.
  const first = SEARCH_PLACES.find((name) => existsSync(join(root, name)) && holdsPolicy(join(root, name)));
  if (!first || entry.files[0]?.path !== join(root, first)) return undefined;
  for (const file of entry.files) {
    try {
      if (readFileSync(file.path, 'utf8') !== file.content) return undefined;
    } catch {
      return undefined;
    }
  }
  return entry.policy;
}

function holdsPolicy(path: string): boolean {
  if (!path.endsWith('package.json')) return true;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>).agentpolicy !== undefined;
  } catch {
    return false;
  }
}

export function writeCachedPolicy(
  commonDir: string,
  profile: string | undefined,
  files: string[],
  policy: ResolvedPolicy,
): void {
  const path = cachePath(commonDir, profile);
  const entry: CacheEntry = {
    version: VERSION,
    profile: profile ?? '',
    files: files.map((file) => ({ path: file, content: readFileSync(file, 'utf8') })),
    policy,
  };
  try {
    mkdirSync(join(commonDir, 'agentpolicy', 'cache'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, path);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}
