// What one simple command does, by program. Wrappers (sudo, env, timeout, xargs, find -exec...)
// are taken off and the inner command analysed; nested shells and eval re-parse their text;
// interpreters' one-liners are read for the calls that delete files or run shell commands; file
// commands become delete/write/move/chmod operations; git is taken apart in git.ts.
import { basename, join, posix } from 'node:path';
import {
  ANY_FILE,
  analyzeScript,
  type Context,
  downloads,
  resolveTarget,
  shebangLanguage,
  UNKNOWN_DIRECTORY,
} from './analyze.js';
import { patchOperations } from './apply-patch.js';
import { fileOperations } from './files.js';
import { analyzeGit } from './git.js';
import { analyzeInterpreterCode, INTERPRETERS } from './interpreters.js';
import { networkOperations } from './network.js';
import {
  atJob,
  commandOption,
  commandStrings,
  makeTargets,
  multiplexer,
  packageManager,
  pythonRunner,
  type Runs,
  runnerArgv,
} from './runners.js';
import type { Target } from './types.js';
import type { WordValue } from './words.js';

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'busybox-sh', 'fish']);

/** `/usr/bin/../bin/rm`, `"C:/Program Files/Git/bin/git.exe"`, `\rm` → `rm`, `git`. */
export function programName(word: string): string {
  return basename(word.replace(/\\/g, '/')).replace(/\.exe$/i, '');
}

function literal(text: string): WordValue {
  return { text, dynamic: false, glob: false };
}

/** Options that take a value, per wrapper, so the value is not taken for the inner command. */
const WRAPPERS: Record<
  string,
  { valued: Set<string>; stopAtFirst?: boolean; skipPositional?: number; chdir?: Set<string> }
> = {
  sudo: {
    valued: new Set([
      '-u',
      '-g',
      '-h',
      '-p',
      '-C',
      '-D',
      '-R',
      '-T',
      '-U',
      '--user',
      '--group',
      '--host',
      '--prompt',
      '--chdir',
      '--role',
      '--type',
      '--other-user',
    ]),
    chdir: new Set(['-D', '--chdir']),
  },
  doas: { valued: new Set(['-u', '-C']) },
  nohup: { valued: new Set() },
  setsid: { valued: new Set() },
  nice: { valued: new Set(['-n', '--adjustment']) },
  ionice: { valued: new Set(['-c', '-n', '-p', '--class', '--classdata']) },
  stdbuf: { valued: new Set(['-i', '-o', '-e']) },
  timeout: { valued: new Set(['-s', '-k', '--signal', '--kill-after']), skipPositional: 1 },
  time: { valued: new Set(['-f', '-o', '--format', '--output']) },
  command: { valued: new Set() },
  builtin: { valued: new Set() },
  exec: { valued: new Set(['-a']) },
  chroot: { valued: new Set(['--userspec', '--groups']), skipPositional: 1 },
  taskset: { valued: new Set(), skipPositional: 1 },
  caffeinate: { valued: new Set(['-t', '-w']) },
  unbuffer: { valued: new Set() },
  strace: { valued: new Set(['-o', '-e', '-p', '-s', '-u', '-E', '-a', '-b', '-O', '-P', '-X', '-I']) },
  ltrace: { valued: new Set(['-o', '-e', '-p', '-s', '-u', '-E', '-a', '-n', '-l']) },
  unshare: {
    valued: new Set([
      '--propagation',
      '--setgroups',
      '-S',
      '-G',
      '-w',
      '-R',
      '--wd',
      '--root',
      '--map-user',
      '--map-group',
      '--setuid',
      '--setgid',
    ]),
    chdir: new Set(['-w', '--wd']),
  },
  nsenter: {
    valued: new Set(['-t', '-S', '-G', '-w', '-R', '--target', '--wd', '--root']),
    chdir: new Set(['-w', '--wd']),
  },
  chrt: { valued: new Set(), skipPositional: 1 },
  setpriv: { valued: new Set(['--reuid', '--regid', '--groups', '--inh-caps', '--bounding-set']) },
  prlimit: { valued: new Set(['-p', '--pid']) },
  numactl: {
    valued: new Set([
      '-C',
      '-N',
      '-m',
      '-p',
      '-i',
      '--cpunodebind',
      '--membind',
      '--preferred',
      '--interleave',
      '--physcpubind',
    ]),
  },
  cpulimit: { valued: new Set(['-l', '-p', '-e', '--limit', '--pid', '--exe']) },
  'systemd-run': {
    valued: new Set([
      '-u',
      '-p',
      '-E',
      '--unit',
      '--property',
      '--setenv',
      '--working-directory',
      '--uid',
      '--gid',
      '-M',
      '--machine',
    ]),
    chdir: new Set(['--working-directory']),
  },
  firejail: { valued: new Set() },
  pkexec: { valued: new Set(['--user']) },
  faketime: { valued: new Set(['-f']), skipPositional: 1 },
  'xvfb-run': {
    valued: new Set([
      '-n',
      '-s',
      '-f',
      '-e',
      '-p',
      '--server-num',
      '--server-args',
      '--auth-file',
      '--error-file',
    ]),
  },
  'dbus-run-session': { valued: new Set(['--config-file', '--dbus-daemon']) },
  proxychains: { valued: new Set(['-f']) },
  proxychains4: { valued: new Set(['-f']) },
  torsocks: { valued: new Set(['-u', '-p', '-a', '-P']) },
  catchsegv: { valued: new Set() },
  valgrind: { valued: new Set() },
  gtimeout: { valued: new Set(['-s', '-k', '--signal', '--kill-after']), skipPositional: 1 },
  chronic: { valued: new Set() },
  eatmydata: { valued: new Set() },
  fakeroot: { valued: new Set(['-l', '-s', '-i', '--lib', '--faked']) },
  nocache: { valued: new Set() },
  rlwrap: { valued: new Set(['-f', '-H', '-l', '-P', '-S', '-C', '-s']) },
  trickle: { valued: new Set(['-u', '-d', '-w', '-t', '-l', '-n']) },
  torify: { valued: new Set() },
  tsocks: { valued: new Set() },
  ifne: { valued: new Set() },
  'run-one': { valued: new Set() },
  lckdo: { valued: new Set(['-w']), skipPositional: 1 },
  'with-lock-ex': { valued: new Set(['-w']), skipPositional: 1 },
  setarch: { valued: new Set(), skipPositional: 1 },
  linux32: { valued: new Set() },
  linux64: { valued: new Set() },
  'direnv-exec': { valued: new Set(), skipPositional: 1 },
  sem: { valued: new Set(['-j', '--jobs', '--id', '--timeout']) },
  perf: { valued: new Set(['-o', '-e', '-p', '-F', '-c', '--output', '--event']), skipPositional: 1 },
  'aws-vault': { valued: new Set(['-d', '--duration', '--region']), skipPositional: 2 },
};

