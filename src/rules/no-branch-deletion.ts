import { minimatch } from 'minimatch';
import * as v from 'valibot';
import type { RefUpdate } from '../types.js';
import type { CheckPush, RuleMeta } from './rule.js';

export const checkPush: CheckPush<Options> = (updates, options) =>
  updates
    .filter((update) => update.deletion)
    .filter(
      (update) =>
        !options.allow.some(
          (glob) =>
            minimatch(update.remoteRef, glob) ||
            minimatch(update.remoteRef.replace(/^refs\/(heads|tags)\//, ''), glob),
        ),
    )
    .map((update) => ({ message: `The push deletes ${update.remoteRef} on the remote.` }));

export const pushExamples: { valid: RefUpdate[][]; invalid: RefUpdate[][] } = {
  valid: [
    [
      {
        localRef: 'refs/heads/x',
        localOid: 'b',
        remoteRef: 'refs/heads/x',
        remoteOid: '0'.repeat(40),
        deletion: false,
        force: false,
        creation: true,
      },
    ],
  ],
  invalid: [
    [
      {
        localRef: '(delete)',
        localOid: '0'.repeat(40),
        remoteRef: 'refs/heads/old',
        remoteOid: 'a',
        deletion: true,
        force: false,
        creation: false,
      },
    ],
  ],
};

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
