import { existsSync } from 'node:fs';
import { CLAUDE_HOOK } from '../../adapters/agents/install.js';
import { applyAllowOnce, guardCommand } from '../../adapters/guard.js';
import { commandOperations, runWrapped } from '../../contain/wrapper.js';
import { analyzeCommand } from '../../shell/analyze.js';
import type { Decision } from '../../types.js';
import type { Globals } from '../commands.js';
import { guardContext } from '../guard-context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy sh -c "<command>" [name [args...]]

A shell for agents that run \`$SHELL -c\`: checks the command against the policy, then hands the
same arguments to the real shell ($AGENTPOLICY_SHELL, else /bin/bash, else /bin/sh). A denied
command does not run: the reason goes to stderr and the exit code is 1. Set it up with
SHELL=/path/to/node_modules/.bin/agentpolicy-sh, or point the agent's shell setting at
\`agentpolicy sh\`. Without -c, commands read from a pipe are checked as one script first.
`;

function realShell(env: NodeJS.ProcessEnv): string {
  if (env.AGENTPOLICY_SHELL) return env.AGENTPOLICY_SHELL;
  return existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
}

/** The index of the word after -c (in -c, -lc, -ec, -xec...), or -1. */
function commandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return -1;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg)) return i + 1;
    if (!arg.startsWith('-') && !arg.startsWith('+')) return -1;
  }
  return -1;
}

/**
 * Claude Code runs every Bash command as `source <its shell snapshot> 2>/dev/null || true && ...
 * eval '<command>' ...`. The snapshot replays the user's own shell set-up (functions arrive
 * base64-encoded), written by Claude Code, not by the agent: the static pass reads the rest.
 */
function withoutHostSetUp(command: string, env: NodeJS.ProcessEnv): string {
  const match = /^source ('[^']*'|[^\s'"]+) 2>\/dev\/null \|\| true && /.exec(command);
  if (!match) return command;
  const path = match[1]!.replace(/^'(.*)'$/, '$1');
  const config = env.CLAUDE_CONFIG_DIR ?? (env.HOME ? `${env.HOME}/.claude` : undefined);
  if (!config || !path.startsWith(`${config}/shell-snapshots/`) || path.includes('/../')) return command;
  return command.slice(match[0].length);
}

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const shell = realShell(io.env);
  const at = commandIndex(argv);
  let command = at === -1 ? undefined : argv[at];
  if (command === CLAUDE_HOOK) {
    // Claude Code runs its hooks through the same prefix as its Bash commands: ours needs no shell.
    const hook = await import('./agent-hook.js');
    return (await hook.run(['claude'], io, globals)) === 0 ? 0 : 2;
  }
  let input: string | undefined;
  if (
    command === undefined &&
    at === -1 &&
    !process.stdin.isTTY &&
    !argv.some((arg) => !arg.startsWith('-'))
  ) {
    // Commands piped into the shell: check them all before the shell sees any.
    input = await io.readStdin();
    command = input;
  }
  // A script given by name is checked as the shell running it.
  const script = at === -1 ? argv.find((arg) => !arg.startsWith('-') && !arg.startsWith('+')) : undefined;
  const context = await guardContext(io.cwd, io.env, globals);
  const checked = command ?? (script !== undefined ? `sh ${quote(script)}` : undefined);
  const judged = checked === undefined ? undefined : withoutHostSetUp(checked, io.env);
  const decision: Decision =
    judged === undefined
      ? { verdict: 'allow', findings: [] }
      : applyAllowOnce(guardCommand(judged, context), context, checked);
  return runWrapped(
    {
      argv: input !== undefined ? [shell, '-c', input] : [shell, ...argv],
      command: checked ?? shell,
      agent: 'sh',
      tool: 'shell',
      operations:
        judged === undefined
          ? []
          : commandOperations((env) => analyzeCommand(judged, context.cwd, env).operations, context),
    },
    decision,
    context,
    io.stderr,
  );
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
