import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1 } from './sha1.js';

describe('sha1', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 119, 1000, 100_000])('agrees with node:crypto on %i bytes', (size) => {
    const data = Buffer.alloc(size, 'x7');
    expect(sha1('blob 1\0', data)).toBe(createHash('sha1').update('blob 1\0').update(data).digest('hex'));
  });

  it('hashes several parts and UTF-8 text as one message', () => {
    const parts = ['tree 9\0', Buffer.from('ünï'), 'x'.repeat(70)];
    const expected = createHash('sha1');
    for (const part of parts) expected.update(part);
    expect(sha1(...parts)).toBe(expected.digest('hex'));
  });
});
