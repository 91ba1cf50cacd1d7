// Resolution of a policy read from one tree (a commit, the index or the work tree): `extends`
// depth-first (presets, packages in the repository's node_modules, files inside the repository),
// the policy file last, then the profile a human selected; VERIFY.md, when `verify.from` names it,
// is read from the same tree. The result records where each value came from.
import { posix } from 'node:path';
import * as v from 'valibot';
import fastModel from '../../policies/fast-model.json' with { type: 'json' };
import recommended from '../../policies/recommended.json' with { type: 'json' };
import strict from '../../policies/strict.json' with { type: 'json' };
import { ConfigError } from '../errors.js';
import { rules } from '../rules/index.js';
import { scriptsRunBy } from '../rules/package-scripts.js';
import { checkPatternExamples } from '../shell/patterns.js';
import type { ResolvedPolicy, RuleId, RuleSetting, ShellPattern, VerifyStep } from '../types.js';
import { parseVerifyMarkdown } from '../verify/parse-verify-md.js';
import { findPolicy } from './find.js';
import { suggestion } from './names.js';
import { parseData } from './parse-data.js';
import { POLICY_FILES } from './places.js';
import type { PolicyFile, PolicyOverlay, RuleEntry, VerifyInput } from './schema.js';
import { normalizeInside, type PolicyTree, readRegularFile, worktreeTree } from './tree.js';
import { parseDuration, validatePolicy } from './validate.js';

export { parseDuration } from './validate.js';

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
  /** Repository paths the policy was read from: the policy file first, extended files, VERIFY.md. */
  repoFiles: string[];
  /** Files of packages in node_modules it extends (absolute): not in git, read from the disk. */
  packageFiles: string[];
}

export interface ResolveOptions {
  /** A profile a human selected (`agentpolicy profile`), applied last. */
  profile?: string;
}

/** Where a layer came from: a file of the tree, a file of an installed package, or a preset. */
type Origin =
  | { kind: 'repo'; path: string }
  | { kind: 'package'; file: string; folder: string }
  | { kind: 'preset'; name: string };

interface Layer {
  source: string;
  body: PolicyOverlay;
}

interface Context {
  tree: PolicyTree;
  root: string;
  repoFiles: string[];
  packageFiles: string[];
}

interface State {
  rules: Partial<Record<RuleId, { severity: string; options?: unknown }>>;
  verify?: VerifyInput;
  shell: {
    deny: ShellPattern[];
    allow: ShellPattern[];
    onError?: 'deny' | 'ask';
    tempDirs: string[];
    contain?: 'auto' | 'required' | 'off';
  };
  profiles: Record<string, { source: string; overlay: PolicyOverlay; origin: Origin }>;
  provenance: Provenance;
}

export function noPolicy(where: string): ConfigError {
  return new ConfigError(
    `No policy found in ${where}. Create one with \`agentpolicy init\` (or write .agentpolicyrc with ` +
      '{ "extends": "agentpolicy:recommended" }).',
  );
}

/** The policy of the work tree at `root` (the public API; the hooks and the guard judge by the committed one). */
export async function resolvePolicy(root: string, options: ResolveOptions = {}): Promise<Resolution> {
  const resolution = resolveTree(worktreeTree(root), root, options);
  if (!resolution) throw noPolicy(root);
  return resolution;
}

/** The policy of `tree`, or undefined when the tree holds none. */
export function resolveTree(
  tree: PolicyTree,
  root: string,
  options: ResolveOptions = {},
): Resolution | undefined {
  const found = findPolicy(tree);
  if (!found) return undefined;
  const context: Context = { tree, root, repoFiles: [found.path], packageFiles: [] };
  const label = tree.label(found.path);
  const file = validatePolicy(label, parseData(label, found.text));
  return resolveLayers(label, file, { kind: 'repo', path: found.path }, context, options);
}

/** A preset on its own: the policy outside a repository. */
export function resolvePreset(name: string, root: string): Resolution {
  const tree: PolicyTree = { where: 'agentpolicy', label: (path) => path, read: () => undefined };
  const source = `${PRESET_PREFIX}${name}`;
  const file = PRESETS[name] as PolicyFile;
  return resolveLayers(
    source,
    file,
    { kind: 'preset', name },
    { tree, root, repoFiles: [], packageFiles: [] },
    {},
  );
}

