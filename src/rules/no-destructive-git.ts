import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'no-destructive-git',
  description:
    'No git command that discards uncommitted work or rewrites history (reset --hard, clean -f, ...).',
  defaultSeverity: 'error',
  inputs: ['command'],
  options: v.strictObject({
    /** `git clean -X` removes only ignored files (build output). */
    allowCleanIgnored: v.optional(v.boolean(), false),
    /** `git commit --amend` and `git checkout -B` rewrite local history only. */
    allowLocalRewrite: v.optional(v.boolean(), true),
    /** Decide from repository state: a `reset --hard` with nothing uncommitted destroys nothing. */
    useRepositoryState: v.optional(v.boolean(), true),
  }),
  hint: 'Save the work first (`git stash`, or commit it), then use a command that keeps it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
