// OpenAI Codex CLI PreToolUse hook: Claude-compatible input (`tool_name` "Bash" for shell commands,
// "apply_patch" for file edits, plus turn_id and model). Codex treats as an invalid hook, and runs
// the command, a deny without a reason, "ask", "allow" without updatedInput, and exit 2 with an
// empty stderr. So: deny always carries a reason, ask and contain become a deny that asks for a
// human, allow is silence, and errors are exit 2 with a non-empty stderr. A patch sent as a shell
// command (`apply_patch <<'EOF'`) is read by the shell analysis; headers are trimmed as Codex trims
// them. `write_stdin` has no hook: a bare interpreter it could type into is never a plain allow.
import { parseApplyPatch } from './apply-patch.js';
import { claudeToolCalls } from './claude.js';
import { type AgentAdapter, forHost, optionalText, reasonOf, record, text } from './types.js';

export const codex: AgentAdapter = {
  name: 'codex',
  parse(payload, fallbackCwd) {
    const body = record(payload, 'the hook input');
    const tool = text(body.tool_name, 'tool_name');
    const input = body.tool_input === undefined ? {} : record(body.tool_input, 'tool_input');
    const calls =
      tool === 'apply_patch'
        ? parseApplyPatch(text(input.input ?? input.patch ?? input.command, 'tool_input.input (the patch)'))
        : claudeToolCalls(tool, input);
    const session = optionalText(body.session_id);
    return {
      agent: 'codex',
      tool,
      cwd: optionalText(body.cwd) ?? fallbackCwd,
      calls,
      ...(session ? { session } : {}),
    };
  },
  answer(decision, request) {
    const final = forHost(decision, { ask: false, contained: request.contained === true });
    if (final.verdict === 'allow') return { stdout: '', stderr: '', exitCode: 0 };
    const output = {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: reasonOf(final),
      },
    };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  },
  fail(message) {
    return {
      stdout: '',
      stderr: `agentpolicy blocked this tool call: ${message || 'internal error'}\n`,
      exitCode: 2,
    };
  },
};
