// Word values as the shell would produce them: quotes removed, variables that are known in this
// command line (or well-known, like $HOME) expanded, and a flag for what cannot be known.
import type { Word, WordPart } from 'unbash';

export interface Scope {
  /** Variables set earlier in the command line; undefined marks a variable whose value is unknown. */
  vars: Map<string, string | undefined>;
  /** Well-known variables of the environment the command will run in (HOME, TMPDIR, PWD...). */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Loop variables that stand for the matches of a glob (`for f in src/*`). */
  globVars?: Set<string>;
}

export interface WordValue {
  text: string;
  dynamic: boolean;
  glob: boolean;
}

function lookup(name: string, scope: Scope): string | undefined {
  if (scope.vars.has(name)) return scope.vars.get(name);
  if (name === 'PWD') return scope.cwd;
  return scope.env[name];
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
        if (scope.globVars?.has(name)) out.glob = true;
        out.text += value ?? part.text;
        break;
      }
      case 'ParameterExpansion': {
        const expansion = part as unknown as {
          parameter: string;
          prefix?: string;
          operation?: { type: string; operator: string; operand?: Word };
        };
        // `${a[@]}`, `${!x}`: arrays and indirection are not tracked.
        const value =
          expansion.prefix || (part as { index?: unknown }).index
            ? undefined
            : lookup(expansion.parameter, scope);
        const operation = expansion.operation;
        if (operation?.type === 'Default' && operation.operand) {
          const useDefault = operation.operator.startsWith(':') ? !value : value === undefined;
          if (operation.operator.includes('-') || operation.operator.includes('=')) {
            if (useDefault) {
              // The default only applies when the variable is unset; an unknown variable might be set.
              const inner = evaluateWord(operation.operand, scope);
              if (
                value === undefined &&
                !scope.env[expansion.parameter] &&
                !scope.vars.has(expansion.parameter)
              ) {
                out.text += inner.text;
                out.dynamic ||= inner.dynamic;
                break;
              }
              out.dynamic = true;
              out.text += part.text;
              break;
            }
            out.text += value ?? '';
            break;
          }
        }
        if (value === undefined || operation) out.dynamic = true;
        if (scope.globVars?.has(expansion.parameter)) out.glob = true;
        out.text += value ?? part.text;
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
