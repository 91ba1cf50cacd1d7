import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'no-force-push',
  description: 'No force push (`--force`, `-f`, `+refspec`, `--mirror`, a non-fast-forward update).',
  defaultSeverity: 'error',
  inputs: ['push', 'command'],
  options: v.strictObject({
    /** Branch globs where a force push is fine (your own feature branches, say). */
    allow: v.optional(v.array(v.string()), []),
    /** Let `--force-with-lease` through: it refuses to overwrite work you have not seen. */
    allowWithLease: v.optional(v.boolean(), true),
  }),
  hint: 'Push without force; to replace your own branch use `git push --force-with-lease` after fetching.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
