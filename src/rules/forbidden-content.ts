import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'forbidden-content',
  description:
    'Added lines must not match the given regular expressions (secrets, `debugger`, `console.log`...).',
  defaultSeverity: 'error',
  inputs: ['change'],
  options: v.strictObject({
    patterns: v.optional(
      v.array(
        v.strictObject({
          pattern: v.string(),
          message: v.string(),
          /** Regular expression flags, e.g. "i". */
          flags: v.optional(v.string(), ''),
          /** Globs the pattern applies to; all files when absent. */
          files: v.optional(v.array(v.string())),
        }),
      ),
      [],
    ),
  }),
  hint: 'Remove the line before committing.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
