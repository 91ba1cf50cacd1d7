import * as v from 'valibot';
import type { RuleReport } from '../types.js';
import { shown } from './command-facts.js';
import { gitOperations, parseGitArgs } from './git-args.js';
import { matchesGlob } from './match.js';
import type { CheckCommand, RuleMeta } from './rule.js';

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

export const checkCommand: CheckCommand<Options> = (operations, options, facts) => {
  const reports: RuleReport[] = [];
  for (const operation of operations) {
    if (operation.kind === 'env') {
      if (bypassVariable(operation.name, operation.value, options.variables)) {
        reports.push({
          message: `${operation.name}=${operation.value} switches the git hooks (or the guard) off.`,
          alternative: 'Let the hooks run and fix what they report.',
        });
      }
      if (
        (/^GIT_CONFIG_(VALUE|KEY)_\d+$/.test(operation.name) && /hookspath/i.test(operation.value)) ||
        (operation.name === 'GIT_CONFIG_PARAMETERS' && /hookspath/i.test(operation.value))
      ) {
        reports.push({
          message: `${operation.name} points git's core.hooksPath elsewhere, which skips the hooks.`,
        });
      }
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
  for (const operation of gitOperations(operations)) {
    const text = `git ${operation.args.join(' ')}`;
    if (operation.config.some(([key]) => key === 'core.hookspath'))
      reports.push({ message: `\`-c core.hooksPath\` points git at other hooks, which skips ours.` });
    const git = parseGitArgs(operation, operation.args[0] === 'commit' ? COMMIT_VALUED : '');
    if (VERIFYING.has(git.command) && git.long.has('no-verify'))
      reports.push({
        message: `\`${text}\` skips the git hooks (--no-verify).`,
        alternative: 'Run it without --no-verify and fix what the hooks report.',
      });
    else if (git.command === 'commit' && git.short.has('n'))
      reports.push({
        message: `\`${text}\` skips the git hooks (-n is --no-verify).`,
        alternative: 'Run it without -n and fix what the hooks report.',
      });
    if (git.command === 'config') {
      const reading =
        git.long.has('get') ||
        git.long.has('get-all') ||
        git.long.has('list') ||
        git.short.has('l') ||
        git.long.has('get-regexp');
      const key = git.positional.find((word) => word.toLowerCase() === 'core.hookspath');
      if (key && !reading)
        reports.push({ message: `\`${text}\` changes where git looks for hooks, which switches ours off.` });
    }
  }
  return reports;
};
