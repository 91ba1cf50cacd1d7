import * as v from 'valibot';
import { TEST_FILES } from './globs.js';
import type { RuleMeta } from './rule.js';

/** Regular expressions (sources) for one assertion each. */
export const DEFAULT_ASSERTIONS = [
  '\\bexpect\\s*\\(',
  '\\bassert(?:\\.\\w+)?\\s*\\(',
  '\\bassert\\s+\\S',
  '\\bshould\\.',
  '\\.should\\b',
  '\\bt\\.(?:is|true|false|deepEqual|equal|throws|assert|ok|notOk|same)\\w*\\s*\\(',
  '\\bself\\.assert\\w*\\s*\\(',
  '\\b(?:require|assert)\\.\\w+\\s*\\(',
  '\\bassert_\\w*!?\\s*\\(',
];

/** Regular expressions (sources) that skip or focus tests. */
export const DEFAULT_SKIPS = [
  '\\b(?:it|test|describe|suite|context|bench)\\.(?:skip|only|todo|skipIf|runIf|fails)\\b',
  '\\b(?:xit|xdescribe|xtest|fit|fdescribe|xcontext)\\s*\\(',
  '@pytest\\.mark\\.(?:skip|xfail)',
  '@unittest\\.skip',
  '\\bt\\.Skip(?:Now|f)?\\(',
  '#\\[ignore\\]',
  '@(?:Disabled|Ignore)\\b',
  '\\bpending\\s*\\(',
];

export const meta = {
  id: 'no-test-tampering',
  description:
    'No deleted test files, no added skips or focused tests, no drop in a test file’s assertion count.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    tests: v.optional(v.array(v.string()), TEST_FILES),
    assertions: v.optional(v.array(v.string()), DEFAULT_ASSERTIONS),
    skips: v.optional(v.array(v.string()), DEFAULT_SKIPS),
  }),
  hint: 'Make the code pass the tests as they are; if a test is wrong, say so to a human instead of changing it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
