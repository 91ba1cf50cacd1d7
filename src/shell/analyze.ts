// From a command line to operations. The command is parsed with unbash into a bash AST; a walker
// goes through it in execution order (lists, pipelines, subshells, groups, substitutions, heredocs),
// tracking `cd`, variables set earlier in the line and what each pipe feeds; each simple command is
// then resolved to the program that really runs (wrappers and nested shells taken off) and turned
// into operations. The analysis never runs anything.
import { basename, isAbsolute, normalize, resolve } from 'node:path';
import type { Command, HereDoc, HereString, ParsedScript, Statement, Word } from 'unbash';
import { parse } from 'unbash';
import { analyzeInterpreterCode, INTERPRETERS } from './interpreters.js';
import { followLinks } from './links.js';
import { analyzeProgram, programName } from './programs.js';
import type { Analysis, Operation, Target } from './types.js';
import { evaluateWord, printedText, type Scope, type WordValue } from './words.js';

/** Deeper nesting than this (shells in shells in substitutions...) is refused, not followed. */
export const MAX_DEPTH = 12;

export interface Context {
  scope: Scope;
  depth: number;
  /** What the command's standard input carries, when it is known text (heredoc, echo | ...). */
  /** `remote`: what the input is, when it is code from the network (`downloaded by curl`). */
  stdin?: { text?: string; from: string; remote?: string };
  operations: Operation[];
  /** Functions defined earlier in the command line. */
  functions: Map<string, Statement[]>;
  /** What earlier parts of the whole line did, nested shells included. */
  line: LineState;
  /** Inside a loop body: a delete there is one of many. */
  loop?: boolean;
  /** Paths the earlier stages of the current pipeline read (`jq . f | sponge`, `cat f | x > f`). */
  pipeReads?: Set<string>;
}

export interface LineState {
  /** Files written earlier in the line: their content when it is known text, else undefined. */
  written: Map<string, string | undefined>;
  /** Symbolic links created earlier in the line: link path → the path it points to. */
  links: Map<string, string>;
  /** Files earlier in the line filled with what a download printed or saved (`curl -o f`, `wget -O- > f`). */
  downloaded: Set<string>;
  /** Shell aliases defined earlier in the line. */
  aliases: Map<string, string>;
  /** git aliases defined earlier in the line (`git config alias.x ...`). */
  gitAliases: Map<string, string>;
  /** Files written by a command that names the policy key: moved onto package.json, they set it. */
  keyed?: Set<string>;
  /** Files whose committed content a command printed (`git show REV:f`): path → revision. */
  revisions?: Map<string, string>;
}

export function newContext(cwd: string, env: Record<string, string | undefined>, depth = 0): Context {
  return {
    scope: { vars: new Map(), env, cwd },
    depth,
    operations: [],
    functions: new Map(),
    line: {
      written: new Map(),
      links: new Map(),
      downloaded: new Set(),
      aliases: new Map(),
      gitAliases: new Map(),
    },
  };
}