/** Programs that run a shell, a script, or another command, each read by runners.ts. */
function runnerOf(
  name: string,
  args: WordValue[],
  context: Context,
  env: Record<string, string>,
): Runs | undefined {
  switch (name) {
    case 'npm':
    case 'yarn':
    case 'pnpm':
    case 'bun':
      return packageManager(name, args, context, (key) => variable(key, env, context));
    case 'npx':
    case 'pnpx':
    case 'bunx':
      return runnerArgv(args);
    case 'uv':
    case 'uvx':
    case 'pipx':
    case 'poetry':
    case 'pdm':
    case 'hatch':
    case 'pipenv':
    case 'bundle':
    case 'rye':
      return pythonRunner(name, args);
    case 'make':
    case 'gmake':
      return makeTargets(args, context);
    case 'su':
    case 'runuser':
    case 'sg':
    case 'script':
      return commandOption(name, args);
    case 'tmux':
    case 'screen':
      return multiplexer(name, args);
    case 'at':
    case 'batch':
      return atJob(args, context);
    case 'concurrently':
    case 'hyperfine':
    case 'watchexec':
    case 'entr':
    case 'nodemon':
      return commandStrings(name, args);
    default:
      return undefined;
  }
}

/**
 * Runs a script file: one written earlier in the same line is analysed from what was written (or
 * is unseen when that is not known); one on disk is read by the adapter; one whose path is only
 * known at run time (`bash <(...)`, `bash "$f"`) is unseen.
 */
/** Code fetched over the network and run at once: denied, since nothing can read it first. */
function remoteCode(context: Context, via: string, source: string): void {
  context.operations.push({
    kind: 'opaque',
    reason: `${via} runs code ${source}, which nothing can read before it runs and nothing can undo where it reaches over the network`,
    remote: true,
  });
}

export function runScript(target: Target, language: string, context: Context, via: string): void {
  const path = target.path;
  if (context.stdin?.remote && (path === '/dev/stdin' || target.raw === '-'))
    return remoteCode(context, via, context.stdin.remote);
  if (downloads(target.raw)) return remoteCode(context, via, `downloaded by ${target.raw}`);
  if (path === '/dev/stdin' || target.raw === '-') {
    if (context.stdin?.text !== undefined) return runText(context.stdin.text, language, context, via);
    return void context.operations.push({
      kind: 'opaque',
      reason: `${via} runs its input, which is only known when it runs`,
      unseen: true,
    });
  }
  if (!path || target.dynamic || path.startsWith('/dev/') || path.startsWith('/proc/'))
    return void context.operations.push({
      kind: 'opaque',
      reason: `${via} runs a script (${target.raw}) that is only known when it runs`,
      unseen: true,
    });
  if (
    context.line.downloaded.has(path) ||
    [...context.line.downloaded].some((dir) => dir.endsWith('/') && path.startsWith(dir))
  )
    return remoteCode(context, via, `downloaded into ${target.raw} earlier in the line`);
  if (context.line.written.has(path)) {
    const text = context.line.written.get(path);
    if (text === undefined)
      return void context.operations.push({
        kind: 'opaque',
        reason: `${via} runs ${target.raw}, which this command line changes in a way only known when it runs`,
        unseen: true,
      });
    return runText(text, language, context, via);
  }
  context.operations.push({ kind: 'script', target, language });
}

function runText(text: string, language: string, context: Context, via: string): void {
  const resolved = language === 'auto' ? (shebangLanguage(text) ?? 'shell') : language;
  const interpreter = INTERPRETERS.get(resolved);
  if (interpreter)
    return void context.operations.push(...analyzeInterpreterCode(interpreter, text, context, nested));
  nested(text, context, via);
}

