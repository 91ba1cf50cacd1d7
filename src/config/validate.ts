// Validation of one policy source against the schema, with errors that name the file, the key path,
// what was expected and what was found, and a "did you mean" for unknown keys and rule ids.
import * as v from 'valibot';
import { ConfigError } from '../errors.js';
import { rules } from '../rules/index.js';
import { relativeName, suggestion } from './names.js';
import { type PolicyFile, policySchema, SEVERITIES } from './schema.js';

/** Sections that must be objects; valibot's object schemas would take an array for an empty object. */
const OBJECT_SECTIONS = ['rules', 'verify', 'shell', 'profiles'];

export function validatePolicy(source: string, data: unknown): PolicyFile {
  const notObject = (value: unknown) => value === null || typeof value !== 'object' || Array.isArray(value);
  if (notObject(data)) {
    throw new ConfigError(
      `${relativeName(source)}: expected an object at the top level, found ${describeValue(data)}.`,
    );
  }
  for (const key of OBJECT_SECTIONS) {
    const value = (data as Record<string, unknown>)[key];
    if (value !== undefined && notObject(value)) {
      throw new ConfigError(
        `${relativeName(source)}: ${key}: expected an object, found ${describeValue(value)}.`,
      );
    }
  }
  const result = v.safeParse(policySchema, data);
  if (result.success) return result.output;
  const problems = [...new Set(result.issues.map((issue) => describeIssue(issue, data)))];
  const shown = problems.slice(0, 10);
  const more = problems.length > shown.length ? `\n  (+${problems.length - shown.length} more)` : '';
  throw new ConfigError(
    `${relativeName(source)} is not a valid policy:\n${shown.map((p) => `  - ${p}`).join('\n')}${more}\n` +
      'Fix the policy file; `agentpolicy config` shows the resolved policy once it loads.',
  );
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
    const known = parent.length === 0 ? TOP_KEYS : knownKeys(parent, data);
    return `${where}: unknown key "${key}".${suggestion(key, known)}`;
  }

  // A rule entry: explain which part of `"error"` / `["error", { options }]` is wrong.
  const ruleIndex = keys[0] === 'rules' ? 1 : keys[0] === 'profiles' && keys[2] === 'rules' ? 3 : -1;
  if (ruleIndex > 0 && keys.length === ruleIndex + 1 && issue.type === 'union') {
    return explainRuleEntry(where, String(keys[ruleIndex]), found);
  }

  const expected = issue.expected ? `expected ${issue.expected}` : issue.message;
  return `${where}: ${issue.type === 'union' ? 'invalid value' : expected}, found ${describeValue(found)}${issue.type === 'union' ? '' : ''}.${customMessage(issue)}`;
}

function customMessage(issue: Issue): string {
  // valibot's own messages repeat expected/received; keep only messages we wrote in the schema.
  return issue.message && !issue.message.startsWith('Invalid ') ? ` (${issue.message})` : '';
}

function knownKeys(parent: (string | number)[], data: unknown): string[] {
  if (parent[0] === 'shell') return ['deny', 'allow', 'onError', 'tempDirs', 'pattern', 'reason', 'examples'];
  if (parent[0] === 'verify') {
    const verify = valueAt(data, ['verify']) as Record<string, unknown> | undefined;
    return verify && 'from' in verify
      ? ['from', 'on', 'timeout', 'mode']
      : ['run', 'on', 'when', 'timeout', 'parallel', 'mode'];
  }
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
  return `${optionWhere}: expected ${issue.expected ?? 'a valid value'}, found ${describeValue(valueAt(value[1], keys))}.${customMessage(issue)}`;
}
