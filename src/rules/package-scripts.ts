// Which package.json scripts a verification command runs: `npm test` runs "pretest", "test" and
// "posttest", `pnpm lint` runs "lint", and so on. Changing one of them changes what verification
// checks, so protected-paths guards them like the policy itself.

const NPM_ALIASES: Record<string, string> = {
  test: 'test',
  t: 'test',
  tst: 'test',
  start: 'start',
  stop: 'stop',
  restart: 'restart',
};
const RUN = new Set(['run', 'run-script', 'rum', 'urn']);
/** pnpm and yarn subcommands that are not scripts. */
const BUILTINS = new Set([
  'install',
  'i',
  'add',
  'remove',
  'rm',
  'exec',
  'dlx',
  'x',
  'create',
  'why',
  'list',
  'ls',
  'link',
  'unlink',
  'update',
  'up',
  'upgrade',
  'outdated',
  'audit',
  'publish',
  'pack',
  'store',
  'config',
  'init',
  'info',
  'view',
  'bin',
  'root',
  'prune',
  'rebuild',
  'import',
  'install-test',
  'it',
  'ci',
]);

/** Script names (with their pre and post scripts) that `command` runs through a package manager. */
export function scriptsRunBy(command: string): string[] {
  const words = command.split(/[\s;&|()]+/).filter(Boolean);
  const names: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const manager = words[i]!.replace(/^.*\//, '');
    if (!['npm', 'pnpm', 'yarn', 'bun'].includes(manager)) continue;
    let j = i + 1;
    const skipFlags = () => {
      while (j < words.length && words[j]!.startsWith('-')) j++;
    };
    skipFlags();
    const sub = words[j];
    if (sub === undefined) {
      if (manager === 'yarn') names.push('install');
      continue;
    }
    if (RUN.has(sub)) {
      j++;
      skipFlags();
      if (words[j]) names.push(words[j]!);
    } else if (manager === 'npm' && NPM_ALIASES[sub]) {
      names.push(NPM_ALIASES[sub]!);
    } else if ((manager === 'pnpm' || manager === 'yarn') && !BUILTINS.has(sub)) {
      names.push(sub);
    }
  }
  return [...new Set(names.flatMap((name) => [name, `pre${name}`, `post${name}`]))];
}

/**
 * Every script reached from `names`, following scripts that run other scripts, in both versions of
 * the manifest: a change to any of them changes what the verification runs.
 */
export function scriptClosure(names: string[], ...manifests: Record<string, string>[]): Set<string> {
  const reached = new Set<string>();
  const queue = [...names];
  while (queue.length) {
    const name = queue.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const scripts of manifests) {
      const body = Object.hasOwn(scripts, name) ? scripts[name] : undefined;
      if (typeof body === 'string') queue.push(...scriptsRunBy(body));
    }
  }
  return reached;
}
