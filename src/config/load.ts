// Finding and reading the policy file with cosmiconfig, data formats only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import { ConfigError } from '../errors.js';
import { parseData, parseJson } from './parse-data.js';
import { CODE_PLACES, SEARCH_PLACES } from './places.js';

export const MODULE_NAME = 'agentpolicy';

export interface LoadedFile {
  filepath: string;
  data: unknown;
}

/** Reads the policy of the repository at `root`; undefined when there is none. */
export async function findPolicyFile(root: string): Promise<LoadedFile | undefined> {
  const code = CODE_PLACES.find((name) => existsSync(join(root, name)));
  if (code) {
    throw new ConfigError(
      `${code}: policies are data, not code. A JavaScript or TypeScript policy could compute a laxer policy or run ` +
        'code when it loads, so agentpolicy refuses it. Move the settings to .agentpolicyrc (JSON or YAML).',
    );
  }
  const explorer = cosmiconfig(MODULE_NAME, {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
    cache: false,
    loaders: {
      '.json': (filepath, content) => parseJson(filepath, content),
      '.yaml': (filepath, content) => parseData(filepath, content),
      '.yml': (filepath, content) => parseData(filepath, content),
      noExt: (filepath, content) => parseData(filepath, content),
      '.js': refuseCode,
      '.cjs': refuseCode,
      '.mjs': refuseCode,
      '.ts': refuseCode,
    },
  });
  try {
    const result = await explorer.search(root);
    if (!result) {
      // cosmiconfig skips empty files; an empty policy file is a mistake, not an absent policy.
      const empty = SEARCH_PLACES.find((name) => name !== 'package.json' && existsSync(join(root, name)));
      if (empty)
        throw new ConfigError(
          `${empty}: the policy file is empty. Write a policy, e.g. { "extends": "agentpolicy:recommended" }.`,
        );
      return undefined;
    }
    if (result.isEmpty) throw new ConfigError(`${result.filepath}: the policy file is empty.`);
    return { filepath: result.filepath, data: result.config };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`Cannot read the policy in ${root}: ${(error as Error).message}`, { cause: error });
  }
}

function refuseCode(filepath: string): never {
  throw new ConfigError(`${filepath}: policies are data, not code; use JSON or YAML.`);
}
