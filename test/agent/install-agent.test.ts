import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AGENT_SETTINGS } from '../../src/adapters/agents/install.js';
import { runCli } from '../helpers/cli.js';
import { createRepo } from '../helpers/repo.js';

describe('agentpolicy install-agent', () => {
  it.each(Object.keys(AGENT_SETTINGS))(
    '%s: adds the hook once, keeping existing settings and hooks',
    (name) => {
      const repo = createRepo();
      const path = AGENT_SETTINGS[name as keyof typeof AGENT_SETTINGS].path;
      const existingEvent = {
        claude: 'PreToolUse',
        codex: 'PreToolUse',
        cursor: 'beforeShellExecution',
        gemini: 'BeforeTool',
        copilot: 'preToolUse',
      }[name]!;
      repo.write(
        path,
        JSON.stringify({
          theme: 'dark',
          hooks: { [existingEvent]: [{ command: 'their-own-hook' }], Stop: [{ command: 'x' }] },
        }),
      );
      const first = runCli(['install-agent', name], { cwd: repo.dir, env: repo.env });
      expect(first.status, first.stderr).toBe(0);
      const settings = JSON.parse(repo.read(path));
      expect(settings.theme).toBe('dark');
      // An existing hook of any event is kept first; ours follows it where the host has the event.
      expect(settings.hooks.Stop[0]).toEqual({ command: 'x' });
      expect(JSON.stringify(settings.hooks[existingEvent])).toMatch(/their-own-hook.*agentpolicy agent-hook/);
      const text = repo.read(path);
      const second = runCli(['install-agent', name], { cwd: repo.dir, env: repo.env });
      expect(second.stdout).toMatch(/already there/);
      expect(repo.read(path)).toBe(text);
    },
  );

  it.each(['claude', 'codex'] as const)(
    '%s: registers the post-tool and stop events for continuous validation',
    (name) => {
      const repo = createRepo();
      expect(runCli(['install-agent', name], { cwd: repo.dir, env: repo.env }).status).toBe(0);
      const { hooks } = JSON.parse(repo.read(AGENT_SETTINGS[name].path));
      expect(Object.keys(hooks)).toEqual(['PreToolUse', 'PostToolUse', 'Stop']);
      expect(JSON.stringify(hooks.PostToolUse)).toMatch(/agent-hook \w+ \|\| exit 2/);
      expect(hooks.PostToolUse[0].matcher).toBe(
        name === 'claude' ? 'Write|Edit|MultiEdit|NotebookEdit' : 'apply_patch',
      );
      expect(hooks.Stop[0].matcher).toBeUndefined();
    },
  );

  it('installs a command that still blocks, with exit 2 and a message, when the binary is gone', () => {
    const repo = createRepo();
    runCli(['install-agent', 'claude'], { cwd: repo.dir, env: repo.env });
    const command = JSON.parse(repo.read('.claude/settings.json')).hooks.PreToolUse[0].hooks[0]
      .command as string;
    // As Claude Code runs it: through a shell, with CLAUDE_PROJECT_DIR set, and no node_modules.
    const result = spawnSync('sh', ['-c', command], {
      cwd: repo.dir,
      env: { ...repo.env, CLAUDE_PROJECT_DIR: repo.dir },
      input: '{}',
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/agentpolicy.*not found|No such file/);
  });

  it('creates the settings file when there is none, and refuses broken JSON', () => {
    const repo = createRepo();
    expect(runCli(['install-agent', 'claude'], { cwd: repo.dir, env: repo.env }).status).toBe(0);
    const hook = JSON.parse(repo.read('.claude/settings.json')).hooks.PreToolUse[0];
    expect(hook).toEqual({
      matcher: 'Bash|Monitor|PowerShell|Write|Edit|MultiEdit|NotebookEdit',
      hooks: [
        {
          type: 'command',
          command: '"$CLAUDE_PROJECT_DIR"/node_modules/.bin/agentpolicy agent-hook claude || exit 2',
          timeout: 30,
        },
      ],
    });
    const codex = runCli(['install-agent', 'codex'], { cwd: repo.dir, env: repo.env });
    expect(codex.stdout).toMatch(/trusted project.*\/hooks/);
    expect(JSON.parse(repo.read('.codex/hooks.json')).hooks.PreToolUse[0].hooks[0].command).toBe(
      '"$(git rev-parse --show-toplevel)"/node_modules/.bin/agentpolicy agent-hook codex || exit 2',
    );
    expect(runCli(['install-agent', 'gemini'], { cwd: repo.dir, env: repo.env }).stdout).toMatch(
      /folder it starts in.*untrusted/,
    );
    repo.write('.cursor/hooks.json', '{ "version": 1, ');
    const broken = runCli(['install-agent', 'cursor'], { cwd: repo.dir, env: repo.env });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/\.cursor\/hooks\.json is not valid JSON/);
    const unknown = runCli(['install-agent', 'claud'], { cwd: repo.dir, env: repo.env });
    expect(unknown.stderr).toMatch(/Did you mean "claude"\?/);
  });
});
