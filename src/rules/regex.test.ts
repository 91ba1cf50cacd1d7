import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPRESSIONS } from './no-new-suppressions.js';
import { DEFAULT_ASSERTIONS, DEFAULT_SKIPS } from './no-test-tampering.js';
import { checkOnEngine, compileRegex, listShippedPatterns, nativeOf, regexProblem } from './regex.js';

describe('shipped patterns', () => {
  it('holds the rule defaults', () => {
    expect(listShippedPatterns()).toEqual(
      expect.arrayContaining([...DEFAULT_SUPPRESSIONS, ...DEFAULT_ASSERTIONS, ...DEFAULT_SKIPS]),
    );
    expect(listShippedPatterns().length).toBeGreaterThan(0);
  });

  it.each(listShippedPatterns())('%s compiles on RE2', (source) => {
    // compileRegex leaves a shipped pattern for RE2 until a line needs it: compile it now.
    expect(() => checkOnEngine(source)).not.toThrow();
  });

  it('still compiles a pattern written in the policy, and with flags a shipped one too', () => {
    expect(regexProblem('(?=x)')).toMatch(/lookarounds/);
    const shipped = listShippedPatterns()[0] ?? '';
    expect(regexProblem(shipped)).toBeUndefined();
    expect(regexProblem(shipped, 'q')).toMatch(/flags/);
    expect(regexProblem(`${shipped}(`)).toBeDefined();
  });
});

describe('shipped patterns on the native engine', () => {
  // Lines where JavaScript's and RE2's syntax could part: Unicode and vertical white space, word
  // boundaries next to non-ASCII letters, repeats, a surrogate pair, CRLF.
  const space = ['', ' ', '\t', '\v', '\f', '\r', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff'];
  const lines = [
    ...space.flatMap((s) => [
      `expect${s}(a)`,
      `assert${s}(x)`,
      `assert${s}x`,
      `assert.equal${s}(a, b)`,
      `t.deepEqual${s}(a)`,
      `self.assertTrue${s}(x)`,
      `assert_eq!${s}(a, b)`,
      `${['it', 'skip'].join('.')}${s}('x')`,
      `xit${s}(`,
      `pending${s}()`,
      `#${s}noqa`,
      `#${s}type:${s}ignore`,
      `//${s}nolint`,
      `#${s}shellcheck${s}disable=SC2086`,
    ]),
    'éexpect(a) expect(b) ßassert(c) assert(d)',
    'expect(a); expect(b); expect (c) ; expectx(d)',
    'a.should.equal(1); b.should; should.exist(x)',
    'require.resolve(x); assert.ok(y) t.equal(z) t.equalx (w) \ud83d\ude00 assert\ud83d\ude00',
    // Spelled in parts, so that this file adds no line the rules would flag.
    [
      ['@pytest', 'mark', 'skip'],
      ['@unittest', 'skip'],
      ['t', 'SkipNow()'],
      ['t', 'Skipf('],
    ]
      .map((parts) => parts.join('.'))
      .concat(['#[', 'ignore]', ' @', 'Disabled @', 'Ignore #[', 'allow(x)]'].join(''))
      .join(' '),
    [
      ['it', 'only(x)'],
      ['describe', 'todo'],
      ['test', 'skipIf'],
      ['suite', 'fails'],
      ['context', 'runIf'],
      ['bench', 'skip'],
    ]
      .map((parts) => parts.join('.'))
      .concat(['fit', 'fdescribe ', 'xcontext'].map((word) => `${word}(`))
      .join(' '),
    `${'assert_'.repeat(300)}(`,
    `expect${' '.repeat(3000)}(`,
    // Past the native engine's length: RE2 answers.
    `${'expect( '.repeat(9000)}${['#', 'noqa'].join(' ')}`,
  ];

  it.each(listShippedPatterns())('%s answers as RE2 does', (source) => {
    expect(nativeOf(source)).toBeDefined();
    const native = compileRegex(source);
    const re2 = compileRegex(source, 'u');
    for (const line of lines) {
      expect([line, native.test(line)]).toEqual([line, re2.test(line)]);
      expect([line, native.count(line)]).toEqual([line, re2.count(line)]);
    }
  });

  it('leaves a pattern whose meaning differs between the engines to RE2', () => {
    for (const source of ['a.b', '[\\s]x', '\\p{L}', '\\u00e9', '\\x41', 'a[^\\]]'])
      expect(nativeOf(source)).toBeUndefined();
    expect(nativeOf('\\bexpect\\s*\\(')).toBe('\\bexpect[\\t\\n\\f\\r ]*\\(');
  });
});
