// Validation of one policy source against the schema, with errors that name the file, the key path,
// what was expected and what was found, and a "did you mean" for unknown keys and rule ids.
import * as v from 'valibot';
import { ConfigError } from '../errors.js';
import { rules } from '../rules/index.js';
import { suggestion } from './names.js';
import { durationMs, type PolicyFile, policySchema, SEVERITIES } from './schema.js';

/** Milliseconds of a validated duration; `fallback` when none is given. */
export function parseDuration(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = durationMs(value);
  return Number.isFinite(ms) ? ms : fallback;
}

/** Validates one policy source; `label` names it in errors (`.agentpolicyrc`, `HEAD:.agentpolicyrc`). */
export function validatePolicy(label: string, data: unknown): PolicyFile {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${label}: expected an object at the top level, found ${describeValue(data)}.`);
  }
  const result = v.safeParse(policySchema, data);
  const problems = result.success
    ? [...arraysTakenAsObjects(data, result.output, []), ...verifySettingsAlone(data)]
    : [...new Set(result.issues.map((issue) => describeIssue(issue, data)))];
  if (result.success && problems.length === 0) return result.output;
  const shown = problems.slice(0, 10);
  const more = problems.length > shown.length ? `\n  (+${problems.length - shown.length} more)` : '';
  throw new ConfigError(
    `${label} is not a valid policy:\n${shown.map((p) => `  - ${p}`).join('\n')}${more}\n` +
      'Fix the policy file; `agentpolicy config` shows the resolved policy once it loads.',
  );
}

/** valibot's object schemas accept an array as an object with no keys: `[]` where `{}` belongs is an error. */
function arraysTakenAsObjects(input: unknown, output: unknown, keys: (string | number)[]): string[] {
  if (Array.isArray(input)) {
    if (!Array.isArray(output))
      return [`${formatPath(keys)}: expected an object, found ${describeValue(input)}.`];
    return input.flatMap((item, i) => arraysTakenAsObjects(item, output[i], [...keys, i]));
  }
  if (input === null || typeof input !== 'object' || output === null || typeof output !== 'object') return [];
  return Object.keys(input).flatMap((key) =>
    Object.hasOwn(output, key)
      ? arraysTakenAsObjects(
          (input as Record<string, unknown>)[key],
          (output as Record<string, unknown>)[key],
          [...keys, key],
        )
      : [],
  );
}

/** `on`, `timeout` and `mode` directly under `verify` are the settings of `verify.from`'s steps. */
function verifySettingsAlone(data: unknown): string[] {
  const problems: string[] = [];
  const check = (verify: unknown, prefix: string) => {
    if (!verify || typeof verify !== 'object' || 'from' in verify) return;
    for (const key of ['on', 'timeout', 'mode'])
      if (key in verify)
        problems.push(
          `${prefix}verify.${key}: applies to the steps read from verify.from, and "from" is not set. Set "from", or give each named step its own "${key}".`,
        );
  };
  const policy = data as Record<string, unknown>;
  check(policy.verify, '');
  for (const [name, profile] of Object.entries((policy.profiles as Record<string, unknown>) ?? {}))
    check((profile as Record<string, unknown> | null)?.verify, `profiles.${name}.`);
  return problems;
}

type Issue = v.BaseIssue<unknown>;

function keyPath(path: Issue['path']): (string | number)[] {
  return (path ?? []).map((item) => item.key as string | number);
}

function formatPath(keys: (string | number)[]): string {
  return (
    keys.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('') ||
    '(top level)'
  );
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${JSON.stringify(value).slice(0, 60)})`;
  if (typeof value === 'object') return 'an object';
  return `${JSON.stringify(value)} (a ${typeof value})`;
}

function valueAt(data: unknown, keys: (string | number)[]): unknown {
  let current = data;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const TOP_KEYS = Object.keys(policySchema.entries);

function describeIssue(issue: Issue, data: unknown): string {
  const keys = keyPath(issue.path);
  const where = formatPath(keys);
  const found = valueAt(data, keys);

  // An unknown key: say which keys exist and the closest one.
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const key = String(keys[keys.length - 1]);
    const parent = keys.slice(0, -1);
    if (parent.length === 1 && (parent[0] === 'rules' || parent[0] === 'profiles')) {
      return `${where}: unknown rule "${key}".${suggestion(key, Object.keys(rules))}`;
    }
    if (parent.length === 3 && parent[0] === 'profiles' && parent[2] === 'rules') {
      return `${where}: unknown rule "${key}".${suggestion(key, Object.keys(rules))}`;
    }
    const known = parent.length === 0 ? TOP_KEYS : knownKeys(parent);
    return `${where}: unknown key "${key}".${suggestion(key, known)}`;
  }

  // A rule entry: explain which part of `"error"` / `["error", { options }]` is wrong.
  const ruleIndex = keys[0] === 'rules' ? 1 : keys[0] === 'profiles' && keys[2] === 'rules' ? 3 : -1;
  if (ruleIndex > 0 && keys.length === ruleIndex + 1 && issue.type === 'union') {
    return explainRuleEntry(where, String(keys[ruleIndex]), found);
  }

  return `${where}: ${expectation(issue)}, found ${describeValue(found)}.`;
}

/** What the schema wanted: the message we wrote in it, else valibot's expected type. */
function expectation(issue: Issue): string {
  const ours = issue.message && !issue.message.startsWith('Invalid ') ? issue.message : undefined;
  if (ours) return `expected ${ours}`;
  if (issue.type === 'union') return 'expected one of the accepted forms';
  return `expected ${issue.expected ?? 'a valid value'}`;
}

function knownKeys(parent: (string | number)[]): string[] {
  if (parent[0] === 'shell') return ['deny', 'allow', 'onError', 'tempDirs', 'pattern', 'reason', 'examples'];
  if (parent[0] === 'verify') return ['run', 'on', 'when', 'timeout', 'parallel', 'mode'];
  if (parent[0] === 'profiles') return ['extends', 'rules', 'verify', 'shell'];
  return [];
}

function explainRuleEntry(where: string, id: string, value: unknown): string {
  const rule = rules[id as keyof typeof rules];
  const severities = SEVERITIES.map((s) => `"${s}"`).join(', ');
  const severity = Array.isArray(value) ? value[0] : value;
  if (!Array.isArray(value) && typeof value !== 'string') {
    return `${where}: expected a severity (${severities}) or ["error", { options }], found ${describeValue(value)}.`;
  }
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
    return `${where}: expected a severity (${severities}), found ${describeValue(severity)}.${
      typeof severity === 'string' ? suggestion(severity, SEVERITIES) : ''
    }`;
  }
  if (Array.isArray(value) && value.length > 2) {
    return `${where}: expected [severity, options], found ${value.length} items.`;
  }
  const result = v.safeParse(rule.meta.options, value[1]);
  if (result.success) return `${where}: invalid value.`;
  const issue = result.issues[0];
  const keys = keyPath(issue.path);
  const optionWhere = `${where}[1]${keys.length ? `.${formatPath(keys)}` : ''}`;
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const key = String(keys[keys.length - 1]);
    const known = Object.keys((rule.meta.options as unknown as { entries: Record<string, unknown> }).entries);
    return `${optionWhere}: unknown option "${key}" for rule ${id}.${suggestion(key, known)} Options: ${known.join(', ')}.`;
  }
  return `${optionWhere}: ${expectation(issue)}, found ${describeValue(valueAt(value[1], keys))}.`;
}