export function analyzeProgram(words: WordValue[], context: Context, env: Record<string, string>): void {
  const name = programName(words[0]!.text);
  const args = words.slice(1);
  const cwd = context.scope.cwd;
  context.operations.push({ kind: 'exec', argv: [name, ...args.map((a) => a.text)], cwd });
  const inner = (rest: WordValue[], extraEnv: Record<string, string> = env) => {
    if (rest.length === 0) return;
    if (rest[0]!.dynamic) {
      context.operations.push({
        kind: 'opaque',
        reason: `${name} runs a command that is only known when it runs`,
        unseen: true,
      });
      return;
    }
    analyzeProgram(rest, { ...context, depth: context.depth + 1 }, extraEnv);
  };

  const wrapper = WRAPPERS[name];
  if (wrapper) {
    if (name === 'command' && args.some((a) => a.text === '-v' || a.text === '-V')) return;
    let i = 0;
    let dir: WordValue | undefined;
    for (; i < args.length; i++) {
      const text = args[i]!.text;
      if (text === '--') {
        i++;
        break;
      }
      if (!text.startsWith('-') || text === '-') break;
      const [option, value] = text.split(/=(.*)/s);
      if (wrapper.chdir?.has(option!)) dir = value !== undefined ? { ...args[i]!, text: value } : args[i + 1];
      if (wrapper.valued.has(text)) i++;
    }
    return inDirectory(dir, env, context, () => inner(args.slice(i + (wrapper.skipPositional ?? 0))));
  }

  switch (name) {
    case 'cd':
    case 'pushd': {
      const to = args.find((arg) => !arg.text.startsWith('-') || arg.text === '-');
      // A destination the analysis cannot know makes every relative path after it unknown too.
      if (!to) context.scope.cwd = context.scope.env.HOME ?? '/';
      else if (to.dynamic || to.text === '-') context.scope.cwd = UNKNOWN_DIRECTORY;
      else context.scope.cwd = cdDestination(to, env, context);
      return;
    }
    case 'popd':
      context.scope.cwd = UNKNOWN_DIRECTORY;
      return;
    case 'export':
    case 'declare':
    case 'typeset':
    case 'local':
    case 'readonly':
      for (const arg of args) {
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg.text);
        if (!assignment) continue;
        // An array (`declare -a a=(rm -rf x)`) is not one word: its use is unknown.
        context.scope.vars.set(
          assignment[1]!,
          arg.dynamic || assignment[2]!.startsWith('(') ? undefined : assignment[2]!,
        );
        context.operations.push({ kind: 'env', name: assignment[1]!, value: assignment[2]!, via: name });
      }
      return;
    case 'env':
      return analyzeEnv(args, context, env, inner);
    case 'cross-env':
    case 'env-cmd':
    case 'dotenv':
    case 'dotenvx':
    case 'doppler':
    case 'op':
    case 'infisical':
      return analyzeEnvRunner(name, args, env, inner);
    case 'cross-env-shell':
      return nested(
        args
          .filter((arg) => !/^[A-Za-z_]\w*=/.test(arg.text))
          .map((arg) => arg.text)
          .join(' '),
        context,
        name,
      );
    case 'flock': {
      // `flock LOCK -c 'text'`, `flock [-w n] LOCK cmd args...`
      const c = args.findIndex((arg) => arg.text === '-c' || arg.text === '--command');
      if (c !== -1) return shellText(args[c + 1], context, 'flock -c');
      let i = 0;
      while (i < args.length && args[i]!.text.startsWith('-'))
        i += /^(-w|-E|--timeout|--conflict-exit-code)$/.test(args[i]!.text) ? 2 : 1;
      return inner(args.slice(i + 1));
    }
    case 'pwsh':
    case 'powershell':
      return analyzePowerShell(name, args, context);
    case 'gdb':
    case 'lldb':
    case 'cgdb':
      return analyzeDebugger(args, context, inner);
    case 'watch': {
      let i = 0;
      while (i < args.length && args[i]!.text.startsWith('-'))
        i += /^-(n|d|-interval)$/.test(args[i]!.text) ? 2 : 1;
      return nested(
        args
          .slice(i)
          .map((a) => a.text)
          .join(' '),
        context,
        'watch',
      );
    }
    case 'eval':
      if (args.some((a) => a.dynamic))
        return void context.operations.push({
          kind: 'opaque',
          reason: 'eval of text that is only known when it runs',
          unseen: true,
        });
      return nested(args.map((a) => a.text).join(' '), context, 'eval');
    case 'xargs':
      return analyzeXargs(args, context, inner);
    case 'parallel':
      return analyzeParallel(args, context, inner);
    case 'busybox':
      return inner(args);
    case 'fd':
    case 'fdfind':
      return analyzeFd(args, inner);
    case 'find':
      return analyzeFind(args, context, inner);
    case 'git':
      return void context.operations.push(...analyzeGit(args, context, env));
    case 'ssh':
      return analyzeSsh(args, context);
    case 'agentpolicy': {
      // The commands that give a human's permission (allow-once, profile) write our state; the
      // rules refuse them to an agent wherever it runs them from.
      const sub = args.find((arg) => !arg.text.startsWith('-'));
      if (sub && (sub.dynamic || sub.text === 'allow-once' || sub.text === 'profile'))
        context.operations.push({
          kind: 'write',
          target: {
            raw: '.git/agentpolicy',
            glob: false,
            dynamic: false,
            path: join(context.scope.cwd, '.git/agentpolicy'),
          },
          mode: 'create',
          via: `agentpolicy ${sub.dynamic ? '<dynamic>' : sub.text}`,
        });
      return;
    }
    case 'trap':
      if (args[0] && !/^-[lp]$/.test(args[0].text) && args[0].text !== '-' && args.length > 1) {
        if (args[0].dynamic)
          return void context.operations.push({
            kind: 'opaque',
            reason: 'trap runs text only known when it runs',
            unseen: true,
          });
        return nested(args[0].text, context, 'trap');
      }
      return;
    case 'shopt':
    case 'set':
      return setShellOptions(name, args, context);
    case 'shift': {
      const count = Number(args[0]?.text ?? 1);
      const list = context.scope.positional;
      if (list) context.scope.positional = Number.isInteger(count) ? list.slice(count) : undefined;
      return;
    }
    case 'alias':
      for (const arg of args) {
        const definition = /^([^=\s]+)=(.*)$/s.exec(arg.text);
        if (definition) context.line.aliases.set(definition[1]!, definition[2]!);
      }
      return;
    case 'read':
    case 'mapfile':
    case 'readarray':
      for (const arg of args)
        if (/^[A-Za-z_]\w*$/.test(arg.text)) context.scope.vars.set(arg.text, undefined);
      return;
    case 'apply_patch':
    case 'applypatch': {
      const text = args[0]?.text ?? context.stdin?.text;
      if (text === undefined || args[0]?.dynamic)
        return void context.operations.push({
          kind: 'opaque',
          reason: `${name} applies a patch only known when it runs`,
          unseen: true,
        });
      return void context.operations.push(...patchOperations(text, context.scope.cwd, name));
    }
  }
  const runner = runnerOf(name, args, context, env);
  if (runner) {
    if (runner.operations) context.operations.push(...runner.operations);
    if (runner.script !== undefined) nested(runner.script, context, name);
    if (runner.argv) inner(runner.argv);
    return;
  }
  if (SHELLS.has(name)) {
    startupFiles(name, env, context);
    return analyzeShell(name, args, context);
  }
  if (name === 'source' || name === '.') {
    if (args[0]) runScript(resolveTarget(args[0], cwd), 'shell', context, name);
    return;
  }
  // A program named by a path (`./scripts/clean.sh`) may be a script: the adapter looks.
  if (words[0]!.text.includes('/')) runScript(resolveTarget(words[0]!, cwd), 'auto', context, words[0]!.text);
  if (INTERPRETERS.has(name)) {
    // perl -i and awk -i inplace also edit files in place.
    if (/^(perl|g?awk)$/.test(name)) context.operations.push(...fileOperations(name, args, context));
    return analyzeInterpreter(name, args, context);
  }
  context.operations.push(...fileOperations(name, args, context), ...networkOperations(name, args, context));
}

