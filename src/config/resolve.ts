// Resolution of a policy: `extends` depth-first (presets, relative files, npm packages), the user's
// file last, then the selected profile; the result records where each value came from.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import * as v from 'valibot';
import fastModel from '../../policies/fast-model.json' with { type: 'json' };
import recommended from '../../policies/recommended.json' with { type: 'json' };
import strict from '../../policies/strict.json' with { type: 'json' };
import { ConfigError } from '../errors.js';
import { rules } from '../rules/index.js';
import { checkPatternExamples } from '../shell/patterns.js';
import type { ResolvedPolicy, RuleId, RuleSetting, ShellPattern, VerifyStep } from '../types.js';
import { findPolicyFile } from './load.js';
import { relativeName, suggestion } from './names.js';
import { parseData } from './parse-data.js';
import type { PolicyFile, PolicyOverlay, RuleEntry, VerifyStepInput } from './schema.js';
import { validatePolicy } from './validate.js';

export const PRESETS: Record<string, unknown> = { recommended, strict, 'fast-model': fastModel };
const PRESET_PREFIX = 'agentpolicy:';

export interface Provenance {
  rules: Partial<Record<RuleId, { severity: string; options?: string }>>;
  verify: Record<string, string>;
  shell: Record<string, string>;
}

export interface Resolution {
  policy: ResolvedPolicy;
  provenance: Provenance;
  /** Every file the policy was read from, the policy file first, so callers can cache on them. */
  files: string[];
}

interface Context {
  root: string;
  files: Resolution['files'];
  read: ReadFile;
}

interface Layer {
  source: string;
  body: PolicyOverlay;
}

interface State {
  rules: Partial<Record<RuleId, { severity: string; options?: unknown }>>;
  verifySteps: Record<string, VerifyStepInput>;
  verifyFrom?: { from: string; on?: string[]; timeout?: string | number; mode?: string };
  shell: { deny: ShellPattern[]; allow: ShellPattern[]; onError?: 'deny' | 'ask'; tempDirs: string[] };
  profiles: Record<string, { source: string; overlay: PolicyOverlay }>;
  provenance: Provenance;
}

/** Reads a file the policy extends; the work tree by default, a commit for the CI gate. */
export type ReadFile = (path: string) => string;

export interface ResolveOptions {
  profile?: string;
}

function noPolicy(where: string): ConfigError {
  return new ConfigError(
    `No policy found in ${where}. Create one with \`agentpolicy init\` (or write .agentpolicyrc with ` +
      '{ "extends": "agentpolicy:recommended" }).',
  );
}

/** The policy of the work tree at `root`. */
export async function resolvePolicy(root: string, options: ResolveOptions = {}): Promise<Resolution> {
  const found = await findPolicyFile(root);
  if (!found) throw noPolicy(root);
  return resolveFound(found, root, (path) => readFileSync(path, 'utf8'), options);
}

/** Resolves a policy file already read, following its `extends` with `read`. */
export function resolveFound(
  found: { filepath: string; data: unknown },
  root: string,
  read: ReadFile,
  options: ResolveOptions = {},
): Resolution {
  const files: Resolution['files'] = [];
  const file = validatePolicy(found.filepath, found.data);
  files.push(found.filepath);
  const context = { root, files, read };
  const layers = expand(found.filepath, file, context, []);
  const state: State = {
    rules: {},
    verifySteps: {},
    shell: { deny: [], allow: [], tempDirs: [] },
    profiles: {},
    provenance: { rules: {}, verify: {}, shell: {} },
  };
  for (const layer of layers) apply(state, layer);
  for (const layer of layers) collectProfiles(state, layer.source, layer.body as PolicyFile);

  const profile = options.profile;
  if (profile) {
    const selected = state.profiles[profile];
    if (!selected) {
      const known = Object.keys(state.profiles);
      throw new ConfigError(
        `Unknown profile "${profile}".${suggestion(profile, known)} ` +
          (known.length
            ? `Profiles in this policy: ${known.join(', ')}.`
            : 'This policy defines no profiles.'),
      );
    }
    const source = `${selected.source}#profiles.${profile}`;
    for (const layer of expand(source, selected.overlay, context, [])) apply(state, layer);
  }
  return { policy: normalize(state, layers, profile), provenance: state.provenance, files };
}

