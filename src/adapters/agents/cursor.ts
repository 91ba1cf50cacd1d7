// Cursor hooks (the official hooks doc). beforeShellExecution stdin: { conversation_id,
// generation_id, hook_event_name, command, cwd, workspace_roots }, answered with { permission:
// "allow"|"deny"|"ask", user_message, agent_message }. preToolUse ({ tool_name, tool_input }, tools
// Shell, Read, Write, Grep, Delete, Task, MCP:<name>) is answered with { permission, user_message,
// agent_message }, where "ask" is accepted but not enforced, so it becomes a deny. Exit 2 denies;
// other failures (a timeout too) let the action through unless the hook is installed with
// failClosed: true (install-agent does that), so errors are exit 2 with a reason. Project hooks run
// only in trusted workspaces.
import { type AgentAdapter, forHost, optionalText, reasonOf, record, type ToolCall, text } from './types.js';

const FILE_TOOL = /write|edit|delete|replace|patch|create|move|rename/i;

function toolCalls(tool: string, input: Record<string, unknown>): ToolCall[] {
  if (typeof input.command === 'string') return [{ kind: 'shell', command: input.command }];
  const path = optionalText(input.file_path) ?? optionalText(input.path) ?? optionalText(input.target_file);
  if (!path) {
    // The argument names of Cursor's file tools are not documented: a file tool whose path we
    // cannot find is not let through unjudged.
    if (FILE_TOOL.test(tool))
      throw new Error(`tool_input of ${tool} names no file (file_path, path or target_file)`);
    return [{ kind: 'other' }];
  }
  const content =
    optionalText(input.contents) ?? optionalText(input.content) ?? optionalText(input.new_string);
  if (/delete/i.test(tool)) return [{ kind: 'delete', path }];
  if (/write|create/i.test(tool)) return [{ kind: 'write', path, ...(content ? { content } : {}) }];
  if (FILE_TOOL.test(tool)) return [{ kind: 'edit', path, ...(content ? { content } : {}) }];
  return [{ kind: 'other' }];
}

function permission(verdict: string, reason: string) {
  return verdict === 'allow'
    ? { permission: 'allow' }
    : { permission: verdict, user_message: `agentpolicy: ${reason}`, agent_message: reason };
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
    const final = forHost(decision, {
      ask: request.event === 'beforeShellExecution',
      contained: request.contained === true,
    });
    const output = permission(final.verdict, reasonOf(final));
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  },
  fail(message) {
    const reason = `agentpolicy blocked this tool call: ${message}`;
    return { stdout: `${JSON.stringify(permission('deny', reason))}\n`, stderr: `${reason}\n`, exitCode: 2 };
  },
};
