// Programs that run other commands: package managers running package scripts, make targets,
// one-off package runners (npx, pnpm dlx, uv run...), `su -c`, `script -c`, terminal multiplexers,
// `at`, and tools that take shell command strings (concurrently, hyperfine). Each returns the inner
// command for the caller to analyse, or the script text, or a task the adapter reads.
import { join } from 'node:path';
import { type Context, resolveTarget } from './analyze.js';
import { makeRecipes, packageScripts } from './tasks.js';
import type { Operation } from './types.js';
import type { WordValue } from './words.js';

export interface Runs {
  /** An argv to analyse as a command. */
  argv?: WordValue[];
  /** Shell text to analyse. */
  script?: string;
  /** Operations of its own (a package task, an unseen command). */
  operations?: Operation[];
}

const unseen = (reason: string): Runs => ({ operations: [{ kind: 'opaque', reason, unseen: true }] });

/** Shell text from a word: unseen when part of it is only known at run time. */
function scriptOf(word: WordValue | undefined, via: string): Runs {
  if (word?.dynamic) return unseen(`${via} runs text that is only known when it runs`);
  return { script: word?.text ?? '' };
}

/** Skips options (and the values of `valued` ones); returns the index of the first operand. */
function skipOptions(args: WordValue[], valued: RegExp, from = 0): number {
  let i = from;
  for (; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '--') return i + 1;
    if (!text.startsWith('-') || text === '-') return i;
    if (valued.test(text)) i++;
  }
  return i;
}

/** npm/yarn/pnpm/bun subcommands that run a package script of the same name (or a lifecycle). */
const LIFECYCLE: Record<string, string[]> = {
  test: ['pretest', 'test', 'posttest'],
  t: ['pretest', 'test', 'posttest'],
  tst: ['pretest', 'test', 'posttest'],
  start: ['prestart', 'start', 'poststart'],
  stop: ['prestop', 'stop', 'poststop'],
  restart: [
    'prerestart',
    'restart',
    'postrestart',
    'prestop',
    'stop',
    'poststop',
    'prestart',
    'start',
    'poststart',
  ],
  install: ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'],
  i: ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'],
  ci: ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'],
  pack: ['prepack', 'prepare', 'postpack'],
  publish: ['prepublishOnly', 'prepack', 'prepare', 'postpack', 'publish', 'postpublish'],
};

function packageTask(names: string[], context: Context, via: string): Runs {
  const file = resolveTarget({ text: 'package.json', dynamic: false, glob: false }, context.scope.cwd);
  return (
    writtenTask(file.path, context, via, (text) => packageScripts(text, names)) ?? {
      operations: [{ kind: 'task', runner: 'npm', file, names, via }],
    }
  );
}

/**
 * A package.json or Makefile written earlier in the same line (`npm pkg set scripts.x=...`, `printf
 * ... > Makefile`) runs what was written, not what is on disk: read from the written text when it is
 * known, unseen otherwise.
 */
function writtenTask(
  path: string | undefined,
  context: Context,
  via: string,
  read: (text: string) => string[] | undefined,
): Runs | undefined {
  if (path === undefined || !context.line.written.has(path)) return undefined;
  const text = context.line.written.get(path);
  const scripts = text === undefined ? undefined : read(text);
  if (scripts === undefined)
    return unseen(`${via} runs scripts from ${path}, which this command line changes`);
  return { script: scripts.join('\n') };
}

/** npm's `script-shell`: the program every package script runs through. */
const SCRIPT_SHELL = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|dash|zsh|ksh|ash)$/;

/**
 * npm runs every script through `--script-shell` (or `npm_config_script_shell` in any case); a value
 * other than a plain shell runs code the analysis cannot see.
 */
function scriptShell(args: WordValue[], env: (name: string) => string | undefined): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '--script-shell') return args[i + 1]?.dynamic ? '$' : (args[i + 1]?.text ?? '');
    if (text.startsWith('--script-shell=')) return args[i]!.dynamic ? '$' : text.slice(15);
  }
  return env('npm_config_script_shell');
}

