// The policy file's one schema: it validates policies and generates the JSON Schema shipped in the
// package (scripts/build.js writes schema.json from it), so `$schema` gives editors completion.
import * as v from 'valibot';
import { rules } from '../rules/index.js';
import { durationMs } from './duration.js';

export { durationMs };

export const SEVERITIES = ['off', 'warn', 'error'] as const;
export const VERIFY_HOOKS = ['pre-commit', 'pre-push', 'ci', 'edit', 'stop'] as const;

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

/** Step timeouts: at least a second (a shorter one fails every step at once), at most a day. */
export const MIN_TIMEOUT_MS = 1000;
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

const DURATION_TEXT = 'a duration from 1s to 24h, such as "30s", "2m" or 1500 (milliseconds)';

/** A duration: milliseconds, or a string such as "90s", "2m", "1h", within the bounds above. */
const duration = v.pipe(
  v.union([v.number(), v.string()], DURATION_TEXT),
  v.check((value) => {
    const ms = durationMs(value);
    return ms >= MIN_TIMEOUT_MS && ms <= MAX_TIMEOUT_MS;
  }, DURATION_TEXT),
);

const hookList = v.array(v.picklist(VERIFY_HOOKS));

/** Names of environment variables a step's result depends on; a final `*` matches a prefix. */
const envList = v.array(
  v.pipe(
    v.string(),
    v.regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, 'a variable name such as "NODE_ENV" or "VITE_*"'),
  ),
);

export const verifyStepSchema = v.strictObject({
  run: v.pipe(v.string(), v.minLength(1, 'a command to run')),
  on: v.optional(hookList),
  when: v.optional(v.array(v.string())),
  timeout: v.optional(duration),
  parallel: v.optional(v.boolean()),
  mode: v.optional(v.picklist(['staged', 'worktree'])),
  env: v.optional(envList),
  once: v.optional(v.boolean()),
});

/**
 * `verify`: named steps, and/or `from: "VERIFY.md"` with the settings of the steps read from the
 * fenced shell blocks of that file (`on`, `timeout`, `mode`, `env`, `once`). The named steps run first.
 */
export const verifySchema = v.pipe(
  v.objectWithRest(
    {
      from: v.optional(v.pipe(v.string(), v.minLength(1, 'a file name such as "VERIFY.md"'))),
      on: v.optional(hookList),
      timeout: v.optional(duration),
      mode: v.optional(v.picklist(['staged', 'worktree'])),
      env: v.optional(envList),
      once: v.optional(v.boolean()),
    },
    verifyStepSchema,
  ),
);

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
  contain: v.optional(v.picklist(['auto', 'required', 'off'])),
});

const extendsField = v.union([v.string(), v.array(v.string())]);

const overlayEntries = {
  extends: v.optional(extendsField),
  rules: v.optional(v.strictObject(ruleEntries)),
  verify: v.optional(verifySchema),
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
export type VerifyInput = v.InferOutput<typeof verifySchema>;
