import * as v from 'valibot';
import type { ChangeSet } from '../types.js';
import { changedFile } from './examples.js';
import { matchesGlob } from './match.js';
import type { CheckChange, RuleMeta } from './rule.js';

export const meta = {
  id: 'progress-updated',
  description:
    'A commit that changes code must also update PROGRESS.md, so the next session knows where things stand.',
  defaultSeverity: 'error',
  inputs: ['change'],
  options: v.strictObject({
    /** The progress file. */
    file: v.optional(v.string(), 'PROGRESS.md'),
    /** Globs of what counts as code. */
    code: v.optional(v.array(v.string()), ['**']),
    /** Globs that never count as code: docs, the agent memory files. */
    ignore: v.optional(v.array(v.string()), ['**/*.md', '**/*.txt', 'docs/**', 'LICENSE*']),
  }),
  hint: 'Update PROGRESS.md with what changed, what failed and the next step, and stage it with the code.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

export const checkChange: CheckChange<Options> = (change, options) => {
  const paths = change.files.flatMap((file) => (file.oldPath ? [file.path, file.oldPath] : [file.path]));
  if (paths.includes(options.file)) return [];
  const code = paths.filter(
    (path) =>
      options.code.some((glob) => matchesGlob(path, glob)) &&
      !options.ignore.some((glob) => matchesGlob(path, glob)),
  );
  if (code.length === 0) return [];
  return [
    {
      message: `${code.length} code file(s) changed but ${options.file} did not (${code.slice(0, 3).join(', ')}${code.length > 3 ? ', …' : ''}).`,
    },
  ];
};

const file = changedFile;

export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[] } = {
  valid: [
    { source: 'staged', files: [file('src/a.ts'), file('PROGRESS.md')] },
    { source: 'staged', files: [file('README.md'), file('docs/guide.md')] },
  ],
  invalid: [{ source: 'staged', files: [file('src/a.ts')] }],
};
