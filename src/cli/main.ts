// The command line: `run(argv, io)` returns the exit code. 0 pass/allow, 1 violation/deny,
// 2 usage, policy or internal error.

import { suggestion } from '../config/names.js';
import { isAgentPolicyError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import type { CommandTable, Globals } from './commands.js';
import { type Io, processIo } from './io.js';

const help = (commands: CommandTable) => `agentpolicy ${VERSION}: guardrails for AI coding agents

Usage: agentpolicy <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, { summary }]) => `  ${name.padEnd(16)}${summary}`)
  .join('\n')}

Global options:
  --debug           Show stack traces for errors
  -h, --help        Show help (for a command: agentpolicy <command> --help)
  -v, --version     Show the version

Exit codes: 0 pass or allow, 1 violation or deny, 2 usage, policy or internal error.
`;

/** The command line over a table of commands (all of them, or the few the hot bundle carries). */
export async function runCommandLine(
  commands: CommandTable,
  argv: string[],
  io: Io = processIo(),
): Promise<number> {
  const globals: Globals = { debug: false };
  const rest: string[] = [];
  // Global options may appear anywhere before `--`.
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--debug') globals.debug = true;
    else rest.push(arg);
  }
  try {
    return await dispatch(commands, rest, io, globals);
  } catch (error) {
    return reportError(error, io, globals.debug);
  }
}

async function dispatch(commands: CommandTable, argv: string[], io: Io, globals: Globals): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    if (name === 'help' && args[0]) return dispatch(commands, [args[0], '--help'], io, globals);
    io.stdout(help(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry)
    throw new UsageError(
      `Unknown command "${name}".${suggestion(name, Object.keys(commands))} See \`agentpolicy --help\`.`,
    );
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    const end = args.indexOf('--');
    const helpIndex = Math.max(args.indexOf('--help'), args.indexOf('-h'));
    if (end === -1 || helpIndex < end) {
      io.stdout(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
      return 0;
    }
  }
  return command.run(args, io, globals);
}

export function reportError(error: unknown, io: Io, debug: boolean): number {
  if (isAgentPolicyError(error)) {
    io.stderr(`agentpolicy: ${error.message}\n`);
    if (debug && error.stack) io.stderr(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(
    `agentpolicy: internal error: ${message}\nThis is a bug in agentpolicy; the action was blocked. ` +
      'Run again with --debug for details.\n',
  );
  if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return 2;
}
