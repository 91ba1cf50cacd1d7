import * as v from 'valibot';
import type { ChangeSet } from '../types.js';
import { changedFile } from './examples.js';
import { matchesAny, regexp, regexSource } from './match.js';
import { literalTest, regexProblem } from './regex.js';
import type { CheckChange, RuleMeta } from './rule.js';

export const checkChange: CheckChange<Options> = (change, options) => {
  const reports = [];
  for (const rule of options.patterns) {
    const pattern = regexp(rule.pattern, rule.flags);
    const may = pattern.literals ? literalTest(pattern.literals) : undefined;
    for (const file of change.files) {
      if (rule.files && !matchesAny(file.path, rule.files)) continue;
      if (may && file.patchText !== undefined && !may(file.patchText)) continue;
      for (const added of file.addedLines ?? []) {
        if (pattern.test(added.text))
          reports.push({ message: rule.message, file: file.path, line: added.line });
      }
    }
  }
  return reports;
};

const file = changedFile;

const options = {
  patterns: [{ pattern: '\\bdebugger\\b', message: 'Remove the debugger statement.', flags: '' }],
};
export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[]; options: typeof options } = {
  options,
  valid: [
    {
      source: 'staged',
      files: [file('a.ts', { addedLines: [{ line: 1, text: 'const debuggerEnabled = false;' }] })],
    },
  ],
  invalid: [{ source: 'staged', files: [file('a.ts', { addedLines: [{ line: 7, text: '  debugger;' }] })] }],
};

export const meta = {
  id: 'forbidden-content',
  description:
    'Added lines must not match the given regular expressions (secrets, `debugger`, `console.log`...).',
  defaultSeverity: 'error',
  inputs: ['change'],
  options: v.strictObject({
    patterns: v.optional(
      v.array(
        v.pipe(
          v.strictObject({
            pattern: regexSource,
            message: v.string(),
            /** Regular expression flags, e.g. "i". */
            flags: v.optional(v.string(), ''),
            /** Globs the pattern applies to; all files when absent. */
            files: v.optional(v.array(v.string())),
          }),
          v.forward(
            v.rawCheck(({ dataset, addIssue }) => {
              if (!dataset.typed) return;
              const problem = regexProblem(dataset.value.pattern, dataset.value.flags);
              if (problem) addIssue({ message: `valid flags: ${problem}` });
            }),
            ['flags'],
          ),
        ),
      ),
      [],
    ),
  }),
  hint: 'Remove the line before committing.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
