import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPRESSIONS } from './no-new-suppressions.js';
import { DEFAULT_ASSERTIONS, DEFAULT_SKIPS } from './no-test-tampering.js';
import { checkOnEngine, listShippedPatterns, regexProblem } from './regex.js';

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
