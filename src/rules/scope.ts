import * as v from 'valibot';
import type { ChangeSet, FileChange } from '../types.js';
import { matchesAny } from './match.js';
import type { CheckChange, RuleMeta } from './rule.js';

export const checkChange: CheckChange<Options> = (change, options) =>
  change.files.flatMap((file) =>
    [file.path, ...(file.oldPath ? [file.oldPath] : [])]
      .filter((path) => !matchesAny(path, options.allow))
      .map((path) => ({
        message: `${path} is outside the scope (${options.allow.join(', ')}).`,
        file: file.path,
      })),
  );

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

const options = { allow: ['src/parser/**'] };
export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[]; options: typeof options } = {
  options,
  valid: [{ source: 'staged', files: [file('src/parser/a.ts')] }],
  invalid: [
    { source: 'staged', files: [file('src/cli/a.ts')] },
    { source: 'staged', files: [file('src/parser/a.ts', { status: 'renamed', oldPath: 'src/cli/a.ts' })] },
  ],
};

export const meta = {
  id: 'scope',
  description: 'Every changed path must match one of `allow`: the "only change ___" instruction as a rule.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    allow: v.pipe(v.array(v.string()), v.minLength(1, 'give at least one glob')),
  }),
  hint: 'Keep the change inside the paths the task allows, or ask for the scope to be widened.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
