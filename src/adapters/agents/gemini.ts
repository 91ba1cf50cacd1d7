// Gemini CLI BeforeTool hook. stdin: { session_id, transcript_path, cwd, hook_event_name:
// "BeforeTool", timestamp, tool_name, tool_input, mcp_context }. Shell: run_shell_command
// { command, dir_path }; files: write_file { file_path, content }, replace { file_path, new_string }.
// The answer is JSON only on stdout ({ decision: "deny" | "ask", reason }) with exit 0; "ask" is
// enforced since March 2026. Errors: exit 2 with the reason on stderr. Gemini reads project hooks
// only from .gemini/settings.json in the folder it starts in, and skips them in untrusted folders.
import { isAbsolute, resolve } from 'node:path';
import { type AgentAdapter, forHost, optionalText, reasonOf, record, type ToolCall, text } from './types.js';

function toolCalls(tool: string, input: Record<string, unknown>): ToolCall[] {
  switch (tool) {
    case 'run_shell_command':
      return [{ kind: 'shell', command: text(input.command, 'tool_input.command') }];
    case 'write_file':
      return [
        {
          kind: 'write',
          path: text(input.file_path ?? input.absolute_path, 'tool_input.file_path'),
          ...(typeof input.content === 'string' ? { content: input.content } : {}),
        },
      ];
    case 'replace':
    case 'edit':
      return [
        {
          kind: 'edit',
          path: text(input.file_path ?? input.absolute_path, 'tool_input.file_path'),
          ...(typeof input.new_string === 'string' ? { content: input.new_string } : {}),
        },
      ];
    default:
      return [{ kind: 'other' }];
  }
}

export const gemini: AgentAdapter = {
  name: 'gemini',
  parse(payload, fallbackCwd) {
    const body = record(payload, 'the hook input');
    const tool = text(body.tool_name, 'tool_name');
    const input = body.tool_input === undefined ? {} : record(body.tool_input, 'tool_input');
    const base = optionalText(body.cwd) ?? fallbackCwd;
    const dir = optionalText(input.dir_path);
    const cwd = dir ? (isAbsolute(dir) ? dir : resolve(base, dir)) : base;
    const session = optionalText(body.session_id);
    return { agent: 'gemini', tool, cwd, calls: toolCalls(tool, input), ...(session ? { session } : {}) };
  },
  answer(decision, request) {
    const final = forHost(decision, { ask: true, contained: request.contained === true });
    const output = final.verdict === 'allow' ? {} : { decision: final.verdict, reason: reasonOf(final) };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  },
  fail(message) {
    return { stdout: '', stderr: `agentpolicy blocked this tool call: ${message}\n`, exitCode: 2 };
  },
};
