// A strict JSON reader for policy files: what JSON.parse accepts, except that a key may appear only
// once in an object (JSON.parse keeps the last, so `"no-force-push": "error", "no-force-push":
// "off"` would be off) and nesting is bounded. Errors say the line and column.

export class JsonError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 64;

export function parseStrictJson(text: string): unknown {
  let i = 0;
  const fail = (message: string, at = i): never => {
    const { line, column } = position(text, at);
    throw new JsonError(message, line, column);
  };
  const space = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const string = (): string => {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const next = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (next !== undefined && simple[next] !== undefined) {
          out += simple[next];
          i += 2;
        } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('invalid escape in a string');
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('a control character in a string (escape it)');
      out += c;
      i++;
    }
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const object: Record<string, unknown> = {};
      const seen = new Map<string, number>();
      space();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail('expected a key in double quotes');
        const keyAt = i;
        const key = string();
        const first = seen.get(key);
        if (first !== undefined) {
          const before = position(text, first);
          fail(
            `duplicate key "${key}" (first at line ${before.line}, column ${before.column}); a key may appear only once`,
            keyAt,
          );
        }
        seen.set(key, keyAt);
        space();
        if (text[i] !== ':') fail('expected ":" after the key');
        i++;
        // defineProperty: a "__proto__" key is data, as with JSON.parse, not a prototype.
        Object.defineProperty(object, key, {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return object;
        }
        fail(
          i >= text.length ? 'unexpected end of input (is a closing brace missing?)' : 'expected "," or "}"',
        );
      }
    }
    if (c === '[') {
      i++;
      const array: unknown[] = [];
      space();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return array;
        }
        fail(
          i >= text.length
            ? 'unexpected end of input (is a closing bracket missing?)'
            : 'expected "," or "]"',
        );
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 400),
    );
    if (!literal) {
      if (i >= text.length) fail('unexpected end of input');
      fail(`unexpected ${JSON.stringify(text[i])}`);
    }
    i += literal![0].length;
    return JSON.parse(literal![0]);
  };
  const result = value(0);
  space();
  if (i < text.length) fail('unexpected text after the end of the JSON value');
  return result;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
