import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

/** Environment variables that switch git hook managers (or other guards) off. */
export const BYPASS_VARIABLES = [
  'HUSKY',
  'SKIP',
  'LEFTHOOK',
  'LEFTHOOK_EXCLUDE',
  'SKIP_SIMPLE_GIT_HOOKS',
  'OVERCOMMIT_DISABLE',
  'PRE_COMMIT_ALLOW_NO_CONFIG',
  'AGENTPOLICY_DISABLE',
  'DCG_BYPASS',
  'SAFETY_NET_DISABLE',
];

export const meta = {
  id: 'no-hook-bypass',
  description:
    'No skipping or disabling of the git hooks: `--no-verify`, `HUSKY=0`, `core.hooksPath`, hook tampering.',
  defaultSeverity: 'error',
  inputs: ['command'],
  options: v.strictObject({
    variables: v.optional(v.array(v.string()), BYPASS_VARIABLES),
  }),
  hint: 'Let the hooks run and fix what they report; if a hook is wrong, tell a human.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
