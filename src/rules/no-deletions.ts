import * as v from 'valibot';
import type { ChangeSet } from '../types.js';
import { list, placeOf, shown, trackedFilesOf } from './command-facts.js';
import { changedFile } from './examples.js';
import { matchesAny } from './match.js';
import type { CheckChange, CheckCommand, RuleMeta } from './rule.js';

export const checkChange: CheckChange<Options> = (change, options) =>
  change.files
    .filter((file) => file.status === 'deleted' && !matchesAny(file.path, options.allow))
    .map((file) => ({ message: `${file.path} is deleted.`, file: file.path }));

const file = changedFile;

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

export const checkCommand: CheckCommand<Options> = (operations, options, facts) => {
  const reports = [];
  for (const operation of operations) {
    if (operation.kind !== 'delete') continue;
    for (const target of operation.targets) {
      if (!target.path) {
        reports.push({
          message: `\`${operation.via}\` deletes \`${target.raw}\`, which is only known when it runs.`,
        });
        continue;
      }
      const place = placeOf(target.path, facts);
      if (place === 'temp' || place === 'outside') continue;
      const rel = shown(target, facts);
      if (matchesAny(rel, options.allow) || facts.ignored.has(target.path)) continue;
      const tracked = trackedFilesOf(target, facts);
      if (tracked.length || facts.existing.has(target.path) || target.glob) {
        reports.push({
          message: `\`${operation.via}\` deletes ${tracked.length > 1 ? `${tracked.length} files (${list(tracked)})` : rel}; no file may be deleted.`,
          alternative: 'Leave the file; if it should go, say why and let a human delete it.',
        });
      }
    }
  }
  return reports;
};

export const commandExamples = {
  valid: ['rm -rf node_modules', 'rm -rf /tmp/x', 'git rm --cached secrets.env', 'mv old.txt new.txt'],
  invalid: ['rm file.txt', 'git rm src/index.ts', 'unlink README.md'],
} satisfies { valid: string[]; invalid: string[] };
