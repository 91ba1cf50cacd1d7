// The policy file's one schema: it validates policies and generates the JSON Schema shipped in the
// package (scripts/build.js writes schema.json from it), so `$schema` gives editors completion.
import * as v from 'valibot';
import { rules } from '../rules/index.js';

export const SEVERITIES = ['off', 'warn', 'error'] as const;
export const VERIFY_HOOKS = ['pre-commit', 'pre-push', 'ci'] as const;

const severity = v.picklist(SEVERITIES);

function ruleEntry(options: v.GenericSchema) {
  return v.union([severity, v.strictTuple([severity]), v.strictTuple([severity, options])]);
}

const ruleEntries = Object.fromEntries(
  Object.entries(rules).map(([id, rule]) => [
    id,
    v.optional(v.pipe(ruleEntry(rule.meta.options), v.description(rule.meta.description))),
  ]),
);

/** A duration: milliseconds, or a string such as "90s", "2m", "1h". */
const duration = v.union([
  v.pipe(v.number(), v.integer(), v.minValue(1)),
  v.pipe(v.string(), v.regex(/^\d+(?:\.\d+)?\s*(?:ms|s|m|h)$/, 'a duration such as "30s", "2m" or 1500')),
]);

const hookList = v.array(v.picklist(VERIFY_HOOKS));

export const verifyStepSchema = v.strictObject({
  run: v.pipe(v.string(), v.minLength(1, 'a command to run')),
  on: v.optional(hookList),
  when: v.optional(v.array(v.string())),
  timeout: v.optional(duration),
  parallel: v.optional(v.boolean()),
  mode: v.optional(v.picklist(['staged', 'worktree'])),
});

/** `verify: { "from": "VERIFY.md" }` takes the steps from the fenced shell blocks of that file. */
export const verifyFromSchema = v.strictObject({
  from: v.string(),
  on: v.optional(hookList),
  timeout: v.optional(duration),
  mode: v.optional(v.picklist(['staged', 'worktree'])),
});

const shellPattern = v.strictObject({
  pattern: v.pipe(v.array(v.union([v.string(), v.array(v.string())])), v.minLength(1, 'at least one word')),
  reason: v.string(),
  examples: v.optional(
    v.strictObject({ match: v.optional(v.array(v.string())), notMatch: v.optional(v.array(v.string())) }),
  ),
});

const shell = v.strictObject({
  deny: v.optional(v.array(shellPattern)),
  allow: v.optional(v.array(shellPattern)),
  onError: v.optional(v.picklist(['deny', 'ask'])),
  tempDirs: v.optional(v.array(v.string())),
});

const extendsField = v.union([v.string(), v.array(v.string())]);

const overlayEntries = {
  extends: v.optional(extendsField),
  rules: v.optional(v.strictObject(ruleEntries)),
  verify: v.optional(v.union([verifyFromSchema, v.record(v.string(), verifyStepSchema)])),
  shell: v.optional(shell),
};

export const policySchema = v.strictObject({
  $schema: v.optional(v.string()),
  ...overlayEntries,
  profiles: v.optional(v.record(v.string(), v.strictObject(overlayEntries))),
});

export type PolicyFile = v.InferOutput<typeof policySchema>;
export type PolicyOverlay = Omit<PolicyFile, '$schema' | 'profiles'>;
export type RuleEntry = v.InferOutput<ReturnType<typeof ruleEntry>>;
export type VerifyStepInput = v.InferOutput<typeof verifyStepSchema>;
