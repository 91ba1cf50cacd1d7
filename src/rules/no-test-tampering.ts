import * as v from 'valibot';
import type { ChangeSet } from '../types.js';
import { list, trackedFilesOf } from './command-facts.js';
import { changedFile } from './examples.js';
import { TEST_FILES } from './globs.js';
import { anyRegexp, countRegexps, literalsOfAny, matchesAny, regexps, regexSource } from './match.js';
import { shippedPatterns } from './regex.js';
import type { CheckChange, CheckCommand, RuleMeta } from './rule.js';

/** Regular expressions (sources) for one assertion each. */
export const DEFAULT_ASSERTIONS = shippedPatterns([
  '\\bexpect\\s*\\(',
  '\\bassert(?:\\.\\w+)?\\s*\\(',
  '\\bassert\\s+\\S',
  '\\bshould\\.',
  '\\.should\\b',
  '\\bt\\.(?:is|true|false|deepEqual|equal|throws|assert|ok|notOk|same)\\w*\\s*\\(',
  '\\bself\\.assert\\w*\\s*\\(',
  '\\b(?:require|assert)\\.\\w+\\s*\\(',
  '\\bassert_\\w*!?\\s*\\(',
]);

/** Regular expressions (sources) that skip or focus tests. */
export const DEFAULT_SKIPS = shippedPatterns([
  '\\b(?:it|test|describe|suite|context|bench)\\.(?:skip|only|todo|skipIf|runIf|fails)\\b',
  '\\b(?:xit|xdescribe|xtest|fit|fdescribe|xcontext)\\s*\\(',
  '@pytest\\.mark\\.(?:skip|xfail)',
  '@unittest\\.skip',
  '\\bt\\.Skip(?:Now|f)?\\(',
  '#\\[ignore\\]',
  '@(?:Disabled|Ignore)\\b',
  '\\bpending\\s*\\(',
]);

function countMatches(lines: { text: string }[], count: (text: string) => number): number {
  let total = 0;
  for (const { text } of lines) total += count(text);
  return total;
}

export const checkChange: CheckChange<Options> = (change, options) => {
  const assertions = countRegexps(options.assertions);
  const skips = regexps(options.skips);
  const anySkip = anyRegexp(options.skips);
  const mayAssert = literalsOfAny(options.assertions);
  const maySkip = literalsOfAny(options.skips);
  const reports = [];
  for (const file of change.files) {
    if (!matchesAny(file.path, options.tests) && !(file.oldPath && matchesAny(file.oldPath, options.tests)))
      continue;
    if (file.status === 'deleted') {
      reports.push({ message: `The test file ${file.path} is deleted.`, file: file.path });
      continue;
    }
    if (mayAssert && maySkip && file.patchText !== undefined) {
      if (!mayAssert(file.patchText) && !maySkip(file.patchText)) continue;
    }
    for (const added of file.addedLines ?? []) {
      if (anySkip(added.text) && skips.some((pattern) => pattern.test(added.text))) {
        reports.push({
          message: `Skips or focuses tests: ${added.text.trim().slice(0, 120)}`,
          file: file.path,
          line: added.line,
        });
      }
    }
    // The change in a file's assertion count is what the added lines bring minus what the removed take.
    const drop =
      countMatches(file.removedLines ?? [], assertions) - countMatches(file.addedLines ?? [], assertions);
    if (drop > 0) reports.push({ message: `${drop} assertion(s) fewer in ${file.path}.`, file: file.path });
  }
  return reports;
};

const file = changedFile;

export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[] } = {
  valid: [
    {
      source: 'staged',
      files: [
        file('test/a.test.ts', {
          addedLines: [{ line: 4, text: '  expect(add(1, 2)).toBe(3);' }],
          removedLines: [],
        }),
      ],
    },
    { source: 'staged', files: [file('src/skip.ts', { addedLines: [{ line: 1, text: 'it.skip("x")' }] })] },
    {
      source: 'staged',
      files: [
        file('test/a.test.ts', {
          addedLines: [{ line: 4, text: 'expect(b).toBe(2);' }],
          removedLines: [{ line: 4, text: 'expect(a).toBe(1);' }],
        }),
      ],
    },
  ],
  invalid: [
    { source: 'staged', files: [file('test/a.test.ts', { status: 'deleted' })] },
    {
      source: 'staged',
      files: [file('src/a.spec.ts', { addedLines: [{ line: 2, text: "it.only('works', () => {" }] })],
    },
    {
      source: 'staged',
      files: [file('test/a.test.ts', { addedLines: [{ line: 9, text: "test.todo('later')" }] })],
    },
    {
      source: 'staged',
      files: [
        file('test/a.test.ts', { addedLines: [], removedLines: [{ line: 4, text: 'expect(a).toBe(1);' }] }),
      ],
    },
    {
      source: 'staged',
      files: [
        file('tests/test_a.py', { addedLines: [{ line: 1, text: '@pytest.mark.skip(reason="flaky")' }] }),
      ],
    },
  ],
};

export const meta = {
  id: 'no-test-tampering',
  description:
    'No deleted test files, no added skips or focused tests, no drop in a test file’s assertion count.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    tests: v.optional(v.array(v.string()), TEST_FILES),
    assertions: v.optional(v.array(regexSource), DEFAULT_ASSERTIONS),
    skips: v.optional(v.array(regexSource), DEFAULT_SKIPS),
  }),
  hint: 'Make the code pass the tests as they are; if a test is wrong, say so to a human instead of changing it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

export const checkCommand: CheckCommand<Options> = (operations, options, facts) => {
  const reports = [];
  for (const operation of operations) {
    if (operation.kind !== 'delete') continue;
    for (const target of operation.targets) {
      const tests = trackedFilesOf(target, facts).filter((file) => matchesAny(file, options.tests));
      if (tests.length)
        reports.push({
          message: `\`${operation.via}\` deletes test files: ${list(tests)}.`,
          alternative: 'Make the code pass the tests instead.',
        });
    }
  }
  return reports;
};
