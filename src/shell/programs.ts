// What one simple command does, by program. Wrappers (sudo, env, timeout, xargs, find -exec...)
// are taken off and the inner command analysed; nested shells and eval re-parse their text;
// interpreters' one-liners are read for the calls that delete files or run shell commands; file
// commands become delete/write/move/chmod operations; git is taken apart in git.ts.
import { basename, join, posix } from 'node:path';
import { analyzeScript, type Context, resolveTarget, UNKNOWN_DIRECTORY } from './analyze.js';
import { fileOperations } from './files.js';
import { analyzeGit } from './git.js';
import { analyzeInterpreterCode, INTERPRETERS } from './interpreters.js';
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
const WRAPPERS: Record<string, { valued: Set<string>; stopAtFirst?: boolean; skipPositional?: number }> = {
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
  flock: { valued: new Set(['-w', '-E', '--timeout', '--conflict-exit-code']), skipPositional: 1 },
  caffeinate: { valued: new Set(['-t', '-w']) },
  unbuffer: { valued: new Set() },
};

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
      });
      return;
    }
    analyzeProgram(rest, { ...context, depth: context.depth + 1 }, extraEnv);
  };

  const wrapper = WRAPPERS[name];
  if (wrapper) {
    if (name === 'command' && args.some((a) => a.text === '-v' || a.text === '-V')) return;
    let i = 0;
    for (; i < args.length; i++) {
      const text = args[i]!.text;
      if (text === '--') {
        i++;
        break;
      }
      if (!text.startsWith('-') || text === '-') break;
      if (wrapper.valued.has(text)) i++;
    }
    return inner(args.slice(i + (wrapper.skipPositional ?? 0)));
  }

  switch (name) {
    case 'cd':
    case 'pushd': {
      const to = args.find((arg) => !arg.text.startsWith('-') || arg.text === '-');
      // A destination the analysis cannot know makes every relative path after it unknown too.
      if (!to) context.scope.cwd = context.scope.env.HOME ?? '/';
      else if (to.dynamic || to.text === '-') context.scope.cwd = UNKNOWN_DIRECTORY;
      else context.scope.cwd = resolveTarget(to, context.scope.cwd).path ?? UNKNOWN_DIRECTORY;
      return;
    }
    case 'export':
    case 'declare':
    case 'typeset':
    case 'local':
    case 'readonly':
      for (const arg of args) {
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg.text);
        if (!assignment) continue;
        context.scope.vars.set(assignment[1]!, arg.dynamic ? undefined : assignment[2]!);
        context.operations.push({ kind: 'env', name: assignment[1]!, value: assignment[2]!, via: name });
      }
      return;
    case 'env':
      return analyzeEnv(args, context, env, inner);
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
        });
      return nested(args.map((a) => a.text).join(' '), context, 'eval');
    case 'xargs':
      return analyzeXargs(args, inner);
    case 'parallel':
      return analyzeParallel(args, context, inner);
    case 'busybox':
      return inner(args);
    case 'find':
      return analyzeFind(args, context, inner);
    case 'git':
      return void context.operations.push(...analyzeGit(args, context, env));
    case 'ssh':
      return analyzeSsh(args, context);
    case 'agentpolicy':
      if (args[0]?.text === 'allow-once')
        context.operations.push({
          kind: 'write',
          target: {
            raw: '.git/agentpolicy/allow-once',
            glob: false,
            dynamic: false,
            path: join(context.scope.cwd, '.git/agentpolicy/allow-once'),
          },
          mode: 'create',
          via: 'agentpolicy allow-once',
        });
      return;
    case 'npx':
    case 'pnpx':
    case 'bunx':
      if (args[0] && programName(args[0].text) === 'agentpolicy') return inner(args);
      return;
  }
  if (SHELLS.has(name)) return analyzeShell(name, args, context);
  if (name === 'source' || name === '.') {
    if (args[0])
      context.operations.push({ kind: 'script', target: resolveTarget(args[0], cwd), language: 'shell' });
    return;
  }
  // A program named by a path (`./scripts/clean.sh`) may be a script: the adapter looks.
  if (words[0]!.text.includes('/'))
    context.operations.push({ kind: 'script', target: resolveTarget(words[0]!, cwd), language: 'auto' });
  if (INTERPRETERS.has(name)) return analyzeInterpreter(name, args, context);
  context.operations.push(...fileOperations(name, args, context));
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

