import * as v from 'valibot';
import type { CheckSession, RuleMeta } from './rule.js';

const fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

export const checkSession: CheckSession<Options> = (facts, options) => {
  if (facts.contextTokens === undefined) {
    // An unreadable transcript never blocks honest work: it is said, once per call.
    return facts.transcriptProblem
      ? { warn: { message: `The context budget could not be read: ${facts.transcriptProblem}.` } }
      : {};
  }
  const used = facts.contextTokens / options.window;
  const share = `${Math.round(used * 100)}% of the context (${facts.contextTokens.toLocaleString('en-US')} of ${options.window.toLocaleString('en-US')} tokens)`;
  if (used >= options.block && facts.changes) {
    return {
      block: {
        message: `This session has used ${share}; from ${Math.round(options.block * 100)}% only PROGRESS.md and PLAN.md may change.`,
        alternative: 'Write where you are and what is next in PROGRESS.md, then start a new session.',
      },
    };
  }
  if (used >= options.warn) {
    return {
      warn: {
        message: `This session has used ${share}. Finish the current step, write where you are in PROGRESS.md, and start a new session before ${Math.round(options.block * 100)}%.`,
      },
    };
  }
  return {};
};

export const meta = {
  id: 'context-budget',
  description:
    "An agent's context: from `warn` of `window` tokens a warning in the agent's context, from `block` only the memory files may change.",
  defaultSeverity: 'error',
  inputs: ['session'],
  options: v.pipe(
    v.strictObject({
      /** The model's context window, in tokens. */
      window: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000)), 200_000),
      /** From this share of the window, a warning goes into the agent's context. */
      warn: v.optional(fraction, 0.6),
      /** From this share, every change but the memory files is denied. */
      block: v.optional(fraction, 0.8),
    }),
    v.check((options) => options.warn <= options.block, '`warn` must not be above `block`'),
  ),
  hint: 'Write where you are in PROGRESS.md and start a new session.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
