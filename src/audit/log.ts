// The audit log: every guard decision as one JSON line in .git/agentpolicy/audit.jsonl. Each entry
// is appended with one write(2) on a file opened with O_APPEND, which the kernel keeps whole and in
// order when many agents write at once; entries are kept short enough for that (long commands are
// cut), and a log over its size limit is rotated by an atomic rename.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../types.js';

export interface AuditEntry {
  time: string;
  agent: string;
  session?: string;
  cwd: string;
  tool: string;
  command?: string;
  paths?: string[];
  decision: Verdict;
  rule?: string;
  reason?: string;
  /** Set when a human's allow-once turned a deny into an allow. */
  allowedOnce?: boolean;
}

const MAX_FIELD = 4096;
const MAX_LOG_BYTES = 20 * 1024 * 1024;

export function auditPath(commonDir: string): string {
  return join(commonDir, 'agentpolicy', 'audit.jsonl');
}

function cut(text: string | undefined): string | undefined {
  return text === undefined || text.length <= MAX_FIELD
    ? text
    : `${text.slice(0, MAX_FIELD)}… (${text.length} characters)`;
}

export function appendAudit(commonDir: string, entry: AuditEntry): void {
  const path = auditPath(commonDir);
  const line = `${JSON.stringify({ ...entry, command: cut(entry.command), reason: cut(entry.reason) })}\n`;
  try {
    appendFileSync(path, line);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(join(commonDir, 'agentpolicy'), { recursive: true });
    appendFileSync(path, line);
  }
  rotateIfLarge(path);
}

function rotateIfLarge(path: string): void {
  try {
    if (statSync(path).size > MAX_LOG_BYTES)
      renameSync(path, path.replace(/\.jsonl$/, `.${Date.now()}.jsonl`));
  } catch {
    // Another writer rotated it first.
  }
}

export function readAudit(commonDir: string): AuditEntry[] {
  const path = auditPath(commonDir);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);
}
