import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The installed agentpolicy package's folder (it holds hooks/ and policies/), from src/ or dist/. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'hooks'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the agentpolicy package folder');
    dir = parent;
  }
  root = dir;
  return dir;
}
