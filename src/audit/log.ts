// The audit log: every guard decision as one JSON line in .git/agentpolicy/audit.jsonl. Each entry
// is appended with one write(2) on a file opened with O_APPEND, which the kernel keeps whole and in
// order when many agents write at once; entries are kept short enough for that (long commands are
// cut), and a log over its size limit is rotated by an atomic rename. A writer killed mid-line
// leaves a torn line: the next entry starts on a fresh line, and readers skip what does not parse.
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
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

/**
 * `Date#toISOString` for `ms`, from the UTC getters: `toISOString` loads the local time zone
 * (a file read and ~1 ms) on the first call, which every audited tool call would pay.
 */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const year = date.getUTCFullYear();
  const yyyy = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
  return `${yyyy}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}

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
  let fd: number;
  try {
    fd = openSync(path, 'a+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(join(commonDir, 'agentpolicy'), { recursive: true });
    fd = openSync(path, 'a+');
  }
  try {
    const size = fstatSync(fd).size;
    writeSync(fd, endsTorn(fd, size) ? `\n${line}` : line);
    if (size > MAX_LOG_BYTES) rotate(path);
  } finally {
    closeSync(fd);
  }
}

/** Whether the last line lacks its newline (a writer was killed in the middle of it). */
function endsTorn(fd: number, size: number): boolean {
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
}

function rotate(path: string): void {
  try {
    renameSync(path, path.replace(/\.jsonl$/, `.${Date.now()}.jsonl`));
  } catch {
    // Another writer rotated it first.
  }
}

export interface AuditRead {
  entries: AuditEntry[];
  /** Lines that are not a whole entry (torn by a killed writer, or edited by hand). */
  skipped: number;
}

export function readAudit(commonDir: string): AuditRead {
  const path = auditPath(commonDir);
  if (!existsSync(path)) return { entries: [], skipped: 0 };
  const entries: AuditEntry[] = [];
  let skipped = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as AuditEntry;
      if (entry && typeof entry === 'object' && typeof entry.time === 'string') entries.push(entry);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { entries, skipped };
}
