// The one listing a range is judged from: `git log -z` with a header per commit, its raw and
// numstat records and, when a content rule needs them, its patch. Pure: text in, commits out.
//
// Each commit is "\x01<marker>\0<oid> <parents>\0<message>\0", then (unless the commit changes
// nothing) "\n", the raw and numstat records, and with -p a NUL and the patch text. The marker is
// a random word chosen per run: a message or a file's content may hold \x01 and anything after
// it, but not a word it cannot know, so no commit can pass itself off as the start of another.
import type { FileChange } from '../types.js';
import { readRecords } from './parse-changes.js';

export interface LoggedCommit {
  oid: string;
  parents: string[];
  /** The raw message (`%B`). */
  message: string;
  files: FileChange[];
  /** The patch of the commit; '' when not asked for. */
  patch: string;
}

/** The --format that starts each commit with `marker`. */
export function logFormat(marker: string): string {
  return `--format=%x01${marker}%x00%H %P%x00%B`;
}

/** Splits the listing into one piece per commit as the text comes in, holding only the last. */
export class CommitSplitter {
  private buffer = '';
  private readonly start: string;

  constructor(marker: string) {
    this.start = `\x01${marker}\0`;
  }

  /** Adds text; returns the commits it completed. */
  push(text: string): string[] {
    // Only the new text (and a marker it completes) needs searching: a huge commit is scanned once.
    const searched = Math.max(0, this.buffer.length - this.start.length);
    this.buffer += text;
    const done: string[] = [];
    let from = this.buffer.indexOf(this.start);
    if (from > 0) throw new Error('unexpected git output before the first commit');
    if (from === -1) return done;
    for (;;) {
      const next = this.buffer.indexOf(this.start, Math.max(from + this.start.length, searched));
      if (next === -1) break;
      done.push(this.buffer.slice(from + this.start.length, next));
      from = next;
    }
    this.buffer = this.buffer.slice(from);
    return done;
  }

  /** The last commit, once the listing has ended. */
  end(): string[] {
    const rest = this.buffer;
    this.buffer = '';
    if (rest === '') return [];
    if (!rest.startsWith(this.start)) throw new Error('unexpected git output at the end of the listing');
    return [rest.slice(this.start.length)];
  }
}

/** One commit's piece of the listing, without its marker. */
export function parseLoggedCommit(piece: string): LoggedCommit {
  const headerEnd = piece.indexOf('\0');
  const messageEnd = headerEnd === -1 ? -1 : piece.indexOf('\0', headerEnd + 1);
  if (messageEnd === -1) throw new Error('unexpected git output: a commit without its header');
  const [oid = '', ...parents] = piece.slice(0, headerEnd).split(' ').filter(Boolean);
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(oid))
    throw new Error(`unexpected git output: ${JSON.stringify(oid.slice(0, 80))} is not a commit id`);
  const message = piece.slice(headerEnd + 1, messageEnd);
  const { files, end } = readRecords(piece, messageEnd + 1);
  return { oid, parents, message, files, patch: end < piece.length ? piece.slice(end) : '' };
}
