// Cursor hooks. beforeShellExecution stdin: { conversation_id, generation_id, hook_event_name,
// command, cwd, workspace_roots }, answered with { permission: "allow"|"deny"|"ask", userMessage,
// agentMessage }; sources disagree on the spelling (camelCase in the cursor-hooks types,
// snake_case elsewhere), so both are sent. The newer preToolUse ({ tool_name, tool_input }) is
// answered with { decision, reason }. Exit 2 denies; other failures fail open unless the hook is
// installed with failClosed: true (install-agent does that), so errors are exit 2 with a reason.
import {
  type AgentAdapter,
  askAsDeny,
  optionalText,
  reasonOf,
  record,
  type ToolCall,
  text,
} from './types.js';

function toolCalls(tool: string, input: Record<string, unknown>): ToolCall[] {
  if (typeof input.command === 'string') return [{ kind: 'shell', command: input.command }];
  const path = optionalText(input.file_path) ?? optionalText(input.path) ?? optionalText(input.target_file);
  if (!path) return [{ kind: 'other' }];
  if (/delete/i.test(tool)) return [{ kind: 'delete', path }];
  if (/write|create/i.test(tool)) return [{ kind: 'write', path }];
  if (/edit|replace|patch/i.test(tool)) return [{ kind: 'edit', path }];
  return [{ kind: 'other' }];
}

export const cursor: AgentAdapter = {
  name: 'cursor',
  parse(payload, fallbackCwd) {
    const body = record(payload, 'the hook input');
    const event =
      optionalText(body.hook_event_name) ??
      (body.command !== undefined ? 'beforeShellExecution' : 'preToolUse');
    const roots = Array.isArray(body.workspace_roots)
      ? body.workspace_roots.filter((root) => typeof root === 'string')
      : [];
    const cwd = optionalText(body.cwd) ?? roots[0] ?? fallbackCwd;
    const session = optionalText(body.conversation_id);
    if (event === 'beforeShellExecution') {
      return {
        agent: 'cursor',
        event,
        tool: 'shell',
        cwd,
        calls: [{ kind: 'shell', command: text(body.command, 'command') }],
        ...(session ? { session } : {}),
      };
    }
    const tool = optionalText(body.tool_name) ?? event;
    const input = body.tool_input === undefined ? {} : record(body.tool_input, 'tool_input');
    return {
      agent: 'cursor',
      event,
      tool,
      cwd,
      calls: toolCalls(tool, input),
      ...(session ? { session } : {}),
    };
  },
  answer(decision, request) {
    if (request.event === 'preToolUse') {
      const final = askAsDeny(decision);
      const output =
        final.verdict === 'allow' ? { decision: 'allow' } : { decision: 'deny', reason: reasonOf(final) };
      return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
    }
    if (decision.verdict === 'allow')
      return { stdout: `${JSON.stringify({ permission: 'allow' })}\n`, stderr: '', exitCode: 0 };
    const reason = reasonOf(decision);
    const userMessage = `agentpolicy: ${decision.reason ?? 'blocked by the project policy'}`;
    const output = {
      permission: decision.verdict,
      userMessage,
      agentMessage: reason,
      user_message: userMessage,
      agent_message: reason,
    };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  },
  fail(message) {
    const reason = `agentpolicy blocked this tool call: ${message}`;
    return {
      stdout: `${JSON.stringify({ permission: 'deny', userMessage: reason, agentMessage: reason, user_message: reason, agent_message: reason })}\n`,
      stderr: `${reason}\n`,
      exitCode: 2,
    };
  },
};
