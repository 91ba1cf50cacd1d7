import * as v from 'valibot';
import type { CommitMessage, RuleReport } from '../types.js';
import { regexp, regexSource } from './match.js';
import { subjectOf, trailersOf } from './message-text.js';
import type { CheckMessage, RuleMeta } from './rule.js';

export const meta = {
  id: 'commit-message',
  description:
    'A commit message is required, and can be held to length, pattern, Conventional Commits and trailers.',
  defaultSeverity: 'error',
  inputs: ['message'],
  options: v.strictObject({
    minLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1),
    maxSubjectLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    /** A regular expression the subject line must match. */
    pattern: v.optional(regexSource),
    /** Require Conventional Commits (`type(scope): subject`). */
    conventional: v.optional(
      v.union([
        v.boolean(),
        v.strictObject({
          types: v.optional(v.array(v.string())),
          scopes: v.optional(v.array(v.string())),
          requireScope: v.optional(v.boolean(), false),
        }),
      ]),
      false,
    ),
    /** Words or phrases the subject must not be (or contain as whole words), case-insensitive. */
    forbid: v.optional(v.array(v.string()), []),
    /** Trailers (`Key: value` lines at the end) that must be present. */
    trailers: v.optional(v.array(v.string()), []),
    /** Skip the checks for git's own merge and revert messages. */
    ignoreMerge: v.optional(v.boolean(), true),
    ignoreRevert: v.optional(v.boolean(), true),
    /** Let `fixup!`, `squash!` and `amend!` messages through (they are squashed before they land). */
    allowFixup: v.optional(v.boolean(), true),
  }),
  hint: 'Write a message that says what the change does and why: `git commit -m "<type>: <what and why>"`.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