/** The package managers: scripts, `exec`/`dlx`/`x` runners, and `pkg set` of the policy key. */
export function packageManager(
  name: string,
  args: WordValue[],
  context: Context,
  env: (name: string) => string | undefined,
): Runs | undefined {
  if (name === 'bun' && args.some((arg) => /^(-e|--eval|-p|--print)$/.test(arg.text))) return undefined;
  const shell = scriptShell(args, env);
  if (shell !== undefined && !SCRIPT_SHELL.test(shell))
    return unseen(`${name} runs its scripts through \`${shell}\`, a program other than a shell`);
  const i = skipOptions(args, /^(-C|--prefix|--dir|--cwd|-w|--workspace|--filter|-F)$/);
  const sub = args[i]?.text;
  const rest = args.slice(i + 1);
  if (name === 'bun' && sub !== undefined && /[./]/.test(sub)) return undefined;
  if (sub === undefined)
    return name === 'yarn' ? packageTask(LIFECYCLE.install!, context, 'yarn') : undefined;
  if (['run', 'run-script', 'rum', 'urn'].includes(sub)) {
    const script = rest.find((arg) => !arg.text.startsWith('-'));
    if (!script) return undefined;
    if (script.dynamic) return unseen(`${name} ${sub} runs a script whose name is only known when it runs`);
    if (name === 'bun' && /[/.]/.test(script.text)) return { argv: [{ ...script, text: 'bun' }, script] };
    return packageTask(
      [`pre${script.text}`, script.text, `post${script.text}`],
      context,
      `${name} run ${script.text}`,
    );
  }
  if (['exec', 'x', 'dlx'].includes(sub)) return runnerArgv(rest, `${name} ${sub}`);
  if (sub === 'pkg' && (rest[0]?.text === 'set' || rest[0]?.text === 'delete')) {
    const keys = rest
      .slice(1)
      .flatMap((arg) => (arg.text.startsWith('-') ? [] : [arg.text.split(/[.=[]/)[0]!]));
    const target = resolveTarget({ text: 'package.json', dynamic: false, glob: false }, context.scope.cwd);
    return {
      operations: [{ kind: 'write', target, mode: 'modify', via: `${name} pkg ${rest[0]!.text}`, keys }],
    };
  }
  const lifecycle = LIFECYCLE[sub];
  // `npm install <package>` runs that package's scripts, not the project's; the project's own
  // lifecycle runs on a bare install.
  if (lifecycle && (!['install', 'i'].includes(sub) || rest.every((arg) => arg.text.startsWith('-'))))
    return packageTask(lifecycle, context, `${name} ${sub}`);
  // `yarn clean`, `pnpm clean`, `bun clean`: a script of that name, when there is one.
  if (name !== 'npm' && !BUILTIN_SUBCOMMANDS.has(sub) && !sub.includes('/'))
    return packageTask([`pre${sub}`, sub, `post${sub}`], context, `${name} ${sub}`);
  return undefined;
}

const BUILTIN_SUBCOMMANDS = new Set(
  'add remove rm uninstall up upgrade update outdated list ls why info view audit link unlink init create config cache store import patch patch-commit licenses dedupe prune rebuild env bin root whoami login logout version workspaces workspace global set get help node plugin dlx x exec pm build'.split(
    ' ',
  ),
);

/**
 * Packages a runner may fetch and run whose command the analysis knows: tools that only check,
 * build or format, and the programs it models (rimraf, del-cli, cross-env...), under their command
 * names. Any other package runs code nobody has read.
 */
const KNOWN_PACKAGES: Record<string, string> = {
  'trash-cli': 'trash',
  'del-cli': 'del',
  typescript: 'tsc',
  '@biomejs/biome': 'biome',
  '@changesets/cli': 'changeset',
  '@commitlint/cli': 'commitlint',
  'npm-run-all': 'npm-run-all',
  'npm-check-updates': 'ncu',
};
const KNOWN_COMMANDS = new Set(
  `tsc tsx ts-node vitest jest mocha ava c8 nyc prettier eslint biome oxlint stylelint knip depcheck
  vite next nuxt astro webpack rollup esbuild tsup turbo nx lerna changeset playwright cypress
  storybook husky lint-staged commitlint ncu npm-run-all run-s run-p concurrently nodemon serve
  http-server agentpolicy rimraf del trash shx cross-env cross-env-shell dotenv env-cmd
  ruff black isort flake8 pylint mypy pyright pytest tox nox pre-commit cowsay send2trash`.split(/\s+/),
);

/** The command a runner starts for `pkg`, or undefined when the package is not one it knows. */
function knownCommand(pkg: string): string | undefined {
  const name = pkg.replace(/(.)@[^/@]*$/, '$1');
  const command = KNOWN_PACKAGES[name] ?? name;
  return KNOWN_COMMANDS.has(command) ? command : undefined;
}

/** A runner fetching `pkg` and running `command` from it: the command, or unseen for a package nobody read. */
function fetched(via: string, pkg: WordValue, command: WordValue, rest: WordValue[]): Runs {
  if (pkg.dynamic || command.dynamic) return unseen(`${via} runs a package only known when it runs`);
  const known = knownCommand(pkg.text);
  if (!known) return unseen(`${via} fetches and runs ${pkg.text}, code the analysis cannot see`);
  return { argv: [{ ...command, text: command === pkg ? known : command.text }, ...rest] };
}

/** `npx [-y] [-p pkg] cmd args`, `npm exec -- cmd`, `npx -c 'shell text'`. */
export function runnerArgv(args: WordValue[], via = 'npx'): Runs {
  let pkg: WordValue | undefined;
  const i = skipOptions(args, /^(-p|--package|--registry|--cache|--userconfig|-w|--workspace|-c|--call)$/);
  // npx's own options come before the command.
  for (let j = 0; j < i; j++) {
    const text = args[j]!.text;
    if (text === '-c' || text === '--call') return scriptOf(args[j + 1], 'npx -c');
    if (text.startsWith('--call=')) return { script: text.slice('--call='.length) };
    if ((text === '-p' || text === '--package') && args[j + 1]) pkg ??= args[j + 1];
    else if (text.startsWith('--package=')) pkg ??= { ...args[j]!, text: text.slice(10) };
  }
  const [command, ...rest] = args.slice(i);
  if (!command) return {};
  // `rimraf@5`, `@scope/tool@latest`: the version is not part of the command's name.
  return fetched(via, pkg ?? command, command, rest);
}

/** uv run, uvx, pipx run, poetry run, pdm run, hatch run, pipenv run, bundle exec, rye run. */
export function pythonRunner(name: string, args: WordValue[]): Runs | undefined {
  if (name === 'uvx' || (name === 'uv' && args[0]?.text === 'tool' && args[1]?.text === 'run')) {
    const from = name === 'uvx' ? args : args.slice(2);
    const [command, ...rest] = from.slice(skipOptions(from, /^(--from|--with|-w|--python|-p)$/));
    const spec = from.find((_, i) => from[i - 1]?.text === '--from');
    return command ? fetched(name, spec ?? command, command, rest) : {};
  }
  const sub = args[0]?.text;
  if (!((sub === 'run' && name !== 'bundle') || (sub === 'exec' && name === 'bundle'))) return undefined;
  if (name === 'pipx') {
    const from = args.slice(1);
    const [command, ...rest] = from.slice(skipOptions(from, /^(--spec|--python)$/));
    const spec = from.find((_, i) => from[i - 1]?.text === '--spec');
    return command ? fetched('pipx run', spec ?? command, command, rest) : {};
  }
  return {
    argv: args.slice(
      1 +
        skipOptions(
          args.slice(1),
          /^(--with|-w|--python|-p|--project|--directory|--env-file|--group|--extra|-e)$/,
        ),
    ),
  };
}

/** `make [-C dir] [-f file] [targets] [VAR=value]`: the targets' recipes, read by the adapter. */
export function makeTargets(args: WordValue[], context: Context): Runs {
  let dir = context.scope.cwd;
  let file: string | undefined;
  const names: string[] = [];
  // `make -n` prints the recipes without running them.
  if (args.some((arg) => /^-[a-zA-Z]*n[a-zA-Z]*$|^--(dry-run|just-print|recon)$/.test(arg.text))) return {};
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '-C' || text === '--directory') dir = join(dir, args[++i]?.text ?? '');
    else if (text.startsWith('-C') && text.length > 2) dir = join(dir, text.slice(2));
    else if (text === '-f' || text === '--file' || text === '--makefile') file = args[++i]?.text;
    else if (/^-[IoWj]$/.test(text)) i += /^-j$/.test(text) && !/^\d+$/.test(args[i + 1]?.text ?? '') ? 0 : 1;
    else if (text.startsWith('-') || text.includes('=')) continue;
    else if (args[i]!.dynamic) return unseen('make builds a target whose name is only known when it runs');
    else names.push(text);
  }
  const via = `make ${names.join(' ')}`.trim();
  // `make -f -`: the makefile is the command's input.
  if (file === '-' || file === '/dev/stdin') {
    const text = context.stdin?.text;
    return text === undefined
      ? unseen(`${via} reads its makefile from input only known when it runs`)
      : { script: makeRecipes(text, names).join('\n') };
  }
  const target = resolveTarget({ text: file ?? 'Makefile', dynamic: false, glob: false }, dir);
  const written = writtenTask(target.path, context, via, (text) => makeRecipes(text, names));
  if (written) return written;
  return {
    operations: [
      { kind: 'task', runner: 'make', file: target, names, via: `make ${names.join(' ')}`.trim() },
    ],
  };
}

