import * as v from 'valibot';
import type { ChangeSet } from '../types.js';
import { placeOf, shown } from './command-facts.js';
import { changedFile } from './examples.js';
import { matchesAny } from './match.js';
import type { CheckChange, CheckCommand, RuleMeta } from './rule.js';

export const checkChange: CheckChange<Options> = (change, options) =>
  change.files
    .filter(
      (file) =>
        file.status === 'added' ||
        file.status === 'copied' ||
        (file.status === 'renamed' && !options.allowRenames),
    )
    .filter((file) => !matchesAny(file.path, options.allow))
    .map((file) => ({
      message:
        file.status === 'renamed'
          ? `${file.oldPath} is renamed to the new path ${file.path}.`
          : `${file.path} is a new file.`,
      file: file.path,
    }));

const file = changedFile;

export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[] } = {
  valid: [{ source: 'staged', files: [file('src/a.ts')] }],
  invalid: [
    { source: 'staged', files: [file('src/new.ts', { status: 'added' })] },
    { source: 'staged', files: [file('src/copy.ts', { status: 'copied', oldPath: 'src/a.ts' })] },
    { source: 'staged', files: [file('src/b.ts', { status: 'renamed', oldPath: 'src/a.ts' })] },
  ],
};

export const meta = {
  id: 'edit-only',
  description:
    'No new files: only existing files may change (added or copied files fail; renames unless allowed).',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    /** Globs of new files that are allowed (tests, PROGRESS.md...). */
    allow: v.optional(v.array(v.string()), []),
    /** A rename to a new path is not a new file. */
    allowRenames: v.optional(v.boolean(), false),
  }),
  hint: 'Put the code in an existing file, or ask a human to create the file first.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

export const checkCommand: CheckCommand<Options> = (operations, options, facts) => {
  const reports = [];
  for (const operation of operations) {
    const target =
      operation.kind === 'write'
        ? operation.target
        : operation.kind === 'move' && !options.allowRenames
          ? operation.to
          : undefined;
    // A file git ignores (build output) is not a new file of the project.
    if (!target?.path || target.glob || facts.existing.has(target.path) || facts.ignored.has(target.path))
      continue;
    if (placeOf(target.path, facts) !== 'project') continue;
    const rel = shown(target, facts);
    if (matchesAny(rel, options.allow)) continue;
    reports.push({
      message: `\`${'via' in operation ? operation.via : 'the command'}\` creates the new file ${rel}; only existing files may change.`,
      alternative: 'Put the change in an existing file, or ask a human to create this one.',
    });
  }
  return reports;
};

export const commandExamples = {
  valid: ['echo x >> README.md', 'touch README.md', 'echo x > /tmp/out.txt'],
  invalid: ['touch newfile.txt', 'echo x > notes-new.md', 'cp README.md README2.md'],
} satisfies { valid: string[]; invalid: string[] };
