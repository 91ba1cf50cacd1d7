import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import husky from 'husky';
import { parseDocument } from 'yaml';
import {
  HOOK_NAMES,
  type HookName,
  HUSKY_HOOKS,
  hookBlock,
  mergeHookScript,
  WORKTREE_CONFIG,
  WORKTREE_HOOKS,
  WORKTREE_INCLUDE_KEY,
  worktreeHook,
} from '../../adapters/hook-scripts.js';
import { findPolicy } from '../../config/find.js';
import { suggestion } from '../../config/names.js';
import { parseData } from '../../config/parse-data.js';
import { PRESETS } from '../../config/resolve.js';
import { worktreeTree } from '../../config/tree.js';
import { UsageError } from '../../errors.js';
import { git } from '../../git/exec.js';
import { MEMORY_TEMPLATES } from '../../memory/templates.js';
import { verifyCommands, verifyMarkdown } from '../../memory/verify-commands.js';
import { packageRoot } from '../../package-root.js';
import { parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { repositoryRoot } from '../context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy init [--preset NAME] [--memory] [--hooks] [--dry-run]

Sets agentpolicy up in this repository, without clobbering anything:
  - writes .agentpolicyrc from the preset, unless the repository already has a policy;
  - installs the git hooks (pre-commit, commit-msg, pre-push, pre-merge-commit) through husky:
    our part of each .husky/<hook> script is a marked block that calls the locally installed
    binary (never npx); existing hook lines and an existing husky setup are kept;
  - adds a "prepare" script to package.json so a fresh clone gets the hooks on npm install.
Running it again changes nothing.

Options:
  --preset NAME  recommended (default), strict or fast-model
  --memory       Also write AGENTS.md, PLAN.md, PROGRESS.md and VERIFY.md (never over existing
                 ones) and take the verification steps from VERIFY.md
VERIFY.md (with --memory, or a preset that verifies from it) lists what the project has: its test,
typecheck and lint scripts, \`tsc --noEmit\` where TypeScript is set up; init says what it found.
  --hooks        Only (re)install the hooks (what the "prepare" script runs)
  --dry-run      Print what would change; change nothing
`;

interface Action {
  path: string;
  what: string;
  changed: boolean;
  write?: () => void;
  /** Lines shown under the action: what it found, what it left out. */
  notes?: string[];
}

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values } = parseCommandArgs(
    'init',
    argv,
    {
      preset: { type: 'string' },
      'dry-run': { type: 'boolean' },
      hooks: { type: 'boolean' },
      memory: { type: 'boolean' },
    },
    false,
  );
  const preset = values.preset ?? 'recommended';
  const explicitPreset = values.preset !== undefined;
  if (!Object.hasOwn(PRESETS, preset)) {
    throw new UsageError(
      `init: unknown preset "${preset}".${suggestion(preset, Object.keys(PRESETS))} Presets: ${Object.keys(PRESETS).join(', ')}.`,
    );
  }
  const root = repositoryRoot(io, 'init');
  const actions: Action[] = [];
  if (!values.hooks) actions.push(planPolicy(root, preset, Boolean(values.memory), explicitPreset));
  if (values.memory && !values.hooks) actions.push(...planMemory(root), ...planVerifyFrom(root));
  if (!values.hooks && (values.memory || presetVerifiesFromFile(preset))) actions.push(planVerifyFile(root));
  actions.push(...planHooks(root));
  if (!values.hooks) {
    const prepare = planPrepareScript(root);
    if (prepare) actions.push(prepare);
  }

  const p = paint(useColor(io, 'stdout'));
  const dryRun = Boolean(values['dry-run']);
  for (const action of actions) {
    if (action.changed && !dryRun) action.write?.();
    const mark = action.changed ? (dryRun ? p.yellow('would') : p.green('done')) : p.dim('kept');
    if (!values.hooks || action.changed) {
      io.stdout(`${mark.padEnd(4)}  ${action.path}: ${action.what}\n`);
      for (const note of action.notes ?? []) io.stdout(`        ${note}\n`);
    }
  }
  const ignoring = values.hooks ? undefined : ignoreScriptsSource(root);
  if (ignoring) {
    io.stdout(
      `${p.yellow('warn')}  ${ignoring}: ignore-scripts is on, so \`npm install\` never runs "prepare" and a fresh clone\n` +
        '        gets no hooks. After each clone run `npm run prepare` (npm runs a script it is asked for by\n' +
        '        name) or `npx agentpolicy init --hooks`; `agentpolicy doctor` says whether they are in place.\n',
    );
  }
  if (!values.hooks && !dryRun) {
    io.stdout(`\n${p.bold('Next:')} commit the policy and .husky/, then run \`agentpolicy doctor\`.\n`);
  }
  return 0;
}

