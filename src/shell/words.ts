// Word values as the shell would produce them: quotes removed, variables that are known in this
// command line (or well-known, like $HOME) expanded, and a flag for what cannot be known.
import type { Command, ParameterExpansionPart, ParsedScript, Word, WordPart } from 'unbash';
import type { GlobOptions } from './glob.js';

export interface Scope {
  /** Variables set earlier in the command line; undefined marks a variable whose value is unknown. */
  vars: Map<string, string | undefined>;
  /** Well-known variables of the environment the command will run in (HOME, TMPDIR, PWD...). */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Loop variables that stand for the matches of a glob (`for f in src/*`). */
  globVars?: Set<string>;
  /** Shell options set earlier in the line that change pathname expansion (`shopt -s dotglob`, `set -f`). */
  shopt?: Set<string>;
  /** `$1`, `$2`...: inside a function called with known words, or after `set --`; unknown otherwise. */
  positional?: (string | undefined)[];
}

export interface WordValue {
  text: string;
  dynamic: boolean;
  glob: boolean;
  globOptions?: GlobOptions;
  /** An unquoted command substitution: as many words (files) as the command prints. */
  many?: boolean;
}

/** How the shell matches globs given the options set so far; undefined for bash's defaults. */
export function shellGlobOptions(scope: Scope): GlobOptions | undefined {
  const options: GlobOptions = {};
  if (scope.shopt?.has('dotglob') || scope.vars.get('GLOBIGNORE')) options.dot = true;
  if (scope.shopt?.has('globstar')) options.globstar = true;
  if (scope.shopt?.has('nocaseglob')) options.nocase = true;
  return options.dot || options.globstar || options.nocase ? options : undefined;
}

