import * as v from 'valibot';
import type { ChangeSet } from '../types.js';
import { changedFile } from './examples.js';
import { GENERATED_FILES } from './globs.js';
import { matchesAny } from './match.js';
import type { CheckChange, RuleMeta } from './rule.js';

const count = v.pipe(v.number(), v.integer(), v.minValue(1));

/**
 * The lines a change set costs: added plus deleted, binary files at their cost, ignored files and
 * files .gitattributes marks vendored or generated free.
 */
export function countLines(
  change: ChangeSet,
  options: Pick<Options, 'ignore' | 'binaryCost'>,
): { lines: number; files: number } {
  let lines = 0;
  let files = 0;
  for (const file of change.files) {
    if (file.generated || matchesAny(file.path, options.ignore)) continue;
    files++;
    lines += file.binary ? options.binaryCost : file.added + file.deleted;
  }
  return { lines, files };
}

export const checkChange: CheckChange<Options> = (change, options, context) => {
  const { lines, files } = countLines(change, options);
  const limit = context.scope === 'range' ? options.maxRange : options.max;
  const what = context.scope === 'range' ? 'The range' : 'The change';
  const reports = [];
  if (limit !== undefined && lines > limit) {
    reports.push({
      message: `${what} is ${lines} lines; at most ${limit} (max-diff-lines ${lines}/${limit}).`,
    });
  }
  if (context.scope === 'commit' && options.maxFiles !== undefined && files > options.maxFiles) {
    reports.push({ message: `${what} touches ${files} files; at most ${options.maxFiles}.` });
  }
  return reports;
};

const file = changedFile;

export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[] } = {
  valid: [
    { source: 'staged', files: [file('a.ts', { added: 100, deleted: 50 })] },
    { source: 'staged', files: [file('package-lock.json', { added: 5000 }), file('a.ts', { added: 3 })] },
  ],
  invalid: [
    { source: 'staged', files: [file('a.ts', { added: 100, deleted: 51 })] },
    { source: 'staged', files: [file('a.ts', { added: 140 }), file('logo.png', { added: 0, binary: true })] },
  ],
};

export const meta = {
  id: 'max-diff-lines',
  description:
    'Each commit changes at most `max` lines (added plus deleted); optionally a range at most `maxRange`.',
  defaultSeverity: 'error',
  inputs: ['change'],
  options: v.strictObject({
    max: v.optional(count, 150),
    /** Limit for a whole push or pull request. */
    maxRange: v.optional(count),
    /** Limit on the number of changed files in a commit. */
    maxFiles: v.optional(count),
    /** Globs whose lines do not count. */
    ignore: v.optional(v.array(v.string()), GENERATED_FILES),
    /** Lines a binary file counts for, since git cannot count its lines. */
    binaryCost: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 50),
  }),
  hint: 'Split the change into smaller commits, each one step that can be reviewed on its own.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
