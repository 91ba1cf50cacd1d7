import * as v from 'valibot';
import { durationMs } from '../config/duration.js';
import type { CheckSession, RuleMeta } from './rule.js';

export const checkSession: CheckSession<Options> = (facts, options) => {
  if (!facts.session) return {};
  const since = facts.now - durationMs(options.window);
  const active = facts.sessions.filter((session) => session.lastSeen >= since);
  if (active.some((session) => session.id === facts.session) || active.length < options.max) return {};
  const list = active
    .slice(0, options.max)
    .map((session) => `${session.agent} ${session.id} (last seen ${ago(facts.now - session.lastSeen)})`)
    .join(', ');
  return {
    block: {
      message: `${active.length} agent sessions are already active in this repository within ${options.window}, at most ${options.max}: ${list}.`,
      alternative: `Wait until one of them ends (sessions count as active for ${options.window} after their last tool call), or ask a human to raise max-sessions.`,
    },
  };
};

function ago(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 90 ? `${seconds}s ago` : `${Math.round(seconds / 60)} min ago`;
}

const DURATION_TEXT = 'a duration from 1s to 24h, such as "15m"';

export const meta = {
  id: 'max-sessions',
  description:
    'At most `max` agent sessions active in one repository within `window`; a further session is denied.',
  defaultSeverity: 'error',
  inputs: ['session'],
  options: v.strictObject({
    max: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
    /** How long after its last tool call a session counts as active. */
    window: v.optional(
      v.pipe(
        v.string(),
        v.check((value) => {
          const ms = durationMs(value);
          return ms >= 1000 && ms <= 24 * 3_600_000;
        }, DURATION_TEXT),
      ),
      '15m',
    ),
  }),
  hint: 'Finish or pause another session first.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
