import * as v from 'valibot';
import type { RefUpdate } from '../types.js';
import { configWrite, gitOperations, parseGitArgs } from './git-args.js';
import { matchesGlob } from './match.js';
import type { CheckCommand, CheckPush, RuleMeta } from './rule.js';

/** The branch name of a ref (`refs/heads/x` → `x`), which the `allow` globs match. */
function branchOf(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

export const checkPush: CheckPush<Options> = (updates, options) =>
  updates
    .filter(
      (update) =>
        update.force && !options.allow.some((glob) => matchesGlob(branchOf(update.remoteRef), glob)),
    )
    .map((update) => ({
      message: `Force push to ${update.remoteRef}: ${update.remoteOid.slice(0, 12)} is not an ancestor of ${update.localOid.slice(0, 12)}, so commits on the remote would be lost.`,
    }));

export const pushExamples: { valid: RefUpdate[][]; invalid: RefUpdate[][] } = {
  valid: [
    [
      {
        localRef: 'refs/heads/main',
        localOid: 'b',
        remoteRef: 'refs/heads/main',
        remoteOid: 'a',
        deletion: false,
        force: false,
        creation: false,
      },
    ],
  ],
  invalid: [
    [
      {
        localRef: 'HEAD~1',
        localOid: 'a',
        remoteRef: 'refs/heads/main',
        remoteOid: 'b',
        deletion: false,
        force: true,
        creation: false,
      },
    ],
  ],
};

export const meta = {
  id: 'no-force-push',
  description: 'No force push (`--force`, `-f`, `+refspec`, `--mirror`, a non-fast-forward update).',
  defaultSeverity: 'error',
  inputs: ['push', 'command'],
  options: v.strictObject({
    /** Branch globs where a force push is fine (your own feature branches, say). */
    allow: v.optional(v.array(v.string()), []),
    /** Let `--force-with-lease` through: it refuses to overwrite work you have not seen. */
    allowWithLease: v.optional(v.boolean(), true),
  }),
  hint: 'Push without force; to replace your own branch use `git push --force-with-lease` after fetching.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

/** Config that makes a later plain `git push` force: mirror remotes and forced refspecs. */
function forcingConfig(key: string, value: string): boolean {
  return (
    (/^remote\..+\.mirror$/.test(key) && !/^(false|no|off|0)$/i.test(value)) ||
    (/^remote\..+\.push$/.test(key) && value.startsWith('+'))
  );
}

export const checkCommand: CheckCommand<Options> = (operations, options) =>
  gitOperations(operations).flatMap((operation) => {
    const git = parseGitArgs(operation, 'o');
    const text = `git ${operation.args.join(' ')}`;
    if (git.command === 'config') {
      const written = configWrite(git.raw);
      return written && written.value !== undefined && forcingConfig(written.key, written.value)
        ? [
            {
              message: `\`${text}\` makes every later push of that remote a forced one.`,
              alternative: 'Leave the remote as it is.',
            },
          ]
        : [];
    }
    if (git.command !== 'push') return [];
    // A dry run sends nothing.
    if (git.long.get('dry-run') === true || git.short.has('n')) return [];
    const lease = [...git.long.keys()].some((key) => key.startsWith('force-with-lease'));
    const force =
      git.short.has('f') ||
      git.long.has('force') ||
      git.long.has('mirror') ||
      operation.config.some(([key, value]) => forcingConfig(key, value)) ||
      (lease && !options.allowWithLease);
    const plus = [...git.positional.slice(1), ...git.paths].filter((refspec) => refspec.startsWith('+'));
    if (!force && plus.length === 0) return [];
    const branches = git.positional.slice(1).map((refspec) =>
      refspec
        .replace(/^\+/, '')
        .split(':')
        .pop()!
        .replace(/^refs\/heads\//, ''),
    );
    if (
      branches.length &&
      branches.every((branch) => options.allow.some((glob) => matchesGlob(branch, glob)))
    )
      return [];
    return [
      {
        message: `\`git ${operation.args.join(' ')}\` overwrites the remote history.`,
        alternative:
          'Push without force; to replace your own branch, fetch and use `git push --force-with-lease`.',
      },
    ];
  });
