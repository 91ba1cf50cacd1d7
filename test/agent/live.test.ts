// The discipline live at the tool call, through Claude Code's and Codex's real payload shapes, in
// real repositories with the policy committed: the diff budget before a file tool call, the steps
// after an edit and before the turn ends, the context budget and the number of sessions.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, type Project } from '../helpers/project.js';
import { snapshot, tempDir } from '../helpers/repo.js';

function claude(project: Project, payload: object) {
  const body = {
    session_id: 'session-a',
    transcript_path: join(project.dir, '..', 'no-transcript.jsonl'),
    cwd: project.dir,
    permission_mode: 'default',
    ...payload,
  };
  const result = project.cli(['agent-hook', 'claude'], JSON.stringify(body));
  const output = result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
  return { ...result, output };
}

const preWrite = (project: Project, path: string, content: string, extra: object = {}) =>
  claude(project, {
    hook_event_name: 'PreToolUse',
    tool_name: 'Write',
    tool_input: { file_path: join(project.dir, path), content },
    tool_use_id: 'toolu_1',
    ...extra,
  });

const lines = (count: number, word = 'line') =>
  Array.from({ length: count }, (_, i) => `${word} ${i}\n`).join('');

describe('the live diff budget', () => {
  it('denies a file tool call that would take the uncommitted change past max, and counts as git does', () => {
    const project = createProject(
      { extends: 'agentpolicy:recommended', rules: { 'max-diff-lines': ['error', { max: 20 }] } },
      { 'src/a.txt': lines(10) },
    );
    // 12 new lines: within the budget, and the file is written by the tool afterwards.
    expect(preWrite(project, 'src/new.txt', lines(12)).output).toBeUndefined();
    project.write('src/new.txt', lines(12));
    // A lock file costs nothing, as at commit time.
    expect(preWrite(project, 'package-lock.json', lines(500)).output).toBeUndefined();
    // 12 + 9 = 21 lines: past the budget.
    const over = preWrite(project, 'src/other.txt', lines(9));
    expect(over.output.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(over.output.hookSpecificOutput.permissionDecisionReason).toMatch(
      /take the uncommitted change to 21 lines, past the budget of 20.*Commit what you have as one step first, or ask a human for a larger budget/s,
    );
    // An Edit is counted by what it changes: one line of src/a.txt replaced is 2 lines (12 + 2).
    const before = snapshot(project);
    const edit = claude(project, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Edit',
      tool_input: {
        file_path: join(project.dir, 'src/a.txt'),
        old_string: 'line 3\n',
        new_string: 'LINE 3\n',
      },
      tool_use_id: 'toolu_2',
    });
    expect(edit.output).toBeUndefined();
    // Rewriting the new file whole with the same lines but one changes 2 lines, not 24.
    expect(preWrite(project, 'src/new.txt', lines(12).replace('line 5', 'LINE 5')).output).toBeUndefined();
    expect(snapshot(project)).toBe(before);
  });
});

describe('continuous validation', () => {
  const policy = {
    extends: 'agentpolicy:recommended',
    rules: { 'progress-updated': 'error' },
    verify: {
      check: { run: 'grep -q good src/a.js', on: ['edit', 'stop'], when: ['src/**'] },
    },
  };

  it('feeds a failing step back after an edit, only for the files its globs match (Claude Code)', () => {
    const project = createProject(policy, { 'src/a.js': 'good\n', 'PROGRESS.md': '# progress\n' });
    const post = (path: string) =>
      claude(project, {
        hook_event_name: 'PostToolUse',
        tool_name: 'Edit',
        tool_input: { file_path: join(project.dir, path), old_string: 'good', new_string: 'bad' },
        tool_response: { filePath: join(project.dir, path), success: true },
        tool_use_id: 'toolu_3',
      });
    project.write('src/a.js', 'bad\n');
    const failed = post('src/a.js');
    expect(failed.status).toBe(0);
    expect(failed.output.decision).toBe('block');
    expect(failed.output.reason).toMatch(
      /Verification after this edit: `grep -q good src\/a.js` failed \(exit 1\)/,
    );
    expect(post('docs/notes.md').output).toBeUndefined();
    project.write('src/a.js', 'good again\n');
    expect(post('src/a.js').output).toBeUndefined();
  });

  it('keeps the turn going on a failing step or a PROGRESS.md that did not move, once (Claude Code)', () => {
    const project = createProject(policy, { 'src/a.js': 'good\n', 'PROGRESS.md': '# progress\n' });
    const stop = (active: boolean) =>
      claude(project, { hook_event_name: 'Stop', stop_hook_active: active, last_assistant_message: 'Done.' });
    expect(stop(false).output).toBeUndefined();
    project.write('src/a.js', 'bad\n');
    const failing = stop(false);
    expect(failing.output).toEqual({
      decision: 'block',
      reason: expect.stringMatching(/before the turn may end/),
    });
    expect(stop(true).output).toBeUndefined();
    project.write('src/a.js', 'good, and more\n');
    expect(stop(false).output.reason).toMatch(/PROGRESS\.md did not move/);
    project.write('PROGRESS.md', '# progress\n\nsrc/a.js says more.\n');
    expect(stop(false).output).toBeUndefined();
  });

  it('speaks the same protocol with Codex: apply_patch after the edit, Stop at the end', () => {
    const project = createProject(policy, { 'src/a.js': 'good\n', 'PROGRESS.md': '# progress\n' });
    project.write('src/a.js', 'bad\n');
    const codex = (payload: object) => {
      const body = {
        session_id: 'c1',
        turn_id: 't1',
        cwd: project.dir,
        model: 'gpt-5',
        transcript_path: null,
        ...payload,
      };
      const result = project.cli(['agent-hook', 'codex'], JSON.stringify(body));
      return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
    };
    const patch = '*** Begin Patch\n*** Update File: src/a.js\n@@\n-good\n+bad\n*** End Patch\n';
    expect(
      codex({
        hook_event_name: 'PostToolUse',
        tool_name: 'apply_patch',
        tool_input: { command: patch },
        tool_response: 'ok',
      }),
    ).toMatchObject({ decision: 'block' });
    expect(codex({ hook_event_name: 'Stop', stop_hook_active: false })).toMatchObject({ decision: 'block' });
  });
});