function expand(source: string, body: PolicyOverlay, context: Context, chain: string[]): Layer[] {
  if (chain.includes(source)) {
    throw new ConfigError(`"extends" loops: ${[...chain, source].map(relativeName).join(' -> ')}.`);
  }
  const parents =
    body.extends === undefined ? [] : Array.isArray(body.extends) ? body.extends : [body.extends];
  const layers: Layer[] = [];
  for (const name of parents) {
    const parent = loadExtended(name, source, context);
    layers.push(...expand(parent.source, parent.body, context, [...chain, source]));
  }
  layers.push({ source, body });
  return layers;
}

function loadExtended(name: string, from: string, context: Context): { source: string; body: PolicyFile } {
  if (name.startsWith(PRESET_PREFIX)) {
    const preset = name.slice(PRESET_PREFIX.length);
    const data = PRESETS[preset];
    if (!data) {
      throw new ConfigError(
        `${relativeName(from)}: "extends": unknown preset "${name}".${suggestion(
          preset,
          Object.keys(PRESETS),
        ).replace(/"(.+)"/, `"${PRESET_PREFIX}$1"`)} Presets: ${Object.keys(PRESETS)
          .map((p) => PRESET_PREFIX + p)
          .join(', ')}.`,
      );
    }
    return { source: name, body: validatePolicy(name, data) };
  }
  const filepath =
    name.startsWith('.') || isAbsolute(name)
      ? resolveRelative(name, from, context.root)
      : resolvePackage(name, from, context.root);
  let content: string;
  try {
    content = context.read(filepath);
  } catch (error) {
    throw new ConfigError(
      `${relativeName(from)}: "extends": cannot read ${name} (${(error as NodeJS.ErrnoException).code}).`,
      {
        cause: error,
      },
    );
  }
  if (/\.[cm]?[jt]s$/.test(filepath)) {
    throw new ConfigError(
      `${relativeName(from)}: "extends": ${name} is code; shared policies must be JSON or YAML.`,
    );
  }
  context.files.push(filepath);
  let data = parseData(filepath, content);
  if (filepath.endsWith('package.json')) data = (data as Record<string, unknown>).agentpolicy;
  return { source: filepath, body: validatePolicy(filepath, data) };
}

function resolveRelative(name: string, from: string, root: string): string {
  const base = from.startsWith(PRESET_PREFIX) || from.includes('#') ? root : dirname(from);
  return resolvePath(base, name);
}

/**
 * A shareable policy published as an npm package, resolved from the repository's own node_modules.
 * The package provides data: an `agentpolicy` key in its package.json, a JSON or YAML `main`, or a
 * file named by a subpath (`@acme/agentpolicy-config/strict.json`).
 */
