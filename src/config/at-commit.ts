// The policy as it was at a commit: the CI gate judges a range under the policy of its base, so a
// branch cannot loosen the policy that judges it. Files are read from git's object store; only
// shareable packages in node_modules (never committed) come from the disk.
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ConfigError } from '../errors.js';
import { git } from '../git/exec.js';
import { parseData, parseJson } from './parse-data.js';
import { CODE_PLACES, SEARCH_PLACES } from './places.js';
import { showFile } from './presence.js';
import { type Resolution, type ResolveOptions, resolveFound } from './resolve.js';

/** The policy file at `commit`, as cosmiconfig would have found it in that tree. */
export function findPolicyAtCommit(
  root: string,
  commit: string,
): { filepath: string; data: unknown; path: string } | undefined {
  const names = git(['ls-tree', '-z', '--name-only', commit, '--', ...SEARCH_PLACES, ...CODE_PLACES], {
    cwd: root,
  })
    .stdout.split('\0')
    .filter(Boolean);
  const code = CODE_PLACES.find((name) => names.includes(name));
  if (code)
    throw new ConfigError(
      `${code} at ${commit.slice(0, 12)}: policies are data, not code; use JSON or YAML.`,
    );
  for (const name of SEARCH_PLACES) {
    if (!names.includes(name)) continue;
    const text = showFile(root, commit, name) ?? '';
    const filepath = join(root, name);
    if (name === 'package.json') {
      const manifest = parseJson(filepath, text) as Record<string, unknown>;
      if (manifest.agentpolicy !== undefined) return { filepath, data: manifest.agentpolicy, path: name };
      continue;
    }
    if (text.trim() === '')
      throw new ConfigError(`${name} at ${commit.slice(0, 12)}: the policy file is empty.`);
    return { filepath, data: parseData(filepath, text), path: name };
  }
  return undefined;
}

export function resolvePolicyAtCommit(
  root: string,
  commit: string,
  options: ResolveOptions = {},
): Resolution & { path: string } {
  const found = findPolicyAtCommit(root, commit);
  if (!found) {
    throw new ConfigError(
      `No policy at ${commit.slice(0, 12)}: the base of the range has no .agentpolicyrc, so there is nothing trusted to judge it by. ` +
        'Merge the policy into the base branch first, or run with --policy-from head.',
    );
  }
  const read = (path: string) => {
    const inside = relative(root, path);
    if (!inside.startsWith('..') && !inside.startsWith(`node_modules${sep}`)) {
      const text = showFile(root, commit, inside.split(sep).join('/'));
      if (text === undefined)
        throw Object.assign(new Error(`not in ${commit.slice(0, 12)}`), { code: 'ENOENT' });
      return text;
    }
    return readFileSync(path, 'utf8');
  };
  return { ...resolveFound(found, root, read, options), path: found.path };
}
