// The policy's own command rules (shell.deny / shell.allow): argv prefixes matched against every
// command that would run, after wrappers are taken off. Each pattern's examples must hold; they are
// checked when the policy loads, like Codex's execpolicy match/not_match.
import { ConfigError } from '../errors.js';
import type { ShellPattern } from '../types.js';
import { analyzeCommand } from './analyze.js';
import { programName } from './programs.js';

export function matchesPattern(argv: string[], pattern: ShellPattern['pattern']): boolean {
  if (argv.length < pattern.length) return false;
  return pattern.every((element, i) => {
    const word = i === 0 ? programName(argv[0]!) : argv[i]!;
    const alternatives = Array.isArray(element) ? element : [element];
    return alternatives.some((alternative) => alternative === '*' || alternative === word);
  });
}

/** True when some command the line would run matches the pattern. */
export function commandMatches(command: string, pattern: ShellPattern['pattern']): boolean {
  const { operations } = analyzeCommand(command, '/', {});
  return operations.some((operation) => operation.kind === 'exec' && matchesPattern(operation.argv, pattern));
}

export function checkPatternExamples(patterns: ShellPattern[], kind: 'deny' | 'allow'): void {
  for (const pattern of patterns) {
    const shown = JSON.stringify(pattern.pattern);
    for (const example of pattern.examples.match) {
      if (!commandMatches(example, pattern.pattern))
        throw new ConfigError(
          `shell.${kind} ${shown}: its example "${example}" should match, and does not. Fix the pattern or the example.`,
        );
    }
    for (const example of pattern.examples.notMatch) {
      if (commandMatches(example, pattern.pattern))
        throw new ConfigError(
          `shell.${kind} ${shown}: its example "${example}" should not match, and does. Fix the pattern or the example.`,
        );
    }
  }
}
