import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'no-deletions',
  description: 'No tracked file may be deleted. A rename is not a deletion.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    /** Globs of files that may be deleted. */
    allow: v.optional(v.array(v.string()), []),
  }),
  hint: 'Leave the file in place and say in the commit message or to a human why it should go; or move it with `git mv`.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
