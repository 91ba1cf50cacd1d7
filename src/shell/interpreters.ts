// Interpreter code (python -c, node -e, perl -e, ruby -e, php -r, lua -e, awk programs, and
// heredocs or scripts fed to them) read by capability, not by spelling: every call that deletes,
// writes, moves or runs a command is found by its name wherever it appears (module aliases, `from x
// import y as z`, `__import__`, destructuring), judged on its literal path or command when it has
// one, and unseen when its argument is computed (loops, comprehensions, variables). Printing a
// string that looks like a command is data.
import type { Context } from './analyze.js';
import { resolveTarget } from './analyze.js';
import type { Operation } from './types.js';

type Effect =
  | 'delete'
  | 'delete-recursive'
  | 'write'
  | 'truncate'
  | 'copy'
  | 'open'
  | 'move'
  | 'shell'
  | 'code';

export interface Language {
  name: string;
  codeFlags: string[];
  /** The program is the first operand (awk). */
  codeOperand?: boolean;
  /** Capability names (regex sources for an identifier or dotted name) and what a call does. */
  calls: [string, Effect][];
  /** Names counted only when the code mentions one of these modules. */
  gate?: RegExp;
  gated?: Set<string>;
  /** Backticks run shell commands (perl, ruby, php). */
  backticks?: boolean;
  /** Calls may omit parentheses (perl, ruby). */
  bareCalls?: boolean;
}

const PYTHON: Language = {
  name: 'python',
  codeFlags: ['-c'],
  calls: [
    ['rmtree', 'delete-recursive'],
    ['removedirs', 'delete-recursive'],
    ['remove', 'delete'],
    ['unlink', 'delete'],
    ['rmdir', 'delete'],
    ['os\\.replace', 'move'],
    ['rename', 'move'],
    ['renames', 'move'],
    ['move', 'move'],
    ['copyfile', 'copy'],
    ['copytree', 'copy'],
    ['copy2?', 'copy'],
    ['write_text', 'write'],
    ['write_bytes', 'write'],
    ['truncate', 'truncate'],
    ['symlink(?:_to)?', 'write'],
    ['chmod', 'write'],
    ['open', 'open'],
    ['system', 'shell'],
    ['popen', 'shell'],
    ['Popen', 'shell'],
    ['run', 'shell'],
    ['call', 'shell'],
    ['check_call', 'shell'],
    ['check_output', 'shell'],
    ['getoutput', 'shell'],
    ['getstatusoutput', 'shell'],
    ['exec[lv]p?e?', 'shell'],
    ['spawn[lv]p?e?', 'shell'],
    ['exec', 'code'],
    ['eval', 'code'],
    ['getattr', 'code'],
    ['import_module', 'code'],
  ],
  gate: /\b(os|shutil|pathlib|Path|subprocess|pty|commands|sh)\b/,
  gated: new Set([
    'remove',
    'unlink',
    'rmdir',
    'rename',
    'renames',
    'move',
    'run',
    'call',
    'getattr',
    'truncate',
    'chmod',
  ]),
};

