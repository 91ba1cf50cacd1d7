import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1 } from './sha1.js';

describe('sha1', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 119, 1000, 100_000])('agrees with node:crypto on %i bytes', (size) => {
    const data = Buffer.alloc(size, 'x7');
    expect(sha1('blob 1\0', data)).toBe(createHash('sha1').update('blob 1\0').update(data).digest('hex'));
  });
});
