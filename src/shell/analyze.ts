// From a command line to operations. The command is parsed with unbash into a bash AST; a walker
// goes through it in execution order (lists, pipelines, subshells, groups, substitutions, heredocs),
// tracking `cd`, variables set earlier in the line and what each pipe feeds; each simple command is
// then resolved to the program that really runs (wrappers and nested shells taken off) and turned
// into operations. The analysis never runs anything.
import { isAbsolute, normalize, resolve } from 'node:path';
import type { Command, HereDoc, HereString, ParsedScript, Statement, Word } from 'unbash';
import { parse } from 'unbash';
import { analyzeInterpreterCode, INTERPRETERS } from './interpreters.js';
import { analyzeProgram, programName } from './programs.js';
import type { Analysis, Operation, Target } from './types.js';
import { evaluateWord, type Scope, type WordValue } from './words.js';

/** Deeper nesting than this (shells in shells in substitutions...) is refused, not followed. */
export const MAX_DEPTH = 12;

export interface Context {
  scope: Scope;
  depth: number;
  /** What the command's standard input carries, when it is known text (heredoc, echo | ...). */
  stdin?: { text?: string; from: string };
  operations: Operation[];
  /** Functions defined earlier in the command line. */
  functions: Map<string, Statement[]>;
}

export function analyzeCommand(
  command: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Analysis {
  const context: Context = {
    scope: { vars: new Map(), env, cwd },
    depth: 0,
    operations: [],
    functions: new Map(),
  };
  analyzeScript(command, context);
  return { operations: context.operations, cwd };
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
  return { ...context, scope: { ...context.scope, vars: new Map(context.scope.vars) }, stdin: undefined };
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
      for (const command of commands) {
        const inner = subshell(context);
        inner.stdin = previous ? producedText(previous, context) : undefined;
        walkNode(command, inner);
        previous = command.type === 'Command' ? (command as Command) : undefined;
      }
      return;
    }
    case 'AndOr':
      for (const command of n.commands as Node[]) walkNode(command, context);
      return;
    case 'Subshell':
      walkStatements((n.body as { commands: Statement[] }).commands, subshell(context));
      return;
    case 'BraceGroup':
      walkStatements((n.body as { commands: Statement[] }).commands, context);
      return;
    case 'Redirected':
      walkNode(n.command as Node, context);
      for (const redirect of n.redirects as Command['redirects']) walkRedirect(redirect, context, 'redirect');
      return;
    case 'Function':
      context.functions.set(
        (n.name as Word).value,
        (n.body as { commands?: Statement[]; body?: { commands: Statement[] } }).commands ??
          (n.body as { body?: { commands: Statement[] } }).body?.commands ??
          [],
      );
      return;
    default:
      // if/while/for/case/select/coproc and test commands: walk every list they hold.
      for (const value of Object.values(n)) {
        for (const child of Array.isArray(value) ? value : [value]) {
          if (child && typeof child === 'object' && 'type' in child) {
            const c = child as { type: string; commands?: Statement[]; body?: unknown };
            if (c.type === 'CompoundList') walkStatements(c.commands ?? [], context);
            else if (c.type === 'CaseItem' || c.type === 'Elif') walkNode(c as Node, context);
            else if (c.type === 'Word') walkWordSubstitutions(c as unknown as Word, context);
          }
        }
      }
  }
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