/** `su -c CMD`, `runuser -u x -- CMD`, `sg group -c CMD`, `script -qc CMD`. */
export function commandOption(name: string, args: WordValue[]): Runs | undefined {
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '--command' || text === '--session-command' || /^-[a-zA-Z]*c$/.test(text))
      return scriptOf(args[i + 1], `${name} -c`);
    if (text.startsWith('--command=')) return { script: text.slice('--command='.length) };
    if (text === '--' && name === 'runuser') return { argv: args.slice(i + 1) };
  }
  if (name === 'script') return undefined;
  return unseen(`${name} without -c starts a shell that takes input only known when it runs`);
}

/** tmux and screen: the command a new window runs, or the keys typed into one. */
export function multiplexer(name: string, args: WordValue[]): Runs | undefined {
  if (name === 'screen') {
    const x = args.findIndex((arg) => arg.text === '-X');
    if (x !== -1) {
      const stuff = args.slice(x + 1).find((arg, j) => j > 0 || arg.text !== 'stuff');
      return args[x + 1]?.text === 'stuff' ? scriptOf(stuff, 'screen -X stuff') : undefined;
    }
    const i = skipOptions(args, /^-[a-zA-Z]*[ScTtehps]$|^-Logfile$/);
    return i < args.length ? { argv: args.slice(i) } : undefined;
  }
  const sub = args.findIndex((arg) => !arg.text.startsWith('-'));
  const verb = args[sub]?.text ?? '';
  const rest = args.slice(sub + 1);
  const operands = rest.slice(skipOptions(rest, /^-[stncxyFeflpTBLMNS]$/));
  if (operands.some((arg) => arg.dynamic)) return unseen(`${name} ${verb} runs text only known when it runs`);
  if (
    /^(new-session|new|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run)$/.test(
      verb,
    )
  )
    return operands.length ? { script: operands.map((arg) => arg.text).join(' ') } : undefined;
  if (/^(send-keys|send)$/.test(verb))
    return {
      script: operands
        .filter((arg) => !/^(Enter|C-m|KPEnter)$/.test(arg.text))
        .map((arg) => arg.text)
        .join(' '),
    };
  return undefined;
}

