import * as v from 'valibot';
import type { ChangeSet, FileChange } from '../types.js';
import { CI_FILES, HOOK_FILES, POLICY_FILES } from './globs.js';
import { matchesAny } from './match.js';
import type { CheckChange, RuleMeta } from './rule.js';

export const checkChange: CheckChange<Options> = (change, options) =>
  change.files
    .filter(
      (file) =>
        matchesAny(file.path, options.paths) ||
        (file.oldPath !== undefined && matchesAny(file.oldPath, options.paths)),
    )
    .map((file) => ({
      message: `${file.oldPath && matchesAny(file.oldPath, options.paths) ? file.oldPath : file.path} is protected and must not change.`,
      file: file.path,
    }));

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

export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[] } = {
  valid: [{ source: 'staged', files: [file('src/a.ts')] }],
  invalid: [
    { source: 'staged', files: [file('.agentpolicyrc')] },
    { source: 'staged', files: [file('.husky/pre-commit', { status: 'deleted' })] },
    { source: 'staged', files: [file('ci.yml', { status: 'renamed', oldPath: '.github/workflows/ci.yml' })] },
  ],
};

export const meta = {
  id: 'protected-paths',
  description: 'Files matching these globs must not change at all: by default the policy, the hooks and CI.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    paths: v.optional(v.array(v.string()), [...POLICY_FILES, ...HOOK_FILES, ...CI_FILES]),
  }),
  hint: 'These files are for humans to change. Ask for the change instead of making it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
