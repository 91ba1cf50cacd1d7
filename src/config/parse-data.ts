// Parsing of policy data (JSON or YAML) with errors that name the line and column.
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { relativeName } from './names.js';

/** `.agentpolicyrc` may hold JSON or YAML: JSON when it starts with `{`. */
export function parseData(filepath: string, text: string): unknown {
  if (text.trim() === '') throw new ConfigError(`${relativeName(filepath)}: the file is empty.`);
  const isJson = filepath.endsWith('.json') || /^\s*\{/.test(text);
  return isJson ? parseJson(filepath, text) : parseYaml(filepath, text);
}

export function parseJson(filepath: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // V8 says "... in JSON at position 42" or "Unexpected end of JSON input".
    const position = /at position (\d+)/.exec(message)?.[1];
    const offset = position === undefined ? text.length : Number(position);
    const { line, column } = lineAndColumn(text, offset);
    const what = message
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(
        /^Unexpected end of JSON input$/,
        'unexpected end of input (is a closing bracket or brace missing?)',
      );
    throw new ConfigError(`${relativeName(filepath)}:${line}:${column}: invalid JSON: ${what}.`, {
      cause: error,
    });
  }
}

export function parseYaml(filepath: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const [line, column] = first.linePos?.[0] ? [first.linePos[0].line, first.linePos[0].col] : [1, 1];
    const what = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${relativeName(filepath)}:${line}:${column}: invalid YAML: ${what}.`);
  }
  return doc.toJS();
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
