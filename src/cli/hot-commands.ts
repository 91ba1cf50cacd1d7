// The commands every agent tool call and every commit message run: kept apart so the hot bundles
// (bin/agentpolicy.cjs) carry only them. `agent-hook`, which every agent tool call runs, has a
// bundle of its own; the shell wrapper, check-command and the commit-msg hook share the other.
import type { CommandTable } from './commands.js';

export const agentHookCommands: CommandTable = {
  'agent-hook': {
    summary: "Answer an agent's pre-tool hook (claude, codex, cursor, gemini, copilot)",
    load: () => import('./commands/agent-hook.js'),
  },
};

export const guardCommands: CommandTable = {
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
};
