import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPRESSIONS } from './no-new-suppressions.js';
import { DEFAULT_ASSERTIONS, DEFAULT_SKIPS } from './no-test-tampering.js';
import { compileRegex } from './regex.js';
import { requiredLiterals } from './regex-literals.js';

describe('the literals a pattern cannot match without', () => {
  it.each([
    ['\\bexpect\\s*\\(', ['expect']],
    ['#\\s*type:\\s*ignore', ['ignore']],
    ['a(?:b|c)d', ['abd', 'acd']],
    ['(?:x|)y', ['xy', 'y']],
    ['foo\\bbar', ['foobar']],
    ['^abc$', ['abc']],
    ['(?<name>ab)c', ['abc']],
    ['ab*c', ['a']],
    ['x{2}y', ['x']],
    ['\\t\\x41', ['\tA']],
    ['\\bt\\.(?:is|ok)\\w*\\(', ['t.is', 't.ok']],
    ['@(?:Foo|Bar)\\b', ['@Foo', '@Bar']],
  ])('%s needs one of %j', (source, literals) => {
    expect(requiredLiterals(source)).toEqual(literals);
  });

  it.each([
    ['(?=a)b', ''],
    ['a|\\d', ''],
    ['(?:ab)*', ''],
    ['a?', ''],
    ['\\u0041', ''],
    ['\\p{L}x', ''],
    ['[[:alpha:]]x', ''],
    ['[]a]', ''],
    ['(a)\\1', ''],
    ['\\0', ''],
    ['a{,2}', ''],
    ['abc', 'i'],
  ])('%s (flags %j) gives up: the engine always runs', (source, flags) => {
    expect(requiredLiterals(source, flags)).toBeUndefined();
  });

  // Soundness: with the literal test in front, the engine answers as JavaScript's own engine does
  // on patterns both read alike, over lines made of the patterns' own pieces.
  const patterns = [
    ...DEFAULT_SUPPRESSIONS,
    ...DEFAULT_ASSERTIONS,
    ...DEFAULT_SKIPS,
    '\\bdebugger\\b',
    'a(?:b|c)d',
    '(?:x|)y$',
    '^abc',
    'x{2}y',
    'TODO(?:\\(\\w+\\))?:',
    'console\\.(?:log|debug)\\s*\\(',
  ];
  // Whole matches, pieces of them, and what sits around them. A `~` is taken out before use, so
  // that this file itself adds no skip or suppression.
  const pieces = [
    ...['expect(', 't.equal(', 't.ok (', 'assert.ok(', 'assert x', 'should.', 'x.should', 'self.assertTrue('],
    ...['require.resolve(', 'assert_eq!(', 'i~t.skip(', 'describe.on~ly', 'x~it(', '@pytest.mark.sk~ip'],
    ...['@unittest.sk~ip', 't.Sk~ip(', '#[ig~nore]', '@Ig~nore', 'pend~ing (', '# no~qa', '#type: ig~nore'],
    ...[
      '// @ts-ig~nore',
      'eslint-dis~able',
      '//no~lint',
      '#[al~low(',
      'istanbul ig~nore',
      '# shell~check disable',
    ],
    ...[
      'debugger',
      'abd',
      'acd',
      'xy',
      'xxy',
      'abc',
      'TODO:',
      'TODO(me):',
      'console.log (',
      'console.debug(',
    ],
    ...['expec', 't.equa', 'asser', 'shoul', 'nolin', 'debugge', 'TOD', 'consol', 't.', '.', '(', ')'],
    ...[' ', '\t', '_', 'x', 'y', 'a', 'b', 'c', 'd', '#', '//', '@', '!', '[', ']', ':', 'Ü', '🎉'],
  ].map((piece) => piece.replaceAll('~', ''));
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  const lines = Array.from({ length: 3000 }, () =>
    Array.from({ length: 1 + random(6) }, () => pieces[random(pieces.length)]).join(''),
  );

  it('turns away no line the engine would match', () => {
    const wrong: string[] = [];
    let matched = 0;
    const reached = new Set<string>();
    for (const source of patterns) {
      const ours = compileRegex(source);
      const native = new RegExp(source);
      const nativeGlobal = new RegExp(source, 'g');
      for (const line of lines) {
        const expected = native.test(line);
        if (expected) {
          matched++;
          reached.add(source);
        }
        if (ours.test(line) !== expected || ours.count(line) !== (line.match(nativeGlobal)?.length ?? 0))
          wrong.push(`${source} on ${JSON.stringify(line)}`);
      }
    }
    expect(wrong).toEqual([]);
    // The lines do reach the patterns: a test of nothing would pass as well.
    expect(matched).toBeGreaterThan(300);
    expect(reached.size).toBeGreaterThan(30);
  });
});
