import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflate } from './inflate.js';

const text = (size: number) =>
  Buffer.from(
    Array.from({ length: size }, (_, i) => `line ${i % 97} of a policy file\n`)
      .join('')
      .slice(0, size),
  );

describe('inflate', () => {
  it.each([
    ['empty', Buffer.alloc(0), 6],
    ['short text', Buffer.from('tree 1234\nauthor x\n'), 6],
    ['text, fixed codes', text(300), 1],
    ['text, dynamic codes', text(50_000), 9],
    ['random bytes, stored', randomBytes(70_000), 0],
    ['random bytes, compressed', randomBytes(5_000), 6],
  ])('agrees with zlib on %s', (_name, data, level) => {
    const compressed = deflateRawSync(data, { level });
    expect(inflate(compressed, 1).equals(data)).toBe(true);
    expect(inflate(Buffer.concat([compressed, Buffer.from('trailing data')])).equals(data)).toBe(true);
  });

  it('refuses truncated data', () => {
    const compressed = deflateRawSync(text(2000));
    expect(() => inflate(compressed.subarray(0, compressed.length - 10))).toThrow(/unexpected end|invalid/);
  });
});
