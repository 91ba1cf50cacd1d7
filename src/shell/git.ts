// git's command line taken apart: global options before the subcommand (-C, -c k=v, --git-dir=,
// --no-pager...), aliases defined in the same command line, and the subcommand's own arguments.
// The rules read the result; this module only parses.
import { isAbsolute, resolve } from 'node:path';
import { configWrite, isCommandKey } from '../rules/git-args.js';
import { ANY_FILE, analyzeScript, type Context, resolveTarget } from './analyze.js';
import type { Operation, Target } from './types.js';
import type { WordValue } from './words.js';

/** Global options that take the next word as their value. */
const VALUED = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--exec-path',
  '--super-prefix',
  '--config-env',
  '--list-cmds',
]);

/** Subcommands git has; anything else may be an alias. */
const BUILTINS = new Set(
  'add am annotate apply archive bisect blame branch bundle cat-file check-attr check-ignore checkout checkout-index cherry cherry-pick citool clean clone commit commit-tree config count-objects describe diff diff-files diff-index diff-tree difftool fetch filter-branch filter-repo format-patch fsck gc grep gui hash-object help init instaweb log ls-files ls-remote ls-tree maintenance merge merge-base merge-file mergetool mv notes prune pull push range-diff read-tree rebase reflog remote repack replace request-pull reset restore rev-list rev-parse revert rm send-email shortlog show show-branch show-ref sparse-checkout stash status submodule switch symbolic-ref tag update-index update-ref var verify-commit verify-tag whatchanged worktree write-tree'.split(
    ' ',
  ),
);

