// The shell wrapper's one way to run a command (`exec` and `sh`): the static pass first (it denies
// what it sees before anything runs, and alone stops what cannot be undone, like a push), then
// the command contained where containment runs, so its effects are judged before they land;
// directly where the policy lets it run without (the static pass then decides alone).
import { audit, type GuardContext } from '../adapters/guard.js';
import { runPassingThrough } from '../adapters/run.js';
import { containUnavailableText, denialText } from '../messages.js';
import type { Decision } from '../types.js';
import { ContainUnavailable } from './linux.js';
import { planRun, runContained } from './run.js';

export interface WrappedCommand {
  /** The argv to run, exactly as given. */
  argv: string[];
  command: string;
  agent: string;
  tool: string;
}

export async function runWrapped(
  wrapped: WrappedCommand,
  decision: Decision,
  context: GuardContext,
  stderr: (text: string) => void,
): Promise<number> {
  const entry = { agent: wrapped.agent, tool: wrapped.tool, command: wrapped.command };
  audit(context, entry, decision);
  if (decision.verdict !== 'allow' && decision.verdict !== 'contain') {
    stderr(denialText(decision));
    return 1;
  }
  const plan = planRun(context);
  if (plan.how === 'blocked') {
    stderr(containUnavailableText(plan.reason, plan.fix));
    return 1;
  }
  if (plan.how === 'contained') {
    const result = await runContained({ ...entry, argv: wrapped.argv, context, stderr }, plan);
    if (!(result instanceof ContainUnavailable)) return result;
    if (context.policy.shell.contain === 'required') {
      stderr(containUnavailableText(result.message, result.fix));
      return 1;
    }
    return direct(wrapped, decision, context, stderr, 'unavailable', result.message);
  }
  return direct(wrapped, decision, context, stderr, plan.why, plan.reason);
}

function direct(
  wrapped: WrappedCommand,
  decision: Decision,
  context: GuardContext,
  stderr: (text: string) => void,
  why: 'nested' | 'off' | 'unavailable',
  reason?: string,
): Promise<number> | number {
  // Inside a contained command already, the outer run judges what this one does.
  if (decision.verdict === 'contain' && why !== 'nested') {
    stderr(denialText(decision));
    stderr(
      `agentpolicy: contained execution ${why === 'off' ? 'is off (shell.contain)' : `cannot run here (${reason}); run \`agentpolicy doctor\``}.\n`,
    );
    return 1;
  }
  return runPassingThrough(wrapped.argv[0]!, wrapped.argv.slice(1), context.env);
}
