import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'edit-only',
  description:
    'No new files: only existing files may change (added or copied files fail; renames unless allowed).',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    /** Globs of new files that are allowed (tests, PROGRESS.md...). */
    allow: v.optional(v.array(v.string()), []),
    /** A rename to a new path is not a new file. */
    allowRenames: v.optional(v.boolean(), false),
  }),
  hint: 'Put the code in an existing file, or ask a human to create the file first.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
