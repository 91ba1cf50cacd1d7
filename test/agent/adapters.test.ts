// Each agent's hook protocol, from real payload shapes, including the traps where a host would
// let a tool call through: Claude Code runs the tool on exit 1, Codex on "ask", on a deny without a
// reason and on exit 2 with empty stderr, Cursor on a crash unless failClosed.
import { describe, expect, it } from 'vitest';
import { parseApplyPatch } from '../../src/adapters/agents/apply-patch.js';
import { adapters } from '../../src/adapters/agents/index.js';
import type { Decision } from '../../src/types.js';

const deny: Decision = {
  verdict: 'deny',
  rule: 'no-destructive-git',
  reason: 'git reset --hard would discard 2 uncommitted files.',
  alternative: 'git stash',
  findings: [],
};
const ask: Decision = {
  verdict: 'ask',
  rule: 'shell',
  reason: 'The command could not be analysed.',
  findings: [],
};
const allow: Decision = { verdict: 'allow', findings: [] };
const contain: Decision = {
  verdict: 'contain',
  rule: 'shell',
  reason: 'Its effects cannot be seen before it runs: python3 runs code built when it runs.',
  findings: [],
};

const payloads = {
  claude: {
    session_id: 's1',
    transcript_path: '/t.jsonl',
    cwd: '/repo',
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command: 'git reset --hard', description: 'reset' },
    tool_use_id: 'toolu_1',
  },
  codex: {
    session_id: 's2',
    turn_id: 't1',
    transcript_path: null,
    cwd: '/repo',
    hook_event_name: 'PreToolUse',
    model: 'gpt-5-codex',
    permission_mode: 'default',
    tool_name: 'Bash',
    tool_input: { command: 'git reset --hard' },
    tool_use_id: 'call_1',
  },
  cursor: {
    conversation_id: 'c1',
    generation_id: 'g1',
    model: 'x',
    hook_event_name: 'beforeShellExecution',
    cursor_version: '2.0',
    workspace_roots: ['/repo'],
    user_email: null,
    transcript_path: null,
    command: 'git reset --hard',
    cwd: '/repo',
  },
  gemini: {
    session_id: 's3',
    transcript_path: '/t',
    cwd: '/repo',
    hook_event_name: 'BeforeTool',
    timestamp: '2026-11-28T10:00:00Z',
    tool_name: 'run_shell_command',
    tool_input: { command: 'git reset --hard', description: 'x', dir_path: 'sub' },
    mcp_context: null,
  },
  copilot: {
    timestamp: 1764324000000,
    cwd: '/repo',
    toolName: 'bash',
    toolArgs: JSON.stringify({ command: 'git reset --hard', description: 'x' }),
  },
} as const;

