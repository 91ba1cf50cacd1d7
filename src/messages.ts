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
