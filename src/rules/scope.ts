import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'scope',
  description: 'Every changed path must match one of `allow`: the "only change ___" instruction as a rule.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    allow: v.pipe(v.array(v.string()), v.minLength(1, 'give at least one glob')),
  }),
  hint: 'Keep the change inside the paths the task allows, or ask for the scope to be widened.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
