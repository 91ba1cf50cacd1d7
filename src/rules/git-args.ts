// The arguments of one git subcommand, for the command rules: long options, short options
// (bundles like `-fd` taken apart), and the positional words.
import type { Operation } from '../shell/types.js';

export type GitOperation = Extract<Operation, { kind: 'git' }>;

export interface GitArgs {
  command: string;
  long: Map<string, string | true>;
  short: Set<string>;
  positional: string[];
  /** Words after `--`. */
  paths: string[];
}

/**
 * `valued` lists the short options that take a value, so `-m "msg"` and the rest of a bundle
 * after such a letter (`-mfix`) are values, not flags: in `git commit -nm x`, n is a flag and m's
 * value is x; in `git commit -mn`, the message is "n".
 */
export function parseGitArgs(operation: GitOperation, valued = ''): GitArgs {
  const [command = '', ...rest] = operation.args;
  const parsed: GitArgs = { command, long: new Map(), short: new Set(), positional: [], paths: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      parsed.paths = rest.slice(i + 1);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      parsed.long.set(eq === -1 ? arg.slice(2) : arg.slice(2, eq), eq === -1 ? true : arg.slice(eq + 1));
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        parsed.short.add(letter);
        if (valued.includes(letter)) {
          if (j === arg.length - 1) i++;
          break;
        }
      }
    } else parsed.positional.push(arg);
  }
  return parsed;
}

export function gitOperations(operations: Operation[]): GitOperation[] {
  return operations.filter((operation): operation is GitOperation => operation.kind === 'git');
}