function planMemory(root: string): Action[] {
  return Object.entries(MEMORY_TEMPLATES).map(([name, template]) => {
    const path = join(root, name);
    if (existsSync(path)) return { path: name, what: 'exists, left as it is', changed: false };
    return {
      path: name,
      what: 'template written',
      changed: true,
      write: () => writeFileSync(path, template),
    };
  });
}

function presetVerifiesFromFile(preset: string): boolean {
  const verify = (PRESETS[preset] as { verify?: { from?: unknown } }).verify;
  return verify?.from === 'VERIFY.md';
}

/** VERIFY.md from the commands the project really has, said in full: found, left out, or none. */
function planVerifyFile(root: string): Action {
  const path = join(root, 'VERIFY.md');
  if (existsSync(path)) return { path: 'VERIFY.md', what: 'exists, left as it is', changed: false };
  const found = verifyCommands(root);
  const notes = [
    ...found.commands.map((command, index) => `runs \`${command}\` (from ${found.found[index]})`),
    ...found.skipped.map((reason) => `left out: ${reason}`),
  ];
  if (found.commands.length === 0) {
    notes.push(
      'No test, typecheck or lint command was found: write the commands that check this project in',
      'VERIFY.md before the next commit; until then commits are blocked, since nothing verifies them.',
    );
  }
  return {
    path: 'VERIFY.md',
    what: found.commands.length ? 'written with the checks this project has' : 'written, with no command yet',
    changed: true,
    notes,
    write: () => writeFileSync(path, verifyMarkdown(found)),
  };
}

/** Where ignore-scripts is switched on for this project, or undefined. */
function ignoreScriptsSource(root: string): string | undefined {
  const env = process.env.npm_config_ignore_scripts ?? process.env.NPM_CONFIG_IGNORE_SCRIPTS;
  if (env !== undefined && env !== '' && env !== 'false') return 'npm_config_ignore_scripts';
  const files: [string, string][] = [
    [join(root, '.npmrc'), '.npmrc'],
    [join(homedir(), '.npmrc'), '~/.npmrc'],
  ];
  for (const [file, shown] of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (/^\s*ignore-scripts\s*=\s*true\s*$/m.test(text)) return shown;
  }
  return undefined;
}

