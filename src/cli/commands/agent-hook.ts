import { relative, sep } from 'node:path';
import { adapters } from '../../adapters/agents/index.js';
import { AGENT_NAMES, type AgentName, type HostAnswer } from '../../adapters/agents/types.js';
import { applyAllowOnce, audit, guardToolCalls, operationsOfToolCall } from '../../adapters/guard.js';
import { judgeSession, onlyMemoryFiles, progressGate, verifyLive } from '../../adapters/live.js';
import { liveBudget, plannedWrites, touchedFiles } from '../../adapters/live-budget.js';
import { suggestion } from '../../config/names.js';
import { isAgentPolicyError, UsageError } from '../../errors.js';
import type { Operation } from '../../shell/types.js';
import type { Decision } from '../../types.js';
import type { Globals } from '../commands.js';
import { guardContext } from '../guard-context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy agent-hook <claude|codex|cursor|gemini|copilot>

Reads the agent's hook payload (JSON) on stdin and answers in that agent's protocol: allow, deny
with the reason and a safer alternative, or ask where the agent enforces it. A command whose effects
cannot be seen before it runs goes on where the host runs it contained (Claude Code's Bash with
agentpolicy-sh as its shell prefix), is asked about where the host enforces "ask", denied elsewhere. Every
error blocks, in the way that agent enforces (Claude Code runs the tool on exit 1, so errors exit
2); a hook timeout lets the call through on Claude Code, Codex, Gemini CLI and Copilot CLI.
Install it with \`agentpolicy install-agent <name>\`.

Claude Code and Codex also send their PostToolUse and Stop events here: after a file-changing tool
call the verification steps with \`on: ["edit"]\` whose \`when\` globs match run on the work tree,
and when the agent ends its turn the steps with \`on: ["stop"]\` (and \`progress-updated\`); a
failure is fed back to the agent and keeps it working. \`stop_hook_active\` is honoured.
`;

/** Hosts whose post-tool and stop events speak Claude Code's protocol. */
const LIVE_HOSTS = new Set<AgentName>(['claude', 'codex']);
const FILE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'apply_patch']);

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const name = argv[0];
  if (!name || !(AGENT_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(
      `agent-hook: name the agent: ${AGENT_NAMES.join(', ')}.${name ? suggestion(name, AGENT_NAMES) : ''}`,
    );
  }
  const adapter = adapters[name as AgentName];
  const answer = (result: HostAnswer) => {
    if (result.stdout) io.stdout(result.stdout);
    if (result.stderr) io.stderr(result.stderr);
    return result.exitCode;
  };
  try {
    const raw = await io.readStdin();
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      return answer(adapter.fail(`the hook input is not JSON (${raw.length} characters read).`));
    }
    const body = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
    const event = typeof body.hook_event_name === 'string' ? body.hook_event_name : undefined;
    if (LIVE_HOSTS.has(name as AgentName) && (event === 'PostToolUse' || event === 'Stop'))
      return answer(await liveEvent(event, body, io, globals));
    let request: ReturnType<typeof adapter.parse>;
    try {
      request = adapter.parse(payload, io.cwd);
    } catch (error) {
      return answer(adapter.fail(`the hook input is not what ${name} sends: ${(error as Error).message}.`));
    }
    if (request.calls.every((call) => call.kind === 'other'))
      return answer(adapter.answer({ verdict: 'allow', findings: [] }, request));
    const context = await guardContext(request.cwd, io.env, globals);
    const command = request.calls.map((call) => (call.kind === 'shell' ? call.command : '')).find(Boolean);
    const paths = request.calls.flatMap((call) =>
      'path' in call ? [call.path] : call.kind === 'move' ? [call.from, call.to] : [],
    );
    let decision: Decision & { allowedOnce?: boolean } = applyAllowOnce(
      guardToolCalls(request.calls, context),
      context,
      command,
    );
    let warnings: string[] = [];
    if (decision.verdict === 'allow') {
      const changes = () =>
        request.calls.some((call) =>
          call.kind === 'shell'
            ? operationsOfToolCall(call, context.cwd, context.env).some((operation) =>
                changesSomething(operation, context.root, context.cwd),
              )
            : call.kind !== 'other' && !onlyMemoryFiles(paths, context.root, context.cwd),
        );
      const transcript = typeof body.transcript_path === 'string' ? body.transcript_path : undefined;
      const session = judgeSession(context, {
        agent: name,
        changes,
        ...(request.session ? { session: request.session } : {}),
        ...(transcript ? { transcriptPath: transcript } : {}),
      });
      warnings = session.warnings;
      const input = body.tool_input && typeof body.tool_input === 'object' ? body.tool_input : {};
      const denied =
        session.deny ??
        liveBudget(
          plannedWrites(request.tool, input as Record<string, unknown>, request.cwd),
          context.policy,
          context.root,
          context.env,
        );
      if (denied) decision = applyAllowOnce(denied, context, command);
    }
    audit(
      context,
      {
        agent: name,
        ...(request.session ? { session: request.session } : {}),
        tool: request.tool,
        ...(command ? { command } : {}),
        ...(paths.length ? { paths } : {}),
      },
      decision,
    );
    // A "contain" verdict goes on where the host runs the command contained (route.ts).
    const contained =
      decision.verdict === 'contain' &&
      (await import('../../contain/route.js')).hostContains(name, request.tool, context);
    if (decision.verdict === 'allow' && warnings.length && name === 'claude') {
      // Claude Code adds a PreToolUse hook's additionalContext to the agent's context.
      const output = {
        hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: warnings.join('\n') },
      };
      return answer({ stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 });
    }
    if (decision.verdict === 'allow' && warnings.length) io.stderr(`${warnings.join('\n')}\n`);
    return answer(adapter.answer(decision, { ...request, contained }));
  } catch (error) {
    // Fail closed: a broken policy or an internal error blocks the tool call, with the reason.
    const message = isAgentPolicyError(error) ? error.message : `internal error: ${(error as Error).message}`;
    if (globals.debug && error instanceof Error) io.stderr(`${error.stack}\n`);
    return answer(adapter.fail(message));
  }
}

