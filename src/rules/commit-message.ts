import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'commit-message',
  description:
    'A commit message is required, and can be held to length, pattern, Conventional Commits and trailers.',
  defaultSeverity: 'error',
  inputs: ['message'],
  options: v.strictObject({
    minLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1),
    maxSubjectLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    /** A regular expression the subject line must match. */
    pattern: v.optional(v.string()),
    /** Require Conventional Commits (`type(scope): subject`). */
    conventional: v.optional(
      v.union([
        v.boolean(),
        v.strictObject({
          types: v.optional(v.array(v.string())),
          scopes: v.optional(v.array(v.string())),
          requireScope: v.optional(v.boolean(), false),
        }),
      ]),
      false,
    ),
    /** Words or phrases the subject must not be (or contain as whole words), case-insensitive. */
    forbid: v.optional(v.array(v.string()), []),
    /** Trailers (`Key: value` lines at the end) that must be present. */
    trailers: v.optional(v.array(v.string()), []),
    /** Skip the checks for git's own merge and revert messages. */
    ignoreMerge: v.optional(v.boolean(), true),
    ignoreRevert: v.optional(v.boolean(), true),
    /** Let `fixup!`, `squash!` and `amend!` messages through (they are squashed before they land). */
    allowFixup: v.optional(v.boolean(), true),
  }),
  hint: 'Write a message that says what the change does and why: `git commit -m "<type>: <what and why>"`.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