function transcript(tokens: number): string {
  const path = join(tempDir(), 'transcript.jsonl');
  const entries = [
    { type: 'user', message: { role: 'user', content: 'Go on.' } },
    {
      type: 'assistant',
      message: {
        role: 'assistant',
        usage: {
          input_tokens: 10,
          cache_creation_input_tokens: 1000,
          cache_read_input_tokens: tokens - 1010,
          output_tokens: 300,
        },
      },
    },
  ];
  writeFileSync(path, `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`);
  return path;
}

describe('the context budget', () => {
  it('warns from warn, denies changes but the memory files from block, never blocks on an unreadable transcript', () => {
    const project = createProject(
      { extends: 'agentpolicy:recommended', rules: { 'context-budget': ['error', { window: 200000 }] } },
      { 'src/a.txt': 'a\n', 'PROGRESS.md': '# progress\n' },
    );
    const low = preWrite(project, 'src/a.txt', 'b\n', { transcript_path: transcript(50_000) });
    expect(low.output).toBeUndefined();
    const warned = preWrite(project, 'src/a.txt', 'b\n', { transcript_path: transcript(130_000) });
    expect(warned.output.hookSpecificOutput).toEqual({
      hookEventName: 'PreToolUse',
      additionalContext: expect.stringMatching(/65% of the context .*start a new session/),
    });
    const full = transcript(170_000);
    const denied = preWrite(project, 'src/a.txt', 'b\n', { transcript_path: full });
    expect(denied.output.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(denied.output.hookSpecificOutput.permissionDecisionReason).toMatch(
      /85% of the context.*Write where you are and what is next in PROGRESS\.md, then start a new session/s,
    );
    const shell = claude(project, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'rm src/a.txt' },
      transcript_path: full,
    });
    expect(shell.output.hookSpecificOutput.permissionDecision).toBe('deny');
    // Only the project's own memory files: a PLAN.md elsewhere is a change like any other.
    const bash = (command: string) =>
      claude(project, {
        hook_event_name: 'PreToolUse',
        tool_name: 'Bash',
        tool_input: { command },
        transcript_path: full,
      }).output?.hookSpecificOutput.permissionDecision;
    expect(bash('echo step >> src/PLAN.md')).toBe('deny');
    expect(bash('echo "Next: b." >> PROGRESS.md')).toBeUndefined();
    const reading = claude(project, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'git status' },
      transcript_path: full,
    });
    expect(reading.output?.hookSpecificOutput.permissionDecision).toBeUndefined();
    expect(
      preWrite(project, 'PROGRESS.md', '# progress\n\nNext: b.\n', { transcript_path: full }).output
        ?.hookSpecificOutput.permissionDecision,
    ).toBeUndefined();
    const unreadable = preWrite(project, 'src/a.txt', 'b\n', {
      transcript_path: join(project.dir, 'missing.jsonl'),
    });
    expect(unreadable.output.hookSpecificOutput.additionalContext).toMatch(/could not be read/);
  });
});

describe('parallel sessions', () => {
  it('denies a further session past max within the window, naming the active ones', () => {
    const project = createProject(
      { extends: 'agentpolicy:recommended', rules: { 'max-sessions': ['error', { max: 2, window: '15m' }] } },
      { 'src/a.txt': 'a\n' },
    );
    const write = (session: string) =>
      preWrite(project, 'src/a.txt', `${session}\n`, { session_id: session });
    expect(write('one').output).toBeUndefined();
    expect(write('two').output).toBeUndefined();
    const third = write('three');
    expect(third.output.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(third.output.hookSpecificOutput.permissionDecisionReason).toMatch(
      /2 agent sessions are already active in this repository within 15m, at most 2: claude two \(last seen \d+s ago\), claude one/,
    );
    expect(write('one').output).toBeUndefined();
  });
});
