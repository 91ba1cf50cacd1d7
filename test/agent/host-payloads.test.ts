// Payloads shaped as each host sends them (field names from the hosts' own schemas), judged end to
// end through the adapter and the guard in a real repository: the shapes that used to slip through.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { adapters } from '../../src/adapters/agents/index.js';
import type { AgentName } from '../../src/adapters/agents/types.js';
import { type GuardContext, guardToolCalls } from '../../src/adapters/guard.js';
import { resolvePolicy } from '../../src/config/resolve.js';
import { createCorpusRepo } from '../shell/corpus-repo.js';

let context: GuardContext;
let dir: string;
beforeAll(async () => {
  const repo = createCorpusRepo();
  dir = repo.dir;
  symlinkSync('.agentpolicyrc', join(dir, 'policy-link.json'));
  symlinkSync('.claude', join(dir, 'agent-settings'));
  const { policy } = await resolvePolicy(dir);
  context = {
    policy,
    root: dir,
    inRepository: true,
    commonDir: `${dir}/.git`,
    cwd: dir,
    env: { HOME: repo.home },
  };
});

function judge(agent: AgentName, payload: (dir: string) => object): string {
  const adapter = adapters[agent];
  const request = adapter.parse(payload(dir), dir);
  return guardToolCalls(request.calls, { ...context, cwd: request.cwd }).verdict;
}

const PATCH = (body: string) => `*** Begin Patch\n${body}\n*** End Patch\n`;

describe('host payloads', () => {
  it.each<[string, AgentName, (dir: string) => object, string]>([
    [
      'claude Monitor runs a shell command',
      'claude',
      (d) => ({
        hook_event_name: 'PreToolUse',
        tool_name: 'Monitor',
        tool_input: { command: 'rm -rf src' },
        cwd: d,
      }),
      'deny',
    ],
    [
      'claude PowerShell is never a plain allow',
      'claude',
      (d) => ({
        hook_event_name: 'PreToolUse',
        tool_name: 'PowerShell',
        tool_input: { command: 'Remove-Item -Recurse src' },
        cwd: d,
      }),
      'contain',
    ],
    [
      'claude Write through a symlink to the policy',
      'claude',
      (d) => ({
        tool_name: 'Write',
        tool_input: { file_path: `${d}/policy-link.json`, content: '{}' },
        cwd: d,
      }),
      'deny',
    ],
    [
      'claude Write through a symlinked folder',
      'claude',
      (d) => ({
        tool_name: 'Write',
        tool_input: { file_path: `${d}/agent-settings/settings.json`, content: '{}' },
        cwd: d,
      }),
      'deny',
    ],
    [
      'claude Write to a ref file',
      'claude',
      (d) => ({
        tool_name: 'Write',
        tool_input: { file_path: `${d}/.git/refs/heads/main`, content: '0'.repeat(40) },
        cwd: d,
      }),
      'deny',
    ],
    [
      'claude Edit adding the policy key to package.json',
      'claude',
      (d) => ({
        tool_name: 'Edit',
        tool_input: {
          file_path: `${d}/package.json`,
          old_string: '{',
          new_string: '{ "agentpolicy": { "rules": {} },',
        },
        cwd: d,
      }),
      'deny',
    ],
    [
      'claude Edit of package.json without the key',
      'claude',
      (d) => ({
        tool_name: 'Edit',
        tool_input: { file_path: `${d}/package.json`, old_string: 'corpus', new_string: 'corpus-app' },
        cwd: d,
      }),
      'allow',
    ],
    [
      'codex apply_patch as a shell heredoc',
      'codex',
      (d) => ({
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_input: { command: `apply_patch <<'EOF'\n${PATCH('*** Delete File: .agentpolicyrc')}EOF` },
        cwd: d,
      }),
      'deny',
    ],
    [
      'codex apply_patch inside bash -lc',
      'codex',
      (d) => ({
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_input: {
          command: `bash -lc "apply_patch '${PATCH('*** Add File: .husky/pre-commit\n+exit 0')}'"`,
        },
        cwd: d,
      }),
      'deny',
    ],
    [
      'codex apply_patch with indented headers',
      'codex',
      (d) => ({
        hook_event_name: 'PreToolUse',
        tool_name: 'apply_patch',
        tool_input: { input: PATCH('   *** Delete File: .agentpolicyrc') },
        cwd: d,
      }),
      'deny',
    ],
    [
      'codex a bare interpreter write_stdin could type into',
      'codex',
      (d) => ({
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_input: { command: 'python3' },
        cwd: d,
      }),
      'contain',
    ],
    [
      'codex an ordinary patch',
      'codex',
      (d) => ({
        hook_event_name: 'PreToolUse',
        tool_name: 'apply_patch',
        tool_input: { input: PATCH('*** Update File: src/app.ts\n@@\n-a\n+b') },
        cwd: d,
      }),
      'allow',
    ],
    [
      'cursor preToolUse Shell',
      'cursor',
      (d) => ({
        hook_event_name: 'preToolUse',
        tool_name: 'Shell',
        tool_input: { command: 'git reset --hard' },
        cwd: d,
        workspace_roots: [d],
      }),
      'deny',
    ],
    [
      'cursor preToolUse Delete of the policy',
      'cursor',
      (d) => ({
        hook_event_name: 'preToolUse',
        tool_name: 'Delete',
        tool_input: { file_path: `${d}/.agentpolicyrc` },
        cwd: d,
      }),
      'deny',
    ],
    [
      'copilot apply_patch',
      'copilot',
      (d) => ({
        timestamp: 1,
        cwd: d,
        toolName: 'apply_patch',
        toolArgs: JSON.stringify({ input: PATCH('*** Delete File: .husky/pre-commit') }),
      }),
      'deny',
    ],
    [
      'copilot powershell is never a plain allow',
      'copilot',
      (d) => ({
        timestamp: 1,
        cwd: d,
        toolName: 'powershell',
        toolArgs: JSON.stringify({ command: 'Remove-Item src -Recurse' }),
      }),
      'contain',
    ],
    [
      'copilot create through a symlink to the policy',
      'copilot',
      (d) => ({
        timestamp: 1,
        cwd: d,
        toolName: 'create',
        toolArgs: JSON.stringify({ path: `${d}/policy-link.json`, file_text: '{}' }),
      }),
      'deny',
    ],
    [
      'gemini write_file of the Gemini settings',
      'gemini',
      (d) => ({
        hook_event_name: 'BeforeTool',
        tool_name: 'write_file',
        tool_input: { file_path: `${d}/.gemini/settings.json`, content: '{}' },
        cwd: d,
      }),
      'deny',
    ],
  ])('%s', (_name, agent, payload, verdict) => {
    expect(judge(agent, payload)).toBe(verdict);
  });
});