const READ_ONLY_GIT = new Set([
  'status',
  'log',
  'diff',
  'show',
  'rev-parse',
  'ls-files',
  'blame',
  'grep',
  'describe',
  'shortlog',
  'cat-file',
]);

/** Whether an operation the static pass sees changes anything but the project's memory files. */
function changesSomething(operation: Operation, root: string, cwd: string): boolean {
  if (operation.kind === 'exec' || operation.kind === 'env') return false;
  if (operation.kind === 'git') return !READ_ONLY_GIT.has(operation.args[0] ?? '');
  if (operation.kind === 'write') return !onlyMemoryFiles([operation.target.path ?? ''], root, cwd);
  return true;
}

/**
 * Claude Code's and Codex's PostToolUse and Stop: the steps for the occasion on the work tree; a
 * failure answered with `decision: "block"` and the reason, which the host feeds back to the agent.
 * An error is exit 2 with the reason on stderr, which both hosts show to the agent.
 */
async function liveEvent(
  event: 'PostToolUse' | 'Stop',
  body: Record<string, unknown>,
  io: Io,
  globals: Globals,
): Promise<HostAnswer> {
  const block = (reason: string): HostAnswer => ({
    stdout: `${JSON.stringify({ decision: 'block', reason })}\n`,
    stderr: '',
    exitCode: 0,
  });
  const pass: HostAnswer = { stdout: '', stderr: '', exitCode: 0 };
  // A turn that goes on because of a stop hook may end: the agent was told once, it never loops.
  if (event === 'Stop' && body.stop_hook_active === true) return pass;
  const cwd = typeof body.cwd === 'string' && body.cwd !== '' ? body.cwd : io.cwd;
  const tool = typeof body.tool_name === 'string' ? body.tool_name : '';
  if (event === 'PostToolUse' && !FILE_TOOLS.has(tool)) return pass;
  const context = await guardContext(cwd, io.env, globals);
  if (!context.inRepository) return pass;
  if (event === 'PostToolUse') {
    const input = (body.tool_input && typeof body.tool_input === 'object' ? body.tool_input : {}) as Record<
      string,
      unknown
    >;
    const touched = touchedFiles(tool, input, cwd).map((path) =>
      relative(context.root, path).split(sep).join('/'),
    );
    const result = await verifyLive(context, 'edit', touched);
    return result.block ? block(result.block) : pass;
  }
  const result = await verifyLive(context, 'stop', undefined);
  const progress = result.block ? undefined : progressGate(context.policy, context.root, context.env);
  const reason = result.block ?? progress;
  return reason ? block(reason) : pass;
}