/** `at`/`batch`: the commands come from standard input or `-f file`. */
export function atJob(args: WordValue[], context: Context): Runs {
  const f = args.findIndex((arg) => arg.text === '-f');
  if (f !== -1 && args[f + 1])
    return {
      operations: [
        { kind: 'script', target: resolveTarget(args[f + 1]!, context.scope.cwd), language: 'shell' },
      ],
    };
  if (context.stdin?.text !== undefined) return { script: context.stdin.text };
  return unseen('at runs commands from its input, which is only known when it runs');
}

/** Tools whose operands are shell command strings: concurrently, hyperfine, watchexec --, entr. */
export function commandStrings(name: string, args: WordValue[]): Runs | undefined {
  if (name === 'watchexec' || name === 'entr' || name === 'nodemon') {
    const dash = args.findIndex((arg) => arg.text === '--' || arg.text === '--exec' || arg.text === '-x');
    if (dash !== -1)
      return {
        script: args
          .slice(dash + 1)
          .map((arg) => arg.text)
          .join(' '),
      };
    return name === 'entr' ? { argv: args.slice(skipOptions(args, /^$/)) } : undefined;
  }
  const commands = args.filter((arg) => !arg.text.startsWith('-'));
  if (commands.some((arg) => arg.dynamic)) return unseen(`${name} runs text only known when it runs`);
  return commands.length ? { script: commands.map((arg) => arg.text).join('\n') } : undefined;
}