export function analyzeCommand(
  command: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Analysis {
  const context = newContext(cwd, env);
  analyzeScript(command, context);
  const operations = followLinks(context.operations, context.line.links);
  return { operations: [...operations, ...computedDestinations(operations, env)], cwd };
}

/**
 * A write, move or copy to a path computed when it runs (`cp x "$(git rev-parse --git-dir)/hooks/"`,
 * `d=$(...); echo > $d/f`) may land on any file, the policy and the hooks included: unseen, unless
 * what is known of the path already puts it in a temporary folder.
 */
function computedDestinations(operations: Operation[], env: Record<string, string | undefined>): Operation[] {
  const temp = ['/tmp', '/var/tmp', '/dev', ...(env.TMPDIR ? [env.TMPDIR.replace(/\/+$/, '')] : [])];
  const found: Operation[] = [];
  for (const operation of operations) {
    if (operation.kind !== 'write' && operation.kind !== 'move') continue;
    const target = operation.kind === 'write' ? operation.target : operation.to;
    if (!target.dynamic) continue;
    const known = target.raw.split(/[$`]/)[0]!;
    if (temp.some((dir) => known.startsWith(`${dir}/`)) || /^\$\(\s*mktemp\b/.test(target.raw)) continue;
    found.push({
      kind: 'opaque',
      reason: `${operation.via} writes to ${target.raw}, a path only known when it runs`,
      unseen: true,
    });
  }
  return found;
}

/** Parses and walks shell source (a command line, a `bash -c` string, a heredoc fed to a shell). */
export function analyzeScript(source: string, context: Context): void {
  if (context.depth > MAX_DEPTH) {
    context.operations.push({ kind: 'opaque', reason: `nesting deeper than ${MAX_DEPTH} levels` });
    return;
  }
  let script: ParsedScript;
  try {
    script = parse(source);
  } catch (error) {
    context.operations.push({
      kind: 'opaque',
      reason: `the shell parser failed: ${(error as Error).message}`,
    });
    return;
  }
  if (script.errors?.length) {
    context.operations.push({
      kind: 'opaque',
      reason: `it does not parse as shell: ${script.errors[0]!.message}`,
    });
  }
  walkStatements(script.commands, context);
}

function walkStatements(statements: readonly Statement[], context: Context): void {
  for (const statement of statements) walkNode(statement.command, context);
}

type Node = Statement['command'] | { type: string; [key: string]: unknown };

/** A copy for a subshell: `cd` and variables inside do not leak out. */
function subshell(context: Context): Context {
  const { scope } = context;
  return {
    ...context,
    scope: {
      ...scope,
      vars: new Map(scope.vars),
      ...(scope.shopt ? { shopt: new Set(scope.shopt) } : {}),
    },
    stdin: undefined,
  };
}

function walkNode(node: Node, context: Context): void {
  const n = node as Record<string, unknown> & { type: string };
  switch (n.type) {
    case 'Command':
      walkCommand(n as unknown as Command, context);
      return;
    case 'Pipeline': {
      const commands = n.commands as Node[];
      let previous: Command | undefined;
      const pipeReads = new Set<string>();
      for (const command of commands) {
        const inner = subshell(context);
        inner.stdin = previous ? producedText(previous, context) : undefined;
        inner.pipeReads = pipeReads;
        walkNode(command, inner);
        previous = command.type === 'Command' ? (command as Command) : undefined;
      }
      return;
    }
    case 'For':
    case 'Select':
      return walkFor(n, context);
    case 'While':
    case 'Until': {
      const inner = { ...context, loop: true };
      walkStatements((n.clause as { commands: Statement[] }).commands, inner);
      walkStatements((n.body as { commands: Statement[] }).commands, inner);
      return;
    }
    case 'Coproc':
      walkNode(n.body as Node, subshell(context));
      return;
    case 'AndOr':
      for (const command of n.commands as Node[]) walkNode(command, context);
      return;
    case 'Subshell':
      walkStatements((n.body as { commands: Statement[] }).commands, subshell(context));
      return;
    case 'BraceGroup':
      walkStatements((n.body as { commands: Statement[] }).commands, context);
      return;
    case 'Redirected': {
      walkNode(n.command as Node, context);
      const before = context.operations.length;
      for (const redirect of n.redirects as Command['redirects']) walkRedirect(redirect, context, 'redirect');
      // `{ :; } > f`, `( ) > f`: a group that prints nothing empties the file.
      if (printsNothing(n.command as Node, context)) destroyWrites(context.operations.slice(before));
      for (const operation of context.operations.slice(before))
        if (operation.kind === 'write' && operation.target.path)
          context.line.written.set(operation.target.path, undefined);
      return;
    }
    case 'Function':
      context.functions.set(
        (n.name as Word).value,
        (n.body as { commands?: Statement[]; body?: { commands: Statement[] } }).commands ??
          (n.body as { body?: { commands: Statement[] } }).body?.commands ??
          [],
      );
      return;
    default:
      // if/case and test commands: walk every list and command they hold.
      for (const value of Object.values(n)) {
        for (const child of Array.isArray(value) ? value : [value]) {
          if (child && typeof child === 'object' && 'type' in child) {
            const c = child as { type: string; commands?: Statement[]; command?: Node };
            if (c.type === 'CompoundList') walkStatements(c.commands ?? [], context);
            else if (c.type === 'Statement' && c.command) walkNode(c.command, context);
            else if (c.type === 'Word') walkWordSubstitutions(c as unknown as Word, context);
            else if (c.type !== 'Redirect' && c.type !== 'Assignment') walkNode(c as Node, context);
          }
        }
      }
  }
}

/** How many values of a loop's word list are walked one by one; longer lists are unknown. */
const MAX_LOOP_VALUES = 8;

/** `for f in src/*.ts a b; do ...`: the body once per value, `$f` a glob where the value is one. */
function walkFor(n: Record<string, unknown>, context: Context): void {
  const name = (n.name as Word).value;
  const list = (n.wordlist as Word[] | undefined) ?? [];
  for (const word of list) walkWordSubstitutions(word, context);
  const values = list.flatMap((word) => splitWord(word, context.scope));
  const body = (n.body as { commands: Statement[] }).commands;
  const inner: Context = { ...context, loop: true };
  context.scope.globVars ??= new Set();
  const globs = context.scope.globVars;
  if (values.length > 0 && values.length <= MAX_LOOP_VALUES && values.every((value) => !value.dynamic)) {
    for (const value of values) {
      context.scope.vars.set(name, value.text);
      if (value.glob) globs.add(name);
      else globs.delete(name);
      walkStatements(body, inner);
    }
    globs.delete(name);
    return;
  }
  context.scope.vars.set(name, undefined);
  walkStatements(body, inner);
}

/** A command or group that writes nothing on its standard output (`true`, `:`, `{ :; }`, `( )`). */
function printsNothing(node: Node, context: Context): boolean {
  const n = node as Record<string, unknown> & { type: string };
  if (n.type === 'Command') {
    const command = n as unknown as Command;
    if (!command.name) return true;
    const words = [command.name, ...command.suffix.filter((item): item is Word => item.type === 'Word')];
    return producesNothing(
      words.map((word) => evaluateWord(word, context.scope)),
      undefined,
    );
  }
  if (n.type === 'BraceGroup' || n.type === 'Subshell') {
    const statements = (n.body as { commands: Statement[] }).commands;
    return statements.every((statement) => printsNothing(statement.command, context));
  }
  if (n.type === 'AndOr') return (n.commands as Node[]).every((command) => printsNothing(command, context));
  return false;
}

/**
 * A command whose standard output is empty, or a lone newline, so that redirecting it over a file
 * destroys the file's content: `true`, `false`, `:`, `echo`, `echo -n`, `printf ''`, `cat /dev/null`,
 * `head -c0`, `exec`, and copying commands reading nothing.
 */
export function producesNothing(values: WordValue[], stdin: Context['stdin']): boolean {
  const [first, ...args] = values;
  if (!first || first.dynamic) return false;
  const name = programName(first.text);
  const operands = args.filter((arg) => !arg.text.startsWith('-') || arg.text === '-');
  const emptyInput = stdin?.text === '';
  switch (name) {
    case ':':
    case 'true':
    case 'false':
      return true;
    case 'exec':
      return args.length === 0;
    case 'echo':
      return args.every((arg) => /^-[neE]+$/.test(arg.text));
    case 'printf':
      return args.length === 0 || (args[0]!.text === '' && args.length === 1);
    case 'head':
    case 'tail':
      if (
        args.some(
          (arg, i) =>
            /^(-[cn]?\s*0+|--(bytes|lines)=0+)$/.test(arg.text) ||
            (/^(-[cn]|--bytes|--lines)$/.test(arg.text) && /^0+$/.test(args[i + 1]?.text ?? '')),
        )
      )
        return true;
      return operands.every((arg) => arg.text === '/dev/null') && (operands.length > 0 || emptyInput);
    case 'cat':
    case 'tac':
    case 'sort':
    case 'uniq':
    case 'tr':
    case 'cut':
    case 'grep':
    case 'sed':
      if (operands.length > 0 && operands.every((arg) => arg.text === '/dev/null')) return true;
      return name === 'cat' && operands.length === 0 && emptyInput;
    default:
      return false;
  }
}

function destroyWrites(operations: Operation[]): void {
  for (const operation of operations)
    if (operation.kind === 'write' && operation.mode === 'overwrite') operation.mode = 'destroy';
}

/** Runs what a word's command and process substitutions would run. */
function walkWordSubstitutions(word: Word | undefined, context: Context): void {
  if (!word?.parts) return;
  const visit = (parts: readonly unknown[]) => {
    for (const part of parts as { type: string; script?: ParsedScript; parts?: unknown[] }[]) {
      if ((part.type === 'CommandExpansion' || part.type === 'ProcessSubstitution') && part.script) {
        const inner = subshell(context);
        inner.depth++;
        walkStatements(part.script.commands, inner);
      } else if (part.parts) visit(part.parts);
    }
  };
  visit(word.parts);
}

/** The working directory after a `cd` to somewhere only known at run time. */
export const UNKNOWN_DIRECTORY = '/<unknown directory>';

/** Every file under a folder (`tar -C dir`, `rsync ... dir/`, `cp -t dir`), dot files included. */
export function everythingUnder(dir: WordValue, cwd: string): Target {
  return resolveTarget(
    { ...dir, text: `${dir.text.replace(/\/$/, '')}/**`, glob: true, globOptions: ANY_FILE },
    cwd,
  );
}

/** Globs whose `**` crosses folders and whose `*` matches dot files (find, git pathspecs, archives). */
export const ANY_FILE = { dot: true, globstar: true } as const;

export function resolveTarget(value: WordValue, cwd: string): Target {
  const relativeToUnknown = !isAbsolute(value.text) && cwd === UNKNOWN_DIRECTORY;
  const target: Target = { raw: value.text, glob: value.glob, dynamic: value.dynamic || relativeToUnknown };
  if (value.glob && value.globOptions) target.globOptions = value.globOptions;
  if (!target.dynamic)
    target.path = normalize(isAbsolute(value.text) ? value.text : resolve(cwd, value.text));
  return target;
}

function walkRedirect(redirect: Command['redirects'][number], context: Context, via: string): void {
  if (redirect.type !== 'Redirect' || !redirect.target) {
    if (redirect.type === 'HereDoc') walkHereDoc(redirect, context);
    return;
  }
  walkWordSubstitutions(redirect.target, context);
  const { operator } = redirect;
  if (operator === '<' || operator === '<&' || (operator === '>&' && /^\d+$/.test(redirect.target.value)))
    return;
  const value = evaluateWord(redirect.target, context.scope);
  if (
    value.text === '/dev/null' ||
    value.text === '/dev/stdout' ||
    value.text === '/dev/stderr' ||
    value.text === '-'
  )
    return;
  const mode =
    operator === '>>' || operator === '&>>' ? 'append' : operator === '<>' ? 'modify' : 'overwrite';
  context.operations.push({
    kind: 'write',
    target: resolveTarget(value, context.scope.cwd),
    mode,
    via: `${via} ${operator}`,
  });
}

function walkHereDoc(heredoc: HereDoc, context: Context): void {
  // An unquoted heredoc's body is expanded: its substitutions run.
  if (heredoc.body.parts)
    walkWordSubstitutions(
      {
        type: 'Word',
        text: heredoc.body.text,
        value: heredoc.body.text,
        pos: 0,
        end: 0,
        parts: heredoc.body.parts,
      } as Word,
      context,
    );
}

function walkCommand(command: Command, context: Context): void {
  const before = context.operations.length;
  const words: Word[] = [];
  const local = new Map<string, string | undefined>();
  let stdin = context.stdin;
  /** Files fed to the command with `<`: a `> f` on the same file empties it first. */
  const inputs: string[] = [];
  const redirect = (item: Command['redirects'][number]) => {
    // `< file` feeds the command a file: known to be empty only for /dev/null.
    if (item.type === 'Redirect' && item.operator === '<' && item.target) {
      const value = evaluateWord(item.target, context.scope);
      const path = value.dynamic ? undefined : resolveTarget(value, context.scope.cwd).path;
      // A file written earlier in the line feeds what was written (`echo cmd > f && sh < f`).
      const written = path !== undefined ? context.line.written.get(path) : undefined;
      stdin =
        value.text === '/dev/null'
          ? { text: '', from: '/dev/null' }
          : written !== undefined
            ? { text: written, from: `the file ${value.text}` }
            : { from: `the file ${value.text}` };
      if (path && context.line.downloaded.has(path))
        stdin = {
          from: `the file ${value.text}`,
          remote: `downloaded into ${value.text} earlier in the line`,
        };
      if (path) inputs.push(path);
    }
    walkRedirect(item, context, 'redirect');
  };
  for (const assignment of command.prefix) {
    if (assignment.type !== 'Assignment') {
      redirect(assignment);
      continue;
    }
    const value =
      assignment.value.type === 'Word'
        ? (mktempPath(assignment.value, context.scope) ?? evaluateWord(assignment.value, context.scope))
        : undefined;
    if (assignment.value.type === 'Word') walkWordSubstitutions(assignment.value, context);
    local.set(assignment.name, value && !value.dynamic ? value.text : undefined);
  }
  if (command.name) words.push(command.name);
  const assignmentWords = new Map<Word, WordValue>();
  for (const item of command.suffix) {
    if (item.type === 'Word') words.push(item);
    else if (item.type === 'Assignment') {
      // `export X='a b'`, `alias ll='rm -rf'`: the word as the builtin receives it, quotes removed.
      const word = { type: 'Word', text: item.text, value: item.text, pos: item.pos, end: item.end } as Word;
      if (item.value.type === 'Word') {
        const value = evaluateWord(item.value, context.scope);
        assignmentWords.set(word, { ...value, text: `${item.name}=${value.text}` });
      } else
        assignmentWords.set(word, {
          text: `${item.name}=(${item.text.slice(item.name.length + 2)}`,
          dynamic: false,
          glob: false,
        });
      words.push(word);
    } else if (item.type === 'HereDoc') {
      walkHereDoc(item, context);
      stdin = { text: item.body.text, from: 'heredoc' };
      if (!item.delimiter?.quoted && item.body.parts?.some((part) => part.type !== 'Literal'))
        stdin = { from: 'heredoc with expansions' };
    } else if (item.type === 'HereString') {
      stdin = hereString(item, context);
    } else redirect(item);
  }
  for (const word of words) walkWordSubstitutions(word, context);
  const redirects = context.operations.slice(before);
  if (words.length === 0) {
    // A redirection with no command (`> file`) empties the file.
    destroyWrites(redirects);
    recordWrites(redirects, context, '');
    // `X=rm` on its own: the variable holds for the rest of the line.
    for (const [name, value] of local) {
      context.scope.vars.set(name, value);
      context.operations.push({ kind: 'env', name, value: value ?? '', via: 'assignment' });
    }
    return;
  }
  // Prefix assignments reach the command's environment only; a word that refers to one of them was
  // expanded with the old value, which makes it ambiguous: treat it as unknown.
  let scope = context.scope;
  if (local.size) {
    scope = { ...context.scope, vars: new Map(context.scope.vars) };
    for (const name of local.keys()) scope.vars.set(name, undefined);
  }
  const values = words.flatMap((word) => {
    const assignment = assignmentWords.get(word);
    return assignment ? [assignment] : splitWord(word, scope);
  });
  const env: Record<string, string> = {};
  for (const [name, value] of local) {
    env[name] = value ?? '';
    context.operations.push({ kind: 'env', name, value: value ?? '', via: 'prefix' });
  }
  if (values.length === 0) return;
  // What a redirection over a file does depends on what the command prints: nothing empties it, and
  // a command reading the same file (`jq . f > f`, `cat f | grep x > f`) finds it already empty.
  // Only worth knowing when something here overwrites a file or a later stage may.
  const overwrites = redirects.some(
    (operation) => operation.kind === 'write' && operation.mode === 'overwrite',
  );
  const reads =
    overwrites || context.pipeReads
      ? values.slice(1).flatMap((value) => {
          if (value.dynamic || value.text.startsWith('-')) return [];
          const target = resolveTarget(value, context.scope.cwd);
          return target.path ? [target.path] : [];
        })
      : [];
  reads.push(...inputs);
  const sameFile = (path: string | undefined) =>
    path !== undefined && (reads.includes(path) || context.pipeReads?.has(path) === true);
  if (producesNothing(values, stdin)) destroyWrites(redirects);
  for (const operation of redirects)
    if (operation.kind === 'write' && operation.mode === 'overwrite' && sameFile(operation.target.path))
      operation.mode = 'destroy';
  for (const path of reads) context.pipeReads?.add(path);
  recordWrites(redirects, context, producedBy(values, stdin));
  const fetcher = !values[0]!.dynamic && FETCHERS.has(programName(values[0]!.text));
  if (fetcher)
    for (const operation of redirects)
      if (operation.kind === 'write' && operation.target.path)
        context.line.downloaded.add(operation.target.path);
  const name = values[0]!;
  if (name.dynamic) {
    context.operations.push({
      kind: 'opaque',
      reason: `the command name \`${words[0]!.text}\` is only known when it runs`,
      unseen: true,
    });
    return;
  }
  const fn = context.functions.get(name.text);
  if (fn) {
    // The function's $1, $2... are the words it is called with.
    const inner = subshell(context);
    inner.depth++;
    inner.stdin = stdin;
    inner.scope.positional = values.slice(1).map((value) => (value.dynamic ? undefined : value.text));
    walkStatements(fn, inner);
    return;
  }
  const alias = context.line.aliases.get(name.text);
  if (alias !== undefined && words[0]!.parts === undefined) {
    // An alias is not expanded again inside its own expansion (`alias git='git --no-pager'`).
    const aliases = context.line.aliases;
    aliases.delete(name.text);
    try {
      analyzeScript([alias, ...words.slice(1).map((word) => word.text)].join(' '), {
        ...context,
        depth: context.depth + 1,
        stdin,
      });
    } finally {
      aliases.set(name.text, alias);
    }
    return;
  }
  const start = context.operations.length;
  analyzeProgram(values, { ...context, stdin, scope: context.scope }, env);
  context.operations.push(...markPolicyKey(context.operations.slice(before), values, stdin, context.line));
  context.operations.push(...restoredFromRevision(context.operations.slice(before), context));
  for (const operation of context.operations.slice(start)) {
    if (operation.kind === 'delete' && context.loop) operation.bulk = true;
    if (operation.kind === 'write' && context.loop && operation.target.dynamic) operation.bulk = true;
    if (
      operation.kind === 'write' &&
      operation.target.path &&
      !context.line.written.has(operation.target.path) &&
      // `npm pkg set version=2.0.0` leaves package.json's scripts as they are on disk.
      !(operation.keys?.length && !operation.keys.includes('scripts'))
    )
      context.line.written.set(operation.target.path, operation.mode === 'create' ? '' : undefined);
    if (operation.kind === 'write' && operation.target.path && fetcher)
      context.line.downloaded.add(operation.target.path);
    // `git clone URL dir`: everything in dir came from the network.
    if (operation.kind === 'git' && operation.args[0] === 'clone') {
      const words = operation.args.slice(1);
      const at = words.findIndex((arg) => /^[a-z][a-z+]*:\/\/|^[^/\s]+@[^/\s]+:/i.test(arg));
      const url = words[at];
      if (url && !url.startsWith('file://')) {
        const named = words[at + 1];
        const dir =
          named && !named.startsWith('-') ? named : basename(url.replace(/\/+$/, '')).replace(/\.git$/, '');
        const path = resolveTarget({ text: dir, dynamic: false, glob: false }, operation.cwd).path;
        if (path) context.line.downloaded.add(`${path}/`);
      }
    }
    if (operation.kind === 'move' && operation.to.path) {
      const moved = operation.from.length === 1 ? operation.from[0]!.path : undefined;
      context.line.written.set(
        operation.to.path,
        moved !== undefined ? context.line.written.get(moved) : undefined,
      );
    }
  }
}

/**
 * `git show REV:f > f`, `git cat-file -p REV:f | tee f`: a file written with its committed content is
 * restored, as `git checkout REV -- f` restores it, throwing away what was not committed.
 */
function restoredFromRevision(operations: Operation[], context: Context): Operation[] {
  for (const operation of operations)
    if (operation.kind === 'git' && (operation.args[0] === 'show' || operation.args[0] === 'cat-file'))
      for (const arg of operation.args.slice(1)) {
        const match = /^([^-:][^:]*):(.+)$/.exec(arg);
        if (!match) continue;
        context.line.revisions ??= new Map();
        context.line.revisions.set(resolve(operation.cwd, match[2]!), match[1]!);
      }
  const restored: Operation[] = [];
  if (!context.line.revisions) return restored;
  for (const operation of operations) {
    if (operation.kind !== 'write' || operation.mode === 'append' || !operation.target.path) continue;
    const revision = context.line.revisions.get(operation.target.path);
    if (revision !== undefined)
      restored.push({
        kind: 'git',
        args: ['checkout', revision, '--', operation.target.raw],
        config: [],
        cwd: context.scope.cwd,
        env: {},
        via: `${operation.via} of ${revision}:${operation.target.raw}`,
      });
  }
  return restored;
}

/**
 * package.json's `agentpolicy` key is a policy source. A command that names it and writes
 * package.json (`node -e "p.agentpolicy=...; writeFileSync('package.json', ...)"`) sets it; so does
 * moving onto package.json a file such a command wrote (`jq '.agentpolicy=...' > /tmp/p && mv`).
 */
function markPolicyKey(
  operations: Operation[],
  values: WordValue[],
  stdin: Context['stdin'],
  line: LineState,
): Operation[] {
  const added: Operation[] = [];
  const names =
    values.some((value) => /agentpolicy/i.test(value.text)) || /agentpolicy/i.test(stdin?.text ?? '');
  for (const operation of operations) {
    if (operation.kind !== 'write' && operation.kind !== 'move') continue;
    const to = operation.kind === 'write' ? operation.target : operation.to;
    const from = operation.kind === 'write' ? (operation.from ? [operation.from] : []) : operation.from;
    const keyed = names || from.some((source) => source.path && line.keyed?.has(source.path));
    if (!keyed || !to.path) continue;
    line.keyed ??= new Set();
    line.keyed.add(to.path);
    if (basename(to.path) !== 'package.json') continue;
    if (operation.kind === 'write') operation.keys ??= ['agentpolicy'];
    else
      added.push({ kind: 'write', target: to, mode: 'overwrite', via: operation.via, keys: ['agentpolicy'] });
  }
  return added;
}

/**
 * `tmp=$(mktemp -d)`: the variable holds a new path in the temporary directory (or in the folder
 * `-p`/`--tmpdir` or the template names), so a later `rm -rf "$tmp"` deletes only that.
 */
function mktempPath(word: Word, scope: Scope): WordValue | undefined {
  let parts = word.parts ?? [];
  if (parts.length === 1 && parts[0]!.type === 'DoubleQuoted')
    parts = (parts[0] as { parts: typeof parts }).parts;
  if (parts.length !== 1 || parts[0]!.type !== 'CommandExpansion') return undefined;
  const statements = (parts[0] as { script?: ParsedScript }).script?.commands ?? [];
  const command = statements.length === 1 ? statements[0]!.command : undefined;
  if (command?.type !== 'Command' || (command as Command).name?.value !== 'mktemp') return undefined;
  const args = (command as Command).suffix
    .filter((item): item is Word => item.type === 'Word')
    .map((arg) => evaluateWord(arg, scope));
  if (args.some((arg) => arg.dynamic)) return undefined;
  let dir = scope.env.TMPDIR || '/tmp';
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.text;
    if (text === '-p' || text === '--tmpdir') dir = args[++i]?.text ?? dir;
    else if (text.startsWith('--tmpdir=')) dir = text.slice(9);
    else if (!text.startsWith('-') && text.includes('/')) {
      dir = text.slice(0, text.lastIndexOf('/')) || '/';
    }
  }
  return { text: `${resolve(scope.cwd, dir)}/tmp.mktemp`, dynamic: false, glob: false };
}

/** `src/{a,b}.ts` → `src/a.ts src/b.ts`, for words whose other parts are known. */
function expandBraces(word: Word, scope: Scope): WordValue[] | undefined {
  const parts = word.parts ?? [];
  const at = parts.findIndex((part) => part.type === 'BraceExpansion');
  if (at === -1) return undefined;
  const brace = parts[at]!.text;
  if (!/^\{[^{}]*,[^{}]*\}$/.test(brace)) return undefined;
  const render = (slice: typeof parts) =>
    evaluateWord({ ...word, parts: slice, text: slice.map((part) => part.text).join('') } as Word, scope);
  const before = render(parts.slice(0, at));
  const after = render(parts.slice(at + 1));
  if ((at > 0 && before.dynamic) || (at < parts.length - 1 && after.dynamic)) return undefined;
  return brace
    .slice(1, -1)
    .split(',')
    .slice(0, 64)
    .map((alternative) => ({
      text: `${at > 0 ? before.text : ''}${alternative}${at < parts.length - 1 ? after.text : ''}`,
      dynamic: false,
      glob: before.glob || after.glob || /[*?[]/.test(alternative),
    }));
}

/** Files written by redirections: their content is known when the command prints known text. */
function recordWrites(operations: Operation[], context: Context, text: string | undefined): void {
  for (const operation of operations) {
    if (operation.kind !== 'write' || !operation.target.path) continue;
    const path = operation.target.path;
    if (operation.mode === 'append') {
      const old = context.line.written.has(path) ? context.line.written.get(path) : undefined;
      context.line.written.set(path, old !== undefined && text !== undefined ? old + text : undefined);
    } else context.line.written.set(path, operation.mode === 'destroy' ? '' : text);
  }
}

/** The text a command prints, when it is plain text in the command (echo, printf, cat <<EOF). */
function producedBy(values: WordValue[], stdin: Context['stdin']): string | undefined {
  if (values.some((value) => value.dynamic)) return undefined;
  const [first, ...args] = values;
  const name = programName(first!.text);
  if ((name === 'cat' || name === 'tee') && args.every((arg) => arg.text.startsWith('-'))) return stdin?.text;
  return printedText(name, args);
}

/**
 * A word as the shell splits it: an unquoted expansion whose value is known becomes several words
 * (`c='rm -rf src'; $c`); with `IFS` changed, or a value that is unknown, the words are unknown.
 */
export function splitWord(word: Word, scope: Scope): WordValue[] {
  const braces = expandBraces(word, scope);
  if (braces) return braces;
  const all = allPositional(word, scope);
  if (all) return all;
  const value = evaluateWord(word, scope);
  const unquoted = word.parts?.some(
    (part) =>
      part.type === 'SimpleExpansion' ||
      part.type === 'ParameterExpansion' ||
      part.type === 'CommandExpansion',
  );
  if (!unquoted) return [value];
  if (value.dynamic)
    return word.parts?.some(
      (part) => part.type === 'CommandExpansion' && !/^\$\(\s*mktemp\b|^`\s*mktemp\b/.test(part.text),
    )
      ? [{ ...value, many: true }]
      : [value];
  if (scope.vars.has('IFS')) {
    const ifs = scope.vars.get('IFS');
    if (ifs === undefined) return [{ ...value, dynamic: true }];
    if (ifs === '') return [value];
    const separators = new RegExp(`[${ifs.replace(/[\]\\^-]/g, '\\$&')}]+`);
    return value.text
      .split(separators)
      .filter(Boolean)
      .map((text) => ({ ...value, text }));
  }
  const parts = value.text.split(/[ \t\n]+/).filter(Boolean);
  return parts.length <= 1 ? [value] : parts.map((text) => ({ ...value, text }));
}

/** `"$@"` (and `$@`, `$*`, `${@}`): one word per positional parameter, when they are known. */
function allPositional(word: Word, scope: Scope): WordValue[] | undefined {
  let parts = word.parts ?? [];
  if (parts.length === 1 && parts[0]!.type === 'DoubleQuoted')
    parts = (parts[0] as { parts: typeof parts }).parts;
  if (parts.length !== 1) return undefined;
  const part = parts[0]!;
  const name =
    part.type === 'SimpleExpansion'
      ? part.text.slice(1)
      : part.type === 'ParameterExpansion' && !part.operation && !part.prefix && !part.index
        ? part.parameter
        : undefined;
  if ((name !== '@' && name !== '*') || !scope.positional) return undefined;
  return scope.positional.map((text) =>
    text === undefined
      ? { text: word.text, dynamic: true, glob: false }
      : { text, dynamic: false, glob: false },
  );
}

function hereString(item: HereString, context: Context): Context['stdin'] {
  if (!item.target) return undefined;
  walkWordSubstitutions(item.target, context);
  const value = evaluateWord(item.target, context.scope);
  return value.dynamic
    ? { from: 'here-string with expansions' }
    : { text: `${value.text}\n`, from: 'here-string' };
}

/** The text a pipeline stage writes, when it is plain text in the command (echo, printf, cat <<EOF). */
/** Programs that print what they download: their output piped into a shell is code from the network. */
export const FETCHERS = new Set([
  'curl',
  'wget',
  'fetch',
  'http',
  'https',
  'xh',
  'xhs',
  'aria2c',
  'axel',
  'lwp-request',
  'GET',
]);

/** Whether a word runs a download: `<(curl ...)`, `$(wget -O- ...)`. */
export function downloads(text: string): boolean {
  return /(?:<\(|\$\(|`)\s*(?:[\w./-]*\/)?(curl|wget|fetch|https?|xhs?|aria2c|lwp-request|GET)\b/.test(text);
}

function producedText(command: Command, context: Context): Context['stdin'] {
  const name = command.name?.value.split('/').pop();
  const args = command.suffix
    .filter((item): item is Word => item.type === 'Word')
    .map((word) => evaluateWord(word, context.scope));
  const from = name ?? 'a command';
  if (name && FETCHERS.has(name)) return { from, remote: `downloaded by ${name}` };
  if (args.some((arg) => arg.dynamic)) return { from };
  if (name && producesNothing([{ text: name, dynamic: false, glob: false }, ...args], undefined))
    return { text: '', from };
  const printed = name ? printedText(name, args) : undefined;
  if (printed !== undefined) return { text: printed, from };
  if (name === 'cat' && args.length === 0) {
    const heredoc = command.suffix.find((item): item is HereDoc => item.type === 'HereDoc');
    if (heredoc) return { text: heredoc.body.text, from: 'cat <<heredoc' };
  }
  return { from };
}

/** An argv that will be run as it is (`agentpolicy exec -- ...`): no shell parsing, no quoting. */
export function analyzeArgv(argv: string[], cwd: string, env: Record<string, string | undefined>): Analysis {
  const context = newContext(cwd, env);
  if (argv.length)
    analyzeProgram(
      argv.map((text) => ({ text, dynamic: false, glob: false })),
      context,
      {},
    );
  return { operations: context.operations, cwd };
}

/** What a script file does, read by the adapter: shell source, or an interpreter's code. */
export function analyzeScriptText(
  language: string,
  text: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Operation[] {
  if (language === 'shell') return analyzeCommand(text, cwd, env).operations;
  const interpreter = INTERPRETERS.get(language);
  if (!interpreter) return [];
  const context = newContext(cwd, env, 1);
  return analyzeInterpreterCode(interpreter, text, context, (source, inner) =>
    analyzeScript(source, { ...inner, depth: inner.depth + 1 }),
  );
}

/** The language a script's shebang names (`#!/usr/bin/env bash` → shell), if it is one we read. */
export function shebangLanguage(text: string): string | undefined {
  const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  if (!match) return undefined;
  const program = programName(match[1]!.endsWith('/env') && match[2] ? match[2] : match[1]!);
  if (['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash'].includes(program)) return 'shell';
  return INTERPRETERS.has(program) ? program : undefined;
}
