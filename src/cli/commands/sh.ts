import { existsSync } from 'node:fs';
import { applyAllowOnce, audit, guardCommand } from '../../adapters/guard.js';
import { runPassingThrough } from '../../adapters/run.js';
import { denialText } from '../../messages.js';
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

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const shell = realShell(io.env);
  const at = commandIndex(argv);
  let command = at === -1 ? undefined : argv[at];
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
  if (command !== undefined) {
    const context = await guardContext(io.cwd, io.env, globals);
    const decision = applyAllowOnce(guardCommand(command, context), context, command);
    audit(context, { agent: 'sh', tool: 'shell', command }, decision);
    if (decision.verdict !== 'allow') {
      io.stderr(denialText(decision));
      return 1;
    }
  }
  if (input !== undefined) return runPassingThrough(shell, ['-c', input], io.env);
  return runPassingThrough(shell, argv, io.env);
}
