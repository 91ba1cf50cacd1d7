// The commands every agent tool call and every commit message run: kept apart so the hot bundle
// (bin/agentpolicy.cjs) carries only them.
import type { CommandTable } from './commands.js';

export const hotCommands: CommandTable = {
  // Only commit-msg runs from the hot bundle; the other hooks run from the full build.
  hook: {
    summary: 'Run the policy for a git hook (called by the installed hooks)',
    load: () => import('./commands/hook-message.js'),
  },
  'check-command': {
    summary: 'Say whether the policy allows a shell command (never runs it)',
    load: () => import('./commands/check-command.js'),
  },
  exec: {
    summary: 'Check a command, then run it (stdio, exit code and signals passed through)',
    load: () => import('./commands/exec.js'),
  },
  sh: {
    summary: 'A $SHELL for agents: check `sh -c` commands, then run them',
    load: () => import('./commands/sh.js'),
  },
  'agent-hook': {
    summary: "Answer an agent's pre-tool hook (claude, codex, cursor, gemini, copilot)",
    load: () => import('./commands/agent-hook.js'),
  },
};
