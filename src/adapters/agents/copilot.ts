// GitHub Copilot CLI preToolUse hook. stdin: { timestamp, cwd, toolName, toolArgs }, where the CLI
// sends toolArgs as a JSON string (the SDK documents an object: both are read). Shell is "bash"
// (and "powershell", whose commands are not read); file tools are "create", "edit"/"str_replace",
// and "apply_patch" (with OpenAI models). Answer: { permissionDecision: "deny"|"ask",
// permissionDecisionReason }; on allow nothing, since an explicit "allow" switches off the user's
// own approval prompt (since 1.0.18). A timeout lets the call run.
import { parseApplyPatch } from './apply-patch.js';
import { type AgentAdapter, forHost, optionalText, reasonOf, record, type ToolCall, text } from './types.js';

function toolCalls(tool: string, args: Record<string, unknown>): ToolCall[] {
  const path = optionalText(args.path) ?? optionalText(args.file_path) ?? optionalText(args.filePath);
  switch (tool) {
    case 'bash':
    case 'shell':
      return [{ kind: 'shell', command: text(args.command, 'toolArgs.command') }];
    case 'powershell':
      return [
        {
          kind: 'unseen',
          reason: `PowerShell runs \`${text(args.command, 'toolArgs.command')}\`, which the guard does not read`,
        },
      ];
    case 'apply_patch':
      return parseApplyPatch(text(args.input ?? args.patch ?? args.command, 'toolArgs.input (the patch)'));
    case 'write':
    case 'create':
      return [{ kind: 'write', path: required(path, tool), ...content(args.file_text ?? args.content) }];
    case 'edit':
    case 'str_replace':
    case 'str_replace_editor':
      return [{ kind: 'edit', path: required(path, tool), ...content(args.new_str ?? args.new_string) }];
    case 'delete':
      return [{ kind: 'delete', path: required(path, tool) }];
    default:
      return [{ kind: 'other' }];
  }
}

function required(path: string | undefined, tool: string): string {
  if (!path) throw new Error(`toolArgs of ${tool} names no file (path)`);
  return path;
}

function content(value: unknown): { content?: string } {
  return typeof value === 'string' ? { content: value } : {};
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
        // apply_patch may send the patch itself.
        if (tool !== 'apply_patch') throw new Error('toolArgs is a string that is not JSON');
        args = { input: args };
      }
    }
    return {
      agent: 'copilot',
      tool,
      cwd: optionalText(body.cwd) ?? fallbackCwd,
      calls: toolCalls(tool, record(args, 'toolArgs')),
    };
  },
  answer(answered, request) {
    const decision = forHost(answered, { ask: true, contained: request.contained === true });
    if (decision.verdict === 'allow') return { stdout: '', stderr: '', exitCode: 0 };
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
