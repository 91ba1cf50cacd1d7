import { describe, expect, it } from 'vitest';
import { isZeroOid, parsePrePushInput } from './parse-pre-push.js';

const A = 'a'.repeat(40);
const Z40 = '0'.repeat(40);
const Z64 = '0'.repeat(64);
const B64 = 'b'.repeat(64);

describe('parsePrePushInput', () => {
  it('reads every line: updates, new branches, deletions, tags, SHA-256', () => {
    const input = [
      `refs/heads/main ${A} refs/heads/main ${'c'.repeat(40)}`,
      `refs/heads/new ${A} refs/heads/new ${Z40}`,
      `(delete) ${Z40} refs/heads/old ${A}`,
      `refs/tags/v1 ${A} refs/tags/v1 ${Z40}`,
      `HEAD~1 ${B64} refs/heads/main ${Z64}`,
      '',
    ].join('\n');
    const lines = parsePrePushInput(input);
    expect(lines).toHaveLength(5);
    expect(lines[2]).toEqual({
      localRef: '(delete)',
      localOid: Z40,
      remoteRef: 'refs/heads/old',
      remoteOid: A,
    });
    expect(lines[4]?.localRef).toBe('HEAD~1');
  });

  it.each(['garbage', `refs/heads/main ${A} refs/heads/main`, `a b c d`])(
    'refuses a malformed line: %s',
    (line) => {
      expect(() => parsePrePushInput(line)).toThrow(/pre-push input line 1/);
    },
  );

  it.each([
    [Z40, true],
    [Z64, true],
    ['0'.repeat(39), false],
    [A, false],
  ])('isZeroOid(%s) is %s', (oid, zero) => expect(isZeroOid(oid)).toBe(zero));
});
