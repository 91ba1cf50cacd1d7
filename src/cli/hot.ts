// The hot bundle's entry: only the commands every agent tool call and every commit message run,
// so the file V8 reads and caches stays small. bin/agentpolicy.cjs picks it for these commands.
import { hotCommands } from './hot-commands.js';
import type { Io } from './io.js';
import { runCommandLine } from './main.js';

export function main(argv: string[], io?: Io): Promise<number> {
  return runCommandLine(hotCommands, argv, io);
}
