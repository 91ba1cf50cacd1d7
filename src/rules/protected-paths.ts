import * as v from 'valibot';
import { CI_FILES, HOOK_FILES, POLICY_FILES } from './globs.js';
import type { RuleMeta } from './rule.js';

export const meta = {
  id: 'protected-paths',
  description: 'Files matching these globs must not change at all: by default the policy, the hooks and CI.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    paths: v.optional(v.array(v.string()), [...POLICY_FILES, ...HOOK_FILES, ...CI_FILES]),
  }),
  hint: 'These files are for humans to change. Ask for the change instead of making it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
