// The hot bundle's entry: the shell wrapper, check-command and the commit-msg hook, so the file V8
// reads and caches stays small. bin/agentpolicy.cjs picks it for these commands.
import { guardCommands } from './hot-commands.js';
import type { Io } from './io.js';
import { runCommandLine } from './main.js';

export function main(argv: string[], io?: Io): Promise<number> {
  return runCommandLine(guardCommands, argv, io);
}
