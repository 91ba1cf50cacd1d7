// User-facing text that more than one command prints: what happened, why, and what to do next.
import type { Decision } from './types.js';

/** What `exec` and `sh` print on stderr when the guard denies a command. */
export function denialText(decision: Decision): string {
  const lines = [`agentpolicy: denied by ${decision.rule}: ${decision.reason}`];
  if (decision.alternative) lines.push(`agentpolicy: instead: ${decision.alternative}`);
  if (decision.rule)
    lines.push(`agentpolicy: a human can allow it once with \`agentpolicy allow-once ${decision.rule}\`.`);
  return `${lines.join('\n')}\n`;
}

/** What `exec` and `sh` print when a contained command's effects are denied. */
export function containDeniedText(decision: Decision): string {
  const lines = [`agentpolicy: denied by ${decision.rule}: ${decision.reason}`];
  lines.push('agentpolicy: nothing it did was applied: the project is as it was before it ran.');
  if (decision.alternative) lines.push(`agentpolicy: instead: ${decision.alternative}`);
  if (decision.rule)
    lines.push(`agentpolicy: a human can allow it once with \`agentpolicy allow-once ${decision.rule}\`.`);
  return `${lines.join('\n')}\n`;
}

/** What `exec` and `sh` print when a contained run fails: fail closed, and say what to do. */
export function containFailedText(what: string, ran: boolean): string {
  return `agentpolicy: the command ran, but ${what}.\nagentpolicy: ${ran ? 'nothing of it was applied: the project is as it was before it ran.' : 'nothing it did was applied.'}\n`;
}

/** Why a command is blocked where contained execution is required but cannot run. */
export function containUnavailableText(reason: string, fix: string): string {
  return `agentpolicy: blocked: the policy requires contained execution (shell.contain: required), which cannot run here: ${reason}.\nagentpolicy: fix: ${fix}\n`;
}
