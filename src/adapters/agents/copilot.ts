// GitHub Copilot CLI preToolUse hook. stdin: { timestamp, cwd, toolName, toolArgs }, where the CLI
// sends toolArgs as a JSON string (the SDK documents an object: both are read). Shell is "bash";
// file tools are "write"/"create", "edit"/"str_replace". Answer: { permissionDecision, permissionDecisionReason }.
import { type AgentAdapter, optionalText, reasonOf, record, type ToolCall, text } from './types.js';

function toolCalls(tool: string, args: Record<string, unknown>): ToolCall[] {
  const path = optionalText(args.path) ?? optionalText(args.file_path) ?? optionalText(args.filePath);
  switch (tool) {
    case 'bash':
    case 'shell':
      return [{ kind: 'shell', command: text(args.command, 'toolArgs.command') }];
    case 'write':
    case 'create':
      return path ? [{ kind: 'write', path }] : [{ kind: 'other' }];
    case 'edit':
    case 'str_replace':
    case 'str_replace_editor':
      return path ? [{ kind: 'edit', path }] : [{ kind: 'other' }];
    case 'delete':
      return path ? [{ kind: 'delete', path }] : [{ kind: 'other' }];
    default:
      return [{ kind: 'other' }];
  }
}

export const copilot: AgentAdapter = {
  name: 'copilot',
  parse(payload, fallbackCwd) {
    const body = record(payload, 'the hook input');
    const tool = text(body.toolName, 'toolName');
    let args: unknown = body.toolArgs ?? {};
    if (typeof args === 'string') {
      try {
        args = JSON.parse(args);
      } catch {
        throw new Error('toolArgs is a string that is not JSON');
      }
    }
    return {
      agent: 'copilot',
      tool,
      cwd: optionalText(body.cwd) ?? fallbackCwd,
      calls: toolCalls(tool, record(args, 'toolArgs')),
    };
  },
  answer(decision) {
    if (decision.verdict === 'allow')
      return { stdout: `${JSON.stringify({ permissionDecision: 'allow' })}\n`, stderr: '', exitCode: 0 };
    const output = { permissionDecision: decision.verdict, permissionDecisionReason: reasonOf(decision) };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  },
  fail(message) {
    const output = {
      permissionDecision: 'deny',
      permissionDecisionReason: `agentpolicy blocked this tool call: ${message}`,
    };
    return {
      stdout: `${JSON.stringify(output)}\n`,
      stderr: `agentpolicy blocked this tool call: ${message}\n`,
      exitCode: 2,
    };
  },
};