export function analyzeGit(args: WordValue[], context: Context, env: Record<string, string>): Operation[] {
  const config: [string, string][] = [];
  const lookup = (name: string) => (name in env ? env[name] : (context.scope.vars.get(name) ?? undefined));
  let cwd = context.scope.cwd;
  let i = 0;
  for (; i < args.length; i++) {
    const text = args[i]!.text;
    if (!text.startsWith('-')) break;
    const [flag, inline] =
      text.includes('=') && text.startsWith('--')
        ? [text.slice(0, text.indexOf('=')), text.slice(text.indexOf('=') + 1)]
        : [text, undefined];
    const value = inline ?? (VALUED.has(flag) ? args[++i]?.text : undefined);
    if (flag === '-C' && value !== undefined) cwd = isAbsolute(value) ? value : resolve(cwd, value);
    if (flag === '-c' && value !== undefined) {
      const eq = value.indexOf('=');
      config.push(
        eq === -1 ? [value.toLowerCase(), 'true'] : [value.slice(0, eq).toLowerCase(), value.slice(eq + 1)],
      );
    }
    // `--config-env=core.hooksPath=VAR`: the value comes from a variable.
    if (flag === '--config-env' && value !== undefined) {
      const eq = value.lastIndexOf('=');
      const key = value.slice(0, eq === -1 ? undefined : eq).toLowerCase();
      config.push([key, eq === -1 ? '' : (lookup(value.slice(eq + 1)) ?? `$${value.slice(eq + 1)}`)]);
    }
  }
  config.push(...configFromEnvironment(lookup));
  let rest = args.slice(i).map((arg) => arg.text);
  const aliases = context.line.gitAliases;
  // An alias given with -c, or defined earlier in the line, is expanded as git would.
  for (let depth = 0; depth < 5 && rest[0] && !BUILTINS.has(rest[0]); depth++) {
    const alias =
      config.find(([key]) => key === `alias.${rest[0]!.toLowerCase()}`)?.[1] ?? aliases.get(rest[0]!);
    if (alias === undefined) break;
    if (alias.startsWith('!')) {
      const operations: Operation[] = [{ kind: 'git', args: rest, config, cwd, env, via: 'git' }];
      analyzeScript([alias.slice(1), ...rest.slice(1)].join(' '), {
        ...context,
        operations,
        depth: context.depth + 1,
      });
      return operations;
    }
    rest = [...alias.split(/\s+/).filter(Boolean), ...rest.slice(1)];
  }
  if (rest[0] === 'config') recordAlias(rest, aliases);
  // `git push --force --help`: an option parser that meets --help prints the usage and runs nothing.
  const dashes = rest.indexOf('--');
  if (rest.length > 1 && (dashes === -1 ? rest : rest.slice(0, dashes)).includes('--help'))
    return [{ kind: 'git', args: ['help', rest[0]!], config: [], cwd, env, via: 'git' }];
  // `git send-pack` is the plumbing under push, with push's options and refspecs.
  if (rest[0] === 'send-pack') rest = ['push', ...rest.slice(1)];
  const operations: Operation[] = [{ kind: 'git', args: rest, config, cwd, env, via: 'git' }];
  // `git config alias.c 'commit -n'`: every later `git c` runs those arguments.
  if (rest[0] === 'config') {
    const written = configWrite(rest.slice(1));
    if (written?.key.toLowerCase().startsWith('alias.') && written.value && !written.value.startsWith('!'))
      operations.push(
        ...analyzeGit(
          written.value
            .split(/\s+/)
            .filter(Boolean)
            .map((text) => ({ text, dynamic: false, glob: false })),
          { ...context, depth: context.depth + 1 },
          env,
        ).map((operation) =>
          operation.kind === 'git' ? { ...operation, via: `git config ${written.key}` } : operation,
        ),
      );
  }
  // `git apply -R`: reverting a patch in the work tree (`git diff | git apply -R` throws uncommitted
  // work away); what it rewrites is only known when it runs.
  if (
    rest[0] === 'apply' &&
    rest.some((arg) => arg === '--reverse' || /^-[a-zA-Z]*R/.test(arg)) &&
    !rest.some((arg) => /^--(check|stat|numstat|summary|cached)$/.test(arg))
  )
    operations.push({
      kind: 'opaque',
      reason: 'git apply -R reverts changes in files only known when it runs',
      unseen: true,
    });
  for (const command of commandsGitRuns(rest, config, lookup))
    analyzeScript(command.text, { ...context, operations, depth: context.depth + 1, stdin: undefined });
  // Paths from `$(...)` (`git rm $(git ls-files src)`): many files, known only when it runs.
  const computed = new Set(
    args.filter((arg) => arg.dynamic && /\$\(|`/.test(arg.text)).map((arg) => arg.text),
  );
  for (const operation of fileEffects(rest, cwd)) {
    if (operation.kind === 'delete' && operation.targets.some((target) => computed.has(target.raw))) {
      operation.bulk = true;
      operation.targets = operation.targets.map((target) =>
        computed.has(target.raw) ? { raw: target.raw, glob: false, dynamic: true } : target,
      );
    }
    operations.push(operation);
  }
  return operations;
}

/** What git subcommands do to files in the work tree: rm, mv, checkout/restore of paths. */
function fileEffects(rest: string[], cwd: string): Operation[] {
  const [command, ...args] = rest;
  // Pathspecs: git matches `*` across folders and dot files alike.
  const target = (path: string) =>
    /[*?[]/.test(path)
      ? resolveTarget({ text: path, dynamic: false, glob: true, globOptions: ANY_FILE }, cwd)
      : resolveTarget({ text: path, dynamic: false, glob: false }, cwd);
  const dash = args.indexOf('--');
  const words = (dash === -1 ? args : args.slice(0, dash)).filter((arg) => !arg.startsWith('-'));
  const paths = dash === -1 ? [] : args.slice(dash + 1);
  const options = dash === -1 ? args : args.slice(0, dash);
  // `--help` shows the manual; `-n`/`--dry-run` of rm and mv only list what would happen.
  if (options.includes('--help')) return [];
  if (
    (command === 'rm' || command === 'mv') &&
    options.some((arg) => arg === '--dry-run' || /^-[a-zA-Z]*n/.test(arg))
  )
    return [];
  switch (command) {
    case 'rm': {
      // `git rm --cached f`: the file stays on disk but the next commit deletes it. Judged as a
      // change to it (the policy and hooks are protected), except the whole tree, untracked to be
      // added again under a new .gitignore.
      if (args.includes('--cached'))
        return [...words, ...paths]
          .filter((path) => path !== '.' && path !== ':/')
          .map((path) => ({ kind: 'write', target: target(path), mode: 'modify', via: 'git rm --cached' }));
      const recursive = args.some((arg) => /^-[a-zA-Z]*r/.test(arg));
      const targets = [...words, ...paths].map(target);
      return targets.length
        ? [{ kind: 'delete', targets, recursive, via: `git rm${recursive ? ' -r' : ''}` }]
        : [];
    }
    case 'mv': {
      const operands = [...words, ...paths];
      if (operands.length < 2) return [];
      const force = args.some((arg) => /^-[a-zA-Z]*f|^--force$/.test(arg));
      return [
        {
          kind: 'move',
          from: operands.slice(0, -1).map(target),
          to: target(operands.at(-1)!),
          via: force ? 'git mv -f' : 'git mv',
        },
      ];
    }
    case 'checkout':
    case 'restore':
      return pathWrites(command, words, paths, args, target);
    default:
      return [];
  }
}

/** `git checkout <rev> -- <paths>`, `git restore --source=<rev> <paths>`: the paths are rewritten. */
function pathWrites(
  command: string,
  words: string[],
  paths: string[],
  args: string[],
  target: (path: string) => Target,
): Operation[] {
  if (
    command === 'restore' &&
    (args.includes('--staged') || args.includes('-S')) &&
    !args.includes('--worktree') &&
    !args.includes('-W')
  )
    return [];
  const named = command === 'restore' ? [...words, ...paths] : paths;
  return named.map((path) => ({
    kind: 'write',
    target: target(path),
    mode: 'overwrite',
    via: `git ${command}`,
  }));
}

/** A word as the shell would need it quoted to stay one word. */
function shellQuote(word: string): string {
  return /^[\w./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Variables whose value git runs as a shell command. */
const COMMAND_VARIABLES = [
  'GIT_EDITOR',
  'GIT_SEQUENCE_EDITOR',
  'GIT_PAGER',
  'PAGER',
  'EDITOR',
  'VISUAL',
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'GIT_EXTERNAL_DIFF',
  'GIT_PROXY_COMMAND',
];

/** `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` and `GIT_CONFIG_PARAMETERS` as config. */
function configFromEnvironment(lookup: (name: string) => string | undefined): [string, string][] {
  const config: [string, string][] = [];
  const count = Number(lookup('GIT_CONFIG_COUNT') ?? 0);
  for (let n = 0; n < Math.min(count, 50); n++) {
    const key = lookup(`GIT_CONFIG_KEY_${n}`);
    if (key !== undefined) config.push([key.toLowerCase(), lookup(`GIT_CONFIG_VALUE_${n}`) ?? '']);
  }
  const parameters = lookup('GIT_CONFIG_PARAMETERS');
  if (parameters)
    for (const match of parameters.matchAll(/'([^']*)'(?:=('[^']*'))?/g)) {
      const [key = '', ...value] = match[1]!.split('=');
      config.push(
        match[2] === undefined
          ? [key.toLowerCase(), value.join('=')]
          : [match[1]!.toLowerCase(), match[2].slice(1, -1)],
      );
    }
  return config;
}

/**
 * Shell commands the git command will run: config values and variables git runs as commands,
 * `rebase --exec`, `bisect run`, `submodule foreach`, and values written with `git config` that a
 * later git command will run.
 */
function commandsGitRuns(
  rest: string[],
  config: [string, string][],
  lookup: (name: string) => string | undefined,
): { text: string; via: string }[] {
  const commands: { text: string; via: string }[] = [];
  for (const name of COMMAND_VARIABLES) {
    const value = lookup(name);
    if (value) commands.push({ text: value, via: name });
  }
  for (const [key, value] of config)
    if (isCommandKey(key) && value !== 'true' && value !== 'false')
      commands.push({ text: value.replace(/^!/, ''), via: `git config ${key}` });
  const [command, ...args] = rest;
  if (command === 'rebase')
    args.forEach((arg, i) => {
      if (arg === '--exec' || arg === '-x')
        commands.push({ text: args[i + 1] ?? '', via: 'git rebase --exec' });
      else if (arg.startsWith('--exec=')) commands.push({ text: arg.slice(7), via: 'git rebase --exec' });
    });
  if (command === 'bisect' && args[0] === 'run')
    commands.push({ text: args.slice(1).map(shellQuote).join(' '), via: 'git bisect run' });
  if (command === 'submodule' && args.includes('foreach'))
    commands.push({
      text: args
        .slice(args.indexOf('foreach') + 1)
        .filter((arg) => !arg.startsWith('-'))
        .map((arg, _, all) => (all.length === 1 ? arg : shellQuote(arg)))
        .join(' '),
      via: 'git submodule foreach',
    });
  if (command === 'difftool' || command === 'mergetool')
    args.forEach((arg, i) => {
      if (arg === '-x' || arg === '--extcmd' || arg === '--tool-cmd')
        commands.push({ text: args[i + 1] ?? '', via: `git ${command} ${arg}` });
    });
  if (command === 'config') {
    const written = configWrite(args);
    if (written && isCommandKey(written.key) && written.value !== undefined)
      commands.push({ text: written.value.replace(/^!/, ''), via: `git config ${written.key}` });
  }
  return commands;
}

function recordAlias(args: string[], aliases: Map<string, string>): void {
  const positional = args.slice(1).filter((arg) => !arg.startsWith('-'));
  const [key, value] = positional;
  if (key?.toLowerCase().startsWith('alias.') && value !== undefined)
    aliases.set(key.slice('alias.'.length), value);
}
