import * as v from 'valibot';
import type { RefUpdate } from '../types.js';
import { gitOperations, parseGitArgs } from './git-args.js';
import { matchesGlob } from './match.js';
import type { CheckCommand, CheckPush, RuleMeta } from './rule.js';

export const checkPush: CheckPush<Options> = (updates, options) =>
  updates
    .filter((update) => update.deletion)
    .filter(
      (update) =>
        !options.allow.some(
          (glob) =>
            matchesGlob(update.remoteRef, glob) ||
            matchesGlob(update.remoteRef.replace(/^refs\/(heads|tags)\//, ''), glob),
        ),
    )
    .map((update) => ({ message: `The push deletes ${update.remoteRef} on the remote.` }));

export const pushExamples: { valid: RefUpdate[][]; invalid: RefUpdate[][] } = {
  valid: [
    [
      {
        localRef: 'refs/heads/x',
        localOid: 'b',
        remoteRef: 'refs/heads/x',
        remoteOid: '0'.repeat(40),
        deletion: false,
        force: false,
        creation: true,
      },
    ],
  ],
  invalid: [
    [
      {
        localRef: '(delete)',
        localOid: '0'.repeat(40),
        remoteRef: 'refs/heads/old',
        remoteOid: 'a',
        deletion: true,
        force: false,
        creation: false,
      },
    ],
  ],
};

export const meta = {
  id: 'no-branch-deletion',
  description:
    'No deletion of remote branches or tags (`git push --delete`, `:branch`, a `(delete)` in pre-push).',
  defaultSeverity: 'error',
  inputs: ['push', 'command'],
  options: v.strictObject({
    /** Ref globs (`feature/*`, `refs/tags/tmp-*`) that may be deleted. */
    allow: v.optional(v.array(v.string()), []),
  }),
  hint: 'Leave the branch; a human can delete it once its work is merged.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

export const checkCommand: CheckCommand<Options> = (operations, options) =>
  gitOperations(operations).flatMap((operation) => {
    const git = parseGitArgs(operation, 'o');
    if (git.command !== 'push' || git.long.get('dry-run') === true || git.short.has('n')) return [];
    const refspecs = git.positional.slice(1);
    const deleted =
      git.short.has('d') || git.long.has('delete')
        ? refspecs
        : refspecs.filter((refspec) => refspec.startsWith(':')).map((refspec) => refspec.slice(1));
    const allowed = (ref: string) =>
      options.allow.some(
        (glob) => matchesGlob(ref, glob) || matchesGlob(ref.replace(/^refs\/(heads|tags)\//, ''), glob),
      );
    const reports = deleted
      .filter((ref) => !allowed(ref))
      .map((ref) => ({
        message: `\`git ${operation.args.join(' ')}\` deletes ${ref} on the remote.`,
        alternative: 'Leave the branch; a human can delete it once its work is merged.',
      }));
    if (git.long.has('prune') || git.long.has('mirror'))
      reports.push({
        message: `\`git ${operation.args.join(' ')}\` deletes remote branches that are not here.`,
        alternative: 'Push the branches by name.',
      });
    return reports;
  });
