// Messages and parents of many commits in one git call.
import { git } from './exec.js';

export interface CommitInfo {
  oid: string;
  parents: string[];
  /** The raw message (`%B`). */
  message: string;
}

/** `git log --no-walk --stdin` with `%H %P` and `%B`, NUL-separated: one process for any number. */
export function readCommits(root: string, oids: string[], env?: NodeJS.ProcessEnv): CommitInfo[] {
  if (oids.length === 0) return [];
  const out = git(['log', '--no-walk=unsorted', '--stdin', '-z', '--format=%H %P%x00%B'], {
    cwd: root,
    input: `${oids.join('\n')}\n`,
    ...(env ? { env } : {}),
  }).stdout;
  // Records: "<oid> <parents>\0<message>" separated by the NUL that -z puts between commits.
  const fields = out.split('\0');
  const commits: CommitInfo[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oid = '', ...parents] = fields[i]!.trim().split(' ').filter(Boolean);
    commits.push({ oid, parents, message: fields[i + 1]! });
  }
  return commits;
}
