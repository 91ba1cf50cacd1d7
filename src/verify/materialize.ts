// A copy of exactly what is being checked, in a temporary folder: the staged index (pre-commit) or
// a commit (pre-push, CI). Made with git plumbing into the temp folder only: the user's index and
// work tree are never touched. Dependencies are linked from the work tree so the steps can run.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../git/exec.js';

/** Folders of installed dependencies that are ignored by git but needed to build and test. */
const DEPENDENCY_FOLDERS = ['node_modules', 'vendor', '.venv', 'venv', '.yarn'];

export interface Snapshot {
  dir: string;
  remove: () => void;
}

const live = new Set<string>();
let handlersInstalled = false;

/** Removes every snapshot still on disk when the process is interrupted, then dies of the signal. */
function installCleanup(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanAll = () => {
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
    live.clear();
  };
  process.on('exit', cleanAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanAll();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Writes the index (`GIT_INDEX_FILE` honoured, as git sets it during `commit -a` and
 * `commit <path>`), or the tree of `commit`, into a new temporary folder.
 */
export function materialize(root: string, env: NodeJS.ProcessEnv, commit?: string): Snapshot {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), 'agentpolicy-verify-'));
  live.add(dir);
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
  };
  try {
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    if (commit) {
      // A private index for the commit's tree; the user's index is not read or written.
      const index = join(dir, '.agentpolicy-index');
      const privateEnv = { ...env, GIT_INDEX_FILE: index };
      git(['read-tree', commit], { cwd: root, env: privateEnv });
      git(['checkout-index', '-a', `--prefix=${dir}/tree/`], { cwd: root, env: privateEnv });
      rmSync(index, { force: true });
    } else {
      git(['checkout-index', '-a', `--prefix=${dir}/tree/`], { cwd: root, env });
    }
    for (const folder of DEPENDENCY_FOLDERS) {
      const source = join(root, folder);
      if (existsSync(source) && !existsSync(join(tree, folder)))
        symlinkSync(source, join(tree, folder), 'dir');
    }
    return { dir: tree, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
