// Which hosts run their shell commands through containment, so the hooks can let a command the
// static pass cannot see through ("contain") go on: Claude Code prefixes every Bash command with
// CLAUDE_CODE_SHELL_PREFIX (set in its settings' `env` by `install-agent claude`), so with
// `<path>/agentpolicy-sh -c` there, each command runs contained. The other hosts run their own
// shells (Codex the login shell from the user database, Gemini CLI bash): their commands are
// judged by the static pass alone.
import { existsSync } from 'node:fs';
import type { GuardContext } from '../adapters/guard.js';
import { planRun } from './run.js';

/** The program a shell prefix runs: its path, before the first ` -` option (as Claude Code splits it). */
export function prefixProgram(prefix: string): string {
  const at = prefix.indexOf(' -');
  return (at === -1 ? prefix : prefix.slice(0, at)).trim();
}

/** `agentpolicy-sh -c` as a shell prefix, with the program there. */
export function routesThroughWrapper(prefix: string | undefined): boolean {
  if (!prefix) return false;
  const program = prefixProgram(prefix);
  return /(^|\/)agentpolicy-sh(\.cjs)?$/.test(program) && /\s-c\s*$/.test(prefix) && existsSync(program);
}

/** Whether a tool call of this host runs through contained execution here. */
export function hostContains(agent: string, tool: string, context: GuardContext): boolean {
  if (agent !== 'claude' || tool !== 'Bash') return false;
  return routesThroughWrapper(context.env.CLAUDE_CODE_SHELL_PREFIX) && planRun(context).how === 'contained';
}
