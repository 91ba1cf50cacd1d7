import { applyAllowOnce, audit, guardArgv } from '../../adapters/guard.js';
import { runPassingThrough } from '../../adapters/run.js';
import { UsageError } from '../../errors.js';
import { denialText } from '../../messages.js';
import type { Globals } from '../commands.js';
import { guardContext } from '../guard-context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy exec -- <program> [args...]

Checks the command against the policy, then runs it as given (stdio, exit code and signals passed
through). A denied command does not run: the reason goes to stderr and the exit code is 1.
`;

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const words = argv[0] === '--' ? argv.slice(1) : argv;
  if (words.length === 0)
    throw new UsageError('exec: give the command after --, e.g. agentpolicy exec -- npm test.');
  const context = await guardContext(io.cwd, io.env, globals);
  const command = words.join(' ');
  const decision = applyAllowOnce(guardArgv(words, context), context, command);
  audit(context, { agent: 'exec', tool: 'exec', command }, decision);
  if (decision.verdict !== 'allow') {
    io.stderr(denialText(decision));
    return 1;
  }
  return runPassingThrough(words[0]!, words.slice(1), io.env);
}
