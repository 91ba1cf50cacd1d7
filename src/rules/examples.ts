// Small builders for the change-set examples the rules carry (and the meta test runs).
import type { FileChange } from '../types.js';

/** A modified one-line file, with whatever `more` changes. */
export function changedFile(path: string, more: Partial<FileChange> = {}): FileChange {
  return {
    status: 'modified',
    path,
    added: 1,
    deleted: 0,
    binary: false,
    symlink: false,
    submodule: false,
    ...more,
  };
}
