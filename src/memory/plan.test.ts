import { describe, expect, it } from 'vitest';
import { parsePlan } from './plan.js';

describe('parsePlan', () => {
  it('reads checked and open items of every bullet style, nested too', () => {
    const plan =
      '# Plan\n\n- [x] Parse\n- [ ] Check\n  * [X] Nested done\n+ [ ] Plus bullet\n- not an item\n- [] not either\n';
    expect(parsePlan(plan)).toEqual([
      { text: 'Parse', done: true },
      { text: 'Check', done: false },
      { text: 'Nested done', done: true },
      { text: 'Plus bullet', done: false },
    ]);
  });
});
