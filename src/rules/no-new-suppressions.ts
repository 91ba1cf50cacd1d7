import * as v from 'valibot';
import type { RuleMeta } from './rule.js';

/** Regular expressions (sources) for lint and type-check suppressions. */
export const DEFAULT_SUPPRESSIONS = [
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
];

export const meta = {
  id: 'no-new-suppressions',
  description: 'Added lines must not add lint or type-check suppressions.',
  defaultSeverity: 'error',
  inputs: ['change'],
  options: v.strictObject({
    patterns: v.optional(v.array(v.string()), DEFAULT_SUPPRESSIONS),
    /** Globs of files where suppressions may be added. */
    ignore: v.optional(v.array(v.string()), []),
  }),
  hint: 'Fix the underlying lint or type error instead of silencing it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;
