import * as v from 'valibot';
import type { ChangeSet, FileChange } from '../types.js';
import { matchesAny } from './match.js';
import type { CheckChange, RuleMeta } from './rule.js';

export const checkChange: CheckChange<Options> = (change, options) =>
  change.files
    .filter((file) => file.status === 'deleted' && !matchesAny(file.path, options.allow))
    .map((file) => ({ message: `${file.path} is deleted.`, file: file.path }));

const file = (path: string, more: Partial<FileChange> = {}): FileChange => ({
  status: 'modified',
  path,
  added: 1,
  deleted: 0,
  binary: false,
  symlink: false,
  submodule: false,
  ...more,
});

export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[]; options: { allow: string[] } } = {
  options: { allow: ['tmp/**'] },
  valid: [
    { source: 'staged', files: [file('a.ts'), file('b.ts', { status: 'renamed', oldPath: 'a.ts' })] },
    { source: 'staged', files: [file('tmp/x', { status: 'deleted' })] },
  ],
  invalid: [{ source: 'staged', files: [file('src/a.ts', { status: 'deleted', added: 0, deleted: 10 })] }],
};

export const meta = {
  id: 'no-deletions',
  description: 'No tracked file may be deleted. A rename is not a deletion.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    /** Globs of files that may be deleted. */
    allow: v.optional(v.array(v.string()), []),
  }),
  hint: 'Leave the file in place and say in the commit message or to a human why it should go; or move it with `git mv`.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