describe('parsing each host payload', () => {
  it.each(Object.entries(payloads))('%s: a shell command', (name, payload) => {
    const request = adapters[name as keyof typeof adapters].parse(payload, '/fallback');
    expect(request.calls).toEqual([{ kind: 'shell', command: 'git reset --hard' }]);
    expect(request.cwd).toBe(name === 'gemini' ? '/repo/sub' : '/repo');
  });

  it.each([
    [
      'claude',
      { tool_name: 'Write', tool_input: { file_path: '/repo/new.ts', content: 'x' }, cwd: '/repo' },
      [{ kind: 'write', path: '/repo/new.ts' }],
    ],
    [
      'claude',
      {
        tool_name: 'Edit',
        tool_input: { file_path: '/repo/.agentpolicyrc', old_string: 'a', new_string: 'b' },
        cwd: '/repo',
      },
      [{ kind: 'edit', path: '/repo/.agentpolicyrc' }],
    ],
    [
      'claude',
      { tool_name: 'MultiEdit', tool_input: { file_path: '/repo/a.ts', edits: [] }, cwd: '/repo' },
      [{ kind: 'edit', path: '/repo/a.ts' }],
    ],
    [
      'claude',
      { tool_name: 'Read', tool_input: { file_path: '/repo/a.ts' }, cwd: '/repo' },
      [{ kind: 'other' }],
    ],
    [
      'codex',
      {
        tool_name: 'apply_patch',
        tool_input: { input: '*** Begin Patch\n*** Delete File: src/a.ts\n*** End Patch\n' },
        cwd: '/repo',
      },
      [{ kind: 'delete', path: 'src/a.ts' }],
    ],
    [
      'gemini',
      { tool_name: 'write_file', tool_input: { file_path: '/repo/n.ts', content: '' }, cwd: '/repo' },
      [{ kind: 'write', path: '/repo/n.ts' }],
    ],
    [
      'gemini',
      {
        tool_name: 'replace',
        tool_input: { file_path: '/repo/a.ts', old_string: 'a', new_string: 'b' },
        cwd: '/repo',
      },
      [{ kind: 'edit', path: '/repo/a.ts' }],
    ],
    [
      'cursor',
      {
        hook_event_name: 'preToolUse',
        tool_name: 'Write',
        tool_input: { file_path: '/repo/n.ts' },
        cwd: '/repo',
      },
      [{ kind: 'write', path: '/repo/n.ts' }],
    ],
    [
      'copilot',
      { toolName: 'edit', toolArgs: { path: '/repo/a.ts' }, cwd: '/repo' },
      [{ kind: 'edit', path: '/repo/a.ts' }],
    ],
    [
      'copilot',
      { toolName: 'create', toolArgs: '{"path":"/repo/n.ts","file_text":"x"}', cwd: '/repo' },
      [{ kind: 'write', path: '/repo/n.ts' }],
    ],
  ])('%s: file tool %j', (name, payload, calls) => {
    expect(adapters[name as keyof typeof adapters].parse(payload, '/repo').calls).toMatchObject(calls);
  });

  it.each([
    ['claude', 'not an object'],
    ['claude', { tool_input: {} }],
    ['claude', { tool_name: 'Bash', tool_input: {} }],
    ['codex', { tool_name: 'apply_patch', tool_input: { input: 'no files here' } }],
    ['copilot', { toolName: 'bash', toolArgs: '{not json' }],
    ['cursor', { hook_event_name: 'beforeShellExecution' }],
  ])('%s: refuses a malformed payload %j', (name, payload) => {
    expect(() => adapters[name as keyof typeof adapters].parse(payload, '/repo')).toThrow();
  });
});

