// Parsing of policy data (JSON or YAML) with errors that name the file, line and column. The YAML
// parser loads only for YAML policies, so the JSON policies every tool call reads stay cheap.
import { createRequire } from 'node:module';
import { ConfigError } from '../errors.js';
import { JsonError, parseStrictJson } from './json.js';

const requireModule = createRequire(import.meta.url);

/** `.agentpolicyrc` may hold JSON or YAML: JSON when it starts with `{`. */
export function parseData(label: string, text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '')
    throw new ConfigError(
      `${label}: the file is empty. Write a policy, e.g. { "extends": "agentpolicy:recommended" }.`,
    );
  const isJson = /\.json$/.test(label) || /^\s*[{[]/.test(text);
  return isJson ? parseJson(label, text) : parseYaml(label, text);
}

export function parseJson(label: string, text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return parseStrictJson(text);
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    throw new ConfigError(`${label}:${error.line}:${error.column}: invalid JSON: ${error.message}.`, {
      cause: error,
    });
  }
}

export function parseYaml(label: string, text: string): unknown {
  const { parseDocument } = requireModule('yaml') as typeof import('yaml');
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    throw new ConfigError(`${label}: invalid YAML: ${(error as Error).message}.`, { cause: error });
  }
  const first = doc.errors[0];
  if (first) {
    const [line, column] = first.linePos?.[0] ? [first.linePos[0].line, first.linePos[0].col] : [1, 1];
    const what = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${label}:${line}:${column}: invalid YAML: ${what}.`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError(`${label}: invalid YAML: ${(error as Error).message}.`, { cause: error });
  }
}
