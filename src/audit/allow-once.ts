// Allow-once tokens: a human's one-time permission for a denied rule, one file each under
// .git/agentpolicy/allow-once/. Using a token deletes its file; unlink succeeds for exactly one
// process, so two agents cannot both spend one token. The guard denies any command that writes
// there or runs `agentpolicy allow-once`, and the command itself refuses to run without a terminal.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Allowance {
  rule: string;
  created: string;
  expires: string;
  /** When set, the token only allows this exact command. */
  command?: string;
}

function folder(commonDir: string): string {
  return join(commonDir, 'agentpolicy', 'allow-once');
}

export function grantAllowance(commonDir: string, allowance: Allowance): string {
  const dir = folder(commonDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${allowance.rule}.${randomBytes(6).toString('hex')}.json`);
  writeFileSync(path, `${JSON.stringify(allowance)}\n`, { flag: 'wx' });
  return path;
}

export function listAllowances(commonDir: string, now = Date.now()): (Allowance & { path: string })[] {
  let names: string[];
  try {
    names = readdirSync(folder(commonDir));
  } catch {
    return [];
  }
  const live: (Allowance & { path: string })[] = [];
  for (const name of names) {
    if (name.startsWith('change.')) continue;
    const path = join(folder(commonDir), name);
    try {
      const allowance = JSON.parse(readFileSync(path, 'utf8')) as Allowance;
      if (Date.parse(allowance.expires) > now) live.push({ ...allowance, path });
      else unlinkSync(path);
    } catch {
      // Spent by another process, or not ours: skip it.
    }
  }
  return live;
}

/** Whether a live token for `rule` exists, without spending it. */
export function hasAllowance(commonDir: string, rule: string, now = Date.now()): boolean {
  return listAllowances(commonDir, now).some(
    (allowance) => allowance.rule === rule && allowance.command === undefined,
  );
}

/** Spends one live token for `rule` (and `command`, when the token names one); true if one was spent. */
export function consumeAllowance(
  commonDir: string,
  rule: string,
  command: string | undefined,
  now = Date.now(),
): boolean {
  for (const allowance of listAllowances(commonDir, now)) {
    if (allowance.rule !== rule) continue;
    if (allowance.command !== undefined && allowance.command !== command) continue;
    try {
      unlinkSync(allowance.path);
      return true;
    } catch {
      // Another process spent it a moment ago; try the next one.
    }
  }
  return false;
}

/**
 * A human's permission for one change to guarded files (`agentpolicy allow-once --change <id>`):
 * bound to the change (its parent commit and the files' exact content), not to a clock. It is not
 * spent by a commit, nor by a push that something else then blocks; once a push passes with it, it
 * is pinned to that commit and covers no other.
 */
export interface ChangePermission {
  change: string;
  files: string[];
  granted: string;
  /** The commit a passing push carried it in. */
  pinned?: string;
}

function changePath(commonDir: string, id: string): string {
  return join(folder(commonDir), `change.${id}.json`);
}

export function grantChange(commonDir: string, permission: ChangePermission): void {
  mkdirSync(folder(commonDir), { recursive: true });
  writeFileSync(changePath(commonDir, permission.change), `${JSON.stringify(permission)}\n`);
}

export function findChangePermission(commonDir: string, id: string): ChangePermission | undefined {
  if (!/^[0-9a-f]{16}$/.test(id)) return undefined;
  try {
    const permission = JSON.parse(readFileSync(changePath(commonDir, id), 'utf8')) as ChangePermission;
    return permission.change === id ? permission : undefined;
  } catch {
    return undefined;
  }
}

export function pinChangePermission(commonDir: string, id: string, commit: string): void {
  const permission = findChangePermission(commonDir, id);
  if (!permission || permission.pinned) return;
  writeFileSync(changePath(commonDir, id), `${JSON.stringify({ ...permission, pinned: commit })}\n`);
}
