// Glob patterns as the programs that expand them match: bash's pathname expansion by default (`*`
// skips names that start with a dot; `**` is `*` unless globstar; extglob's `!(a|b)`, `@(...)`,
// `+(...)`, `*(...)`, `?(...)`; nocaseglob), or a program's own flavour (find's -name matches dot
// files; rimraf's `**` crosses folders). A target matches a path when the pattern matches the path
// itself or one of the folders it is in: deleting `src/*` deletes what is under `src/a`.

export interface GlobOptions {
  /** `*` and `?` match a leading dot (dotglob, GLOBIGNORE, find -name). */
  dot?: boolean;
  /** `**` matches any number of folders (globstar, node-glob, find). */
  globstar?: boolean;
  /** Case-insensitive (nocaseglob). */
  nocase?: boolean;
}

type Segment = RegExp | '**';

function escapeChar(char: string): string {
  return /[.+^${}()|\\/[\]*?]/.test(char) ? `\\${char}` : char;
}

/** The end of a group opened at `open` (the index of its `(`), or -1. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits `a|b(c|d)` at the top-level bars. */
function alternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '(') depth++;
    else if (body[i] === ')') depth--;
    else if (body[i] === '|' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** One path segment of a pattern as a regular expression source (without anchors). */
function segmentSource(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const next = text[i + 1];
    if ('!@?*+'.includes(char) && next === '(') {
      const end = closing(text, i + 1);
      if (end !== -1) {
        const body = alternatives(text.slice(i + 2, end))
          .map(segmentSource)
          .join('|');
        const rest = segmentSource(text.slice(end + 1));
        if (char === '!') return `${out}(?!(?:${body})${rest}$)[^/]*?${rest}`;
        out += `(?:${body})${{ '@': '', '?': '?', '*': '*', '+': '+' }[char]}`;
        i = end;
        continue;
      }
    }
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else if (char === '[') {
      const end = text.indexOf(']', i + 2);
      if (end === -1) out += '\\[';
      else {
        const body = text
          .slice(i + 1, end)
          .replace(/^[!^]/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (char === '\\' && i + 1 < text.length) out += escapeChar(text[++i]!);
    else out += escapeChar(char);
  }
  return out;
}

const compiled = new Map<string, Segment[]>();

function compile(pattern: string, options: GlobOptions): Segment[] {
  const key = `${options.dot ? 'd' : ''}${options.globstar ? 'g' : ''}${options.nocase ? 'i' : ''}:${pattern}`;
  let segments = compiled.get(key);
  if (!segments) {
    segments = pattern
      .replace(/^\.\//, '')
      .split('/')
      .filter((segment, i) => segment !== '' || i === 0)
      .map((segment): Segment => {
        if (segment === '**' && options.globstar) return '**';
        // A name starting with a dot is matched only by a pattern that starts with one.
        const hidden = options.dot || segment.startsWith('.') ? '' : '(?!\\.)';
        return new RegExp(`^${hidden}${segmentSource(segment)}$`, options.nocase ? 'i' : '');
      });
    compiled.set(key, segments);
  }
  return segments;
}

/** Whether `path` (relative, with forward slashes) is matched by `pattern`, or is under a match. */
export function globReaches(path: string, pattern: string, options: GlobOptions = {}): boolean {
  const segments = compile(pattern, options);
  const parts = path.split('/');
  const visit = (s: number, p: number): boolean => {
    if (s === segments.length) return true; // the rest of the path is under a match
    if (p === parts.length) return segments.slice(s).every((segment) => segment === '**');
    const segment = segments[s]!;
    if (segment === '**') {
      if (visit(s + 1, p)) return true;
      return (options.dot || !parts[p]!.startsWith('.')) && visit(s, p + 1);
    }
    return segment.test(parts[p]!) && visit(s + 1, p + 1);
  };
  return visit(0, 0);
}

/** A git pathspec glob matching at least what `pattern` matches (extglob groups widened to `*`). */
export function pathspecOf(pattern: string, options: GlobOptions = {}): string {
  let text = pattern;
  for (let i = text.search(/[!@?*+]\(/); i !== -1; i = text.search(/[!@?*+]\(/)) {
    const end = closing(text, i + 1);
    text = `${text.slice(0, i)}*${end === -1 ? '' : text.slice(end + 1)}`;
  }
  return `:(glob${options.nocase ? ',icase' : ''})${text}`;
}
