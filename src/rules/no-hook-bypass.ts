import * as v from 'valibot';
import type { GitEffect, RuleReport } from '../types.js';
import { shown } from './command-facts.js';
import { configWrite, gitOperations, isCommandKey, parseGitArgs } from './git-args.js';
import { matchesGlob } from './match.js';
import type { CheckCommand, CheckEffect, RuleMeta } from './rule.js';

/** Environment variables that switch git hook managers (or other guards) off. */
export const BYPASS_VARIABLES = [
  'HUSKY',
  'HUSKY_SKIP_HOOKS',
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
  inputs: ['command', 'effect'],
  options: v.strictObject({
    variables: v.optional(v.array(v.string()), BYPASS_VARIABLES),
  }),
  hint: 'Let the hooks run and fix what they report; if a hook is wrong, tell a human.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

/** The subcommands whose --no-verify skips hooks; commit's -n is --no-verify too. */
const VERIFYING = new Set([
  'commit',
  'merge',
  'rebase',
  'am',
  'push',
  'cherry-pick',
  'revert',
  'pull',
  'switch',
  'checkout',
]);
/** Short options of git commit that take a value, so the letters after them are the value. */
const COMMIT_VALUED = 'mFcCtSu';
const HOOK_FILES = ['.husky/**', '.git/hooks/**', '.githooks/**'];
const DISABLING = /^(0|false|no|off)$/i;

function bypassVariable(name: string, value: string, variables: string[]): boolean {
  if (!variables.includes(name)) return false;
  // HUSKY=0 and LEFTHOOK=0 switch off; SKIP=... and the others take effect when set at all.
  return name === 'HUSKY' || name === 'LEFTHOOK' ? DISABLING.test(value) : value !== '';
}

/** Config that takes the hooks away: another hooks folder, or config from a file we cannot see. */
function bypassKey(key: string): string | undefined {
  if (key === 'core.hookspath') return 'points git at another hooks folder, which skips ours';
  if (key === 'include.path' || /^includeif\..*\.path$/.test(key))
    return 'includes config from another file, which can point the hooks elsewhere';
  return undefined;
}

/** Sections whose removal or renaming drops the hooks setting (husky's core.hooksPath). */
const HOOK_SECTIONS = /^(core|include|includeif(\..*)?)$/i;

/**
 * Variables that move where git or the hook runner reads its settings: husky's runner sources
 * `${XDG_CONFIG_HOME:-$HOME/.config}/husky/init.sh`, and git reads GIT_CONFIG_GLOBAL and friends.
 */
const RELOCATING = [
  'HOME',
  'XDG_CONFIG_HOME',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG',
  'GIT_DIR',
  'GIT_COMMON_DIR',
  'GIT_EXEC_PATH',
  'GIT_TEMPLATE_DIR',
];

export const checkCommand: CheckCommand<Options> = (operations, options, facts) => {
  const reports: RuleReport[] = [];
  const git = gitOperations(operations);
  for (const operation of operations) {
    if (operation.kind === 'env') {
      if (bypassVariable(operation.name, operation.value, options.variables))
        reports.push({
          message: `${operation.name}=${operation.value} switches the git hooks (or the guard) off.`,
          alternative: 'Let the hooks run and fix what they report.',
        });
      // AGENTPOLICY_PROFILE, AGENTPOLICY_SHELL...: every setting of ours is for a human to choose.
      else if (operation.name.startsWith('AGENTPOLICY_'))
        reports.push({
          message: `${operation.name}=${operation.value} changes how agentpolicy judges; that is for a human to choose.`,
          alternative: 'Run the command without it.',
        });
      if (RELOCATING.includes(operation.name) && git.length)
        reports.push({
          message: `${operation.name}=${operation.value} makes git and the hook runner read their settings from elsewhere, which can switch the hooks off.`,
          alternative: 'Run git with the usual environment.',
        });
    }
    if (
      operation.kind === 'delete' ||
      operation.kind === 'move' ||
      (operation.kind === 'chmod' && operation.removesExecute)
    ) {
      const targets = operation.kind === 'move' ? operation.from : operation.targets;
      for (const target of targets) {
        const rel = shown(target, facts);
        if (HOOK_FILES.some((glob) => matchesGlob(rel, glob) || matchesGlob(`${rel}/x`, glob))) {
          reports.push({
            message: `\`${operation.via}\` disables the git hook ${rel}.`,
            alternative: 'Leave the hooks as they are.',
          });
        }
      }
    }
  }
  for (const operation of git) {
    const text = `git ${operation.args.join(' ')}`;
    for (const [key] of operation.config) {
      const why = bypassKey(key);
      if (why) reports.push({ message: `\`${key}\` set for \`${text}\` ${why}.` });
    }
    const parsed = parseGitArgs(operation, operation.args[0] === 'commit' ? COMMIT_VALUED : '');
    if (VERIFYING.has(parsed.command) && parsed.long.has('no-verify'))
      reports.push({
        message: `\`${text}\` skips the git hooks (--no-verify).`,
        alternative: 'Run it without --no-verify and fix what the hooks report.',
      });
    else if (parsed.command === 'commit' && parsed.short.has('n'))
      reports.push({
        message: `\`${text}\` skips the git hooks (-n is --no-verify).`,
        alternative: 'Run it without -n and fix what the hooks report.',
      });
    if (parsed.command === 'config') {
      const written = configWrite(operation.args.slice(1));
      if (!written || /^get|^list$/.test(written.action)) continue;
      if (written.action === 'edit')
        reports.push({
          message: `\`${text}\` opens git's settings in an editor, where the hooks can be switched off.`,
        });
      else if (written.action === 'remove-section' || written.action === 'rename-section') {
        if (HOOK_SECTIONS.test(written.key))
          reports.push({
            message: `\`${text}\` removes git's [${written.key}] settings, where the hooks are set up.`,
          });
      } else {
        const why = bypassKey(written.key);
        if (why) reports.push({ message: `\`${text}\` ${why}.` });
      }
    }
  }
  return reports;
};

function judgeEffect(effect: GitEffect): RuleReport | undefined {
  if (effect.kind === 'hook-changed')
    return {
      message: `It ${effect.change === 'added' ? 'adds' : effect.change === 'changed' ? 'changes' : 'removes'} the git hook ${effect.name}.`,
      alternative: 'Leave the hooks as they are.',
    };
  if (effect.kind === 'object-replaced')
    return {
      message: `It adds ${effect.ref}: git would show another object in place of ${effect.ref.slice('refs/replace/'.length, 'refs/replace/'.length + 12)}, to you, to the hooks and to the checks.`,
      alternative: 'Leave replace refs to a human.',
    };
  if (effect.kind !== 'config-changed') return undefined;
  const why = bypassKey(effect.key);
  if (why)
    return effect.value === undefined
      ? { message: `It removes \`${effect.key}\` from git's settings, where the hooks are set up.` }
      : { message: `It sets \`${effect.key}\` to ${effect.value}, which ${why}.` };
  if (isCommandKey(effect.key) && effect.value !== undefined)
    return {
      message: `It sets \`${effect.key}\`, which git runs as a command, to \`${effect.value}\`.`,
      alternative: 'Leave git settings that run commands to a human.',
    };
  return undefined;
}

export const checkEffect: CheckEffect<Options> = (effects) =>
  effects.flatMap((effect) => {
    const report = judgeEffect(effect);
    return report ? [report] : [];
  });