/**
 * A variable the command sees: set for it, set earlier in the line, or from the environment; npm's
 * `npm_config_*` are read in either case. `$` stands for a value only known at run time.
 */
function variable(name: string, env: Record<string, string>, context: Context): string | undefined {
  for (const key of [name, name.toUpperCase()]) {
    if (key in env) return env[key];
    if (context.scope.vars.has(key)) return context.scope.vars.get(key) ?? '$';
    if (context.scope.env[key] !== undefined) return context.scope.env[key];
  }
  return undefined;
}

/**
 * Where `cd name` lands. With CDPATH set, bash looks for a relative name (not `/x`, `./x`, `../x`)
 * in each folder it lists before the current one: the first listed folder other than the current
 * one is taken, the place a name found there would lead.
 */
function cdDestination(to: WordValue, env: Record<string, string>, context: Context): string {
  const cwd = context.scope.cwd;
  const direct = resolveTarget(to, cwd).path ?? UNKNOWN_DIRECTORY;
  if (/^(\/|\.\.?(\/|$))/.test(to.text)) return direct;
  const cdpath = env.CDPATH ?? (context.scope.vars.has('CDPATH') ? context.scope.vars.get('CDPATH') : '');
  if (cdpath === undefined) return UNKNOWN_DIRECTORY;
  const listed = cdpath.split(':').find((entry) => entry !== '' && entry !== '.');
  if (listed === undefined || cwd === UNKNOWN_DIRECTORY) return direct;
  return resolveTarget({ text: `${listed}/${to.text}`, dynamic: false, glob: false }, cwd).path ?? direct;
}

/** Shell options that change pathname expansion, and `set --` positional parameters. */
const SHOPT = new Set(['dotglob', 'extglob', 'globstar', 'nocaseglob', 'nullglob', 'failglob']);

