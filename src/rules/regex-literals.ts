// The literal text a regular expression cannot match without: `\bexpect\s*\(` matches nothing
// that lacks "expect", `#\s*(?:noqa|type:)` nothing that lacks "noqa" or "type:". A line holding
// none of a pattern's required literals cannot match it, and a substring search (native, linear)
// says so before the RE2 engine runs. Pure. The analysis reads JavaScript's pattern syntax and
// gives up (no requirement: the engine always runs) on anything it does not know for certain, on
// the `i` flag (case folding is wider than toLowerCase: `ſ` matches `s`), and on escapes whose
// meaning differs between JavaScript and RE2.

/** What a part of a pattern matches: a small set of exact strings, or literals it requires. */
interface Info {
  /** Every string the part can match, when they are few and known. */
  exact?: string[];
  /** Strings one of which every match contains (never ''). */
  needs?: string[];
}

class GiveUp extends Error {}

/** At most this many strings in an exact set (cross products grow fast). */
const MAX_EXACT = 16;

const ESCAPED_CHARS: Record<string, string> = { t: '\t', n: '\n', r: '\r', v: '\v', f: '\f' };
const SYNTAX = '^$\\.*+?()[]{}|/-';

/** The required literals of `source` with `flags`: undefined when there is no sure requirement. */
export function requiredLiterals(source: string, flags = ''): string[] | undefined {
  if (flags.includes('i')) return undefined;
  try {
    const parser = new Parser(source);
    const info = parser.disjunction();
    if (parser.pos !== source.length) return undefined;
    return requirement(info);
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

/** The best requirement an Info gives: its exact strings when none is empty, else its needs. */
function requirement(info: Info): string[] | undefined {
  const exact = info.exact && !info.exact.includes('') ? info.exact : undefined;
  return better(exact, info.needs);
}

/** The more selective of two requirements: the longer shortest literal, then the fewer literals. */
function better(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const shortest = (list: string[]) => Math.min(...list.map((text) => text.length));
  if (shortest(a) !== shortest(b)) return shortest(a) > shortest(b) ? a : b;
  return a.length <= b.length ? a : b;
}

function cross(a: string[], b: string[]): string[] | undefined {
  if (a.length * b.length > MAX_EXACT) return undefined;
  return [...new Set(a.flatMap((x) => b.map((y) => x + y)))];
}

class Parser {
  pos = 0;
  constructor(private readonly source: string) {}

  private peek(): string | undefined {
    return this.source[this.pos];
  }

  disjunction(): Info {
    const branches = [this.alternative()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.alternative());
    }
    if (branches.length === 1) return branches[0]!;
    const exacts = branches.map((branch) => branch.exact);
    const exact = exacts.every((set) => set !== undefined)
      ? [...new Set(exacts.flat() as string[])]
      : undefined;
    const each = branches.map(requirement);
    const needs = each.every((set) => set !== undefined) ? [...new Set(each.flat() as string[])] : undefined;
    return {
      ...(exact && exact.length <= MAX_EXACT ? { exact } : {}),
      ...(needs ? { needs } : {}),
    };
  }

  private alternative(): Info {
    // Consecutive exact terms make one exact run; a term that is not exact ends it. Every run and
    // every term's own requirement must appear in a match: the best of them is the requirement.
    let run: string[] = [''];
    let best: string[] | undefined;
    let exact = true;
    while (this.pos < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const term = this.term();
      const joined = term.exact && cross(run, term.exact);
      if (joined) {
        run = joined;
        continue;
      }
      exact = false;
      best = better(best, requirement({ exact: run }));
      if (term.exact) {
        run = term.exact; // too many strings: a new run starts with this term
      } else {
        best = better(best, requirement(term));
        run = [''];
      }
    }
    if (exact) return { exact: run };
    best = better(best, requirement({ exact: run }));
    return best ? { needs: best } : {};
  }

  private term(): Info {
    const atom = this.atom();
    const quantifier = this.quantifier();
    if (!quantifier) return atom;
    if (atom.zeroWidth) throw new GiveUp();
    if (quantifier.min === 0) return {};
    const needs = requirement(atom);
    return needs ? { needs } : {};
  }

  /** `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy; undefined when there is none. */
  private quantifier(): { min: number } | undefined {
    const char = this.peek();
    let min: number;
    if (char === '*' || char === '?') min = 0;
    else if (char === '+') min = 1;
    else if (char === '{') {
      const match = /^\{(\d+)(,\d*)?\}/.exec(this.source.slice(this.pos));
      if (!match) throw new GiveUp();
      min = Number(match[1]);
      this.pos += match[0].length - 1;
    } else return undefined;
    this.pos++;
    if (this.peek() === '?') this.pos++;
    return { min };
  }

  private atom(): Info & { zeroWidth?: boolean } {
    const char = this.source[this.pos++]!;
    switch (char) {
      case '^':
      case '$':
        return { exact: [''], zeroWidth: true };
      case '.':
        return {};
      case '[':
        this.skipClass();
        return {};
      case '(':
        return this.group();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
      case ')':
      case '|':
        throw new GiveUp();
      default:
        return { exact: [char] };
    }
  }

  private group(): Info {
    if (this.source.startsWith('?:', this.pos)) this.pos += 2;
    else if (/^\?<[A-Za-z_$][\w$]*>/.test(this.source.slice(this.pos, this.pos + 80))) {
      this.pos = this.source.indexOf('>', this.pos) + 1;
    } else if (this.peek() === '?') throw new GiveUp(); // lookarounds and anything else
    const inner = this.disjunction();
    if (this.peek() !== ')') throw new GiveUp();
    this.pos++;
    return inner;
  }

  private skipClass(): void {
    // A class matches one character of a set: it is not a literal. Find where it ends.
    if (this.peek() === '^') this.pos++;
    // `[]` and `[^]` mean nothing and anything in JavaScript, and start a class holding `]` in RE2.
    if (this.peek() === ']') throw new GiveUp();
    for (;;) {
      const char = this.source[this.pos++];
      if (char === undefined) throw new GiveUp();
      if (char === '\\') this.pos++;
      else if (char === '[') throw new GiveUp();
      else if (char === ']') return;
    }
  }

  private escape(): Info & { zeroWidth?: boolean } {
    const char = this.source[this.pos++];
    if (char === undefined) throw new GiveUp();
    if (char === 'b' || char === 'B') return { exact: [''], zeroWidth: true };
    if ('dDwWsS'.includes(char)) return {};
    if (char in ESCAPED_CHARS) return { exact: [ESCAPED_CHARS[char]!] };
    if (SYNTAX.includes(char)) return { exact: [char] };
    if (char === 'x' && /^[0-9a-fA-F]{2}/.test(this.source.slice(this.pos, this.pos + 2))) {
      const code = Number.parseInt(this.source.slice(this.pos, this.pos + 2), 16);
      this.pos += 2;
      return { exact: [String.fromCharCode(code)] };
    }
    // \0, \u, \p, \k, \c, back references, and letters whose meaning differs between the engines.
    throw new GiveUp();
  }
}
