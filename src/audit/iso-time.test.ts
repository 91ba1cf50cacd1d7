import { describe, expect, it } from 'vitest';
import { isoTime } from './log.js';

describe('isoTime', () => {
  it.each([
    0,
    1,
    999,
    Date.UTC(2026, 10, 29, 9, 5, 3, 7),
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2000, 1, 29),
    -1,
    Date.UTC(-1, 0, 1),
    Date.UTC(10000, 0, 1),
    8.64e15,
    -8.64e15,
  ])('writes %d as toISOString does', (ms) => {
    expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