function setShellOptions(name: string, args: WordValue[], context: Context): void {
  const scope = context.scope;
  scope.shopt ??= new Set();
  const options = scope.shopt;
  if (name === 'shopt') {
    const on = args.some((arg) => arg.text === '-s');
    const off = args.some((arg) => arg.text === '-u');
    if (on === off) return;
    for (const arg of args) if (SHOPT.has(arg.text)) on ? options.add(arg.text) : options.delete(arg.text);
    return;
  }
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '--' || !/^[-+]/.test(text)) {
      // `set -- a b c`: the positional parameters from here on.
      scope.positional = args
        .slice(text === '--' ? i + 1 : i)
        .map((arg) => (arg.dynamic ? undefined : arg.text));
      return;
    }
    const flag = /^([-+])[a-zA-Z]*f/.exec(text);
    if (flag) flag[1] === '-' ? options.add('noglob') : options.delete('noglob');
    if (/^[-+]o$/.test(text) && args[i + 1]?.text === 'noglob')
      text === '-o' ? options.add('noglob') : options.delete('noglob');
  }
}

function nested(text: string, context: Context, via: string): void {
  analyzeScript(text, {
    ...context,
    depth: context.depth + 1,
    stdin: undefined,
    operations: context.operations,
    scope: { ...context.scope, vars: new Map(context.scope.vars) },
  });
  void via;
}

/** Shell text in a word, analysed; unseen when it is only known at run time. */
function shellText(word: WordValue | undefined, context: Context, via: string): void {
  if (!word) return;
  if (word.dynamic)
    return void context.operations.push({
      kind: 'opaque',
      reason: `${via} runs text that is only known when it runs`,
      unseen: true,
    });
  nested(word.text, context, via);
}

/**
 * Tools that run a command with variables loaded (cross-env A=1 cmd, env-cmd -f .env cmd, dotenv --
 * cmd, doppler run -- cmd, op run -- cmd): the command after their options, assignments and `--`.
 */
function analyzeEnvRunner(
  name: string,
  args: WordValue[],
  env: Record<string, string>,
  inner: (rest: WordValue[], env?: Record<string, string>) => void,
): void {
  let rest = args;
  if (['doppler', 'op', 'infisical', 'dotenvx'].includes(name)) {
    if (rest[0]?.text !== 'run') return;
    rest = rest.slice(1);
  }
  const dash = rest.findIndex((arg) => arg.text === '--');
  if (dash !== -1) return inner(rest.slice(dash + 1));
  const extra = { ...env };
  let i = 0;
  for (; i < rest.length; i++) {
    const text = rest[i]!.text;
    const assignment = /^([A-Za-z_]\w*)=(.*)$/s.exec(text);
    if (assignment) extra[assignment[1]!] = assignment[2]!;
    else if (/^(-f|-e|-c|--file|--environment|--env-file|-r|--rc-file|-p|--project|--config)$/.test(text))
      i++;
    else if (!text.startsWith('-')) break;
  }
  inner(rest.slice(i), extra);
}

/** PowerShell cmdlets (and their aliases) that only read or print. */
const PWSH_READS =
  /^(get-\w+|test-\w+|select-\w+|measure-\w+|format-\w+|convertto-\w+|convertfrom-\w+|write-(output|host)|out-(host|string|null)|sort-object|where-object|foreach-object|resolve-path|split-path|join-path|echo|ls|dir|gci|cat|gc|type|pwd|gl|\$\w+|\[[\w.]+\]::\w+)$/i;

/**
 * `pwsh -c '...'`: PowerShell is not modelled; code made only of cmdlets that read is let through,
 * anything else runs code the static pass cannot see.
 */
function analyzePowerShell(name: string, args: WordValue[], context: Context): void {
  const flag = args.findIndex((arg) => /^-(c|command|e|ec|encodedcommand|f|file)$/i.test(arg.text));
  const code = flag === -1 ? (args.length ? undefined : context.stdin?.text) : args[flag + 1];
  const text =
    typeof code === 'string'
      ? code
      : code &&
          !code.dynamic &&
          !/^-(e|ec|enc)/i.test(args[flag]!.text) &&
          !/^-(f|file)$/i.test(args[flag]!.text)
        ? code.text
        : undefined;
  const statements =
    text
      ?.split(/[;\n|]/)
      .map((statement) => statement.trim())
      .filter(Boolean) ?? [];
  if (text !== undefined && statements.every((statement) => PWSH_READS.test(statement.split(/\s+/)[0]!)))
    return;
  if (flag === -1 && args.some((arg) => /^-(v|version|h|help|\?)$/i.test(arg.text))) return;
  context.operations.push({
    kind: 'opaque',
    reason: `${name} runs PowerShell code whose effects the analysis does not model`,
    unseen: true,
  });
}

/** gdb/lldb commands given on the command line: `shell x`, `!x`, `--args prog ...` run programs. */
function analyzeDebugger(args: WordValue[], context: Context, inner: (rest: WordValue[]) => void): void {
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '--args') return inner(args.slice(i + 1));
    if (
      /^(-ex|-iex|--eval-command|-o|--one-line|-O|--source-before-file|-k|--one-line-on-crash)$/.test(text)
    ) {
      const command = args[++i];
      if (!command) continue;
      if (command.dynamic) return shellText(command, context, 'debugger command');
      const shell = /^\s*(?:shell|platform\s+shell|!|pipe\s.*\|)\s*(.*)$/s.exec(command.text);
      if (shell) nested(shell[1]!, context, `${programName(text)} shell`);
      else if (/^\s*(python|py|script|source|call|print|p)\b/.test(command.text))
        context.operations.push({
          kind: 'opaque',
          reason: `the debugger command \`${command.text}\` runs code only known when it runs`,
          unseen: true,
        });
    } else if (/^(-x|--command|-s|--source)$/.test(text)) {
      context.operations.push({
        kind: 'opaque',
        reason: `the debugger runs commands from ${args[i + 1]?.text ?? 'a file'}`,
        unseen: true,
      });
      i++;
    }
  }
}

