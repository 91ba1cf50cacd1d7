import { type ParseArgsConfig, parseArgs } from 'node:util';
import { suggestion } from '../config/names.js';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments strictly; unknown options are usage errors with a suggestion. */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    const hint = unknown
      ? suggestion(
          unknown,
          Object.keys(options).map((name) => `--${name}`),
        )
      : '';
    throw new UsageError(
      `${command}: ${message.replace(/\. To specify a positional.*$/s, '')}.${hint} See \`agentpolicy ${command} --help\`.`,
    );
  }
}

export function oneOf<T extends string>(
  command: string,
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    `${command}: --${flag} must be one of ${allowed.join(', ')}; got "${value}".${suggestion(value, allowed)}`,
  );
}
