import { describe, expect, it } from 'vitest';
import { parseCommitMessage } from './parse-message.js';

describe('parseCommitMessage', () => {
  it.each([
    [
      'strips comments and blank edges',
      '\nAdd x\n\n# Please enter the commit message\n#\n',
      '#',
      'Add x',
      'normal',
    ],
    [
      'honours core.commentChar',
      'Add x\n; comment\n# not a comment\n',
      ';',
      'Add x\n# not a comment',
      'normal',
    ],
    [
      'detects commentChar auto',
      'Add x\n% Please enter the commit message for your changes.\n',
      'auto',
      'Add x',
      'normal',
    ],
    [
      'drops the scissors part of commit -v',
      'Add x\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n+wip\n',
      '#',
      'Add x',
      'normal',
    ],
    ['keeps CRLF messages readable', 'Add x\r\n\r\nbody\r\n', '#', 'Add x\n\nbody', 'normal'],
    ['only comments is empty', '# Please enter\n#\n', '#', '', 'normal'],
    ['merge message', "Merge branch 'feature'\n", '#', "Merge branch 'feature'", 'merge'],
    [
      'revert message',
      'Revert "Add x"\n\nThis reverts commit abc.\n',
      '#',
      'Revert "Add x"\n\nThis reverts commit abc.',
      'revert',
    ],
    ['fixup', 'fixup! Add x\n', '#', 'fixup! Add x', 'fixup'],
    ['squash', 'squash! Add x\n', '#', 'squash! Add x', 'squash'],
    ['amend', 'amend! Add x\n', '#', 'amend! Add x', 'amend'],
    ['blank lines at both ends only', '\n\nAdd x\n\nWhy: y\n\n', '#', 'Add x\n\nWhy: y', 'normal'],
    [
      'a # inside a line stays',
      'Fix #12 and #13\n\nSee #14.\n',
      '#',
      'Fix #12 and #13\n\nSee #14.',
      'normal',
    ],
    ['Unicode space at a line end', 'Add x\u00a0\n\nWhy\u3000\n', '#', 'Add x\n\nWhy', 'normal'],
    ['a comment char of two characters', 'Add x\n;; note\n', ';;', 'Add x', 'normal'],
  ])('%s', (_name, raw, commentChar, text, kind) => {
    expect(parseCommitMessage(raw, commentChar)).toEqual({ text, kind });
  });

  it('treats any message as a merge while MERGE_HEAD exists', () => {
    expect(parseCommitMessage('Resolve the conflict', '#', true).kind).toBe('merge');
  });
});