function resolveLayers(
  label: string,
  file: PolicyFile,
  origin: Origin,
  context: Context,
  options: ResolveOptions,
): Resolution {
  const layers = expand(label, file, origin, context, []);
  const state: State = {
    rules: {},
    shell: { deny: [], allow: [], tempDirs: [] },
    profiles: {},
    provenance: { rules: {}, verify: {}, shell: {} },
  };
  for (const layer of layers) apply(state, layer);
  for (const layer of layers) collectProfiles(state, layer.source, layer.body as PolicyFile, origin);

  const profile = options.profile;
  if (profile) {
    const selected = Object.hasOwn(state.profiles, profile) ? state.profiles[profile] : undefined;
    if (!selected) {
      const known = Object.keys(state.profiles);
      throw new ConfigError(
        `The selected profile "${profile}" is not in the policy.${suggestion(profile, known)} ` +
          (known.length
            ? `Profiles in this policy: ${known.join(', ')}.`
            : 'This policy defines no profiles.') +
          ' Select another one, or none, with `agentpolicy profile`.',
      );
    }
    const source = `${selected.source}#profiles.${profile}`;
    for (const layer of expand(source, selected.overlay, selected.origin, context, [])) apply(state, layer);
  }
  const policy = normalize(state, layers, profile, context);
  return {
    policy,
    provenance: state.provenance,
    repoFiles: context.repoFiles,
    packageFiles: context.packageFiles,
  };
}

function expand(
  source: string,
  body: PolicyOverlay,
  origin: Origin,
  context: Context,
  chain: string[],
): Layer[] {
  if (chain.includes(source)) {
    throw new ConfigError(`"extends" loops: ${[...chain, source].join(' -> ')}.`);
  }
  if (chain.length > 16) throw new ConfigError(`${source}: "extends" is nested more than 16 files deep.`);
  const parents =
    body.extends === undefined ? [] : Array.isArray(body.extends) ? body.extends : [body.extends];
  const layers: Layer[] = [];
  parents.forEach((name, index) => {
    const key = Array.isArray(body.extends) ? `extends[${index}]` : 'extends';
    const parent = loadExtended(name, `${source}: ${key}`, origin, context);
    layers.push(...expand(parent.source, parent.body, parent.origin, context, [...chain, source]));
  });
  layers.push({ source, body });
  return layers;
}

const CODE_FILE = /\.[cm]?[jt]sx?$/;

function loadExtended(
  name: string,
  where: string,
  from: Origin,
  context: Context,
): { source: string; body: PolicyFile; origin: Origin } {
  if (name.startsWith(PRESET_PREFIX)) {
    const preset = name.slice(PRESET_PREFIX.length);
    const data = Object.hasOwn(PRESETS, preset) ? PRESETS[preset] : undefined;
    if (!data) {
      throw new ConfigError(
        `${where}: unknown preset "${name}".${suggestion(preset, Object.keys(PRESETS)).replace(
          /"(.+)"/,
          `"${PRESET_PREFIX}$1"`,
        )} Presets: ${Object.keys(PRESETS)
          .map((p) => PRESET_PREFIX + p)
          .join(', ')}.`,
      );
    }
    // Presets are our own data, validated by the test suite: not validated again on every call.
    return { source: name, body: data as PolicyFile, origin: { kind: 'preset', name: preset } };
  }
  if (CODE_FILE.test(name))
    throw new ConfigError(`${where}: "${name}" is code; shared policies must be JSON or YAML.`);
  if (posix.isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('~'))
    throw new ConfigError(
      `${where}: "${name}" is an absolute path. extends names a preset (agentpolicy:recommended), a package in node_modules, or a file inside the repository written relative to the policy file (./team.json).`,
    );
  if (name.startsWith('.')) return loadRelative(name, where, from, context);
  return loadPackage(name, where, context);
}

function loadRelative(name: string, where: string, from: Origin, context: Context) {
  if (from.kind === 'package') {
    const file = posix.join(posix.dirname(from.file), name);
    if (!file.startsWith(`${from.folder}/`))
      throw new ConfigError(`${where}: "${name}" leads outside the package ${from.folder}.`);
    return readPackageFile(file, from.folder, where, name, context);
  }
  const base = from.kind === 'repo' ? posix.dirname(from.path) : '';
  const path = normalizeInside(posix.join(base, name));
  if (path === undefined || path === '' || path.split('/')[0] === '.git')
    throw new ConfigError(
      `${where}: "${name}" leads outside the repository. extends names a preset, a package in node_modules, or a file inside the repository.`,
    );
  const text = context.tree.read(path);
  if (text === undefined)
    throw new ConfigError(
      `${where}: cannot read ${name}: ${context.tree.label(path)} does not exist in ${context.tree.where}.`,
    );
  const label = context.tree.label(path);
  if (!context.repoFiles.includes(path)) context.repoFiles.push(path);
  return {
    source: label,
    body: validatePolicy(label, parseData(label, text)),
    origin: { kind: 'repo', path } as Origin,
  };
}

