import * as v from 'valibot';
import type { GitEffect, RuleReport } from '../types.js';
import { type CommandFacts, regenerable } from './command-facts.js';
import { configWrite, type GitArgs, gitOperations, parseGitArgs } from './git-args.js';
import type { CheckCommand, CheckEffect, RuleMeta } from './rule.js';

export const meta = {
  id: 'no-destructive-git',
  description:
    'No git command that discards uncommitted work or rewrites history (reset --hard, clean -f, ...).',
  defaultSeverity: 'error',
  inputs: ['command', 'effect'],
  options: v.strictObject({
    /** `git clean -X` removes only ignored files (build output). */
    allowCleanIgnored: v.optional(v.boolean(), false),
    /** `git commit --amend` and `git checkout -B` rewrite local history only. */
    allowLocalRewrite: v.optional(v.boolean(), true),
    /** Decide from repository state: a `reset --hard` with nothing uncommitted destroys nothing. */
    useRepositoryState: v.optional(v.boolean(), true),
  }),
  hint: 'Save the work first (`git stash`, or commit it), then use a command that keeps it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

const STASH_FIRST = 'Save the work first with `git stash` (or commit it), then run the command.';

function loses(facts: CommandFacts, options: Options, what: boolean): boolean {
  return !options.useRepositoryState || !facts.inRepository || what;
}

function judge(
  git: GitArgs,
  options: Options,
  facts: CommandFacts,
  text: string,
  config: [string, string][],
): RuleReport | undefined {
  const { command, long, short, positional, paths } = git;
  const dirty = loses(facts, options, facts.dirty);
  // `--help` shows the manual and runs nothing.
  if (long.has('help')) return undefined;
  switch (command) {
    case 'update-ref':
      return long.has('stdin') || positional.length > 0 || short.has('d')
        ? {
            message: `\`${text}\` moves or deletes a ref directly, which can drop commits.`,
            alternative: 'Use `git branch`, `git merge` or `git revert`, which keep the history.',
          }
        : undefined;
    case 'symbolic-ref':
      return positional.length > 1 ? { message: `\`${text}\` points HEAD elsewhere directly.` } : undefined;
    case 'prune':
      return short.has('n') || long.has('dry-run')
        ? undefined
        : {
            message: `\`${text}\` deletes unreachable commits for good.`,
            alternative: 'Leave it to `git gc`.',
          };
    case 'checkout-index':
      return (short.has('f') || long.has('force')) && dirty
        ? {
            message: `\`${text}\` overwrites uncommitted changes in the work tree.`,
            alternative: STASH_FIRST,
          }
        : undefined;
    case 'read-tree':
      return (short.has('u') || long.has('reset') || short.has('m')) &&
        (long.has('reset') || short.has('m')) &&
        short.has('u') &&
        dirty
        ? { message: `\`${text}\` overwrites the work tree and the index.`, alternative: STASH_FIRST }
        : undefined;
    case 'config': {
      const written = configWrite(git.raw);
      if (written?.key === 'clean.requireforce' && /^(false|no|off|0)$/i.test(written.value ?? ''))
        return {
          message: `\`${text}\` lets \`git clean\` delete untracked files without -f.`,
          alternative: 'Leave clean.requireForce on.',
        };
      return undefined;
    }
    case 'reset': {
      if (!long.has('hard') && !long.has('merge') && !long.has('keep')) return undefined;
      const moves = positional.some((ref) => ref !== 'HEAD' && ref !== '@');
      if (moves)
        return {
          message: `\`${text}\` moves the branch and throws away the commits and changes after it.`,
          alternative: `Keep the work: \`git stash\`, then \`git reset --soft ${positional[0]}\` or \`git revert\`.`,
        };
      return dirty
        ? {
            message: `\`${text}\` discards the uncommitted changes in the work tree.`,
            alternative: STASH_FIRST,
          }
        : undefined;
    }
    case 'checkout': {
      if (short.has('b') || long.has('orphan') || long.has('detach')) return undefined;
      if (short.has('B')) return resetBranch(text, positional, options, facts);
      const overwrite =
        short.has('f') ||
        long.has('force') ||
        paths.length > 0 ||
        positional.includes('.') ||
        positional.some((name) => !facts.refs.has(name) && name !== '-' && facts.inRepository);
      return overwrite && dirty
        ? {
            message: `\`${text}\` overwrites uncommitted changes in the work tree.`,
            alternative: STASH_FIRST,
          }
        : undefined;
    }
    case 'restore': {
      if (
        long.has('help') ||
        ((long.has('staged') || short.has('S')) && !long.has('worktree') && !short.has('W'))
      )
        return undefined;
      return dirty
        ? {
            message: `\`${text}\` overwrites uncommitted changes in the work tree.`,
            alternative: 'Unstage with `git restore --staged <file>`, or `git stash` first.',
          }
        : undefined;
    }
    case 'switch':
      if (long.has('discard-changes') || short.has('f') || long.has('force'))
        return dirty
          ? { message: `\`${text}\` discards local changes while switching.`, alternative: STASH_FIRST }
          : undefined;
      if (short.has('C') || long.has('force-create')) return resetBranch(text, positional, options, facts);
      return undefined;
    case 'clean': {
      if (short.has('n') || long.has('dry-run') || short.has('i') || long.has('interactive'))
        return undefined;
      const forceOff = config.some(
        ([key, value]) => key === 'clean.requireforce' && /^(false|no|off|0)$/i.test(value),
      );
      if (!short.has('f') && !long.has('force') && !forceOff) return undefined;
      if (short.has('X') && !short.has('x')) {
        if (options.allowCleanIgnored) return undefined;
        // Only build output and caches, which the next build or install makes again, may go.
        const kept = facts.cleaned?.filter((path) => !regenerable(path));
        if (kept && kept.length === 0 && options.useRepositoryState) return undefined;
        return {
          message: kept?.length
            ? `\`${text}\` deletes ignored files that are not build output: ${kept.slice(0, 3).join(', ')}${kept.length > 3 ? ` and ${kept.length - 3} more` : ''}.`
            : `\`${text}\` deletes every ignored file, local settings and secrets included.`,
          alternative: 'Delete the build folders by name.',
        };
      }
      return short.has('x') || loses(facts, options, facts.untracked)
        ? {
            message: `\`${text}\` deletes untracked files that exist nowhere else.`,
            alternative: 'Look first with `git clean -n`, then delete files by name.',
          }
        : undefined;
    }
    case 'stash':
      return (positional[0] === 'drop' || positional[0] === 'clear') && loses(facts, options, facts.stash)
        ? {
            message: `\`${text}\` throws saved work away.`,
            alternative: 'Apply it with `git stash pop`, or leave it.',
          }
        : undefined;
    case 'branch': {
      const deleting = short.has('D') || short.has('d') || long.has('delete');
      // `branch -f main HEAD~3`, `branch -M feature main`: an existing branch is moved or replaced.
      const replacing =
        !deleting &&
        (short.has('f') ||
          long.has('force') ||
          short.has('M') ||
          short.has('C') ||
          ((long.has('move') || long.has('copy') || short.has('m') || short.has('c')) &&
            (short.has('f') || long.has('force'))));
      if (replacing) {
        const moved =
          short.has('M') ||
          short.has('C') ||
          long.has('move') ||
          long.has('copy') ||
          short.has('m') ||
          short.has('c')
            ? positional.at(-1)
            : positional[0];
        if (moved && (facts.refs.has(moved) || loses(facts, options, false)))
          return {
            message: `\`${text}\` moves the existing branch ${moved}, which can drop its commits.`,
            alternative: 'Create a new branch instead, or merge.',
          };
        return undefined;
      }
      const force =
        short.has('D') || ((short.has('d') || long.has('delete')) && (short.has('f') || long.has('force')));
      const unmerged = positional.filter((name) => facts.merged.get(name) !== true);
      return force && unmerged.length && loses(facts, options, true)
        ? {
            message: `\`${text}\` deletes ${unmerged.join(', ')}, whose commits are not merged.`,
            alternative: 'Merge it first, or delete it with `git branch -d`, which checks.',
          }
        : undefined;
    }
    case 'reflog':
      return positional[0] === 'expire' || positional[0] === 'delete'
        ? { message: `\`${text}\` removes the recovery points of lost commits.` }
        : undefined;
    case 'gc':
      return long.has('prune') && ['now', 'all'].includes(String(long.get('prune')))
        ? {
            message: `\`${text}\` deletes unreachable commits for good.`,
            alternative: 'Run `git gc` without --prune=now.',
          }
        : undefined;
    case 'filter-branch':
    case 'filter-repo':
      return { message: `\`${text}\` rewrites the whole history.` };
    case 'worktree':
      return positional[0] === 'remove' && (short.has('f') || long.has('force'))
        ? {
            message: `\`${text}\` removes a worktree with its uncommitted changes.`,
            alternative: 'Remove it without --force; git refuses when it has changes.',
          }
        : undefined;
    case 'commit':
      return long.has('amend') && !options.allowLocalRewrite
        ? { message: `\`${text}\` rewrites the last commit.` }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * `checkout -B name [start]`, `switch -C name [start]`: creating a branch is fine, and so is moving
 * one whose commits are all in the new start; moving one that has commits of its own drops them.
 */
function resetBranch(
  text: string,
  positional: string[],
  options: Options,
  facts: CommandFacts,
): RuleReport | undefined {
  if (!options.allowLocalRewrite) return { message: `\`${text}\` resets a branch, dropping its commits.` };
  const name = positional[0];
  if (!name) return undefined;
  const exists = facts.refs.has(name) || loses(facts, options, false);
  if (!exists || facts.merged.get(name) === true) return undefined;
  return {
    message: `\`${text}\` moves the existing branch ${name} to ${positional[1] ?? 'HEAD'}, dropping its commits.`,
    alternative: `Create a new branch instead (\`git switch -c <new>\`), or merge into ${name}.`,
  };
}

export const checkCommand: CheckCommand<Options> = (operations, options, facts) =>
  gitOperations(operations).flatMap((operation) => {
    const report = judge(
      parseGitArgs(operation, VALUED_SHORT[operation.args[0] ?? ''] ?? ''),
      options,
      facts,
      `git ${operation.args.join(' ')}`.trim(),
      operation.config,
    );
    return report ? [report] : [];
  });

/** Short options that take a value, per subcommand, so their value is not read as flags. */
const VALUED_SHORT: Record<string, string> = {
  stash: 'm',
  'update-ref': 'm',
  branch: 'tu',
  'checkout-index': '',
  'read-tree': '',
};

const short = (oid: string) => oid.slice(0, 12);

function judgeEffect(effect: GitEffect, options: Options): RuleReport | undefined {
  switch (effect.kind) {
    case 'ref-moved':
      if (effect.lost === 0 || (effect.kept && options.allowLocalRewrite)) return undefined;
      return effect.to === undefined
        ? {
            message: `It deletes ${effect.ref}, whose ${effect.lost} commit(s) are merged nowhere else.`,
            alternative: 'Merge it first, or delete it with `git branch -d`, which checks.',
          }
        : {
            message: `It moves ${effect.ref} from ${short(effect.from)} to ${short(effect.to)}, dropping ${effect.lost} commit(s) from its history.`,
            alternative: 'Keep the work: `git stash`, then `git revert`, or create a new branch instead.',
          };
    case 'work-discarded':
      return effect.untracked
        ? {
            message: `It deletes ${effect.paths.length} untracked files that exist nowhere else: ${effect.paths.slice(0, 3).join(', ')}${effect.paths.length > 3 ? ' and more' : ''}.`,
            alternative: 'Delete files you created by name, one at a time, or commit them first.',
          }
        : {
            message: `It discards the uncommitted changes to ${effect.paths.slice(0, 3).join(', ')}${effect.paths.length > 3 ? ` and ${effect.paths.length - 3} more` : ''}.`,
            alternative: STASH_FIRST,
          };
    case 'stash-dropped':
      return {
        message: `It drops ${effect.count} stash entr${effect.count === 1 ? 'y' : 'ies'} without applying ${effect.count === 1 ? 'it' : 'them'}.`,
        alternative: 'Apply it with `git stash pop`, or leave it.',
      };
    case 'reflog-cut':
      return {
        message: `It removes ${effect.entries} entries of the reflog of ${effect.ref}: the recovery points of lost commits.`,
      };
    case 'objects-pruned':
      return {
        message: `It deletes ${effect.count} recent object(s) from the repository for good.`,
        alternative: 'Leave it to `git gc`.',
      };
    case 'objects-rewritten':
      return {
        message: `It rewrites ${effect.count} file(s) of the object store in place, which corrupts the commits that use them.`,
        alternative: 'Leave .git/objects to git; to repair a repository, ask a human.',
      };
    case 'config-changed':
      return effect.key === 'clean.requireforce' && /^(false|no|off|0)$/i.test(effect.value ?? '')
        ? {
            message: 'It lets `git clean` delete untracked files without -f (clean.requireForce=false).',
            alternative: 'Leave clean.requireForce on.',
          }
        : undefined;
    default:
      return undefined;
  }
}

export const checkEffect: CheckEffect<Options> = (effects, options) =>
  effects.flatMap((effect) => {
    const report = judgeEffect(effect, options);
    return report ? [report] : [];
  });