function analyzeEnv(
  args: WordValue[],
  context: Context,
  env: Record<string, string>,
  inner: (rest: WordValue[], env?: Record<string, string>) => void,
): void {
  const extra = { ...env };
  let dir: WordValue | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '--') {
      i++;
      break;
    }
    if (text === '-S' || text === '--split-string')
      return nested(
        args
          .slice(i + 1)
          .map((a) => a.text)
          .join(' '),
        context,
        'env -S',
      );
    if (text.startsWith('-S') && text.length > 2)
      return nested([text.slice(2), ...args.slice(i + 1).map((a) => a.text)].join(' '), context, 'env -S');
    if (text === '-C' || text === '--chdir') {
      dir = args[++i];
      continue;
    }
    if (/^(-C|--chdir=)./.test(text)) {
      dir = { ...args[i]!, text: text.replace(/^(-C|--chdir=)/, '') };
      continue;
    }
    if (text === '-u' || text === '--unset') {
      i++;
      continue;
    }
    if (text.startsWith('-')) continue;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
    if (!assignment) break;
    extra[assignment[1]!] = assignment[2]!;
    context.operations.push({ kind: 'env', name: assignment[1]!, value: assignment[2]!, via: 'env' });
  }
  inDirectory(dir, env, context, () => inner(args.slice(i), extra));
}

/** Runs `then` with the working directory a wrapper's option sets (`env -C dir`, `sudo -D dir`). */
function inDirectory(
  dir: WordValue | undefined,
  env: Record<string, string>,
  context: Context,
  then: () => void,
): void {
  if (!dir) return then();
  const before = context.scope.cwd;
  context.scope.cwd = dir.dynamic ? UNKNOWN_DIRECTORY : cdDestination(dir, env, context);
  try {
    then();
  } finally {
    context.scope.cwd = before;
  }
}

/**
 * Files a shell reads before its command: bash's `$BASH_ENV` when not interactive, zsh's
 * `$ZDOTDIR/.zshenv` always.
 */
function startupFiles(name: string, env: Record<string, string>, context: Context): void {
  const file =
    name === 'bash'
      ? variable('BASH_ENV', env, context)
      : name === 'zsh' && variable('ZDOTDIR', env, context) !== undefined
        ? `${variable('ZDOTDIR', env, context)}/.zshenv`
        : undefined;
  if (file === undefined || file === '') return;
  runScript(
    resolveTarget({ text: file, dynamic: file.includes('$'), glob: false }, context.scope.cwd),
    'shell',
    context,
    `${name} (startup file ${file})`,
  );
}

/** `fd PATTERN -x cmd` / `-X cmd`: the command runs on every file fd finds, which only running it tells. */
function analyzeFd(args: WordValue[], inner: (rest: WordValue[]) => void): void {
  const at = args.findIndex((arg) => /^(-x|-X|--exec|--exec-batch)$/.test(arg.text));
  if (at === -1) return;
  const end = args.findIndex((arg, i) => i > at && arg.text === ';');
  const command = args.slice(at + 1, end === -1 ? undefined : end);
  const found: WordValue = { text: '<input>', dynamic: true, glob: false };
  const placeholder = /\{[/.]*\/?\.?\}/;
  inner([
    ...command.map((word) => (placeholder.test(word.text) ? found : word)),
    ...(command.some((word) => placeholder.test(word.text)) ? [] : [found]),
  ]);
}