const PACKAGE_NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*(?:\/[\w.~@-]+)*$/i;

/**
 * A shareable policy published as an npm package, from the repository's own node_modules only. The
 * package provides data: an `agentpolicy` key in its package.json, a JSON or YAML `main`, or a
 * file named by a subpath (`@acme/agentpolicy-config/strict.json`).
 */
function loadPackage(name: string, where: string, context: Context) {
  if (!PACKAGE_NAME.test(name) || name.split('/').some((part) => part === '..' || part === '.'))
    throw new ConfigError(
      `${where}: "${name}" is neither a preset (agentpolicy:...), a package name, nor a relative path (./file.json).`,
    );
  const parts = name.split('/');
  const packageName = name.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const subpath = parts.slice(name.startsWith('@') ? 2 : 1).join('/');
  const folder = posix.join(context.root.split('\\').join('/'), 'node_modules', packageName);
  if (subpath) return readPackageFile(posix.join(folder, subpath), folder, where, name, context);
  const manifestPath = posix.join(folder, 'package.json');
  const manifestText = readRegularFile(
    manifestPath,
    `node_modules/${packageName}/package.json`,
    context.root,
  );
  if (manifestText === undefined)
    throw new ConfigError(
      `${where}: cannot find the package "${name}" in ${posix.join(context.root, 'node_modules')}. ` +
        `Install it (npm install --save-dev ${name}) or fix the name.`,
    );
  const manifest = parseData(`node_modules/${packageName}/package.json`, manifestText) as Record<
    string,
    unknown
  >;
  if (manifest && typeof manifest === 'object' && manifest.agentpolicy !== undefined) {
    const label = `node_modules/${packageName}/package.json#agentpolicy`;
    context.packageFiles.push(manifestPath);
    return {
      source: label,
      body: validatePolicy(label, manifest.agentpolicy),
      origin: { kind: 'package', file: manifestPath, folder } as Origin,
    };
  }
  const main = typeof manifest?.main === 'string' ? manifest.main : 'agentpolicy.json';
  return readPackageFile(posix.join(folder, main), folder, where, name, context);
}

function readPackageFile(file: string, folder: string, where: string, name: string, context: Context) {
  if (!file.startsWith(`${folder}/`))
    throw new ConfigError(`${where}: "${name}" leads outside its package folder ${folder}.`);
  if (CODE_FILE.test(file))
    throw new ConfigError(`${where}: "${name}" is code (${file}); shared policies must be JSON or YAML.`);
  const label = posix.relative(context.root.split('\\').join('/'), file);
  const text = readRegularFile(file, label, context.root);
  if (text === undefined) throw new ConfigError(`${where}: cannot read ${name}: ${label} does not exist.`);
  context.packageFiles.push(file);
  return {
    source: label,
    body: validatePolicy(label, parseData(label, text)),
    origin: { kind: 'package', file, folder } as Origin,
  };
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
    // `verify` is replaced whole, like a rule's options: the last file that sets it decides.
    state.verify = body.verify;
    state.provenance.verify = {};
    if (body.verify.from !== undefined) state.provenance.verify.from = source;
    for (const name of stepNames(body.verify)) state.provenance.verify[name] = source;
  }
  if (body.shell) {
    const shell = body.shell;
    for (const kind of ['deny', 'allow'] as const) {
      const patterns = (shell[kind] ?? []).map((pattern) => ({
        pattern: pattern.pattern,
        reason: pattern.reason,
        examples: { match: pattern.examples?.match ?? [], notMatch: pattern.examples?.notMatch ?? [] },
      }));
      try {
        checkPatternExamples(patterns, kind);
      } catch (error) {
        throw new ConfigError(`${source}: ${(error as Error).message}`, { cause: error });
      }
      for (const pattern of patterns) {
        state.shell[kind].push(pattern);
        state.provenance.shell[`${kind}: ${JSON.stringify(pattern.pattern)}`] = source;
      }
    }
    if (shell.onError) {
      state.shell.onError = shell.onError;
      state.provenance.shell.onError = source;
    }
    if (shell.contain) {
      state.shell.contain = shell.contain;
      state.provenance.shell.contain = source;
    }
    if (shell.tempDirs) {
      state.shell.tempDirs.push(...shell.tempDirs);
      state.provenance.shell.tempDirs = source;
    }
  }
}

const VERIFY_SETTINGS = new Set(['from', 'on', 'timeout', 'mode', 'env', 'once']);

function stepNames(verify: VerifyInput): string[] {
  return Object.keys(verify).filter((key) => !VERIFY_SETTINGS.has(key));
}

