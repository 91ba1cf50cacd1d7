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
