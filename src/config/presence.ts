// Whether a commit holds a policy, without loading the policy machinery (the hooks ask this).
import { git } from '../git/exec.js';
import { SEARCH_PLACES } from './places.js';

export function showFile(root: string, commit: string, path: string): string | undefined {
  const result = git(['cat-file', 'blob', `${commit}:${path}`], { cwd: root, okStatus: [128] });
  return result.status === 0 ? result.stdout : undefined;
}

/** Whether `commit`'s tree holds a policy file (without reading or validating it). */
export function hasPolicyAt(root: string, commit: string): boolean {
  const names = git(['ls-tree', '-z', '--name-only', commit, '--', ...SEARCH_PLACES], { cwd: root })
    .stdout.split('\0')
    .filter(Boolean);
  if (names.some((name) => name !== 'package.json')) return true;
  if (!names.includes('package.json')) return false;
  const manifest = showFile(root, commit, 'package.json');
  try {
    return (
      manifest !== undefined && (JSON.parse(manifest) as Record<string, unknown>).agentpolicy !== undefined
    );
  } catch {
    return false;
  }
}