/** Characters that make an unquoted word a pattern. */
const GLOB_CHARS = /[*?[]/;

function lookup(name: string, scope: Scope): string | undefined {
  if (scope.vars.has(name)) return scope.vars.get(name);
  if (name === 'PWD') return scope.cwd;
  if (/^(\d+|[@*#])$/.test(name)) return positional(name, scope);
  return scope.env[name];
}

/** `$1`, `$@`, `$#`: known inside a function called with known words, or after `set -- ...`. */
function positional(name: string, scope: Scope): string | undefined {
  const list = scope.positional;
  if (!list) return undefined;
  if (name === '#') return String(list.length);
  if (name === '@' || name === '*') return list.includes(undefined) ? undefined : list.join(' ');
  return name === '0' ? undefined : list.length < Number(name) ? '' : list[Number(name) - 1];
}

/**
 * Pattern removal (`${x%/x}`, `${x##x/}` with globs), replacement, slices, length, case and
 * defaults as bash expands them; undefined when the value or the pattern is only known at run time.
 */
function expandParameter(
  part: ParameterExpansionPart,
  scope: Scope,
): { text: string; dynamic: boolean } | undefined {
  if (part.prefix === '!' || part.index) return undefined;
  const value = lookup(part.parameter, scope);
  if (part.prefix === '#')
    return value === undefined ? undefined : { text: String(value.length), dynamic: false };
  const operation = part.operation;
  if (!operation) return value === undefined ? undefined : { text: value, dynamic: false };
  const word = (w: Word | undefined) =>
    w ? evaluateWord(w, scope) : { text: '', dynamic: false, glob: false };
  if (operation.type === 'Default') {
    const unset = value === undefined && !scope.env[part.parameter] && !scope.vars.has(part.parameter);
    const empty = operation.operator.startsWith(':') ? !value : value === undefined;
    const operator = operation.operator.replace(':', '');
    if (operator === '+') {
      if (value === undefined && !unset) return undefined;
      return empty ? { text: '', dynamic: false } : word(operation.operand);
    }
    if (value !== undefined && !empty) return { text: value, dynamic: false };
    // The default only applies when the variable is unset; an unknown variable might be set.
    if (value === undefined && !unset) return undefined;
    if (operator === '?') return { text: '', dynamic: false };
    return word(operation.operand);
  }
  if (value === undefined) return undefined;
  switch (operation.type) {
    case 'Remove': {
      const pattern = word(operation.operand);
      if (pattern.dynamic) return undefined;
      const source = patternSource(pattern.text);
      const longest = operation.operator.length === 2;
      const lazy = longest ? '' : '?';
      const regex = operation.operator.startsWith('#')
        ? new RegExp(`^(?:${source.replace(/\.\*/g, `.*${lazy}`)})`, 's')
        : new RegExp(`${longest ? '^.*?' : '^.*'}((?:${source})$)`, 's');
      const match = regex.exec(value);
      if (!match) return { text: value, dynamic: false };
      return operation.operator.startsWith('#')
        ? { text: value.slice(match[0].length), dynamic: false }
        : { text: value.slice(0, value.length - match[1]!.length), dynamic: false };
    }
    case 'Replace': {
      const pattern = word(operation.pattern);
      const replacement = word(operation.replacement);
      if (pattern.dynamic || replacement.dynamic) return undefined;
      const source = patternSource(pattern.text);
      const anchored =
        operation.operator === '/#'
          ? `^(?:${source})`
          : operation.operator === '/%'
            ? `(?:${source})$`
            : source;
      const regex = new RegExp(anchored, operation.operator === '//' ? 'gs' : 's');
      return { text: value.replace(regex, () => replacement.text), dynamic: false };
    }
    case 'Slice': {
      const offset = Number(word(operation.offset).text.trim());
      const length = operation.length ? Number(word(operation.length).text.trim()) : undefined;
      if (!Number.isInteger(offset) || (length !== undefined && !Number.isInteger(length))) return undefined;
      const from = offset < 0 ? Math.max(0, value.length + offset) : offset;
      const to = length === undefined ? value.length : length < 0 ? value.length + length : from + length;
      return { text: value.slice(from, Math.max(from, to)), dynamic: false };
    }
    case 'CaseModification': {
      if (operation.operand) return undefined;
      const upper = operation.operator.startsWith('^');
      const change = (text: string) => (upper ? text.toUpperCase() : text.toLowerCase());
      return {
        text: operation.operator.length === 2 ? change(value) : change(value.slice(0, 1)) + value.slice(1),
        dynamic: false,
      };
    }
    default:
      return undefined;
  }
}

/** A shell pattern (`*`, `?`, `[...]`) as a regular expression source; `*` matches `/` here. */
export function patternSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') out += '.*';
    else if (char === '?') out += '.';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        out += `[${pattern
          .slice(i + 1, end)
          .replace(/^[!^]/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (char === '\\' && i + 1 < pattern.length) out += `\\${pattern[++i]}`;
    else out += /[.+^${}()|\\/\]]/.test(char) ? `\\${char}` : char;
  }
  return out;
}

type Part = WordPart | { type: string; text: string; value?: string; parts?: readonly Part[] };

function evaluateParts(parts: readonly Part[], scope: Scope, out: WordValue, quoted: boolean): void {
  for (const part of parts) {
    switch (part.type) {
      case 'Literal':
      case 'SingleQuoted':
      case 'AnsiCQuoted':
        out.text += (part as { value: string }).value;
        break;
      case 'DoubleQuoted':
      case 'LocaleString':
        evaluateParts((part as { parts: readonly Part[] }).parts, scope, out, true);
        break;
      case 'Glob':
      case 'ExtendedGlob':
        out.text += part.text;
        if (!quoted) out.glob = true;
        break;
      case 'BraceExpansion':
        // Expanded into several words by the walker (splitWord); one word of it is not known.
        out.text += part.text;
        out.dynamic = true;
        break;
      case 'SimpleExpansion': {
        const name = part.text.replace(/^\$\{?|\}$/g, '');
        const value = lookup(name, scope);
        if (value === undefined) out.dynamic = true;
        // An unquoted expansion is itself expanded as a pattern (`x='*'; rm $x`).
        if (scope.globVars?.has(name) || (!quoted && value !== undefined && GLOB_CHARS.test(value)))
          out.glob = true;
        out.text += value ?? part.text;
        break;
      }
      case 'ParameterExpansion': {
        const expansion = part as unknown as ParameterExpansionPart;
        const value = expandParameter(expansion, scope);
        if (value === undefined) {
          out.dynamic = true;
          out.text += part.text;
        } else {
          out.text += value.text;
          out.dynamic ||= value.dynamic;
          if (!quoted && GLOB_CHARS.test(value.text) && !value.dynamic) out.glob = true;
        }
        if (scope.globVars?.has(expansion.parameter)) out.glob = true;
        break;
      }
      case 'CommandExpansion': {
        // `$(echo --hard)`, `$(printf -- '--force')`: the output of a command that prints known text.
        const printed = printedBy((part as { script?: ParsedScript }).script, scope);
        if (printed === undefined) {
          out.dynamic = true;
          out.text += part.text;
        } else out.text += printed.replace(/\n+$/, '');
        break;
      }
      default:
        // Command and process substitution, arithmetic: run when the word is expanded (the walker
        // analyses their scripts); their output cannot be known here.
        out.dynamic = true;
        out.text += part.text;
    }
  }
}

export function evaluateWord(word: Word, scope: Scope): WordValue {
  const out: WordValue = { text: '', dynamic: false, glob: false };
  if (!word.parts) {
    out.text = word.text.startsWith('~') ? expandTilde(word.value, scope) : word.value;
    return out;
  }
  evaluateParts(word.parts as readonly Part[], scope, out, false);
  // A leading ~ or ~user is expanded by the shell when it is not quoted.
  const first = word.parts[0];
  if (first?.type === 'Literal' && first.value.startsWith('~')) out.text = expandTilde(out.text, scope);
  if (out.glob) {
    // `set -f`: no pathname expansion; the word is the name itself.
    if (scope.shopt?.has('noglob')) out.glob = false;
    else {
      const options = shellGlobOptions(scope);
      if (options) out.globOptions = options;
    }
  }
  return out;
}

export function expandTilde(text: string, scope: Scope): string {
  const match = /^~([^/]*)(.*)$/s.exec(text);
  if (!match) return text;
  const [, user = '', rest = ''] = match;
  if (user === '') return `${scope.env.HOME ?? '/root'}${rest}`;
  if (user === '+') return `${scope.cwd}${rest}`;
  return `/home/${user}${rest}`;
}

/** Backslash escapes as printf's format (and `echo -e`, `$'...'`) reads them. */
function unescapeBackslashes(text: string): string {
  return text.replace(/\\(0[0-7]{0,3}|x[0-9a-fA-F]{1,2}|[\\abefnrtv"'])/g, (_, code: string) => {
    if (code[0] === '0') return String.fromCharCode(Number.parseInt(code.slice(1) || '0', 8));
    if (code[0] === 'x') return String.fromCharCode(Number.parseInt(code.slice(1), 16));
    return (
      (
        { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' } as Record<
          string,
          string
        >
      )[code] ?? code
    );
  });
}

/** What `printf FORMAT ARGS...` prints: the format reused until the arguments run out. */
export function printfOutput(format: string, args: string[]): string | undefined {
  let out = '';
  let next = 0;
  do {
    let unsupported = false;
    out += format.replace(
      /%(%|[-+ #0]*\d*(?:\.\d+)?([sbdiqc]))|\\(?:0[0-7]{0,3}|x[0-9a-fA-F]{1,2}|.)/g,
      (match, _spec, kind) => {
        if (match.startsWith('\\')) return unescapeBackslashes(match);
        if (match === '%%') return '%';
        const arg = args[next++] ?? '';
        if (kind === 'b') return unescapeBackslashes(arg);
        if (kind === 'd' || kind === 'i') return String(Number.parseInt(arg, 10) || 0);
        if (kind === 'q') unsupported = true;
        return kind === 'c' ? arg.slice(0, 1) : arg;
      },
    );
    if (unsupported || /%[^%]/.test(format.replace(/%%|%[-+ #0]*\d*(?:\.\d+)?[sbdiqc]/g, '')))
      return undefined;
  } while (next < args.length && /%[^%]/.test(format));
  return out;
}

/** The text a simple `echo` or `printf` prints, its words known; undefined for anything else. */
export function printedText(name: string, args: WordValue[]): string | undefined {
  if (args.some((arg) => arg.dynamic || arg.glob)) return undefined;
  const texts = args.map((arg) => arg.text);
  if (name === 'echo') {
    let i = 0;
    let newline = true;
    let escapes = false;
    for (; i < texts.length && /^-[neE]+$/.test(texts[i]!); i++) {
      if (texts[i]!.includes('n')) newline = false;
      if (texts[i]!.includes('e')) escapes = true;
    }
    const text = texts.slice(i).join(' ');
    return (escapes ? unescapeBackslashes(text) : text) + (newline ? '\n' : '');
  }
  if (name === 'printf') {
    const rest = texts[0] === '--' ? texts.slice(1) : texts;
    if (rest.length === 0 || rest[0] === '-v') return undefined;
    return printfOutput(rest[0]!, rest.slice(1));
  }
  return undefined;
}

/** What a command substitution prints when it is one `echo` or `printf` of known words. */
function printedBy(script: ParsedScript | undefined, scope: Scope): string | undefined {
  const statements = script?.commands ?? [];
  if (statements.length !== 1) return undefined;
  const command = statements[0]!.command as Command;
  if (command.type !== 'Command' || !command.name || command.redirects?.length) return undefined;
  if (command.prefix.length) return undefined;
  const name = evaluateWord(command.name, scope);
  if (name.dynamic) return undefined;
  const words = command.suffix.filter((item): item is Word => item.type === 'Word');
  if (words.length !== command.suffix.length) return undefined;
  return printedText(
    name.text,
    words.map((word) => evaluateWord(word, scope)),
  );
}