function resolvePackage(name: string, from: string, root: string): string {
  const require = createRequire(join(root, 'package.json'));
  const isSubpath = name.startsWith('@') ? name.split('/').length > 2 : name.includes('/');
  try {
    if (isSubpath) return require.resolve(name);
    const manifestPath = require.resolve(`${name}/package.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    if (manifest.agentpolicy !== undefined) return manifestPath;
    const main = typeof manifest.main === 'string' ? manifest.main : 'agentpolicy.json';
    return join(dirname(manifestPath), main);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `${relativeName(from)}: "extends": cannot find the package "${name}" in ${join(root, 'node_modules')}. ` +
        `Install it (npm install --save-dev ${name}) or fix the name.`,
      { cause: error },
    );
  }
}

function apply(state: State, layer: Layer): void {
  const { source, body } = layer;
  for (const [id, entry] of Object.entries(body.rules ?? {}) as [RuleId, RuleEntry | undefined][]) {
    if (entry === undefined) continue;
    const [severity, options] = Array.isArray(entry) ? entry : [entry];
    const current = state.rules[id];
    // As in ESLint: a severity alone keeps the options set earlier; options given replace them whole.
    state.rules[id] = { severity, options: options === undefined ? current?.options : options };
    const previous = state.provenance.rules[id];
    state.provenance.rules[id] = {
      severity: source,
      ...(options !== undefined
        ? { options: source }
        : previous?.options
          ? { options: previous.options }
          : {}),
    };
  }
  if (body.verify) {
    if ('from' in body.verify && typeof body.verify.from === 'string') {
      state.verifyFrom = body.verify as State['verifyFrom'];
      state.verifySteps = {};
      state.provenance.verify = { from: source };
    } else {
      state.verifyFrom = undefined;
      delete state.provenance.verify.from;
      for (const [name, step] of Object.entries(body.verify as Record<string, VerifyStepInput>)) {
        state.verifySteps[name] = step;
        state.provenance.verify[name] = source;
      }
    }
  }
  if (body.shell) {
    const shell = body.shell;
    for (const kind of ['deny', 'allow'] as const) {
      for (const pattern of shell[kind] ?? []) {
        state.shell[kind].push({
          pattern: pattern.pattern,
          reason: pattern.reason,
          examples: { match: pattern.examples?.match ?? [], notMatch: pattern.examples?.notMatch ?? [] },
        });
        state.provenance.shell[`${kind}: ${JSON.stringify(pattern.pattern)}`] = source;
      }
    }
    if (shell.onError) {
      state.shell.onError = shell.onError;
      state.provenance.shell.onError = source;
    }
    if (shell.tempDirs) {
      state.shell.tempDirs.push(...shell.tempDirs);
      state.provenance.shell.tempDirs = source;
    }
  }
}

function collectProfiles(state: State, source: string, body: PolicyFile): void {
  for (const [name, overlay] of Object.entries(body.profiles ?? {}))
    state.profiles[name] = { source, overlay };
}

export function parseDuration(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(value);
  if (!match) return fallback;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}

export const DEFAULT_STEP_TIMEOUT = 10 * 60_000;

function normalize(state: State, layers: Layer[], profile: string | undefined): ResolvedPolicy {
  const resolvedRules: ResolvedPolicy['rules'] = {};
  for (const [id, setting] of Object.entries(state.rules) as [
    RuleId,
    { severity: string; options?: unknown },
  ][]) {
    if (setting.severity === 'off') continue;
    const meta = rules[id].meta;
    // Options were validated per file; parsing again applies the defaults.
    const options = v.parse(meta.options as v.GenericSchema, setting.options ?? {}) as Record<
      string,
      unknown
    >;
    resolvedRules[id] = { severity: setting.severity, options } as RuleSetting;
  }
  const verify: VerifyStep[] = Object.entries(state.verifySteps).map(([name, step]) => ({
    name,
    run: step.run,
    on: step.on ?? ['pre-commit'],
    when: step.when ?? [],
    timeout: parseDuration(step.timeout, DEFAULT_STEP_TIMEOUT),
    parallel: step.parallel ?? false,
    mode: step.mode ?? 'staged',
  }));
  const policy: ResolvedPolicy = {
    rules: resolvedRules,
    verify,
    shell: {
      deny: state.shell.deny,
      allow: state.shell.allow,
      onError: state.shell.onError ?? 'deny',
      tempDirs: state.shell.tempDirs,
    },
    sources: layers.map((layer) => layer.source),
  };
  if (state.verifyFrom) {
    policy.verifyFrom = state.verifyFrom.from;
    policy.verifyFromSettings = {
      on: (state.verifyFrom.on as VerifyStep['on'] | undefined) ?? ['pre-commit'],
      timeout: parseDuration(state.verifyFrom.timeout, DEFAULT_STEP_TIMEOUT),
      mode: (state.verifyFrom.mode as VerifyStep['mode'] | undefined) ?? 'staged',
    };
  }
  if (profile) policy.profile = profile;
  checkPatternExamples(policy.shell.deny, 'deny');
  checkPatternExamples(policy.shell.allow, 'allow');
  return policy;
}
