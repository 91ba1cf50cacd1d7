import * as v from 'valibot';
import { GENERATED_FILES } from './globs.js';
import type { RuleMeta } from './rule.js';

const count = v.pipe(v.number(), v.integer(), v.minValue(1));

export const meta = {
  id: 'max-diff-lines',
  description:
    'Each commit changes at most `max` lines (added plus deleted); optionally a range at most `maxRange`.',
  defaultSeverity: 'error',
  inputs: ['change'],
  options: v.strictObject({
    max: v.optional(count, 150),
    /** Limit for a whole push or pull request. */
    maxRange: v.optional(count),
    /** Limit on the number of changed files in a commit. */
    maxFiles: v.optional(count),
    /** Globs whose lines do not count. */
    ignore: v.optional(v.array(v.string()), GENERATED_FILES),
    /** Lines a binary file counts for, since git cannot count its lines. */
    binaryCost: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 50),
  }),
  hint: 'Split the change into smaller commits, each one step that can be reviewed on its own.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