function collectProfiles(state: State, source: string, body: PolicyFile, origin: Origin): void {
  for (const [name, overlay] of Object.entries(body.profiles ?? {}))
    state.profiles[name] = { source, overlay, origin };
}

export const DEFAULT_STEP_TIMEOUT = 10 * 60_000;

function normalize(
  state: State,
  layers: Layer[],
  profile: string | undefined,
  context: Context,
): ResolvedPolicy {
  const resolvedRules: ResolvedPolicy['rules'] = {};
  for (const [id, setting] of Object.entries(state.rules) as [
    RuleId,
    { severity: string; options?: unknown },
  ][]) {
    if (setting.severity === 'off') continue;
    const meta = rules[id].meta;
    // Options were validated per file; parsing again applies the defaults.
    const parsed = v.safeParse(meta.options as v.GenericSchema, setting.options ?? {});
    if (!parsed.success)
      throw new ConfigError(
        `${state.provenance.rules[id]?.options ?? state.provenance.rules[id]?.severity}: rules.${id}: invalid options.`,
      );
    resolvedRules[id] = { severity: setting.severity, options: parsed.output } as RuleSetting;
  }
  const verifyInput = state.verify ?? {};
  const verify: VerifyStep[] = stepNames(verifyInput).map((name) => {
    const step = (verifyInput as Record<string, unknown>)[name] as {
      run: string;
      on?: VerifyStep['on'];
      when?: string[];
      timeout?: string | number;
      parallel?: boolean;
      mode?: VerifyStep['mode'];
      env?: string[];
      once?: boolean;
    };
    return {
      name,
      run: step.run,
      on: step.on ?? ['pre-commit'],
      when: step.when ?? [],
      timeout: parseDuration(step.timeout, DEFAULT_STEP_TIMEOUT),
      parallel: step.parallel ?? false,
      mode: step.mode ?? 'staged',
      ...(step.env ? { env: step.env } : {}),
      ...(step.once !== undefined ? { once: step.once } : {}),
    };
  });
  const policy: ResolvedPolicy = {
    rules: resolvedRules,
    verify,
    shell: {
      deny: state.shell.deny,
      allow: state.shell.allow,
      onError: state.shell.onError ?? 'deny',
      tempDirs: state.shell.tempDirs,
      contain: state.shell.contain ?? 'auto',
    },
    sources: layers.map((layer) => layer.source),
  };
  if (typeof verifyInput.from === 'string') {
    const from = normalizeInside(verifyInput.from);
    if (from === undefined || from === '' || from.split('/')[0] === '.git')
      throw new ConfigError(
        `${state.provenance.verify.from}: verify.from: expected a file inside the repository, found "${verifyInput.from}".`,
      );
    policy.verifyFrom = from;
    policy.verifyFromSettings = {
      on: (verifyInput.on as VerifyStep['on'] | undefined) ?? ['pre-commit'],
      timeout: parseDuration(verifyInput.timeout, DEFAULT_STEP_TIMEOUT),
      mode: (verifyInput.mode as VerifyStep['mode'] | undefined) ?? 'staged',
      ...(verifyInput.env ? { env: verifyInput.env } : {}),
      ...(verifyInput.once !== undefined ? { once: verifyInput.once } : {}),
    };
    // The commands come from the same tree as the policy: what judges is what was committed.
    const text = context.tree.read(from);
    if (text !== undefined) policy.verifyFromSteps = parseVerifyMarkdown(text, policy.verifyFromSettings);
    if (!context.repoFiles.includes(from)) context.repoFiles.push(from);
  }
  if (profile) policy.profile = profile;
  policy.repoSources = [...context.repoFiles];
  protectSources(policy, context);
  return policy;
}

/**
 * protected-paths always covers the policy's own sources (every policy file name, what it extends,
 * VERIFY.md when the steps come from it) and the package scripts the verification steps run.
 */
function protectSources(policy: ResolvedPolicy, context: Context): void {
  const setting = policy.rules['protected-paths'];
  if (!setting) return;
  const rootSlash = `${context.root.split('\\').join('/')}/`;
  const packages = context.packageFiles
    .filter((file) => file.startsWith(rootSlash))
    .map((file) => file.slice(rootSlash.length));
  const paths = setting.options.paths as string[];
  const scripts = setting.options.scripts as string[];
  const steps = [...policy.verify, ...(policy.verifyFromSteps ?? [])];
  setting.options = {
    ...setting.options,
    paths: [...new Set([...paths, ...POLICY_FILES, ...context.repoFiles, ...packages])],
    scripts: [...new Set([...scripts, ...steps.flatMap((step) => scriptsRunBy(step.run))])],
  };
}
