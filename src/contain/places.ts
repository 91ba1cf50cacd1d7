// What a contained command may write outside the project, and whether this process already runs
// inside a contained command.
//
// Outside the project everything is read-only except the temp folders (and the policy's
// shell.tempDirs) and the caches package managers and compilers fill on every run: an honest
// `npm ci` writes ~/.npm, a build writes ~/.cache. A cache holds nothing anyone would lose (it is
// refilled from the network or the sources), so writing it directly costs no safety a layer would
// buy, and keeps installs as fast as without the wrapper. A cache folder that does not exist yet
// stays absent (making it would leave a trace): a tool that wants to create it fails with
// "Read-only file system", which says what to do.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const CACHES = [
  '.cache',
  '.npm',
  '.yarn',
  '.pnpm-store',
  '.local/share/pnpm',
  '.bun/install/cache',
  '.cargo/registry',
  '.cargo/git',
  'go/pkg/mod',
  '.m2/repository',
  '.gradle/caches',
  '.deno',
];

function realFolder(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === sep ? dir : `${dir}${sep}`);
}

/** The folders outside the layers a contained command writes directly; none inside `layered`. */
export function writableFolders(tempDirs: string[], env: NodeJS.ProcessEnv, layered: string[]): string[] {
  const home = env.HOME;
  const candidates = [
    ...tempDirs,
    ...(home ? CACHES.map((cache) => join(home, cache)) : []),
    ...[env.XDG_CACHE_HOME, env.npm_config_cache, env.GOMODCACHE, env.GOCACHE, env.XDG_RUNTIME_DIR].filter(
      (dir): dir is string => Boolean(dir),
    ),
  ];
  const folders: string[] = [];
  for (const candidate of candidates) {
    const real = realFolder(candidate);
    if (!real || real === sep || folders.includes(real)) continue;
    if (layered.some((root) => inside(real, root))) continue;
    folders.push(real);
  }
  // A folder inside another one is writable through it already.
  return folders.filter((dir) => !folders.some((other) => other !== dir && inside(dir, other)));
}

/**
 * Whether this process runs inside a contained command: the project is an overlay whose upper
 * layer lives where agentpolicy keeps its layers. A process cannot make that so without already
 * being in a mount namespace of its own, so an agent cannot fake it to skip containment from
 * outside: it would have to run outside the wrapper to begin with.
 */
export function alreadyContained(root: string): boolean {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return false;
  }
  const real = realFolder(root) ?? root;
  const point = real.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  for (const line of text.split('\n')) {
    const [left = '', right = ''] = line.split(' - ');
    if (left.split(' ')[4] !== point) continue;
    const [type = '', , options = ''] = right.split(' ');
    if (
      type === 'overlay' &&
      /upperdir=[^,]*(\/agentpolicy\/layers\/|\/\.agentpolicy-layers\/)/.test(options)
    )
      return true;
  }
  return false;
}
