// The readiness report shows where the agent stands live: the uncommitted lines as the live diff
// budget counts them before a file tool call (the same figure the deny names), and the last
// edit-time check, kept apart from the hooks' runs. Real repository, Claude Code's payloads.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReadinessMarkdown, type Readiness } from '../../src/report/readiness.js';
import { createProject, type Project } from '../helpers/project.js';
import { snapshot } from '../helpers/repo.js';

const lines = (count: number, word = 'line') =>
  Array.from({ length: count }, (_, i) => `${word} ${i}\n`).join('');

function claude(project: Project, payload: object) {
  const body = {
    session_id: 'session-a',
    transcript_path: join(project.dir, '..', 'no-transcript.jsonl'),
    cwd: project.dir,
    permission_mode: 'default',
    tool_use_id: 'toolu_1',
    ...payload,
  };
  const result = project.cli(['agent-hook', 'claude'], JSON.stringify(body));
  return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
}

describe('the readiness report, live', () => {
  it('shows the live budget used as the deny counts it, and the last edit-time check', () => {
    const project = createProject(
      {
        extends: 'agentpolicy:recommended',
        rules: { 'max-diff-lines': ['error', { max: 20 }] },
        verify: { check: { run: 'grep -q good src/a.js', on: ['edit'], when: ['src/**'] } },
      },
      { 'src/a.js': 'good\n' },
    );
    const edited = (path: string) =>
      claude(project, {
        hook_event_name: 'PostToolUse',
        tool_name: 'Write',
        tool_input: { file_path: join(project.dir, path), content: project.read(path) },
        tool_response: { filePath: join(project.dir, path), success: true },
      });
    // 1 line removed, 6 added, and an untracked file of 3 lines: 10 uncommitted.
    project.write('src/a.js', `bad\n${lines(5)}`);
    project.write('notes.txt', lines(3));
    expect(edited('src/a.js').decision).toBe('block');
    const before = snapshot(project);
    const report = project.cli(['report']);
    expect(report.status, report.stderr).toBe(0);
    expect(snapshot(project)).toBe(before);
    expect(report.stdout).toMatch(
      /## Live diff budget\n\n`[█░]+` \*\*10\*\* of 20 lines uncommitted, counted as file tool calls are: 10 left before a file tool call is denied\./,
    );
    expect(report.stdout).toMatch(
      /## Last edit-time check \(\d{4}-[^)]+\)\n\n- ❌ check \(failed, \d+\.\ds\)/,
    );
    // The deny before a file tool call names the same figure.
    const denied = claude(project, {
      hook_event_name: 'PreToolUse',
      tool_name: 'Write',
      tool_input: { file_path: join(project.dir, 'src/b.js'), content: lines(11) },
    });
    expect(denied.hookSpecificOutput.permissionDecisionReason).toMatch(/10 lines are uncommitted now/);

    // A passing edit-time check replaces the failing one; a commit's run does not hide it.
    project.write('src/a.js', 'good\n');
    expect(edited('src/a.js')).toBeUndefined();
    project.git('add', '-A');
    expect(project.gitRaw(['commit', '-q', '-m', 'Keep the notes for later']).status).toBe(0);
    const after = project.cli(['report']).stdout;
    expect(after).toMatch(/\*\*0\*\* of 20 lines uncommitted/);
    expect(after).toMatch(/## Last edit-time check \([^)]+\)\n\n- ✅ check \(passed, /);
    const page = project.cli(['report', '--format', 'html']).stdout;
    expect(page).toMatch(
      /<h2>Live diff budget<\/h2><div class="meter ok" id="live" role="meter" aria-valuenow="0"/,
    );
    expect(page).toMatch(/<section id="last-edit"><h2>Last edit-time check/);
  });

  it('says when the budget is spent or only a warning, and when a step was reused', () => {
    const base: Readiness = { generatedAt: 'now', subject: 'work in progress', rules: [] };
    const spent = formatReadinessMarkdown({ ...base, live: { used: 25, max: 20, enforced: true } });
    expect(spent).toMatch(
      /\*\*25\*\* of 20 lines uncommitted, .*past the budget, so every file tool call that adds to it is denied until a commit/,
    );
    const warned = formatReadinessMarkdown({ ...base, live: { used: 25, max: 20, enforced: false } });
    expect(warned).toMatch(/max-diff-lines is a warning: nothing is denied/);
    const reused = formatReadinessMarkdown({
      ...base,
      verification: {
        time: 't',
        hook: 'pre-push',
        results: [{ name: 'test', status: 'passed', durationMs: 0, reused: true }],
      },
    });
    expect(reused).toMatch(/- ✅ test \(passed, passed before on this same tree\)/);
    expect(formatReadinessMarkdown(base)).not.toMatch(/Live diff budget|Last edit-time check/);
  });
});
