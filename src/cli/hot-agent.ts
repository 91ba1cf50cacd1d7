// The agent hook's bundle entry: every agent tool call runs it, so it carries that one command
// and nothing else. bin/agentpolicy.cjs picks it for `agent-hook`.
import { agentHookCommands } from './hot-commands.js';
import type { Io } from './io.js';
import { runCommandLine } from './main.js';

export function main(argv: string[], io?: Io): Promise<number> {
  return runCommandLine(agentHookCommands, argv, io);
}
