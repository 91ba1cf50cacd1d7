// The shell wrapper's one way to run a command (`exec` and `sh`): the static pass first (it denies
// what it sees before anything runs, and alone stops what cannot be undone, like a push), then
// the command contained where containment runs, so its effects are judged before they land;
// directly where the policy lets it run without (the static pass then decides alone).
import { audit, expandScripts, type GuardContext } from '../adapters/guard.js';
import { runPassingThrough } from '../adapters/run.js';
import { containUnavailableText, denialText } from '../messages.js';
import type { Operation } from '../shell/types.js';
import type { Decision } from '../types.js';
import { ContainUnavailable } from './linux.js';
import { planRun, runContained } from './run.js';

export interface WrappedCommand {
  /** The argv to run, exactly as given. */
  argv: string[];
  command: string;
  agent: string;
  tool: string;
  /** The static pass's operations: what the command line says it does. */
  operations?: Operation[];
}

/** What the static pass reads a command line to do, scripts and package scripts it runs included. */
export function commandOperations(
  analysis: (env: Record<string, string | undefined>) => Operation[],
  context: GuardContext,
): Operation[] {
  const { env } = context;
  const known = {
    HOME: env.HOME,
    TMPDIR: env.TMPDIR ?? '/tmp',
    USER: env.USER,
    TMP: env.TMP,
    TEMP: env.TEMP,
  };
  try {
    return expandScripts(analysis(known), context.cwd, env);
  } catch {
    return []; // a line the static pass could not read names nothing
  }
}

/** Paths the operations delete or move away, as the command line names them (globs kept). */
export function namedPaths(operations: Operation[]): { path: string; glob: boolean }[] {
  return operations
    .flatMap((operation) =>
      operation.kind === 'delete' ? operation.targets : operation.kind === 'move' ? operation.from : [],
    )
    .filter((target) => target.path !== undefined && !target.dynamic)
    .map((target) => ({ path: target.path!, glob: target.glob }));
}

export async function runWrapped(
  wrapped: WrappedCommand,
  decision: Decision,
  context: GuardContext,
  stderr: (text: string) => void,
): Promise<number> {
  const entry = { agent: wrapped.agent, tool: wrapped.tool, command: wrapped.command };
  if (decision.verdict !== 'allow' && decision.verdict !== 'contain') {
    audit(context, entry, decision);
    stderr(denialText(decision));
    return 1;
  }
  const plan = planRun(context);
  if (plan.how === 'blocked') {
    audit(context, entry, decision);
    stderr(containUnavailableText(plan.reason, plan.fix));
    return 1;
  }
  if (plan.how === 'contained') {
    // Logged once the command has run: the log is the project's, and the command sees the project.
    const result = await runContained(
      {
        ...entry,
        argv: wrapped.argv,
        context,
        stderr,
        ...(wrapped.operations ? { named: namedPaths(wrapped.operations) } : {}),
      },
      plan,
    );
    audit(context, entry, decision);
    if (!(result instanceof ContainUnavailable)) return result;
    if (context.policy.shell.contain === 'required') {
      stderr(containUnavailableText(result.message, result.fix));
      return 1;
    }
    return direct(wrapped, decision, context, stderr, 'unavailable', result.message);
  }
  audit(context, entry, decision);
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
