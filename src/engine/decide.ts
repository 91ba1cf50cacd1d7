// Command decisions: every enabled rule's command check, the policy's own shell patterns, and what
// could not be analysed, turned into findings; the first error decides, with its reason and a
// safer alternative.

import type { CommandFacts } from '../rules/command-facts.js';
import { rules } from '../rules/index.js';
import { matchesPattern } from '../shell/patterns.js';
import type { Operation } from '../shell/types.js';
import type { Decision, Finding, GitEffect, ResolvedPolicy, RuleId, RuleReport } from '../types.js';

/** Which rule speaks first when several object: the most specific reason is the most useful. */
const PRIORITY: RuleId[] = [
  'no-hook-bypass',
  'protected-paths',
  'no-destructive-git',
  'no-force-push',
  'no-branch-deletion',
  'no-mass-deletion',
  'no-test-tampering',
  'no-deletions',
  'edit-only',
  'scope',
];

type CommandCheck = (operations: Operation[], options: unknown, facts: CommandFacts) => RuleReport[];

export function evaluateOperations(
  policy: ResolvedPolicy,
  operations: Operation[],
  facts: CommandFacts,
): Finding[] {
  const findings: Finding[] = [];
  const exempt = operations.some(
    (operation) =>
      operation.kind === 'exec' &&
      policy.shell.allow.some((allow) => matchesPattern(operation.argv, allow.pattern)),
  );
  for (const id of PRIORITY) {
    const setting = policy.rules[id];
    const check = (rules[id] as unknown as { checkCommand?: CommandCheck }).checkCommand;
    if (!setting || !check) continue;
    for (const report of check(operations, setting.options, facts)) {
      findings.push({
        rule: id,
        severity: setting.severity,
        message: report.message,
        hint: report.hint ?? rules[id].meta.hint,
        ...(report.alternative ? { alternative: report.alternative } : {}),
      });
    }
  }
  for (const operation of operations) {
    if (operation.kind === 'exec' && !exempt) {
      const deny = policy.shell.deny.find((pattern) => matchesPattern(operation.argv, pattern.pattern));
      if (deny)
        findings.push({
          rule: 'shell',
          severity: 'error',
          message: `\`${operation.argv.join(' ')}\`: ${deny.reason}`,
          hint: 'This command is denied by the project policy (shell.deny).',
        });
    }
    if (operation.kind === 'opaque' && !exempt) {
      findings.push(
        operation.remote
          ? {
              rule: 'shell',
              severity: 'error',
              message: `${UNREADABLE} ${operation.reason}.`,
              hint: 'Code from the network runs only after someone has read it.',
              alternative:
                'Download it to a file, read it, and run that file by name, so it is checked before it runs.',
            }
          : operation.unseen
            ? {
                rule: 'shell',
                severity: 'error',
                message: `${UNSEEN} ${operation.reason}.`,
                hint: 'It may run only where its effects are judged before they land (contained execution).',
                alternative:
                  'Run the commands themselves, with literal paths, so they can be checked before they run.',
              }
            : {
                rule: 'shell',
                severity: 'error',
                message: `${UNREADABLE} ${operation.reason}.`,
                hint: 'Write the command out plainly, so it can be checked before it runs.',
                alternative:
                  'Run the commands themselves instead of text that a shell or decoder builds at run time.',
              },
      );
    }
  }
  return findings;
}

/**
 * What a command did, read after it ran in a layer (contained execution): its file effects as
 * operations, judged by the same command checks as a command line, and its effects on git's state.
 */
export function evaluateEffects(
  policy: ResolvedPolicy,
  operations: Operation[],
  effects: GitEffect[],
  facts: CommandFacts,
): Finding[] {
  const findings = evaluateOperations(policy, operations, facts);
  for (const id of PRIORITY) {
    const setting = policy.rules[id];
    const check = (rules[id] as unknown as { checkEffect?: EffectCheck }).checkEffect;
    if (!setting || !check) continue;
    for (const report of check(effects, setting.options)) {
      findings.push({
        rule: id,
        severity: setting.severity,
        message: report.message,
        hint: report.hint ?? rules[id].meta.hint,
        ...(report.alternative ? { alternative: report.alternative } : {}),
      });
    }
  }
  const rank = (finding: Finding) => {
    const at = PRIORITY.indexOf(finding.rule as RuleId);
    return at === -1 ? PRIORITY.length : at;
  };
  return findings.sort((a, b) => rank(a) - rank(b));
}

type EffectCheck = (effects: GitEffect[], options: unknown) => RuleReport[];

const UNSEEN = 'Its effects cannot be seen before it runs:';
const UNREADABLE = 'The command cannot be checked:';

/**
 * The first error decides. A rule that sees harm denies. When all that blocks is code the static
 * pass cannot see through, the answer is `contain` (run it only where its effects are judged), or
 * `ask` when the policy says so; a command that cannot even be read is denied, or asked about.
 */
export function decide(findings: Finding[], policy: ResolvedPolicy): Decision {
  const errors = findings.filter((finding) => finding.severity === 'error');
  const blocking = errors.find((finding) => !finding.message.startsWith(UNSEEN)) ?? errors[0];
  if (!blocking) return { verdict: 'allow', findings };
  const only = (prefixes: string[]) =>
    errors.every(
      (finding) => finding.rule === 'shell' && prefixes.some((prefix) => finding.message.startsWith(prefix)),
    );
  const verdict = only([UNSEEN])
    ? policy.shell.onError === 'ask'
      ? 'ask'
      : 'contain'
    : only([UNSEEN, UNREADABLE]) && policy.shell.onError === 'ask'
      ? 'ask'
      : 'deny';
  return {
    verdict,
    rule: blocking.rule,
    reason: blocking.message,
    ...(blocking.alternative ? { alternative: blocking.alternative } : {}),
    findings,
  };
}
