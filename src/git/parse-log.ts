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

/**
 * Splits the listing into one piece per commit as its bytes come in, holding only the last commit.
 * The marker is ASCII and UTF-8 never uses a byte below 0x80 inside a character, so a byte search
 * finds exactly the markers, and each commit is decoded once, on its own. Each piece of output is
 * searched once (with the end of the one before, where a marker may start), and the pieces of a
 * commit are joined once, when the next marker arrives: a commit of many megabytes costs its
 * length, not its length times the pieces it came in (joining strings piece by piece would).
 */
export class CommitSplitter {
  private readonly start: Buffer;
  /** The output not yet handed out: from the current commit's marker on (or all of it, before one). */
  private parts: Buffer[] = [];
  private size = 0;
  /** The last `start.length - 1` bytes of that output. */
  private tail: Buffer = Buffer.alloc(0);
  private started = false;

  constructor(marker: string) {
    this.start = Buffer.from(`\x01${marker}\0`, 'utf8');
  }

  /** Adds output; returns the commits it completed. */
  push(output: Buffer | string): string[] {
    const chunk = typeof output === 'string' ? Buffer.from(output, 'utf8') : output;
    const length = this.start.length;
    // Where the markers start, counted from the start of the held output.
    const found: number[] = [];
    if (this.tail.length) {
      const edge = Buffer.concat([this.tail, chunk.subarray(0, length - 1)]).indexOf(this.start);
      if (edge !== -1) found.push(this.size - this.tail.length + edge);
    }
    for (let at = chunk.indexOf(this.start); at !== -1; at = chunk.indexOf(this.start, at + length))
      found.push(this.size + at);
    const held = this.parts;
    held.push(chunk);
    this.size += chunk.length;
    this.tail = (chunk.length >= length - 1 ? chunk : Buffer.concat([this.tail, chunk])).subarray(
      -(length - 1),
    );
    if (found.length === 0) return [];
    const all = held.length === 1 ? chunk : Buffer.concat(held, this.size);
    const done: string[] = [];
    // Where the current commit's marker is: the held output starts with it once one was seen.
    let from = this.started ? 0 : -1;
    for (const at of found) {
      if (from === -1) {
        if (at !== 0) throw new Error('unexpected git output before the first commit');
        this.started = true;
      } else {
        done.push(all.toString('utf8', from + length, at));
      }
      from = at;
    }
    const rest = all.subarray(from);
    this.parts = [rest];
    this.size = rest.length;
    return done;
  }

  /** The last commit, once the listing has ended. */
  end(): string[] {
    const rest = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.tail = Buffer.alloc(0);
    if (rest.length === 0) return [];
    if (!this.started || rest.indexOf(this.start) !== 0)
      throw new Error('unexpected git output at the end of the listing');
    return [rest.toString('utf8', this.start.length)];
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