export function resolveTarget(value: WordValue, cwd: string): Target {
  const relativeToUnknown = !isAbsolute(value.text) && cwd === UNKNOWN_DIRECTORY;
  const target: Target = { raw: value.text, glob: value.glob, dynamic: value.dynamic || relativeToUnknown };
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
  for (const assignment of command.prefix) {
    if (assignment.type !== 'Assignment') {
      walkRedirect(assignment, context, 'redirect');
      continue;
    }
    const value =
      assignment.value.type === 'Word' ? evaluateWord(assignment.value, context.scope) : undefined;
    if (assignment.value.type === 'Word') walkWordSubstitutions(assignment.value, context);
    local.set(assignment.name, value && !value.dynamic ? value.text : undefined);
  }
  if (command.name) words.push(command.name);
  for (const item of command.suffix) {
    if (item.type === 'Word') words.push(item);
    else if (item.type === 'Assignment')
      words.push({ type: 'Word', text: item.text, value: item.text, pos: item.pos, end: item.end } as Word);
    else if (item.type === 'HereDoc') {
      walkHereDoc(item, context);
      stdin = { text: item.body.text, from: 'heredoc' };
      if (!item.delimiter?.quoted && item.body.parts?.some((part) => part.type !== 'Literal'))
        stdin = { from: 'heredoc with expansions' };
    } else if (item.type === 'HereString') {
      stdin = hereString(item, context);
    } else walkRedirect(item, context, 'redirect');
  }
  for (const word of words) walkWordSubstitutions(word, context);
  if (words.length === 0) {
    // A redirection with no command (`> file`) empties the file.
    for (const operation of context.operations.slice(before)) {
      if (operation.kind === 'write' && operation.mode === 'overwrite') operation.mode = 'destroy';
    }
    // `X=rm` on its own: the variable holds for the rest of the line.
    for (const [name, value] of local) {
      context.scope.vars.set(name, value);
      context.operations.push({ kind: 'env', name, value: value ?? '', via: 'assignment' });
    }
    return;
  }
  // Prefix assignments reach the command's environment only; a word that refers to one of them was
  // expanded with the old value, which makes it ambiguous: treat it as unknown.
  const scope: Scope = { ...context.scope, vars: new Map(context.scope.vars) };
  for (const name of local.keys()) scope.vars.set(name, undefined);
  const values = words.map((word) => evaluateWord(word, scope));
  const env: Record<string, string> = {};
  for (const [name, value] of local) {
    env[name] = value ?? '';
    context.operations.push({ kind: 'env', name, value: value ?? '', via: 'prefix' });
  }
  const name = values[0]!;
  // `: > file` and `true > file` only truncate the file.
  if (values.length === 1 && (name.text === ':' || name.text === 'true')) {
    for (const operation of context.operations.slice(before)) {
      if (operation.kind === 'write' && operation.mode === 'overwrite') operation.mode = 'destroy';
    }
  }
  if (name.dynamic) {
    context.operations.push({
      kind: 'opaque',
      reason: `the command name \`${words[0]!.text}\` is only known when it runs`,
    });
    return;
  }
  const fn = context.functions.get(name.text);
  if (fn) {
    const inner = subshell(context);
    inner.depth++;
    walkStatements(fn, inner);
    return;
  }
  analyzeProgram(values, { ...context, stdin, scope: context.scope }, env);
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
function producedText(command: Command, context: Context): Context['stdin'] {
  const name = command.name?.value.split('/').pop();
  const args = command.suffix
    .filter((item): item is Word => item.type === 'Word')
    .map((word) => evaluateWord(word, context.scope));
  const from = name ?? 'a command';
  if (args.some((arg) => arg.dynamic)) return { from };
  if (name === 'echo')
    return {
      text: `${args
        .filter((a, i) => !(i === 0 && /^-[neE]+$/.test(a.text)))
        .map((a) => a.text)
        .join(' ')}\n`,
      from,
    };
  if (name === 'printf' && args.length === 1) return { text: args[0]!.text.replace(/\\n/g, '\n'), from };
  if (name === 'cat' && args.length === 0) {
    const heredoc = command.suffix.find((item): item is HereDoc => item.type === 'HereDoc');
    if (heredoc) return { text: heredoc.body.text, from: 'cat <<heredoc' };
  }
  return { from };
}

/** An argv that will be run as it is (`agentpolicy exec -- ...`): no shell parsing, no quoting. */
export function analyzeArgv(argv: string[], cwd: string, env: Record<string, string | undefined>): Analysis {
  const context: Context = {
    scope: { vars: new Map(), env, cwd },
    depth: 0,
    operations: [],
    functions: new Map(),
  };
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
  const context: Context = {
    scope: { vars: new Map(), env, cwd },
    depth: 1,
    operations: [],
    functions: new Map(),
  };
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