function analyzeEnv(
  args: WordValue[],
  context: Context,
  env: Record<string, string>,
  inner: (rest: WordValue[], env?: Record<string, string>) => void,
): void {
  const extra = { ...env };
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
    if (text === '-u' || text === '--unset' || text === '-C' || text === '--chdir') {
      i++;
      continue;
    }
    if (text.startsWith('-')) continue;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
    if (!assignment) break;
    extra[assignment[1]!] = assignment[2]!;
    context.operations.push({ kind: 'env', name: assignment[1]!, value: assignment[2]!, via: 'env' });
  }
  inner(args.slice(i), extra);
}

function analyzeXargs(args: WordValue[], inner: (rest: WordValue[]) => void): void {
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
  for (; i < args.length; i++) {
    const text = args[i]!.text;
    if (!text.startsWith('-')) break;
    if (text === '-I' || text === '--replace') replace = args[i + 1]?.text;
    else if (text.startsWith('-I') && text.length > 2) replace = text.slice(2);
    if (valued.has(text)) i++;
  }
  // The arguments xargs appends come from its input, which the analysis does not know.
  const rest = args
    .slice(i)
    .map((arg) => (replace && arg.text.includes(replace) ? { ...arg, dynamic: true } : arg));
  inner(rest.length ? [...rest, { text: '<input>', dynamic: true, glob: false }] : [literal('echo')]);
}

function analyzeParallel(args: WordValue[], context: Context, inner: (rest: WordValue[]) => void): void {
  const separator = args.findIndex((arg) => arg.text === ':::' || arg.text === '::::');
  const command = (separator === -1 ? args : args.slice(0, separator)).filter(
    (arg) => !arg.text.startsWith('-'),
  );
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
  // A name filter narrows what a bulk delete hits; -type does not.
  const names = expression.flatMap((arg, i) =>
    /^-i?(name|path|wholename)$/.test(arg.text) ? [expression[i + 1]?.text ?? '*'] : [],
  );
  const targets = (): Target[] =>
    roots.map((root) => {
      const pattern = names.length === 1 ? posix.join(root, '**', names[0]!) : root;
      return resolveTarget({ text: pattern, dynamic: false, glob: names.length === 1 }, context.scope.cwd);
    });
  for (let i = 0; i < expression.length; i++) {
    const text = expression[i]!.text;
    if (text === '-delete')
      context.operations.push({
        kind: 'delete',
        targets: targets(),
        recursive: names.length !== 1,
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
            recursive: operation.recursive || names.length !== 1,
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
      if (script.dynamic)
        return void context.operations.push({
          kind: 'opaque',
          reason: `${name} -c runs text that is only known when it runs`,
        });
      return nested(script.text, context, `${name} -c`);
    }
    if (text === '--rcfile' || text === '--init-file' || text === '-o' || text === '-O') {
      i++;
      continue;
    }
    if (!text.startsWith('-') && !text.startsWith('+')) {
      // A script file: what it does is in the file, which the adapter reads.
      context.operations.push({
        kind: 'script',
        target: resolveTarget(args[i]!, context.scope.cwd),
        language: 'shell',
      });
      return;
    }
  }
  // No -c and no script: the shell runs its standard input.
  if (context.stdin?.text !== undefined) return nested(context.stdin.text, context, `${name} <stdin`);
  context.operations.push({
    kind: 'opaque',
    reason: `${name} runs whatever ${context.stdin?.from ?? 'its input'} produces, which is only known when it runs`,
  });
}

function analyzeInterpreter(name: string, args: WordValue[], context: Context): void {
  const language = INTERPRETERS.get(name)!;
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (language.codeFlags.includes(text)) {
      const code = args[i + 1];
      if (!code) return;
      if (code.dynamic)
        return void context.operations.push({
          kind: 'opaque',
          reason: `${name} ${text} runs code that is only known when it runs`,
        });
      return void context.operations.push(...analyzeInterpreterCode(language, code.text, context, nested));
    }
    if (text === '-m') return; // a module, not a file
    if (!text.startsWith('-')) {
      context.operations.push({
        kind: 'script',
        target: resolveTarget(args[i]!, context.scope.cwd),
        language: name,
      });
      return;
    }
  }
  if (context.stdin?.text !== undefined)
    context.operations.push(...analyzeInterpreterCode(language, context.stdin.text, context, nested));
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
