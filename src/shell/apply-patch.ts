// Codex's apply_patch format: "*** Begin Patch", then per file "*** Add File: <path>",
// "*** Update File: <path>" (optionally followed by "*** Move to: <path>") or
// "*** Delete File: <path>", then "*** End Patch". Codex trims each header line before reading it,
// so an indented header is a header too. Codex applies the patch itself when it arrives as a shell
// command (`apply_patch <<'EOF' ... EOF`, `bash -lc "apply_patch '...'"`), so both doors read it.
import { resolveTarget } from './analyze.js';
import type { Operation } from './types.js';

export type PatchFile =
  | { action: 'add' | 'update' | 'delete'; path: string }
  | { action: 'move'; path: string; to: string };

export function patchFiles(patch: string): PatchFile[] {
  const files: PatchFile[] = [];
  for (const line of patch.split('\n')) {
    const match = /^\*\*\* (Add File|Update File|Delete File|Move to): (.+)$/.exec(line.trim());
    if (!match) continue;
    const [, action, path] = match as unknown as [string, string, string];
    const last = files[files.length - 1];
    if (action === 'Move to') {
      if (last?.action === 'update') files[files.length - 1] = { action: 'move', path: last.path, to: path };
      continue;
    }
    files.push({
      action: action === 'Add File' ? 'add' : action === 'Delete File' ? 'delete' : 'update',
      path,
    });
  }
  return files;
}

export function patchOperations(patch: string, cwd: string, via: string): Operation[] {
  const target = (path: string) => resolveTarget({ text: path, dynamic: false, glob: false }, cwd);
  const files = patchFiles(patch);
  if (files.length === 0)
    return [{ kind: 'opaque', reason: `${via} was given a patch that names no file`, unseen: true }];
  return files.map((file): Operation => {
    switch (file.action) {
      case 'add':
        return { kind: 'write', target: target(file.path), mode: 'create', via };
      case 'update':
        return { kind: 'write', target: target(file.path), mode: 'modify', via };
      case 'delete':
        return { kind: 'delete', targets: [target(file.path)], recursive: false, via };
      default:
        return { kind: 'move', from: [target(file.path)], to: target(file.to), via };
    }
  });
}