describe('answering so that the host enforces the decision', () => {
  it('claude: deny and ask as hookSpecificOutput with exit 0; allow is silence; errors exit 2 (exit 1 would run the tool)', () => {
    const denied = adapters.claude.answer(deny, adapters.claude.parse(payloads.claude, '/'));
    expect(denied.exitCode).toBe(0);
    expect(JSON.parse(denied.stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: expect.stringMatching(/discard 2 uncommitted.*Instead: git stash/),
      },
    });
    expect(
      JSON.parse(adapters.claude.answer(ask, adapters.claude.parse(payloads.claude, '/')).stdout)
        .hookSpecificOutput.permissionDecision,
    ).toBe('ask');
    expect(
      JSON.parse(adapters.claude.answer(contain, adapters.claude.parse(payloads.claude, '/')).stdout)
        .hookSpecificOutput.permissionDecision,
    ).toBe('ask');
    expect(adapters.claude.answer(allow, adapters.claude.parse(payloads.claude, '/'))).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    const failed = adapters.claude.fail('policy is broken');
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toMatch(/policy is broken/);
  });

  it('codex: never "ask", never a deny without a reason, never "allow" without updatedInput, errors exit 2 with stderr', () => {
    const request = adapters.codex.parse(payloads.codex, '/');
    for (const decision of [deny, ask, { ...deny, reason: undefined }]) {
      const answer = adapters.codex.answer(decision, request);
      const output = JSON.parse(answer.stdout).hookSpecificOutput;
      expect(output.permissionDecision).toBe('deny');
      expect(output.permissionDecisionReason.length).toBeGreaterThan(10);
    }
    expect(
      JSON.parse(adapters.codex.answer(ask, request).stdout).hookSpecificOutput.permissionDecisionReason,
    ).toMatch(/human's approval/);
    expect(
      JSON.parse(adapters.codex.answer(contain, request).stdout).hookSpecificOutput.permissionDecision,
    ).toBe('deny');
    expect(adapters.codex.answer(allow, request).stdout).toBe('');
    const failed = adapters.codex.fail('');
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr.trim().length).toBeGreaterThan(0);
  });

  it('gemini: JSON only on stdout, deny with a reason, ask enforced since March 2026', () => {
    const request = adapters.gemini.parse(payloads.gemini, '/');
    expect(JSON.parse(adapters.gemini.answer(deny, request).stdout)).toEqual({
      decision: 'deny',
      reason: expect.stringMatching(/uncommitted/),
    });
    expect(JSON.parse(adapters.gemini.answer(ask, request).stdout).decision).toBe('ask');
    expect(JSON.parse(adapters.gemini.answer(contain, request).stdout).decision).toBe('ask');
    expect(JSON.parse(adapters.gemini.answer(allow, request).stdout)).toEqual({});
    expect(adapters.gemini.fail('x').exitCode).toBe(2);
  });

  it('cursor: { permission, user_message, agent_message } on both events; preToolUse never "ask"; errors deny with exit 2', () => {
    const shell = adapters.cursor.parse(payloads.cursor, '/');
    expect(JSON.parse(adapters.cursor.answer(deny, shell).stdout)).toEqual({
      permission: 'deny',
      user_message: expect.any(String),
      agent_message: expect.stringMatching(/git stash/),
    });
    expect(JSON.parse(adapters.cursor.answer(ask, shell).stdout).permission).toBe('ask');
    expect(JSON.parse(adapters.cursor.answer(contain, shell).stdout).permission).toBe('ask');
    expect(JSON.parse(adapters.cursor.answer(allow, shell).stdout)).toEqual({ permission: 'allow' });
    const tool = adapters.cursor.parse(
      { hook_event_name: 'preToolUse', tool_name: 'Write', tool_input: { file_path: '/r/x' }, cwd: '/r' },
      '/',
    );
    expect(JSON.parse(adapters.cursor.answer(deny, tool).stdout)).toEqual({
      permission: 'deny',
      user_message: expect.any(String),
      agent_message: expect.any(String),
    });
    for (const decision of [ask, contain])
      expect(JSON.parse(adapters.cursor.answer(decision, tool).stdout).permission).toBe('deny');
    expect(JSON.parse(adapters.cursor.answer(allow, tool).stdout)).toEqual({ permission: 'allow' });
    expect(() =>
      adapters.cursor.parse(
        { hook_event_name: 'preToolUse', tool_name: 'Delete', tool_input: {}, cwd: '/r' },
        '/',
      ),
    ).toThrow(/names no file/);
    const failed = adapters.cursor.fail('boom');
    expect(failed.exitCode).toBe(2);
    expect(JSON.parse(failed.stdout).permission).toBe('deny');
  });

  it('copilot: permissionDecision with a reason; nothing at all on allow (an explicit allow skips the user prompt)', () => {
    const request = adapters.copilot.parse(payloads.copilot, '/');
    expect(JSON.parse(adapters.copilot.answer(deny, request).stdout)).toEqual({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringMatching(/uncommitted/),
    });
    expect(adapters.copilot.answer(allow, request)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(JSON.parse(adapters.copilot.answer(contain, request).stdout).permissionDecision).toBe('ask');
    expect(JSON.parse(adapters.copilot.fail('x').stdout).permissionDecision).toBe('deny');
  });
});

describe('apply_patch', () => {
  it('reads adds, updates, moves and deletes', () => {
    const patch = [
      '*** Begin Patch',
      '*** Add File: a.ts',
      '+x',
      '*** Update File: b.ts',
      '*** Move to: c.ts',
      '@@',
      '-y',
      '+z',
      '*** Update File: d.ts',
      '@@',
      '*** Delete File: e.ts',
      '*** End Patch',
    ].join('\n');
    expect(parseApplyPatch(patch)).toEqual([
      { kind: 'write', path: 'a.ts' },
      { kind: 'move', from: 'b.ts', to: 'c.ts' },
      { kind: 'edit', path: 'd.ts' },
      { kind: 'delete', path: 'e.ts' },
    ]);
  });
});