const NODE: Language = {
  name: 'node',
  codeFlags: ['-e', '--eval', '-p', '--print', 'eval'],
  calls: [
    ['rm(?:Sync)?', 'delete-recursive'],
    ['rmdir(?:Sync)?', 'delete-recursive'],
    ['remove(?:Sync)?', 'delete-recursive'],
    ['emptyDir(?:Sync)?', 'delete-recursive'],
    ['unlink(?:Sync)?', 'delete'],
    ['rename(?:Sync)?', 'move'],
    ['move(?:Sync)?', 'move'],
    ['(?:write|append)File(?:Sync)?', 'write'],
    ['write(?:Text)?File(?:Sync)?', 'write'],
    ['outputFile(?:Sync)?', 'write'],
    ['writeJson(?:Sync)?', 'write'],
    ['truncate(?:Sync)?', 'truncate'],
    ['copyFile(?:Sync)?', 'copy'],
    ['cp(?:Sync)?', 'copy'],
    ['copy(?:Sync)?', 'copy'],
    ['symlink(?:Sync)?', 'write'],
    ['chmod(?:Sync)?', 'write'],
    ['createWriteStream', 'write'],
    ['open(?:Sync)?', 'open'],
    ['Bun\\.write', 'write'],
    ['Deno\\.(?:remove|removeSync)', 'delete-recursive'],
    ['Deno\\.(?:writeTextFile|writeFile|writeTextFileSync|writeFileSync)', 'write'],
    ['Deno\\.(?:truncate|truncateSync)', 'truncate'],
    ['Deno\\.(?:rename|renameSync)', 'move'],
    ['Deno\\.(?:copyFile|copyFileSync)', 'copy'],
    ['exec(?:Sync)?', 'shell'],
    ['execFile(?:Sync)?', 'shell'],
    ['spawn(?:Sync)?', 'shell'],
    ['fork', 'shell'],
    ['execa(?:Sync|Command|CommandSync)?', 'shell'],
    ['Bun\\.spawn(?:Sync)?', 'shell'],
    ['Deno\\.(?:Command|run)', 'shell'],
    ['eval', 'code'],
    ['Function', 'code'],
    ['runInNewContext|runInThisContext', 'code'],
  ],
  gate: /\bfs\b|node:fs|fs\/promises|fs-extra|graceful-fs|child_process|execa|shelljs|\bDeno\b|\bBun\b|\bzx\b|import\(|require\(/,
  gated: new Set([
    'rm(?:Sync)?',
    'rmdir(?:Sync)?',
    'remove(?:Sync)?',
    'unlink(?:Sync)?',
    'rename(?:Sync)?',
    'move(?:Sync)?',
    'copy(?:Sync)?',
    'cp(?:Sync)?',
    'open(?:Sync)?',
    'exec(?:Sync)?',
    'spawn(?:Sync)?',
    'fork',
    'truncate(?:Sync)?',
    'chmod(?:Sync)?',
  ]),
};

const PERL: Language = {
  name: 'perl',
  codeFlags: ['-e', '-E'],
  calls: [
    ['unlink', 'delete'],
    ['rmdir', 'delete'],
    ['rmtree', 'delete-recursive'],
    ['remove_tree', 'delete-recursive'],
    ['rename', 'move'],
    ['move', 'move'],
    ['copy', 'copy'],
    ['truncate', 'truncate'],
    ['symlink', 'write'],
    ['open', 'open'],
    ['system', 'shell'],
    ['exec', 'shell'],
    ['qx', 'shell'],
    ['eval', 'code'],
  ],
  backticks: true,
  bareCalls: true,
};

const RUBY: Language = {
  name: 'ruby',
  codeFlags: ['-e'],
  calls: [
    ['rm_rf|rm_r|remove_dir|rmtree|remove_entry(?:_secure)?', 'delete-recursive'],
    ['rm_f|rm|delete|unlink|remove_file|rmdir', 'delete'],
    ['mv|rename|move', 'move'],
    ['cp_r|cp|copy_file|copy|install', 'copy'],
    ['truncate', 'truncate'],
    ['write|binwrite|ln_s|ln_sf|symlink|chmod|touch', 'write'],
    ['open', 'open'],
    ['system|exec|spawn|popen|capture2e?|capture3|pipeline', 'shell'],
    ['eval|instance_eval|class_eval|send|public_send', 'code'],
  ],
  gate: /\b(File|FileUtils|Dir|IO|Open3|Pathname|Kernel)\b|\bsystem\b|\bexec\b|\bspawn\b|`/,
  gated: new Set([
    'rm_f|rm|delete|unlink|remove_file|rmdir',
    'mv|rename|move',
    'write|binwrite|ln_s|ln_sf|symlink|chmod|touch',
    'truncate',
    'open',
    'cp_r|cp|copy_file|copy|install',
  ]),
  backticks: true,
  bareCalls: true,
};

const PHP: Language = {
  name: 'php',
  codeFlags: ['-r'],
  calls: [
    ['unlink|rmdir', 'delete'],
    ['rename', 'move'],
    ['copy', 'copy'],
    ['ftruncate', 'truncate'],
    ['file_put_contents|symlink|chmod|touch', 'write'],
    ['fopen', 'open'],
    ['system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec', 'shell'],
    ['eval|assert|create_function|call_user_func(?:_array)?', 'code'],
  ],
  backticks: true,
};

const LUA: Language = {
  name: 'lua',
  codeFlags: ['-e'],
  calls: [
    ['os\\.remove', 'delete'],
    ['os\\.rename', 'move'],
    ['io\\.open', 'open'],
    ['os\\.execute|io\\.popen', 'shell'],
    ['load|loadstring|dofile', 'code'],
  ],
};

const AWK: Language = {
  name: 'awk',
  codeFlags: [],
  codeOperand: true,
  calls: [['system', 'shell']],
};

const R: Language = {
  name: 'R',
  codeFlags: ['-e'],
  calls: [
    ['unlink|file\\.remove|dir_delete|file_delete', 'delete-recursive'],
    ['file\\.rename|file_move', 'move'],
    ['file\\.copy|file_copy', 'copy'],
    ['file\\.create|writeLines|write|saveRDS|file_create|Sys\\.chmod', 'write'],
    ['file', 'open'],
    ['system2?|shell|pipe', 'shell'],
    ['eval|evalq|parse|source|do\\.call|match\\.fun|get', 'code'],
  ],
};

/** Tcl (tclsh, expect): words are bare, so a call's operands are rarely literals the analysis can read. */
const TCL: Language = {
  name: 'tcl',
  codeFlags: ['-c'],
  calls: [
    ['file\\s+delete', 'delete-recursive'],
    ['file\\s+rename', 'move'],
    ['file\\s+copy', 'copy'],
    ['exec|spawn|open\\s+\\|', 'shell'],
    ['eval|uplevel|source|subst|interp', 'code'],
  ],
  bareCalls: true,
};

export const INTERPRETERS = new Map<string, Language>([
  ['Rscript', R],
  ['R', R],
  ['tclsh', TCL],
  ['wish', TCL],
  ['expect', TCL],
  ['python', PYTHON],
  ['python2', PYTHON],
  ['python3', PYTHON],
  ['pypy', PYTHON],
  ['pypy3', PYTHON],
  ['node', NODE],
  ['nodejs', NODE],
  ['bun', NODE],
  ['deno', NODE],
  ['tsx', NODE],
  ['ts-node', NODE],
  ['perl', PERL],
  ['ruby', RUBY],
  ['php', PHP],
  ['lua', LUA],
  ['luajit', LUA],
  ['awk', AWK],
  ['gawk', AWK],
  ['mawk', AWK],
  ['nawk', AWK],
]);

type Nested = (text: string, context: Context, via: string) => void;

const STRING = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g;

/** The code with the contents of every string literal blanked, so names inside strings are not calls. */
function blankStrings(code: string, backticksAreStrings: boolean): string {
  return code.replace(STRING, (literal) =>
    literal[0] === '`' && !backticksAreStrings
      ? literal
      : literal[0] + ' '.repeat(literal.length - 2) + literal[0],
  );
}

function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** The literal arguments right after a call's name: strings, lists of strings, globs of a string. */
function literalArguments(
  code: string,
  at: number,
  bare: boolean,
  juxtaposed = false,
): { args: string[]; glob: boolean } | undefined {
  const rest = code.slice(at);
  const open = bare ? /^\s*\(?\s*/ : /^\s*\(\s*/;
  const start = open.exec(rest);
  if (!start) return undefined;
  let i = start[0].length;
  let glob = false;
  const globCall = /^(?:glob\s*\(?\s*|glob\.glob\s*\(\s*|Dir\[\s*|Dir\.glob\s*\(\s*)/.exec(rest.slice(i));
  if (globCall) {
    glob = true;
    i += globCall[0].length;
  }
  const args: string[] = [];
  for (;;) {
    const tail = rest.slice(i);
    const literal = /^(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/.exec(tail);
    const list = /^\[\s*((?:(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*,?\s*)+)\]/.exec(tail);
    if (literal) {
      args.push(unquote(literal[0]));
      i += literal[0].length;
      // `'src/' + f`, `'%s' % x`, `'a'.join(...)`, awk's `"rm " f`: a path built when it runs.
      if (/^\s*[+%*.[]/.test(rest.slice(i)) || (juxtaposed && /^\s*[\w$"(]/.test(rest.slice(i))))
        return undefined;
    } else if (list) {
      for (const item of list[1]!.match(STRING) ?? []) args.push(unquote(item));
      i += list[0].length;
    } else break;
    const comma = /^\s*,\s*/.exec(rest.slice(i));
    if (!comma) break;
    i += comma[0].length;
  }
  return args.length ? { args, glob } : undefined;
}

function quoteWord(word: string): string {
  return /^[\w./=:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Calls that empty what they write: `.write('')`, `.write(b'')`, `print('', file=f)` aside. */
const WRITES = /\b(write|writelines|dump|print|puts|fwrite|fputs|say|printf|syswrite)\b/g;
const EMPTY_WRITE =
  /\b(?:write|fwrite|fputs|print|printf|syswrite)\s*\(?\s*(?:[$\w]+\s*,\s*)?[bBuUrR]?(?:''|"")\s*\)?/g;

/** Every write in the code writes nothing. */
function writesNothing(code: string, blank: string): boolean {
  const writes = blank.match(WRITES)?.length ?? 0;
  return writes === (code.match(EMPTY_WRITE)?.length ?? 0);
}

function callPattern(name: string): RegExp {
  return new RegExp(`(?<![\\w$])(?:[\\w$]+\\.)*(?:${name})(?![\\w$])`, 'g');
}

/** Each language's call and alias patterns, compiled once. */
const COMPILED = new Map<Language, [string, Effect, RegExp, RegExp][]>();

function compiledCalls(language: Language): [string, Effect, RegExp, RegExp][] {
  let compiled = COMPILED.get(language);
  if (!compiled) {
    compiled = language.calls.map(([name, effect]) => [
      name,
      effect,
      new RegExp(
        `\\b(?:${name})\\s*(?:\\bas\\b|:)\\s*([A-Za-z_$][\\w$]*)|([A-Za-z_$][\\w$]*)\\s*=\\s*(?:[\\w$.]+\\.)?(?:${name})\\b(?!\\s*\\()`,
        'g',
      ),
      callPattern(name),
    ]);
    COMPILED.set(language, compiled);
  }
  return compiled;
}

export function analyzeInterpreterCode(
  language: Language,
  source: string,
  context: Context,
  nested: Nested,
): Operation[] {
  const operations: Operation[] = [];
  // `fs['rmSync'](...)` is `fs.rmSync(...)`.
  const code = source.replace(/\[\s*(['"`])([A-Za-z_$][\w$]*)\1\s*\]/g, '.$2');
  const blank = blankStrings(code, !language.backticks);
  const gateOpen = !language.gate || language.gate.test(code);
  const unseen = (reason: string) => operations.push({ kind: 'opaque', reason, unseen: true });
  const target = (path: string, glob: boolean) =>
    resolveTarget({ text: path, dynamic: false, glob: glob || /[*?[]/.test(path) }, context.scope.cwd);
  // `require('fs')[name](...)`: a call whose name is computed when it runs.
  if (gateOpen && language.gate && /[\w$)\]]\s*\[(?!\s*\d+\s*\])[^\]]+\]\s*\(/.test(blank))
    unseen(`${language.name} calls a function whose name is computed when it runs`);
  // PHP names callables by string: `array_map("unlink", ...)`, `call_user_func('system', ...)`.
  if (language === PHP)
    for (const literal of code.match(STRING) ?? []) {
      const name = unquote(literal).trim();
      const call = language.calls.find(([pattern]) => new RegExp(`^(?:${pattern})$`).test(name));
      if (call && call[1] !== 'copy')
        unseen(`php passes ${name} by name, so what it does is only known when it runs`);
    }
  // Aliases: `from shutil import rmtree as r`, `{ rmSync: x }`, `x = fs.rmSync`.
  const compiled = compiledCalls(language);
  const calls: [string, Effect, RegExp][] = [];
  for (const [name, effect, alias, pattern] of compiled) {
    calls.push([name, effect, pattern]);
    for (const match of blank.matchAll(alias)) {
      const aliasName = match[1] ?? match[2]!;
      calls.push([aliasName, effect, callPattern(aliasName)]);
    }
  }
  for (const [name, effect, pattern] of calls) {
    if (language.gated?.has(name) && !gateOpen) continue;
    // A name that never appears in the code cannot be called.
    if (blank.search(pattern) === -1) continue;
    for (const match of blank.matchAll(pattern)) {
      const end = match.index + match[0].length;
      const after = blank.slice(end);
      // Only calls: `rmtree(...)`, `unlink "x"` where calls take no parentheses; an import is not one.
      const isCall = /^\s*\(/.test(after) || (language.bareCalls && /^\s+['"A-Za-z$@{[-]/.test(after));
      const named = /(?:\bimport\b|\bfrom\b|\brequire\b)[^\n;]*$/.test(
        blank.slice(Math.max(0, match.index - 80), match.index),
      );
      if (!isCall) {
        if (
          !named &&
          /^\s*[,})\]]|^\s*$/.test(after) &&
          (effect !== 'code' || /\b(eval|exec)$/.test(match[0]))
        )
          unseen(
            `${language.name} passes ${match[0]} around, so what it deletes or runs is only known when it runs`,
          );
        continue;
      }
      const literal = literalArguments(code, end, language.bareCalls === true, language === AWK);
      const via = `${language.name} ${match[0].trim()}`;
      switch (effect) {
        case 'delete':
        case 'delete-recursive':
          if (!literal) unseen(`${via} deletes a path computed when it runs`);
          else
            operations.push({
              kind: 'delete',
              targets: literal.args.slice(0, 1).map((path) => target(path, literal.glob)),
              recursive: effect === 'delete-recursive' || literal.glob,
              via,
            });
          break;
        case 'open': {
          if (language === PERL) {
            const perl =
              /^\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(?:\s*,\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))?/.exec(
                code.slice(end),
              );
            const first = perl ? unquote(perl[1]!) : '';
            if (!perl) {
              if (/^\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*['"]?[+>]/.test(code.slice(end)))
                unseen(`${via} opens a file for writing at a path computed when it runs`);
              break;
            }
            if (!/^\s*(\+?[>]|\+<)/.test(first)) break;
            const path = perl[2] !== undefined ? unquote(perl[2]) : first.replace(/^[+<>\s]+/, '');
            // Opened for writing and never printed to: the file is left empty.
            const mode = /^\s*\+?>/.test(first) && writesNothing(code, blank) ? 'destroy' : 'overwrite';
            if (path) operations.push({ kind: 'write', target: target(path, false), mode, via });
            else unseen(`${via} opens a file for writing at a path computed when it runs`);
            break;
          }
          const mode =
            literal?.args[1] ?? /^\s*\([^)]*?,\s*['"]([^'"]*)['"]/.exec(code.slice(end))?.[1] ?? '';
          if (!/[wax+]/.test(mode)) break;
          const path = literal?.args[0];
          // Opened for writing and never written: the file is left empty.
          const empties = /w/.test(mode) && writesNothing(code, blank);
          if (path === undefined) unseen(`${via} opens a file for writing at a path computed when it runs`);
          else
            operations.push({
              kind: 'write',
              target: target(path, false),
              mode: empties ? 'destroy' : 'overwrite',
              via,
            });
          break;
        }
        case 'write': {
          const receiver = pathMethodTarget(code, match.index, match[0]);
          if (
            receiver === undefined &&
            RECEIVER_METHODS.test(blank.slice(Math.max(0, match.index - 1), end))
          ) {
            unseen(`${via} writes to a path computed when it runs`);
            break;
          }
          const path = receiver ?? literal?.args[0];
          const content = receiver !== undefined ? literal?.args[0] : literal?.args[1];
          if (path === undefined) unseen(`${via} writes to a path computed when it runs`);
          else
            operations.push({
              kind: 'write',
              target: target(path, false),
              mode: content === '' ? 'destroy' : 'overwrite',
              via,
            });
          break;
        }
        case 'truncate': {
          // `truncate(path)`, `truncate(path, 0)`: emptied; to another length: edited.
          const call = /^\s*\(?\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*(?:,\s*(\w+)\s*)?\)?/.exec(
            code.slice(end),
          );
          if (!call) {
            unseen(`${via} truncates a file named when it runs`);
            break;
          }
          const length = call[2];
          operations.push({
            kind: 'write',
            target: target(unquote(call[1]!), false),
            mode: length === undefined || /^0+$/.test(length) ? 'destroy' : 'modify',
            via,
          });
          break;
        }
        case 'copy':
        case 'move': {
          const receiver = pathMethodTarget(code, match.index, match[0]);
          const [from, to] =
            receiver !== undefined ? [receiver, literal?.args[0]] : [literal?.args[0], literal?.args[1]];
          if (from === undefined || to === undefined) {
            unseen(`${via} ${effect === 'move' ? 'moves' : 'copies'} files computed when it runs`);
            break;
          }
          if (effect === 'copy')
            operations.push({ kind: 'write', target: target(to, false), mode: 'overwrite', via });
          else operations.push({ kind: 'move', from: [target(from, false)], to: target(to, false), via });
          break;
        }
        case 'shell':
          if (!literal) unseen(`${via} runs a command built when it runs`);
          else
            nested(
              literal.args
                .map(quoteWord)
                .join(' ')
                .replace(/^'([^']*)'$/, '$1'),
              { ...context, operations },
              via,
            );
          break;
        case 'code':
          if (!literal) unseen(`${via} runs code built when it runs`);
          break;
      }
    }
  }
  if (language.backticks) {
    for (const match of code.matchAll(/`([^`]*)`/g))
      nested(match[1]!, { ...context, operations }, `${language.name} backticks`);
    // Perl's qx and Ruby's %x with any delimiter: `qx{...}`, `qx|...|`, `%x(...)`, `%x[...]`.
    for (const match of code.matchAll(/(?:\bqx\s*|%x)([^\w\s])/g)) {
      const open = match[1]!;
      const close = CLOSERS[open] ?? open;
      const start = match.index + match[0].length;
      const end = code.indexOf(close, start);
      if (end !== -1)
        nested(code.slice(start, end), { ...context, operations }, `${language.name} ${match[0]}`);
    }
  }
  if (language === AWK) {
    for (const match of code.matchAll(/(?:print|printf)[^>|;}]*(>>?|\|)\s*("([^"]*)"|[A-Za-z_]\w*)/g)) {
      const text = match[3];
      if (text === undefined)
        unseen(`awk ${match[1] === '|' ? 'pipes into a command' : 'writes to a file'} named when it runs`);
      else if (match[1] === '|') nested(text, { ...context, operations }, 'awk print |');
      else if (!/^\/dev\/(stdout|stderr)$/.test(text))
        operations.push({
          kind: 'write',
          target: target(text, false),
          // `printf "" > "f"` and nothing else printed there: the file is left empty.
          mode:
            match[1] === '>>'
              ? 'append'
              : /^printf\s*\(?\s*""\s*\)?\s*$/.test(
                    match[0].slice(0, match[0].lastIndexOf(match[1]!)).trim(),
                  ) && code.split(match[2]!).length === 2
                ? 'destroy'
                : 'overwrite',
          via: 'awk print >',
        });
    }
    for (const match of code.matchAll(/("([^"]*)"|[A-Za-z_]\w*)\s*\|\s*getline/g)) {
      if (match[2] === undefined) unseen('awk runs a command named when it runs (| getline)');
      else nested(match[2], { ...context, operations }, 'awk | getline');
    }
  }
  return operations;
}

const CLOSERS: Record<string, string> = { '(': ')', '{': '}', '[': ']', '<': '>' };

const PATH_CALL = /(?:Path|pathlib\.Path|PurePath)\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*\)/;

/**
 * `Path('README.md').write_text(...)`: the path is the receiver, not the argument; so is a name
 * bound to one earlier (`p = Path('src/a.ts')` ... `p.write_text(...)`).
 */
function pathMethodTarget(code: string, at: number, called = ''): string | undefined {
  const before = code.slice(Math.max(0, at - 200), at);
  const match = new RegExp(`${PATH_CALL.source}\\s*\\.\\s*$`).exec(before);
  if (match) return unquote(match[1]!);
  const name =
    /^([A-Za-z_]\w*)\s*\./.exec(called.trim())?.[1] ??
    /(?:^|[^\w.])([A-Za-z_]\w*)\s*\.\s*$/.exec(before)?.[1];
  if (!name) return undefined;
  const bindings = [
    ...code.slice(0, at).matchAll(new RegExp(`(?:^|[^\\w.])${name}\\s*=(?!=)\\s*([^\\n;]*)`, 'g')),
  ];
  const last = bindings.at(-1)?.[1];
  const bound = last === undefined ? undefined : new RegExp(`^${PATH_CALL.source}\\s*$`).exec(last.trim());
  return bound ? unquote(bound[1]!) : undefined;
}

/** Methods whose path is their receiver: without a known receiver the path is unknown. */
const RECEIVER_METHODS = /(?:^|\.)\s*(write_text|write_bytes)$/;
