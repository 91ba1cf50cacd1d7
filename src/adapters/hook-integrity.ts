// What git leaves behind when the commit hooks were switched off or replaced, checked at push (the
// pre-push hook still runs when only the commit hooks were touched): the commit hooks missing, not
// executable or no longer calling agentpolicy, core.hooksPath pointing elsewhere, or the
// repository's config including another file, where such a setting can hide.
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { git } from '../git/exec.js';
import type { RepositoryLocation } from '../git/locate.js';
import type { Finding, ResolvedPolicy } from '../types.js';
import { hasHookBlock, WORKTREE_CONFIG, WORKTREE_HOOKS, WORKTREE_INCLUDE_KEY } from './hook-scripts.js';

const COMMIT_HOOKS = ['pre-commit', 'commit-msg'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Problems with the commit hooks of this work tree, as sentences. */
export function commitHookProblems(location: RepositoryLocation): string[] {
  const problems: string[] = [];
  const folder = git(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], {
    cwd: location.root,
  }).stdout.trim();
  const husky = /[\\/]\.husky[\\/]_$/.test(folder);
  for (const name of COMMIT_HOOKS) {
    const runner = join(folder, name);
    if (!isExecutable(runner)) {
      problems.push(`the ${name} hook (${runner}) is missing or not executable, so git skips it`);
      continue;
    }
    const script = husky ? join(folder, '..', name) : runner;
    const text = existsSync(script) ? readFileSync(script, 'utf8') : '';
    if (!hasHookBlock(text)) problems.push(`the ${name} hook (${script}) does not call agentpolicy`);
  }
  const includes = git(['config', '--local', '--get-regexp', '^include(if\\..*)?\\.path$'], {
    cwd: location.root,
    okStatus: [1],
  })
    .stdout.split('\n')
    .filter(Boolean)
    .filter((line) => !isOwnWorktreeInclude(line, location.commonDir))
    .map((line) => line.split(' ')[0]);
  if (includes.length)
    problems.push(
      `the repository's git config includes other files (${includes.join(', ')}), where a hook setting can hide`,
    );
  const hooksPath = git(['config', '--show-origin', '--get', 'core.hooksPath'], {
    cwd: location.root,
    okStatus: [1],
  }).stdout.trim();
  if (hooksPath) {
    const [origin = '', value = ''] = hooksPath.split('\t');
    const resolved = isAbsolute(value) ? value : join(location.root, value);
    if (!existsSync(resolved)) problems.push(`core.hooksPath (${value}, from ${origin}) does not exist`);
  }
  return problems;
}

/**
 * The include `init` writes for linked worktrees, holding nothing but core.hooksPath pointing at
 * the runners in the common git dir (see hook-scripts.ts).
 */
function isOwnWorktreeInclude(line: string, commonDir: string): boolean {
  if (line !== `${WORKTREE_INCLUDE_KEY.toLowerCase()} ${WORKTREE_CONFIG}`) return false;
  const listed = git(['config', '--file', join(commonDir, WORKTREE_CONFIG), '--list'], {
    cwd: commonDir,
    okStatus: [1],
  }).stdout;
  const [setting, ...rest] = listed.split('\n').filter(Boolean);
  if (rest.length || !setting?.startsWith('core.hookspath=')) return false;
  try {
    return (
      realpathSync(setting.slice('core.hookspath='.length)) === realpathSync(join(commonDir, WORKTREE_HOOKS))
    );
  } catch {
    return false;
  }
}

/** The problems as no-hook-bypass findings, when the policy has that rule on. */
export function hookIntegrityFindings(location: RepositoryLocation, policy: ResolvedPolicy): Finding[] {
  const setting = policy.rules['no-hook-bypass'];
  if (!setting) return [];
  return commitHookProblems(location).map((problem) => ({
    rule: 'no-hook-bypass',
    severity: setting.severity,
    message: `The commit hooks are not in force here: ${problem}. Commits made this way skipped the checks.`,
    hint: 'Run `agentpolicy init --hooks` and `agentpolicy doctor`; the pushed commits are judged again below.',
  }));
}
