// Finding the one policy file of a tree. Exactly one `.agentpolicyrc*` file may exist; a second
// one, a JavaScript policy or an "agentpolicy" key in package.json is an error that names both,
// never a silent precedence.
import { ConfigError } from '../errors.js';
import { CODE_PLACES, PACKAGE_KEY, POLICY_FILES } from './places.js';
import type { PolicyTree } from './tree.js';

export interface FoundPolicy {
  /** Repository path of the policy file. */
  path: string;
  text: string;
}

/** The policy file of `tree`, or undefined when it has none. */
export function findPolicy(tree: PolicyTree): FoundPolicy | undefined {
  const code = CODE_PLACES.find((name) => exists(tree, name));
  if (code) {
    throw new ConfigError(
      `${tree.label(code)}: policies are data, not code. A JavaScript or TypeScript policy could compute a laxer policy or run ` +
        'code when it loads, so agentpolicy refuses it. Move the settings to .agentpolicyrc (JSON or YAML).',
    );
  }
  const found: FoundPolicy[] = [];
  for (const path of POLICY_FILES) {
    const text = tree.read(path);
    if (text !== undefined) found.push({ path, text });
  }
  const inPackage = packageKey(tree);
  const names = [...found.map((file) => tree.label(file.path)), ...(inPackage ? [inPackage] : [])];
  if (names.length > 1) {
    throw new ConfigError(
      `Two policy sources: ${names.join(' and ')}. The policy lives in one .agentpolicyrc file only, so that no other file can outrank it. ` +
        'Merge them into one .agentpolicyrc and delete the other' +
        (inPackage ? ` (and the "${PACKAGE_KEY}" key of package.json).` : '.'),
    );
  }
  if (inPackage) {
    throw new ConfigError(
      `${inPackage} is not read: the policy lives in .agentpolicyrc only, so that editing package.json cannot change it. ` +
        `Move the settings to .agentpolicyrc and remove the "${PACKAGE_KEY}" key.`,
    );
  }
  return found[0];
}

function exists(tree: PolicyTree, path: string): boolean {
  try {
    return tree.read(path) !== undefined;
  } catch {
    return true;
  }
}

/** `package.json#agentpolicy` when package.json has that key. */
function packageKey(tree: PolicyTree): string | undefined {
  let text: string | undefined;
  try {
    text = tree.read('package.json');
  } catch {
    return undefined;
  }
  if (text === undefined || !text.includes(`"${PACKAGE_KEY}"`)) return undefined;
  try {
    const manifest = JSON.parse(text) as Record<string, unknown>;
    return manifest !== null && typeof manifest === 'object' && Object.hasOwn(manifest, PACKAGE_KEY)
      ? `${tree.label('package.json')}#${PACKAGE_KEY}`
      : undefined;
  } catch {
    return undefined;
  }
}