function analyzeXargs(args: WordValue[], context: Context, inner: (rest: WordValue[]) => void): void {
  const valued = new Set([
    '-a',
    '-E',
    '-e',
    '-I',
    '-i',
    '-L',
    '-l',
    '-n',
    '-P',
    '-s',
    '-d',
    '--arg-file',
    '--delimiter',
    '--max-args',
    '--max-procs',
    '--replace',
  ]);
  let i = 0;
  let replace: string | undefined;
  let delimiter: string | undefined;
  for (; i < args.length; i++) {
    const text = args[i]!.text;
    if (!text.startsWith('-')) break;
    if (text === '-I' || text === '--replace') replace = args[i + 1]?.text;
    else if (text.startsWith('-I') && text.length > 2) replace = text.slice(2);
    if (text === '-0' || text === '--null') delimiter = '\0';
    if (text === '-d' || text === '--delimiter') delimiter = args[i + 1]?.text.replace(/^\\n$/, '\n');
    if (valued.has(text)) i++;
  }
  const command = args.slice(i);
  const input = context.stdin?.text;
  if (input !== undefined && !args.some((arg) => arg.text === '-a' || arg.text === '--arg-file')) {
    // The input is known (`echo --hard | xargs git reset`): the words it appends are known too.
    const items =
      delimiter !== undefined
        ? input.split(delimiter).filter(Boolean)
        : replace
          ? input.split('\n').filter((line) => line.trim())
          : (input.match(/'[^']*'|"[^"]*"|[^\s'"]+/g) ?? []).map((item) => item.replace(/^['"]|['"]$/g, ''));
    const known = (text: string): WordValue => ({ text, dynamic: false, glob: false });
    const base = command.length ? command : [literal('echo')];
    if (replace)
      for (const item of items.slice(0, 16))
        inner(
          base.map((arg) => (arg.text.includes(replace) ? known(arg.text.split(replace).join(item)) : arg)),
        );
    else inner([...base, ...items.map(known)]);
    return;
  }
  // The arguments xargs appends come from its input, which the analysis does not know.
  const rest = command.map((arg) =>
    replace && arg.text.includes(replace) ? { ...arg, dynamic: true } : arg,
  );
  inner(rest.length ? [...rest, { text: '<input>', dynamic: true, glob: false }] : [literal('echo')]);
}

/** GNU parallel's options that take a value, so the value is not taken for the command. */
const PARALLEL_VALUED =
  /^(-j|-P|-S|-n|-N|-L|-l|-a|-d|-E|-I|-X|--jobs|--sshlogin|--max-args|--arg-file|--delimiter|--colsep|-C|--joblog|--results|--tmpdir|--timeout|--retries|--delay|--memfree|--load|--tag-string|--halt|--workdir|--env|--basefile|--return|--transferfile|--sshloginfile|--slf|--limit|--wd|--rpl|--shebang-wrap|--semaphorename|--id)$/;

function analyzeParallel(args: WordValue[], context: Context, inner: (rest: WordValue[]) => void): void {
  const separator = args.findIndex((arg) => /^:::+\+?$|^::::\+?$/.test(arg.text));
  const head = separator === -1 ? args : args.slice(0, separator);
  // parallel's own options come first; what follows is the command, options and all.
  let start = 0;
  while (start < head.length && head[start]!.text.startsWith('-'))
    start += PARALLEL_VALUED.test(head[start]!.text) ? 2 : 1;
  const command = head.slice(start);
  const inputs =
    separator === -1 ? [{ text: '<input>', dynamic: true, glob: false }] : args.slice(separator + 1);
  if (
    command.length === 1 &&
    !inputs[0]?.dynamic &&
    SHELLS.has(programName(command[0]!.text)) === false &&
    command[0]!.text.includes(' ')
  ) {
    return nested(command[0]!.text, context, 'parallel');
  }
  for (const input of inputs)
    inner([
      ...command.map((word) => (word.text.includes('{}') ? { ...input } : word)),
      ...(command.some((w) => w.text.includes('{}')) ? [] : [input]),
    ]);
}

function analyzeFind(args: WordValue[], context: Context, inner: (rest: WordValue[]) => void): void {
  const start = args.findIndex((arg) => /^[-(!]/.test(arg.text));
  const roots = (start === -1 ? args : args.slice(0, start)).map((a) => a.text);
  if (roots.length === 0) roots.push('.');
  const expression = start === -1 ? [] : args.slice(start);
  // A name filter narrows what a bulk delete hits (one excluded by -not or ! does not); -type does not.
  const names = expression.flatMap((arg, i) => {
    const negated = /^(!|-not)$/.test(expression[i - 1]?.text ?? '');
    if (negated || !/^-i?(name|path|wholename)$/.test(arg.text)) return [];
    const pattern = expression[i + 1]?.text ?? '*';
    return [{ pattern, path: !/name$/.test(arg.text) }];
  });
  const alternatives = expression.some((arg) => arg.text === '-o' || arg.text === '-or');
  const narrowed = names.length === 1 || (names.length > 1 && alternatives);
  const targets = (): Target[] =>
    roots.flatMap((root) =>
      narrowed
        ? names.map(({ pattern, path }) =>
            resolveTarget(
              {
                text: path ? pattern : posix.join(root, '**', pattern),
                dynamic: false,
                glob: true,
                globOptions: ANY_FILE,
              },
              context.scope.cwd,
            ),
          )
        : [resolveTarget({ text: root, dynamic: false, glob: false }, context.scope.cwd)],
    );
  for (let i = 0; i < expression.length; i++) {
    const text = expression[i]!.text;
    if (text === '-delete')
      context.operations.push({
        kind: 'delete',
        targets: targets(),
        recursive: !narrowed,
        via: 'find -delete',
      });
    if (/^-(exec|execdir|ok|okdir)$/.test(text)) {
      const end = expression.findIndex((arg, j) => j > i && (arg.text === ';' || arg.text === '+'));
      const command = expression.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? expression.length : end;
      const before = context.operations.length;
      inner(
        command.map((word) =>
          word.text.includes('{}') ? { text: roots[0]!, dynamic: false, glob: false } : word,
        ),
      );
      // Each match is handled in turn: a delete of `{}` is a delete of everything the find selects.
      for (const operation of context.operations.slice(before)) {
        if (operation.kind === 'delete')
          Object.assign(operation, {
            targets: targets(),
            recursive: operation.recursive || !narrowed,
            via: `find ${text} ${operation.via}`,
          });
      }
    }
  }
}

function analyzeShell(name: string, args: WordValue[], context: Context): void {
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '-c' || (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(text) && !text.startsWith('--'))) {
      const script = args[i + 1];
      if (!script) return;
      if (script.dynamic && downloads(script.text))
        return remoteCode(context, `${name} -c`, `downloaded by ${script.text}`);
      if (script.dynamic)
        return void context.operations.push({
          kind: 'opaque',
          reason: `${name} -c runs text that is only known when it runs`,
          unseen: true,
        });
      return nested(script.text, context, `${name} -c`);
    }
    if (text === '--rcfile' || text === '--init-file' || text === '-o' || text === '-O') {
      i++;
      continue;
    }
    if (!text.startsWith('-') && !text.startsWith('+')) {
      // A script file: what it does is in the file, which the adapter reads.
      return runScript(resolveTarget(args[i]!, context.scope.cwd), 'shell', context, name);
    }
  }
  // No -c and no script: the shell runs its standard input.
  if (context.stdin?.remote) return remoteCode(context, name, context.stdin.remote);
  if (context.stdin?.text !== undefined) return nested(context.stdin.text, context, `${name} <stdin`);
  context.operations.push({
    kind: 'opaque',
    reason: `${name} runs whatever ${context.stdin?.from ?? 'its input'} produces, which is only known when it runs`,
    unseen: true,
  });
}

