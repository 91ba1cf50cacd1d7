// Commit messages as git leaves them in the commit-msg hook's file, reduced to what will be
// committed (git's default `commit.cleanup=strip`, and `scissors` for `commit -v`).
import { subjectOf } from '../rules/message-text.js';
import type { CommitMessage } from '../types.js';

/** `git commit -v` writes this line; it and everything after it are dropped from the message. */
const SCISSORS = '------------------------ >8 ------------------------';

/**
 * Strips comment lines (lines that start with `core.commentChar`) and the scissors part, trims
 * trailing white space and blank lines at both ends, and tells what kind of commit it is.
 * With `core.commentChar=auto` git picks a character the message does not use; its template's
 * "Please enter the commit message" line gives it away.
 */
export function parseCommitMessage(raw: string, commentChar = '#', merging = false): CommitMessage {
  if (commentChar !== 'auto' && commentChar !== '' && isClean(raw, commentChar)) {
    // Nothing to strip but blank lines at both ends (the usual committed message).
    const text = raw.replace(/^\n+|\n+$/g, '');
    return { text, kind: kindOf(text, merging) };
  }
  const lines = raw.replace(/\r\n/g, '\n').split('\n');
  const char = commentChar === 'auto' ? (detectCommentChar(lines) ?? '#') : commentChar;
  const scissors = lines.findIndex(
    (line) => line.startsWith(char) && line.slice(char.length).trim() === SCISSORS,
  );
  const kept = (scissors === -1 ? lines : lines.slice(0, scissors))
    .filter((line) => !line.startsWith(char))
    .map((line) => line.replace(/\s+$/, ''));
  const text = kept.join('\n').replace(/^\n+|\n+$/g, '');
  return { text, kind: kindOf(text, merging) };
}

/** No CR, no line starting with `char`, no white space at a line's end: lines stay as they are. */
function isClean(raw: string, char: string): boolean {
  return (
    !raw.includes('\r') && !raw.startsWith(char) && !raw.includes(`\n${char}`) && !TRAILING_SPACE.test(raw)
  );
}

/** White space (other than the newline itself) before a line's end. */
const TRAILING_SPACE = /[^\S\n]\n|[^\S\n]$/;

function detectCommentChar(lines: string[]): string | undefined {
  const template = lines.find((line) => /^\S ?Please enter the commit message/.test(line));
  return template?.[0];
}

function kindOf(text: string, merging: boolean): CommitMessage['kind'] {
  const subject = subjectOf(text);
  if (/^(?:fixup|amend)! /.test(subject)) return subject.startsWith('amend!') ? 'amend' : 'fixup';
  if (subject.startsWith('squash! ')) return 'squash';
  if (/^Revert ".*"$/.test(subject) || /^Reapply ".*"$/.test(subject)) return 'revert';
  if (
    merging ||
    /^Merge (?:branch|remote-tracking branch|tag|commit|pull request|[0-9a-f]{7,}) /.test(subject)
  )
    return 'merge';
  return 'normal';
}
