import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AGENT_SETTINGS, CLAUDE_SHELL } from '../../adapters/agents/install.js';
import { AGENT_NAMES, type AgentName } from '../../adapters/agents/types.js';
import { suggestion } from '../../config/names.js';
import { backend } from '../../contain/run.js';
import { ConfigError, UsageError } from '../../errors.js';
import { packageRoot } from '../../package-root.js';
import { parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { repositoryRoot } from '../context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy install-agent <claude|codex|cursor|gemini|copilot> [--dry-run]

Adds agentpolicy's hook to that agent's project settings, keeping every other setting and hook:
  claude   .claude/settings.json         PreToolUse on Bash, Monitor, PowerShell, Write, Edit, NotebookEdit;
           .claude/settings.local.json   where contained execution runs: every Bash command through
                                         agentpolicy-sh (env CLAUDE_CODE_SHELL_PREFIX)
  codex    .codex/hooks.json             PreToolUse on Bash and apply_patch (runs once the project is trusted)
  cursor   .cursor/hooks.json            beforeShellExecution and preToolUse, failClosed
  gemini   .gemini/settings.json         BeforeTool on run_shell_command, write_file, replace
  copilot  .github/hooks/agentpolicy.json  preToolUse
Running it again changes nothing.
`;

/** What a human must do before the host runs project hooks at all. */
const TRUST_NOTES: Partial<Record<AgentName, string>> = {
  codex:
    'Codex runs project hooks only in a trusted project, after a human reviews new or changed hooks with /hooks (`agentpolicy doctor` checks the trust). Codex before 0.124 also needs `[features] codex_hooks = true` in ~/.codex/config.toml.',
  gemini:
    'Gemini CLI reads .gemini/settings.json only from the folder it starts in (start it at the repository root) and skips project hooks in untrusted folders: trust this folder (`agentpolicy doctor` checks it).',
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
  const dryRun = values['dry-run'] === true;
  const { settings, changed } = target.merge(readSettings(root, target.path));
  if (!changed) io.stdout(`kept  ${target.path}: the agentpolicy hook is already there\n`);
  else {
    if (!dryRun) writeSettings(root, target.path, settings);
    io.stdout(`${dryRun ? 'would' : 'done'}  ${target.path}: agentpolicy hook added for ${name}\n`);
    const note = TRUST_NOTES[name as AgentName];
    if (note) io.stdout(`      ${note}\n`);
  }
  if (name === 'claude') routeClaude(root, io, dryRun);
  return 0;
}

function readSettings(root: string, file: string): Record<string, unknown> {
  const path = join(root, file);
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid JSON (${(error as Error).message}); fix it, then run install-agent again.`,
    );
  }
}

function writeSettings(root: string, file: string, settings: Record<string, unknown>): void {
  const path = join(root, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
}

/** Claude Code's Bash commands through agentpolicy-sh, where contained execution runs. */
function routeClaude(root: string, io: Io, dryRun: boolean): void {
  const available = backend.probe(io.env);
  if (!available.ok) {
    io.stdout(
      `      Contained execution cannot run here (${available.reason}): Claude Code's Bash commands are judged by the static pass alone.\n`,
    );
    return;
  }
  const local = join(root, 'node_modules', '.bin', 'agentpolicy-sh');
  const program = existsSync(local) ? local : join(packageRoot(), 'bin', 'agentpolicy-sh.cjs');
  const { settings, changed, kept } = CLAUDE_SHELL.merge(readSettings(root, CLAUDE_SHELL.path), program);
  if (kept !== undefined) {
    io.stdout(
      `kept  ${CLAUDE_SHELL.path}: CLAUDE_CODE_SHELL_PREFIX is set to "${kept}", so Claude Code's Bash commands are not run contained; remove it and run install-agent again to route them through agentpolicy-sh\n`,
    );
    return;
  }
  if (!changed) {
    io.stdout(`kept  ${CLAUDE_SHELL.path}: Claude Code's Bash commands already run contained\n`);
    return;
  }
  if (!dryRun) writeSettings(root, CLAUDE_SHELL.path, settings);
  io.stdout(
    `${dryRun ? 'would' : 'done'}  ${CLAUDE_SHELL.path}: Claude Code's Bash commands run through agentpolicy-sh (contained execution); this file is for this machine, keep it out of git\n`,
  );
}
