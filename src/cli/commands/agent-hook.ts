import { adapters } from '../../adapters/agents/index.js';
import { AGENT_NAMES, type AgentName, type HostAnswer } from '../../adapters/agents/types.js';
import { applyAllowOnce, audit, guardToolCalls } from '../../adapters/guard.js';
import { suggestion } from '../../config/names.js';
import { isAgentPolicyError, UsageError } from '../../errors.js';
import type { Globals } from '../commands.js';
import { guardContext } from '../guard-context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy agent-hook <claude|codex|cursor|gemini|copilot>

Reads the agent's hook payload (JSON) on stdin and answers in that agent's protocol: allow, deny
with the reason and a safer alternative, or ask where the agent enforces it. A command whose effects
cannot be seen before it runs is asked about where the host enforces "ask", denied elsewhere. Every
error blocks, in the way that agent enforces (Claude Code runs the tool on exit 1, so errors exit
2); a hook timeout lets the call through on Claude Code, Codex, Gemini CLI and Copilot CLI.
Install it with \`agentpolicy install-agent <name>\`.
`;

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
    const decision = applyAllowOnce(guardToolCalls(request.calls, context), context, command);
    const paths = request.calls.flatMap((call) =>
      'path' in call ? [call.path] : call.kind === 'move' ? [call.from, call.to] : [],
    );
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
    return answer(adapter.answer(decision, request));
  } catch (error) {
    // Fail closed: a broken policy or an internal error blocks the tool call, with the reason.
    const message = isAgentPolicyError(error) ? error.message : `internal error: ${(error as Error).message}`;
    if (globals.debug && error instanceof Error) io.stderr(`${error.stack}\n`);
    return answer(adapter.fail(message));
  }
}
