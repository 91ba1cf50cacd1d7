// Where each agent keeps its project hook settings, and our entry in them. Merging is pure: the
// existing settings in, the settings with our hook added once out; everything else is kept.
import type { AgentName } from './types.js';

export interface HookSettingsFile {
  path: string;
  /** Returns the settings with our hook in them, and whether anything changed. */
  merge: (existing: Record<string, unknown>) => { settings: Record<string, unknown>; changed: boolean };
}

const BIN = 'node_modules/.bin/agentpolicy';

/**
 * The hook command for an agent. `|| exit 2` keeps the block when the binary is gone (a deleted
 * node_modules): the shell's "not found" exits 127, which most hosts take as "go ahead".
 */
function hookCommand(agent: AgentName, prefix = ''): string {
  return `${prefix}${BIN} agent-hook ${agent} || exit 2`;
}

/** Claude Code's hook command, exactly as installed (agentpolicy-sh recognises it). */
export const CLAUDE_HOOK = hookCommand('claude', '"$CLAUDE_PROJECT_DIR"/');

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function mentionsUs(value: unknown): boolean {
  return JSON.stringify(value).includes('agentpolicy agent-hook');
}

/** Adds `entry` to settings.hooks[event] unless an entry there already runs our hook. */
function addHook(
  existing: Json,
  event: string,
  entry: Json,
  extra: Json = {},
): { settings: Json; changed: boolean } {
  const hooks = asObject(existing.hooks);
  const list = asArray(hooks[event]);
  if (list.some(mentionsUs)) return { settings: existing, changed: false };
  return {
    settings: { ...extra, ...existing, hooks: { ...hooks, [event]: [...list, entry] } },
    changed: true,
  };
}

/** Each event's entry added in turn, every one at most once. */
function addHooks(existing: Json, entries: [string, Json][]): { settings: Json; changed: boolean } {
  let settings = existing;
  let changed = false;
  for (const [event, entry] of entries) {
    const added = addHook(settings, event, entry);
    settings = added.settings;
    changed ||= added.changed;
  }
  return { settings, changed };
}

/** Seconds the post-tool and stop hooks may take: they run verification steps. */
const LIVE_TIMEOUT = 600;

export const AGENT_SETTINGS: Record<AgentName, HookSettingsFile> = {
  claude: {
    path: '.claude/settings.json',
    merge: (existing) => {
      const command = CLAUDE_HOOK;
      return addHooks(existing, [
        [
          'PreToolUse',
          {
            matcher: 'Bash|Monitor|PowerShell|Write|Edit|MultiEdit|NotebookEdit',
            hooks: [{ type: 'command', command, timeout: 30 }],
          },
        ],
        // Verification after each file edit and before the turn ends: the step timeouts rule these.
        [
          'PostToolUse',
          {
            matcher: 'Write|Edit|MultiEdit|NotebookEdit',
            hooks: [{ type: 'command', command, timeout: LIVE_TIMEOUT }],
          },
        ],
        ['Stop', { hooks: [{ type: 'command', command, timeout: LIVE_TIMEOUT }] }],
      ]);
    },
  },
  codex: {
    path: '.codex/hooks.json',
    merge: (existing) => {
      // Codex runs the hook in its own working directory: a relative path breaks in a subdirectory.
      const command = `"$(git rev-parse --show-toplevel)"/${BIN} agent-hook codex || exit 2`;
      return addHooks(existing, [
        ['PreToolUse', { matcher: 'Bash|apply_patch', hooks: [{ type: 'command', command, timeout: 30 }] }],
        [
          'PostToolUse',
          { matcher: 'apply_patch', hooks: [{ type: 'command', command, timeout: LIVE_TIMEOUT }] },
        ],
        ['Stop', { hooks: [{ type: 'command', command, timeout: LIVE_TIMEOUT }] }],
      ]);
    },
  },
  cursor: {
    path: '.cursor/hooks.json',
    merge: (existing) => {
      const shell = addHook(
        existing,
        'beforeShellExecution',
        { command: hookCommand('cursor'), timeout: 30, failClosed: true },
        { version: 1 },
      );
      const tools = addHook(
        shell.settings,
        'preToolUse',
        { command: hookCommand('cursor'), timeout: 30, failClosed: true },
        { version: 1 },
      );
      return { settings: tools.settings, changed: shell.changed || tools.changed };
    },
  },
  gemini: {
    path: '.gemini/settings.json',
    merge: (existing) =>
      addHook(existing, 'BeforeTool', {
        matcher: 'run_shell_command|write_file|replace',
        hooks: [{ type: 'command', name: 'agentpolicy', command: hookCommand('gemini'), timeout: 30000 }],
      }),
  },
  copilot: {
    path: '.github/hooks/agentpolicy.json',
    merge: (existing) =>
      addHook(
        existing,
        'preToolUse',
        { type: 'command', bash: hookCommand('copilot'), timeoutSec: 30 },
        { version: 1 },
      ),
  },
};

/**
 * Claude Code's machine-local settings (.claude/settings.local.json, not committed: the path is
 * this machine's): its Bash commands run through `agentpolicy-sh -c` (contained execution) by
 * the shell prefix in its `env`. A prefix of the user's own is kept, and the route not made.
 */
export const CLAUDE_SHELL = {
  path: '.claude/settings.local.json',
  merge(existing: Json, program: string): { settings: Json; changed: boolean; kept?: string } {
    const env = asObject(existing.env);
    const prefix = `${program} -c`;
    const current = env.CLAUDE_CODE_SHELL_PREFIX;
    if (current === prefix) return { settings: existing, changed: false };
    if (typeof current === 'string' && current !== '' && !current.includes('agentpolicy-sh'))
      return { settings: existing, changed: false, kept: current };
    return { settings: { ...existing, env: { ...env, CLAUDE_CODE_SHELL_PREFIX: prefix } }, changed: true };
  },
};