/** Options of interpreters that take a value, so the value is not taken for the script. */
const INTERPRETER_VALUED =
  /^(-W|-X|-I|-r|--require|--import|--loader|--input-type|-M|-F|-v|--assign|-C|--conditions|--env-file)$/;

function analyzeInterpreter(name: string, args: WordValue[], context: Context): void {
  const language = INTERPRETERS.get(name)!;
  const code = (word: WordValue | undefined, flag: string) => {
    if (!word) return;
    if (word.dynamic && downloads(word.text))
      return remoteCode(context, `${name} ${flag}`, `downloaded by ${word.text}`);
    if (word.dynamic)
      return void context.operations.push({
        kind: 'opaque',
        reason: `${name} ${flag} runs code that is only known when it runs`,
        unseen: true,
      });
    context.operations.push(...analyzeInterpreterCode(language, word.text, context, nested));
  };
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (language.codeFlags.includes(text)) return code(args[i + 1], text);
    const bundled = /^-[a-zA-Z]*[ecEr]$/.exec(text);
    if (bundled && language.codeFlags.includes(`-${text.at(-1)}`) && text.length > 2)
      return code(args[i + 1], text);
    if (language.codeOperand && (text === '-f' || text === '--file'))
      return runScript(
        resolveTarget(args[i + 1] ?? args[i]!, context.scope.cwd),
        name,
        context,
        `${name} -f`,
      );
    if (text === '-m') return; // a module, not a file
    // `node --test`: the project's test files, as a test runner runs them; `--check` only parses.
    if (name === 'node' && /^(--test|--check|-c)$/.test(text)) return;
    if (/^(-v|-V|--version|-h|--help)$/.test(text) && args.length === 1) return;
    if (INTERPRETER_VALUED.test(text) && !language.codeOperand) {
      i++;
      continue;
    }
    if (language.codeOperand && /^-[vF]$/.test(text)) {
      i++;
      continue;
    }
    if (!text.startsWith('-') || text === '-') {
      if (language.codeOperand) return code(args[i], 'program');
      if (text === '-') break;
      if (name === 'deno' && (text === 'run' || text === 'test' || text === 'task')) continue;
      return runScript(resolveTarget(args[i]!, context.scope.cwd), name, context, name);
    }
  }
  if (context.stdin?.remote) return remoteCode(context, name, context.stdin.remote);
  if (context.stdin?.text !== undefined)
    return void context.operations.push(
      ...analyzeInterpreterCode(language, context.stdin.text, context, nested),
    );
  // A bare interpreter reads its program from input that comes later (typed into it, piped from
  // something unknown): nothing of it can be seen now.
  context.operations.push({
    kind: 'opaque',
    reason: `${name} runs code from ${context.stdin?.from ?? 'input given after it starts'}, which is only known when it runs`,
    unseen: true,
  });
}

function analyzeSsh(args: WordValue[], context: Context): void {
  const valued = new Set([
    '-b',
    '-c',
    '-D',
    '-E',
    '-e',
    '-F',
    '-I',
    '-i',
    '-J',
    '-L',
    '-l',
    '-m',
    '-O',
    '-o',
    '-p',
    '-Q',
    '-R',
    '-S',
    '-W',
    '-w',
  ]);
  let i = 0;
  while (i < args.length && args[i]!.text.startsWith('-')) i += valued.has(args[i]!.text) ? 2 : 1;
  const host = args[i]?.text ?? '';
  const command = args
    .slice(i + 1)
    .map((a) => a.text)
    .join(' ');
  if (!command) return;
  const remote: Context = {
    ...context,
    depth: context.depth + 1,
    operations: [],
    stdin: undefined,
    scope: { vars: new Map(), env: { HOME: '/root' }, cwd: '/root' },
  };
  analyzeScript(command, remote);
  context.operations.push({ kind: 'remote', host, operations: remote.operations });
}
