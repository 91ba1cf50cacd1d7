import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'no-branch-deletion',
  description:
    'No deletion of remote branches or tags (`git push --delete`, `:branch`, a `(delete)` in pre-push).',
  defaultSeverity: 'error',
  inputs: ['push', 'command'],
  options: v.strictObject({
    /** Ref globs (`feature/*`, `refs/tags/tmp-*`) that may be deleted. */
    allow: v.optional(v.array(v.string()), []),
  }),
  hint: 'Leave the branch; a human can delete it once its work is merged.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
