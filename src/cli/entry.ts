// The ESM build's entry: every command, each loaded when it runs.
import { commands } from './commands.js';
import type { Io } from './io.js';
import { runCommandLine } from './main.js';

export function main(argv: string[], io?: Io): Promise<number> {
  return runCommandLine(commands, argv, io);
}
