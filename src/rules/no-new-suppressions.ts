import * as v from 'valibot';
import type { ChangeSet } from '../types.js';
import { changedFile } from './examples.js';
import { anyRegexp, literalsOfAny, matchesAny, regexps, regexSource } from './match.js';
import { shippedPatterns } from './regex.js';
import type { CheckChange, RuleMeta } from './rule.js';

/** Regular expressions (sources) for lint and type-check suppressions. */
export const DEFAULT_SUPPRESSIONS = shippedPatterns([
  '@ts-ignore',
  '@ts-nocheck',
  '@ts-expect-error',
  'eslint-disable',
  'biome-ignore',
  'oxlint-disable',
  'prettier-ignore',
  'deno-lint-ignore',
  '#\\s*type:\\s*ignore',
  '#\\s*noqa',
  '#\\s*pylint:\\s*disable',
  '#\\s*pyright:\\s*ignore',
  '//\\s*nolint',
  '#\\[allow\\(',
  '@SuppressWarnings',
  '//\\s*NOSONAR',
  'istanbul ignore',
  'c8 ignore',
  'v8 ignore',
  'rubocop:disable',
  'phpcs:ignore',
  '@phpstan-ignore',
  '#\\s*shellcheck\\s+disable',
]);

export const checkChange: CheckChange<Options> = (change, options) => {
  const patterns = regexps(options.patterns);
  const any = anyRegexp(options.patterns);
  const may = literalsOfAny(options.patterns);
  const reports = [];
  for (const file of change.files) {
    if (file.generated || matchesAny(file.path, options.ignore)) continue;
    if (may && file.patchText !== undefined && !may(file.patchText)) continue;
    for (const added of file.addedLines ?? []) {
      if (!any(added.text)) continue;
      const hit = patterns.find((pattern) => pattern.test(added.text));
      if (hit)
        reports.push({
          message: `Adds a suppression (${hit.source}): ${added.text.trim().slice(0, 120)}`,
          file: file.path,
          line: added.line,
        });
    }
  }
  return reports;
};

const file = changedFile;

export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[] } = {
  valid: [
    {
      source: 'staged',
      files: [
        file('a.ts', {
          addedLines: [{ line: 1, text: 'const a = 1;' }],
          removedLines: [{ line: 1, text: '// @ts-ignore' }],
        }),
      ],
    },
  ],
  invalid: [
    {
      source: 'staged',
      files: [file('a.ts', { addedLines: [{ line: 3, text: '  // @ts-expect-error wrong type' }] })],
    },
    {
      source: 'staged',
      files: [file('a.py', { addedLines: [{ line: 9, text: 'import os  # noqa: F401' }] })],
    },
    { source: 'staged', files: [file('a.js', { addedLines: [{ line: 1, text: '/* eslint-disable */' }] })] },
  ],
};

export const meta = {
  id: 'no-new-suppressions',
  description: 'Added lines must not add lint or type-check suppressions.',
  defaultSeverity: 'error',
  inputs: ['change'],
  options: v.strictObject({
    patterns: v.optional(v.array(regexSource), DEFAULT_SUPPRESSIONS),
    /** Globs of files where suppressions may be added: by default prose, which names them without using them. */
    ignore: v.optional(v.array(v.string()), ['**/*.md', '**/*.mdx', '**/*.txt', '**/*.rst']),
  }),
  hint: 'Fix the underlying lint or type error instead of silencing it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