/** The policy file of the work tree and its data, or undefined when there is none or it does not load. */
function existingPolicy(
  root: string,
): { name: string; text: string; data: Record<string, unknown> } | undefined {
  try {
    const found = findPolicy(worktreeTree(root));
    if (!found) return undefined;
    return {
      name: found.path,
      text: found.text,
      data: parseData(found.path, found.text) as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}

/** Makes an existing JSON or YAML policy take its verification steps from VERIFY.md. */
function planVerifyFrom(root: string): Action[] {
  const found = existingPolicy(root);
  if (!found) return [];
  const { name, data, text } = found;
  if (data.verify !== undefined)
    return [{ path: name, what: '"verify" already set, left as it is', changed: false }];
  const verify = { from: 'VERIFY.md', on: ['pre-commit', 'pre-push', 'ci', 'stop'] };
  let content: string;
  if (/^\s*\{/.test(text)) {
    content = `${JSON.stringify({ ...data, verify }, null, 2)}\n`;
  } else {
    const document = parseDocument(text);
    document.set('verify', verify);
    content = document.toString();
  }
  return [
    {
      path: name,
      what: 'verification steps taken from VERIFY.md',
      changed: true,
      write: () => writeFileSync(join(root, name), content),
    },
  ];
}

function planPolicy(root: string, preset: string, memory: boolean, explicitPreset: boolean): Action {
  let existing: { path: string; text: string } | undefined;
  try {
    existing = findPolicy(worktreeTree(root));
  } catch (error) {
    return {
      path: '.agentpolicyrc',
      what: `policy left as it is: ${(error as Error).message}`,
      changed: false,
    };
  }
  if (existing) {
    const found = existingPolicy(root);
    const extended = found?.data.extends;
    const current = (Array.isArray(extended) ? extended : [extended]).filter(
      (name): name is string => typeof name === 'string' && name.startsWith('agentpolicy:'),
    );
    const kept = current.length ? ` (extends ${current.join(', ')})` : '';
    const wanted = `agentpolicy:${preset}`;
    const hint =
      explicitPreset && !current.includes(wanted)
        ? `; --preset ${preset} was not applied. To switch, set "extends": "${wanted}" in ${existing.path} ` +
          `(or delete ${existing.path} and run \`agentpolicy init --preset ${preset}\`), then commit it`
        : '';
    return { path: existing.path, what: `policy exists, kept as it is${kept}${hint}`, changed: false };
  }
  const path = join(root, '.agentpolicyrc');
  const policy: Record<string, unknown> = {
    $schema: './node_modules/agentpolicy/schema.json',
    extends: `agentpolicy:${preset}`,
  };
  if (memory) policy.verify = { from: 'VERIFY.md', on: ['pre-commit', 'pre-push', 'ci', 'stop'] };
  const content = `${JSON.stringify(policy, null, 2)}\n`;
  return {
    path: '.agentpolicyrc',
    what: `policy written (extends agentpolicy:${preset})`,
    changed: true,
    write: () => writeFileSync(path, content),
  };
}

/** Where the hook scripts live: husky's user scripts, or the folder core.hooksPath names. */
function hookScriptsFolder(root: string): { folder: string; husky: boolean; setUp: boolean } {
  const hooksPath = git(['config', '--get', 'core.hooksPath'], { cwd: root, okStatus: [1] }).stdout.trim();
  if (hooksPath === '' || hooksPath === '.husky/_' || hooksPath === '.husky') {
    // The stubs git runs must be executable; `h` is sourced by them.
    const stubs = HOOK_NAMES.map((name) => join(root, '.husky/_', name));
    const setUp =
      hooksPath === '.husky/_' &&
      existsSync(join(root, '.husky/_/h')) &&
      stubs.every((path) => existsSync(path) && (statSync(path).mode & 0o111) !== 0);
    return { folder: join(root, '.husky'), husky: true, setUp };
  }
  return { folder: isAbsolute(hooksPath) ? hooksPath : join(root, hooksPath), husky: false, setUp: true };
}

function planHooks(root: string): Action[] {
  const { folder, husky, setUp } = hookScriptsFolder(root);
  const actions: Action[] = [];
  if (husky && !setUp) {
    actions.push({
      path: '.husky/_',
      what: 'husky set up (core.hooksPath = .husky/_)',
      changed: true,
      write: () => installHusky(root),
    });
  }
  const legacyHooks = git(['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: root,
  }).stdout.trim();
  if (husky) actions.push(...planWorktreeHooks(root, legacyHooks));
  for (const name of HOOK_NAMES) {
    const path = join(folder, name);
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const shim = readFileSync(join(packageRoot(), 'hooks', name), 'utf8');
    let { content, changed } = mergeHookScript(existing, hookBlock(name, shim));
    if (existing === undefined) {
      if (!husky) content = `#!/bin/sh\n${content}`;
      content += carryOverLegacyHook(husky, join(legacyHooks, 'hooks', name), name);
    }
    const shown = relative(root, path) || path;
    const executable = existing !== undefined && (statSync(path).mode & 0o111) !== 0;
    actions.push({
      path: shown,
      what: changed
        ? existing === undefined
          ? 'hook created'
          : 'agentpolicy block added, other lines kept'
        : 'hook already installed',
      changed: changed || (!husky && !executable),
      write: () => {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
        chmodSync(path, 0o755);
      },
    });
  }
  return actions;
}

/**
 * Runners for linked worktrees in the common git dir, and the shared config's include that points
 * their core.hooksPath there (see adapters/hook-scripts.ts): a new worktree is guarded with no step.
 */
function planWorktreeHooks(root: string, commonDir: string): Action[] {
  const actions: Action[] = [];
  const folder = join(commonDir, WORKTREE_HOOKS);
  const stale = HUSKY_HOOKS.filter((name) => {
    const path = join(folder, name);
    return (
      !existsSync(path) || readFileSync(path, 'utf8') !== runner(name) || (statSync(path).mode & 0o111) === 0
    );
  });
  if (stale.length) {
    actions.push({
      path: relative(root, folder) || folder,
      what: 'hooks for linked worktrees written',
      changed: true,
      write: () => {
        mkdirSync(folder, { recursive: true });
        for (const name of stale) {
          writeFileSync(join(folder, name), runner(name));
          chmodSync(join(folder, name), 0o755);
        }
      },
    });
  }
  const config = join(commonDir, WORKTREE_CONFIG);
  const hooksPath = git(['config', '--file', config, '--get', 'core.hooksPath'], {
    cwd: root,
    okStatus: [1],
  });
  const included = git(['config', '--file', join(commonDir, 'config'), '--get-all', WORKTREE_INCLUDE_KEY], {
    cwd: root,
    okStatus: [1],
  }).stdout.split('\n');
  if (hooksPath.stdout.trim() !== folder || !included.includes(WORKTREE_CONFIG)) {
    actions.push({
      path: relative(root, config) || config,
      what: 'linked worktrees run the hooks (core.hooksPath for them, included by the shared config)',
      changed: true,
      write: () => {
        mkdirSync(dirname(config), { recursive: true });
        git(['config', '--file', config, 'core.hooksPath', folder], { cwd: root });
        if (!included.includes(WORKTREE_CONFIG))
          git(
            ['config', '--file', join(commonDir, 'config'), '--add', WORKTREE_INCLUDE_KEY, WORKTREE_CONFIG],
            {
              cwd: root,
            },
          );
      },
    });
  }
  return actions;
}

function runner(name: (typeof HUSKY_HOOKS)[number]): string {
  const judged = (HOOK_NAMES as readonly string[]).includes(name);
  return worktreeHook(name, judged ? readFileSync(join(packageRoot(), 'hooks', name), 'utf8') : undefined);
}

/** A hook in .git/hooks stops running once core.hooksPath points at husky: keep calling it. */
function carryOverLegacyHook(husky: boolean, legacy: string, name: HookName): string {
  if (!husky || !existsSync(legacy) || (statSync(legacy).mode & 0o111) === 0) return '';
  return `\n# The ${name} hook that was in .git/hooks before agentpolicy set up husky:\n"$(git rev-parse --git-common-dir)/hooks/${name}" "$@"\n`;
}

function installHusky(root: string): void {
  // husky's installer works on the current directory.
  const previous = process.cwd();
  process.chdir(root);
  try {
    const message = husky('.husky');
    if (message) throw new UsageError(`init: husky could not set up the hooks: ${message}`);
  } finally {
    process.chdir(previous);
  }
}

function planPrepareScript(root: string): Action | undefined {
  const path = join(root, 'package.json');
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const manifest = JSON.parse(text) as { scripts?: Record<string, string> };
  const prepare = manifest.scripts?.prepare;
  if (prepare && /\b(husky|agentpolicy)\b/.test(prepare)) {
    return {
      path: 'package.json',
      what: `"prepare" already installs the hooks (${prepare})`,
      changed: false,
    };
  }
  const command = 'agentpolicy init --hooks';
  manifest.scripts = { ...manifest.scripts, prepare: prepare ? `${prepare} && ${command}` : command };
  const indent = /^(\s+)"/m.exec(text)?.[1] ?? '  ';
  return {
    path: 'package.json',
    what: `"prepare": "${manifest.scripts.prepare}" added, so npm install sets up the hooks`,
    changed: true,
    write: () => writeFileSync(path, `${JSON.stringify(manifest, null, indent)}\n`),
  };
}
