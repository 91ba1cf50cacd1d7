// Command decisions: every enabled rule's command check, the policy's own shell patterns, and what
// could not be analysed, turned into findings; the first error decides, with its reason and a
// safer alternative.

import type { CommandFacts } from '../rules/command-facts.js';
import { rules } from '../rules/index.js';
import { matchesPattern } from '../shell/patterns.js';
import type { Operation } from '../shell/types.js';
import type { Decision, Finding, ResolvedPolicy, RuleId, RuleReport } from '../types.js';

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
      findings.push({
        rule: 'shell',
        severity: 'error',
        message: `The command cannot be checked: ${operation.reason}.`,
        hint: 'Write the command out plainly, so it can be checked before it runs.',
        alternative:
          'Run the commands themselves instead of text that a shell or decoder builds at run time.',
      });
    }
  }
  return findings;
}

export function decide(findings: Finding[], policy: ResolvedPolicy): Decision {
  const blocking = findings.find((finding) => finding.severity === 'error');
  if (!blocking) return { verdict: 'allow', findings };
  const onlyUnanalysable = findings
    .filter((finding) => finding.severity === 'error')
    .every(
      (finding) => finding.rule === 'shell' && finding.message.startsWith('The command cannot be checked'),
    );
  return {
    verdict: onlyUnanalysable && policy.shell.onError === 'ask' ? 'ask' : 'deny',
    rule: blocking.rule,
    reason: blocking.message,
    ...(blocking.alternative ? { alternative: blocking.alternative } : {}),
    findings,
  };
}
