// git's pre-push stdin (githooks(5)): one line per ref to update,
//   <local ref> SP <local oid> SP <remote ref> SP <remote oid> LF
// A new remote ref has an all-zero remote oid, a deletion the local ref `(delete)` and an all-zero
// local oid; zeros are 40 long in SHA-1 repositories and 64 in SHA-256 ones. The local ref is as
// typed (`HEAD`, `HEAD~1`), tags appear as refs/tags/..., up-to-date refs are left out.

export interface PushLine {
  localRef: string;
  localOid: string;
  remoteRef: string;
  remoteOid: string;
}

export function isZeroOid(oid: string): boolean {
  return /^0+$/.test(oid) && (oid.length === 40 || oid.length === 64);
}

export function parsePrePushInput(input: string): PushLine[] {
  const lines: PushLine[] = [];
  for (const [index, line] of input.split('\n').entries()) {
    if (line.trim() === '') continue;
    const parts = line.split(' ');
    const [localRef, localOid, remoteRef, remoteOid] = parts;
    if (parts.length !== 4 || !isOid(localOid) || !isOid(remoteOid) || !localRef || !remoteRef) {
      throw new Error(
        `pre-push input line ${index + 1} is not "<local ref> <local oid> <remote ref> <remote oid>": ${JSON.stringify(line)}`,
      );
    }
    lines.push({ localRef, localOid: localOid!, remoteRef, remoteOid: remoteOid! });
  }
  return lines;
}

function isOid(value: string | undefined): value is string {
  return value !== undefined && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}
