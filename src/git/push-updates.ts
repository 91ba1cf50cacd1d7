// What a push does, from pre-push's stdin and the local repository: which refs are created,
// deleted or force-updated, and which commits each update sends.
import type { RefUpdate } from '../types.js';
import { git } from './exec.js';
import { isZeroOid, type PushLine } from './parse-pre-push.js';

export interface PushUpdate extends RefUpdate {
  /** Commits the remote does not have yet, oldest first. */
  commits: string[];
  /** The revision range that selects those commits, for `git log`. */
  range: string[];
  /** The remote's commit the update builds on, when the remote has one we know. */
  base?: string;
}

function hasCommit(root: string, oid: string): boolean {
  return git(['cat-file', '-e', `${oid}^{commit}`], { cwd: root, okStatus: [1, 128] }).status === 0;
}

export function resolvePushUpdates(root: string, remote: string, lines: PushLine[]): PushUpdate[] {
  return lines.map((line) => {
    const deletion = line.localRef === '(delete)' || isZeroOid(line.localOid);
    const creation = isZeroOid(line.remoteOid);
    const base = { ...line, deletion, creation };
    if (deletion) return { ...base, force: false, commits: [], range: [] };
    const local = `${line.localOid}^{commit}`;
    if (!hasCommit(root, line.localOid)) return { ...base, force: false, commits: [], range: [] };
    const remoteKnown = !creation && hasCommit(root, line.remoteOid);
    // An update of a remote commit we do not have cannot be a fast-forward we can see: either the
    // push is forced, or the remote refuses it. Treat it as forced.
    const force =
      !creation &&
      (!remoteKnown ||
        git(['merge-base', '--is-ancestor', line.remoteOid, line.localOid], { cwd: root, okStatus: [1] })
          .status === 1);
    const range = remoteKnown ? [local, '--not', line.remoteOid] : [local, '--not', `--remotes=${remote}`];
    const commits = git(['rev-list', '--reverse', '--topo-order', ...range], { cwd: root })
      .stdout.split('\n')
      .filter(Boolean);
    return { ...base, force, commits, range, ...(remoteKnown && !force ? { base: line.remoteOid } : {}) };
  });
}
