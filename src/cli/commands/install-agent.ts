import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AGENT_SETTINGS } from '../../adapters/agents/install.js';
import { AGENT_NAMES, type AgentName } from '../../adapters/agents/types.js';
import { suggestion } from '../../config/names.js';
import { ConfigError, UsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { repositoryRoot } from '../context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy install-agent <claude|codex|cursor|gemini|copilot> [--dry-run]

Adds agentpolicy's hook to that agent's project settings, keeping every other setting and hook:
  claude   .claude/settings.json         PreToolUse on Bash, Monitor, PowerShell, Write, Edit, NotebookEdit
  codex    .codex/hooks.json             PreToolUse on Bash and apply_patch (runs once the project is trusted)
  cursor   .cursor/hooks.json            beforeShellExecution and preToolUse, failClosed
  gemini   .gemini/settings.json         BeforeTool on run_shell_command, write_file, replace
  copilot  .github/hooks/agentpolicy.json  preToolUse
Running it again changes nothing.
`;

/** What a human must do before the host runs project hooks at all. */
const TRUST_NOTES: Partial<Record<AgentName, string>> = {
  codex:
    'Codex runs project hooks only in a trusted project, after a human reviews new or changed hooks with /hooks. Codex before 0.124 also needs `[features] codex_hooks = true` in ~/.codex/config.toml.',
  gemini:
    'Gemini CLI reads .gemini/settings.json only from the folder it starts in (start it at the repository root) and skips project hooks in untrusted folders: trust this folder.',
  cursor: 'Cursor runs project hooks only in a trusted workspace.',
};

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values, positionals } = parseCommandArgs('install-agent', argv, { 'dry-run': { type: 'boolean' } });
  const name = positionals[0];
  if (!name || !(AGENT_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(
      `install-agent: name an agent: ${AGENT_NAMES.join(', ')}.${name ? suggestion(name, AGENT_NAMES) : ''}`,
    );
  }
  const root = repositoryRoot(io, 'install-agent');
  const target = AGENT_SETTINGS[name as AgentName];
  const path = join(root, target.path);
  let existing: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      existing = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(
        `${target.path} is not valid JSON (${(error as Error).message}); fix it, then run install-agent again.`,
      );
    }
  }
  const { settings, changed } = target.merge(existing);
  if (!changed) {
    io.stdout(`kept  ${target.path}: the agentpolicy hook is already there\n`);
    return 0;
  }
  if (!values['dry-run']) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
  }
  io.stdout(`${values['dry-run'] ? 'would' : 'done'}  ${target.path}: agentpolicy hook added for ${name}\n`);
  const note = TRUST_NOTES[name as AgentName];
  if (note) io.stdout(`      ${note}\n`);
  return 0;
}
