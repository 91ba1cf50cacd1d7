// The profile a human selected in a terminal (`agentpolicy profile <name>`), kept under
// .git/agentpolicy/ where the guard lets no agent command write. The hooks and `check` apply it
// until it expires; the agent guard never does. No variable, argument or file in the work tree
// selects a profile.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProfileSelection {
  name: string;
  selected: string;
  expires: string;
}

function path(commonDir: string): string {
  return join(commonDir, 'agentpolicy', 'profile.json');
}

/** The live selection, or undefined (none, expired or unreadable). */
export function readProfileSelection(commonDir: string, now = Date.now()): ProfileSelection | undefined {
  try {
    const selection = JSON.parse(readFileSync(path(commonDir), 'utf8')) as ProfileSelection;
    if (typeof selection.name !== 'string' || !(Date.parse(selection.expires) > now)) return undefined;
    return selection;
  } catch {
    return undefined;
  }
}

export function writeProfileSelection(commonDir: string, selection: ProfileSelection): void {
  mkdirSync(join(commonDir, 'agentpolicy'), { recursive: true });
  const temporary = `${path(commonDir)}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(selection)}\n`);
  renameSync(temporary, path(commonDir));
}

export function clearProfileSelection(commonDir: string): void {
  rmSync(path(commonDir), { force: true });
}
