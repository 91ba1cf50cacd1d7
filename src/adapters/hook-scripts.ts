// The git hook scripts `init` installs, as pure text transformations. The shims in hooks/ are the
// source; inside a husky script (run by husky with `sh -e`) our part is a marked block, so running
// init again replaces it in place and never touches the user's own lines.

export const HOOK_NAMES = ['pre-commit', 'commit-msg', 'pre-push', 'pre-merge-commit'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export const BLOCK_BEGIN = '# >>> agentpolicy: managed by `agentpolicy init`, do not edit';
export const BLOCK_END = '# <<< agentpolicy';

/** Turns a hooks/<name> shim into the block that goes inside a husky (or other shared) hook script. */
export function hookBlock(name: HookName, shim: string): string {
  const body = shim
    .split('\n')
    .filter((line) => !line.startsWith('#!'))
    .join('\n')
    .trim();
  const run = `exec "$agentpolicy_bin" hook ${name} "$@"`;
  if (!body.includes(run)) throw new Error(`hooks/${name} does not end with \`${run}\``);
  // Not exec: lines after the block must still run. pre-push reads the refs on stdin, which the
  // lines after ours need too: keep a copy and point stdin back at it.
  const replacement =
    name === 'pre-push'
      ? [
          'agentpolicy_stdin=$(mktemp "${TMPDIR:-/tmp}/agentpolicy.XXXXXX") || exit 1',
          'cat > "$agentpolicy_stdin"',
          `"$agentpolicy_bin" hook ${name} "$@" < "$agentpolicy_stdin" || { agentpolicy_status=$?; rm -f "$agentpolicy_stdin"; exit $agentpolicy_status; }`,
          'exec < "$agentpolicy_stdin"',
          'rm -f "$agentpolicy_stdin"',
        ].join('\n')
      : `"$agentpolicy_bin" hook ${name} "$@" || exit $?`;
  return `${BLOCK_BEGIN}\n${body.replace(run, replacement)}\n${BLOCK_END}`;
}

export interface MergeResult {
  content: string;
  changed: boolean;
}

/**
 * Puts our block into a hook script: replaced where it already is, else first thing after the
 * shebang, so no early `exit 0` of another tool can skip the policy.
 */
export function mergeHookScript(existing: string | undefined, block: string): MergeResult {
  if (existing === undefined || existing.trim() === '') {
    return { content: `${block}\n`, changed: true };
  }
  const begin = existing.indexOf(BLOCK_BEGIN);
  const end = existing.indexOf(BLOCK_END, begin);
  if (begin !== -1 && end !== -1) {
    const content = existing.slice(0, begin) + block + existing.slice(end + BLOCK_END.length);
    return { content, changed: content !== existing };
  }
  const lines = existing.split('\n');
  const at = lines[0]?.startsWith('#!') ? 1 : 0;
  lines.splice(at, 0, block);
  return { content: lines.join('\n'), changed: true };
}

/** True when the script carries our block. */
export function hasHookBlock(script: string): boolean {
  return script.includes(BLOCK_BEGIN) && script.includes(BLOCK_END);
}

// Linked worktrees. husky points core.hooksPath at `.husky/_`, a relative path that git resolves in
// each worktree, and a git-ignored folder that only `npm install` creates: a new worktree (beside
// the repository, or inside it, as coding agents make them) runs no hook at all. So the shared
// config includes, for every linked worktree (`includeIf "gitdir:./worktrees/"`, which matches the
// git dirs git gives them), a file that points core.hooksPath at runners in the common git dir.
// The main worktree keeps husky's path. Each runner calls agentpolicy, then runs the worktree's own
// `.husky/<hook>` as husky would, without the agentpolicy block that just ran.

/** The hooks husky runs; a linked worktree gets a runner for each. */
export const HUSKY_HOOKS = [
  'applypatch-msg',
  'commit-msg',
  'post-applypatch',
  'post-checkout',
  'post-commit',
  'post-merge',
  'post-rewrite',
  'pre-applypatch',
  'pre-auto-gc',
  'pre-commit',
  'pre-merge-commit',
  'pre-push',
  'pre-rebase',
  'prepare-commit-msg',
] as const;

/** The config key, in the common config, and the file it includes, relative to the common dir. */
export const WORKTREE_INCLUDE_KEY = 'includeIf.gitdir:./worktrees/.path';
export const WORKTREE_CONFIG = 'agentpolicy/worktrees.config';
/** Where the runners go, relative to the common dir. */
export const WORKTREE_HOOKS = 'agentpolicy/hooks';

/**
 * The runner of `name` for linked worktrees. `shim` (hooks/<name>) is given for the hooks that
 * agentpolicy judges: it runs first, always. git runs hooks in the worktree's top folder.
 */
export function worktreeHook(name: string, shim?: string): string {
  const lines = [
    '#!/bin/sh',
    `# agentpolicy: the ${name} hook of this repository's linked worktrees (managed by \`agentpolicy init\`).`,
    "# Node may be set up in husky's init.sh (nvm and the like): take its PATH, nothing else.",
    'agentpolicy_init="${XDG_CONFIG_HOME:-$HOME/.config}/husky/init.sh"',
    'if [ -f "$agentpolicy_init" ]; then',
    '  agentpolicy_path=$(. "$agentpolicy_init" >/dev/null 2>&1; printf "%s" "$PATH")',
    '  [ -n "$agentpolicy_path" ] && PATH=$agentpolicy_path',
    'fi',
  ];
  if (shim) lines.push(hookBlock(name as HookName, shim));
  lines.push(
    `[ -f .husky/${name} ] || exit 0`,
    '[ "${HUSKY-}" = "0" ] && exit 0',
    'agentpolicy_script=$(mktemp "${TMPDIR:-/tmp}/agentpolicy-hook.XXXXXX") || exit 1',
    `sed '/^${escapeSed(BLOCK_BEGIN)}$/,/^${escapeSed(BLOCK_END)}$/d' .husky/${name} > "$agentpolicy_script"`,
    'agentpolicy_main=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null)',
    `PATH="node_modules/.bin:\${agentpolicy_main%/.git}/node_modules/.bin:$PATH" sh -e "$agentpolicy_script" "$@"`,
    'agentpolicy_status=$?',
    'rm -f "$agentpolicy_script"',
    `[ $agentpolicy_status != 0 ] && echo "husky - ${name} script failed (code $agentpolicy_status)" >&2`,
    'exit $agentpolicy_status',
  );
  return `${lines.join('\n')}\n`;
}

function escapeSed(text: string): string {
  return text.replace(/[\\/.*[\]^$]/g, '\\$&');
}
