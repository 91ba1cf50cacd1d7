import * as v from 'valibot';
import type { ChangeSet } from '../types.js';
import { placeOf, shown } from './command-facts.js';
import { changedFile } from './examples.js';
import { matchesAny } from './match.js';
import type { CheckChange, CheckCommand, RuleMeta } from './rule.js';

export const checkChange: CheckChange<Options> = (change, options) =>
  change.files.flatMap((file) =>
    [file.path, ...(file.oldPath ? [file.oldPath] : [])]
      .filter((path) => !matchesAny(path, options.allow))
      .map((path) => ({
        message: `${path} is outside the scope (${options.allow.join(', ')}).`,
        file: file.path,
      })),
  );

const file = changedFile;

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

export const checkCommand: CheckCommand<Options> = (operations, options, facts) => {
  const reports = [];
  for (const operation of operations) {
    const targets =
      operation.kind === 'write'
        ? [operation.target]
        : operation.kind === 'delete'
          ? operation.targets
          : operation.kind === 'move'
            ? [...operation.from, operation.to]
            : [];
    for (const target of targets) {
      // What git ignores (build output) is never part of a change.
      if (!target.path || placeOf(target.path, facts) !== 'project' || facts.ignored.has(target.path))
        continue;
      const rel = shown(target, facts);
      if (!matchesAny(rel, options.allow))
        reports.push({
          message: `\`${'via' in operation ? operation.via : 'the command'}\` changes ${rel}, outside the scope (${options.allow.join(', ')}).`,
        });
    }
  }
  return reports;
};
