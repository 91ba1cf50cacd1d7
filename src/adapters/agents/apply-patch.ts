// Codex's apply_patch tool input as file tool calls; the format is read in src/shell/apply-patch.ts.
import { patchFiles } from '../../shell/apply-patch.js';
import type { ToolCall } from './types.js';

export function parseApplyPatch(patch: string): ToolCall[] {
  const calls = patchFiles(patch).map((file): ToolCall => {
    switch (file.action) {
      case 'add':
        return { kind: 'write', path: file.path };
      case 'update':
        return { kind: 'edit', path: file.path };
      case 'delete':
        return { kind: 'delete', path: file.path };
      default:
        return { kind: 'move', from: file.path, to: file.to };
    }
  });
  if (calls.length === 0)
    throw new Error(
      'the patch names no file (expected "*** Add File:", "*** Update File:" or "*** Delete File:" lines)',
    );
  return calls;
}