const CONVENTIONAL = /^(?<type>[a-zA-Z]+)(?:\((?<scope>[^()\n]+)\))?!?: (?<subject>\S.*)$/;
const DEFAULT_TYPES = [
  'feat',
  'fix',
  'docs',
  'style',
  'refactor',
  'perf',
  'test',
  'build',
  'ci',
  'chore',
  'revert',
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const words = new Map<string, RegExp>();
const ASCII = /^[\x00-\x7f]*$/;

/** The word or phrase as a whole word in any case (a range asks it of every commit). */
function forbidden(word: string): RegExp {
  let found = words.get(word);
  if (!found) {
    found = new RegExp(`(?:^|[^\\p{L}\\p{N}])${escapeRegExp(word)}(?:$|[^\\p{L}\\p{N}])`, 'iu');
    words.set(word, found);
  }
  return found;
}

const loweredLists = new WeakMap<readonly string[], [string, string | undefined][]>();

/** Each word with its lower case when it is ASCII (a range asks it of every commit). */
function lowered(list: readonly string[]): [string, string | undefined][] {
  let found = loweredLists.get(list);
  if (!found) {
    found = list.map((word) => [word, ASCII.test(word) ? word.toLowerCase() : undefined]);
    loweredLists.set(list, found);
  }
  return found;
}

export const checkMessage: CheckMessage<Options> = (message, options) => {
  if (message.kind === 'merge' && options.ignoreMerge) return [];
  if (message.kind === 'revert' && options.ignoreRevert) return [];
  if (
    (message.kind === 'fixup' || message.kind === 'squash' || message.kind === 'amend') &&
    options.allowFixup
  )
    return [];
  const text = message.text;
  if (text.trim() === '') return [{ message: 'A commit message is required.' }];
  const reports: RuleReport[] = [];
  const subject = subjectOf(text);
  if (text.length < options.minLength) {
    reports.push({
      message: `The message is ${text.length} characters; at least ${options.minLength} are required.`,
    });
  }
  if (options.maxSubjectLength !== undefined && subject.length > options.maxSubjectLength) {
    reports.push({
      message: `The subject line is ${subject.length} characters; at most ${options.maxSubjectLength}.`,
    });
  }
  if (options.pattern !== undefined && !regexp(options.pattern).test(subject)) {
    reports.push({ message: `The subject line does not match ${options.pattern}.` });
  }
  // An ASCII subject holds an ASCII word in any case only if its lower case does (Unicode case
  // folding, which the expression uses, can match `ſ` for `s`: other subjects ask it).
  const lower = ASCII.test(subject) ? subject.toLowerCase() : undefined;
  for (const [word, asciiLower] of lowered(options.forbid)) {
    if (lower !== undefined && asciiLower !== undefined && !lower.includes(asciiLower)) continue;
    if (forbidden(word).test(subject)) {
      reports.push({ message: `The subject says "${word}", which tells a reviewer nothing.` });
    }
  }
  if (options.conventional !== false) reports.push(...checkConventional(subject, options.conventional));
  const trailers = options.trailers.length ? trailersOf(text) : new Map<string, string>();
  for (const trailer of options.trailers) {
    if (!trailers.has(trailer.toLowerCase()))
      reports.push({ message: `The trailer "${trailer}:" is required.` });
  }
  return reports;
};

function checkConventional(subject: string, setting: Options['conventional']): RuleReport[] {
  const config: { types?: string[]; scopes?: string[]; requireScope?: boolean } =
    setting === true ? {} : setting || {};
  const match = CONVENTIONAL.exec(subject);
  if (!match?.groups) {
    return [
      {
        message: 'The subject is not a Conventional Commit (`type(scope): subject`).',
        hint: 'Write e.g. `fix(parser): handle empty input`.',
      },
    ];
  }
  const { type, scope } = match.groups as { type: string; scope?: string };
  const types = config.types ?? DEFAULT_TYPES;
  const reports: RuleReport[] = [];
  if (!types.includes(type))
    reports.push({ message: `"${type}" is not one of the commit types: ${types.join(', ')}.` });
  if (scope === undefined && config.requireScope)
    reports.push({ message: 'A scope is required: `type(scope): subject`.' });
  if (scope !== undefined && config.scopes && !config.scopes.includes(scope)) {
    reports.push({ message: `"${scope}" is not one of the scopes: ${config.scopes.join(', ')}.` });
  }
  return reports;
}

/** Examples the rule test runs: each with the options it is checked under. */
export const messageExamples: { valid: MessageExample[]; invalid: MessageExample[] } = {
  valid: [
    { text: 'Add the parser' },
    { text: 'feat(parser): handle heredocs', options: { conventional: { scopes: ['parser'] } } },
    { text: 'fixup! Add the parser', kind: 'fixup', options: { minLength: 40 } },
    { text: "Merge branch 'feature'", kind: 'merge', options: { conventional: true } },
    { text: 'Revert "Add the parser"', kind: 'revert', options: { conventional: true } },
    { text: 'Add the parser\n\nSigned-off-by: A <a@example.com>', options: { trailers: ['Signed-off-by'] } },
    { text: 'test: add parser tests', options: { forbid: ['wip'] } },
    { text: 'Wipe the cache before each run', options: { forbid: ['wip'] } },
  ],
  invalid: [
    { text: '' },
    { text: 'wip', options: { forbid: ['wip'] } },
    { text: 'WIP: parser', options: { forbid: ['wip'] } },
    // Unicode case folding: the long s is an s, which a lower-cased ASCII search would miss.
    { text: 'Fix ſtuff in the parser', options: { forbid: ['stuff'] } },
    { text: 'Ändere: WIP', options: { forbid: ['wip'] } },
    { text: 'fix', options: { minLength: 10 } },
    { text: 'Add the parser', options: { conventional: true } },
    { text: 'feat: parser', options: { conventional: { requireScope: true } } },
    { text: 'x'.repeat(80), options: { maxSubjectLength: 72 } },
    { text: 'Add the parser', options: { trailers: ['Signed-off-by'] } },
    { text: 'Add the parser', options: { pattern: '^[A-Z]+-\\d+ ' } },
    { text: 'fixup! x', kind: 'fixup', options: { allowFixup: false, minLength: 20 } },
  ],
};

export interface MessageExample {
  text: string;
  kind?: CommitMessage['kind'];
  options?: v.InferInput<typeof meta.options>;
}
