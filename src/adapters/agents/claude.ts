// Claude Code PreToolUse hook. stdin: { session_id, transcript_path, cwd, permission_mode,
// hook_event_name: "PreToolUse", tool_name, tool_input, tool_use_id, prompt_id, agent_id,
// agent_type, effort }. We answer with exit 0 and hookSpecificOutput.permissionDecision ("deny" or
// "ask"); "allow" is never sent (it would skip the user's own permission prompts), we stay silent
// instead. Claude Code treats exit 1 as "go ahead", so every error is answered with exit 2 and the
// reason on stderr, which blocks. Shell commands arrive through Bash and Monitor ({ command });
// PowerShell's commands are not read, so they are never a plain allow. A timeout lets the call run.
import { type AgentAdapter, forHost, optionalText, reasonOf, record, type ToolCall, text } from './types.js';

export function claudeToolCalls(tool: string, input: Record<string, unknown>): ToolCall[] {
  switch (tool) {
    case 'Bash':
    case 'Monitor':
      return [{ kind: 'shell', command: text(input.command, 'tool_input.command') }];
    case 'PowerShell':
      return [
        {
          kind: 'unseen',
          reason: `PowerShell runs \`${text(input.command, 'tool_input.command')}\`, which the guard does not read`,
        },
      ];
    case 'Write':
      return [
        { kind: 'write', path: text(input.file_path, 'tool_input.file_path'), ...content(input.content) },
      ];
    case 'Edit':
    case 'MultiEdit':
      return [
        {
          kind: 'edit',
          path: text(input.file_path, 'tool_input.file_path'),
          ...content(
            input.new_string ??
              (Array.isArray(input.edits)
                ? input.edits.map((edit) => (edit as { new_string?: unknown }).new_string).join('\n')
                : undefined),
          ),
        },
      ];
    case 'NotebookEdit':
      return [{ kind: 'edit', path: text(input.notebook_path, 'tool_input.notebook_path') }];
    default:
      return [{ kind: 'other' }];
  }
}

function content(value: unknown): { content?: string } {
  return typeof value === 'string' ? { content: value } : {};
}

export const claude: AgentAdapter = {
  name: 'claude',
  parse(payload, fallbackCwd) {
    const body = record(payload, 'the hook input');
    const tool = text(body.tool_name, 'tool_name');
    const input = body.tool_input === undefined ? {} : record(body.tool_input, 'tool_input');
    const session = optionalText(body.session_id);
    return {
      agent: 'claude',
      tool,
      cwd: optionalText(body.cwd) ?? fallbackCwd,
      calls: claudeToolCalls(tool, input),
      ...(session ? { session } : {}),
    };
  },
  answer(answered, request) {
    const decision = forHost(answered, { ask: true, contained: request.contained === true });
    if (decision.verdict === 'allow') return { stdout: '', stderr: '', exitCode: 0 };
    const output = {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: decision.verdict,
        permissionDecisionReason: reasonOf(decision),
      },
    };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  },
  fail(message) {
    return { stdout: '', stderr: `agentpolicy blocked this tool call: ${message}\n`, exitCode: 2 };
  },
};
