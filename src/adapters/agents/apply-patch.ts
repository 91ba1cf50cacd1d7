// Codex's apply_patch format: "*** Begin Patch", then per file "*** Add File: <path>",
// "*** Update File: <path>" (optionally followed by "*** Move to: <path>") or
// "*** Delete File: <path>", then "*** End Patch".
import type { ToolCall } from './types.js';

export function parseApplyPatch(patch: string): ToolCall[] {
  const calls: ToolCall[] = [];
  let updating: string | undefined;
  for (const line of patch.split('\n')) {
    const match = /^\*\*\* (Add File|Update File|Delete File|Move to): (.+)$/.exec(line.trimEnd());
    if (!match) continue;
    const [, action, path] = match as unknown as [string, string, string];
    if (action === 'Move to' && updating) {
      calls.pop();
      calls.push({ kind: 'move', from: updating, to: path });
      updating = undefined;
      continue;
    }
    updating = action === 'Update File' ? path : undefined;
    calls.push(
      action === 'Add File'
        ? { kind: 'write', path }
        : action === 'Delete File'
          ? { kind: 'delete', path }
          : { kind: 'edit', path },
    );
  }
  if (calls.length === 0)
    throw new Error(
      'the patch names no file (expected "*** Add File:", "*** Update File:" or "*** Delete File:" lines)',
    );
  return calls;
}
