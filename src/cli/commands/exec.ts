import { applyAllowOnce, guardArgv } from '../../adapters/guard.js';
import { commandOperations, runWrapped } from '../../contain/wrapper.js';
import { UsageError } from '../../errors.js';
import { analyzeArgv } from '../../shell/analyze.js';
import type { Globals } from '../commands.js';
import { guardContext } from '../guard-context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy exec -- <program> [args...]

Checks the command against the policy, then runs it as given (stdio, exit code and signals passed
through). A command the check denies does not run: the reason goes to stderr and the exit code is 1.
Where contained execution runs (Linux), the command runs with the project seen through a
copy-on-write layer; what it did is judged when it ends, and applied only if the policy allows it
(denied: nothing it did lands, exit 1). The policy's shell.contain says auto, required or off.
`;

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const words = argv[0] === '--' ? argv.slice(1) : argv;
  if (words.length === 0)
    throw new UsageError('exec: give the command after --, e.g. agentpolicy exec -- npm test.');
  const context = await guardContext(io.cwd, io.env, globals);
  const command = words.join(' ');
  const decision = applyAllowOnce(guardArgv(words, context), context, command);
  const operations = commandOperations((env) => analyzeArgv(words, context.cwd, env).operations, context);
  return runWrapped(
    { argv: words, command, agent: 'exec', tool: 'exec', operations },
    decision,
    context,
    io.stderr,
  );
}
