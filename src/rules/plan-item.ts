import * as v from 'valibot';
import type { CommitMessage } from '../types.js';
import { trailersOf } from './message-text.js';
import type { CheckMessage, RuleMeta } from './rule.js';

export const meta = {
  id: 'plan-item',
  description:
    'A commit message names the PLAN.md checklist item it works on (its text, or a `Plan-Item:` trailer).',
  defaultSeverity: 'error',
  inputs: ['message'],
  options: v.strictObject({
    /** The plan file whose `- [ ]` / `- [x]` items a message must name. */
    file: v.optional(v.string(), 'PLAN.md'),
  }),
  hint: 'Say which PLAN.md item the commit works on, e.g. a trailer `Plan-Item: 3` or the item’s words in the subject.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

function normalize(text: string): string {
  return text.toLowerCase().replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
}

export const checkMessage: CheckMessage<Options> = (message, options) => {
  if (message.kind !== 'normal') return [];
  const items = message.planItems;
  if (items === undefined)
    return [{ message: `${options.file} is missing, so the commit cannot name the item it works on.` }];
  if (items.length === 0) return [{ message: `${options.file} has no checklist items (\`- [ ] ...\`).` }];
  const trailer = trailersOf(message.text).get('plan-item');
  if (trailer !== undefined) {
    const index = Number(trailer);
    if (Number.isInteger(index) && index >= 1 && index <= items.length) return [];
    if (items.some((item) => normalize(item) === normalize(trailer))) return [];
    return [{ message: `Plan-Item: ${trailer} is not an item of ${options.file} (it has ${items.length}).` }];
  }
  const text = normalize(message.text);
  if (items.some((item) => text.includes(normalize(item)))) return [];
  return [{ message: `The message names none of the ${items.length} items of ${options.file}.` }];
};

const plan = ['Parse the policy file', 'Check staged changes'];

export const messageExamples: { valid: PlanExample[]; invalid: PlanExample[] } = {
  valid: [
    { text: 'Parse the policy file with cosmiconfig', planItems: plan },
    { text: 'Add the collector\n\nPlan-Item: 2', planItems: plan },
    { text: "Merge branch 'x'", kind: 'merge', planItems: plan },
  ],
  invalid: [
    { text: 'Refactor things', planItems: plan },
    { text: 'Add the collector\n\nPlan-Item: 7', planItems: plan },
    { text: 'Parse the policy file' },
  ],
};

export interface PlanExample {
  text: string;
  kind?: CommitMessage['kind'];
  planItems?: string[];
}
