// The shared corpus and the held-out adversarial set, run for real: every command through
// agentpolicy-sh and through agentpolicy exec, as an unprivileged user, each in its own throwaway
// copy of the repository the verdicts assume (with a home outside the temp folders). A command
// the policy must stop leaves the project and the home exactly as they were; an ordinary one ends
// exactly as under plain bash: exit code, output, project, home.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { gitEnv } from '../helpers/repo.js';
import { createCorpusRepo } from '../shell/corpus-repo.js';
import { AS_ROOT, containmentRuns, outsideFolder, SH, userArgv } from './helpers.js';

interface Entry {
  cmd: string;
  verdict: 'allow' | 'deny' | 'policy';
}

function read(path: string): Entry[] {
  return JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')) as Entry[];
}

const PACKAGE = {
  name: 'corpus',
  scripts: {
    test: 'vitest run',
    build: 'tsc -p .',
    lint: 'biome check .',
    clean: 'rm -rf src',
    reset: 'git reset --hard',
  },
};
const MAKEFILE = 'all: build\n\nbuild:\n\ttsc -p .\n\ntest:\n\tvitest run\n\nclean:\n\trm -rf src docs\n';

/**
 * What plain bash does that a contained run cannot, by design: write outside the project, the
 * temp folders and the caches (the command gets "Read-only file system"; the project stays as
 * it was).
 */
const WRITES_OUTSIDE = [/git worktree add \.\.\//];

let base = '';
let template = '';
let copies = 0;

/** A fresh copy of the template repository and its home, owned by the user the runs use. */
function copy(): { dir: string; home: string; root: string } {
  const root = join(base, String(copies++));
  mkdirSync(root);
  spawnSync('cp', ['-a', join(template, 'repo'), join(template, 'home'), root]);
  if (AS_ROOT) spawnSync('chown', ['-R', 'nobody:nogroup', root]);
  return { dir: join(root, 'repo'), home: join(root, 'home'), root };
}

function environment(home: string): NodeJS.ProcessEnv {
  return {
    ...gitEnv(home),
    // Commits made by a command get the same id in every copy.
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    LC_ALL: 'C',
    TMPDIR: '/tmp',
  };
}

interface Outcome {
  status: number;
  output: string;
  state: string;
}

function run(how: 'bash' | 'sh' | 'exec', command: string): Promise<Outcome> {
  const place = copy();
  const env = environment(place.home);
  const entry =
    how === 'bash'
      ? ['bash', '-c', command]
      : how === 'sh'
        ? [process.execPath, SH, '-c', command]
        : [process.execPath, BIN, 'exec', '--', 'bash', '-c', command];
  const argv = userArgv(entry, env);
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: place.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const state = endState(place.dir, place.home, env);
      rmSync(place.root, { recursive: true, force: true });
      resolve({ status: code ?? -1, output: output.split(place.root).join('<copy>'), state });
    });
  });
}

/**
 * Everything a user could lose or notice, and nothing that differs between two honest runs: the
 * work tree (contents, modes, links, empty folders), the home, the index, the refs (commits by
 * tree and message), HEAD, the stash, the local config, the hooks.
 */
function endState(dir: string, home: string, env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256');
  const walk = (folder: string, skip: string) => {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(folder, name);
      if (full === skip) continue;
      const stat = lstatSync(full);
      hash.update(`${full}\0${stat.mode}\0`);
      if (stat.isSymbolicLink()) hash.update(readlinkSync(full));
      else if (stat.isDirectory()) walk(full, skip);
      else if (stat.isFile()) hash.update(readFileSync(full));
    }
  };
  walk(dir, join(dir, '.git'));
  walk(home, '');
  walk(join(dir, '.git', 'hooks'), '');
  const git = (...args: string[]) =>
    spawnSync('git', ['-c', 'safe.directory=*', ...args], { cwd: dir, env, encoding: 'utf8' }).stdout ?? '';
  hash.update(git('ls-files', '-s'));
  hash.update(
    git('for-each-ref', '--format=%(refname) %(objecttype) %(tree) %(*tree) %(subject) %(*subject)'),
  );
  hash.update(git('symbolic-ref', '-q', 'HEAD') || git('log', '-1', '--format=%T %s'));
  hash.update(git('stash', 'list', '--format=%gs %T'));
  hash.update(git('config', '--local', '--list'));
  return hash.digest('hex');
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

let runs = false;
let pristine: Outcome;

beforeAll(async () => {
  runs = containmentRuns();
  if (!runs) return;
  base = outsideFolder();
  template = join(base, 'template');
  // The corpus state (../fixtures/corpus/README.md) plus the adversarial set's scripts.
  const repo = createCorpusRepo({ extends: 'agentpolicy:recommended' }, 'test', false);
  repo.write('package.json', `${JSON.stringify(PACKAGE, null, 2)}\n`);
  repo.write('Makefile', MAKEFILE);
  repo.git('add', 'package.json', 'Makefile');
  repo.git('commit', '-q', '-m', 'scripts');
  repo.write('src/index.ts', 'uncommitted edit\n');
  // A home a user of npm and build tools has.
  for (const folder of ['.npm', '.cache']) mkdirSync(join(repo.home, folder), { recursive: true });
  mkdirSync(template);
  spawnSync('cp', ['-a', repo.dir, join(template, 'repo')]);
  spawnSync('cp', ['-a', repo.home, join(template, 'home')]);
  if (AS_ROOT) spawnSync('chown', ['-R', 'nobody:nogroup', base]);
  pristine = await run('bash', 'true');
}, 60_000);

const corpus = read('../fixtures/corpus/commands.json');
const adversarial = read('../fixtures/adversarial/commands.json');

describe.each([
  ['the shared corpus', corpus],
  ['the held-out adversarial set', adversarial],
])('%s, run for real', (_name, entries) => {
  it('stops every command the policy must stop, with nothing changed', async () => {
    if (!runs) return;
    const failures: string[] = [];
    const denied = entries.filter((entry) => entry.verdict === 'deny');
    await pool(
      denied.flatMap((entry) => (['sh', 'exec'] as const).map((how) => ({ entry, how }))),
      3,
      async ({ entry, how }) => {
        const outcome = await run(how, entry.cmd);
        if (outcome.state !== pristine.state) failures.push(`${how}: changed: ${entry.cmd}`);
        else if (outcome.status === 0) failures.push(`${how}: exit 0, nothing changed: ${entry.cmd}`);
      },
    );
    expect(failures).toEqual([]);
  }, 1_800_000);

  it('runs every ordinary command as plain bash does', async () => {
    if (!runs) return;
    const failures: string[] = [];
    const allowed = entries.filter((entry) => entry.verdict === 'allow');
    await pool(allowed, 3, async (entry) => {
      const [plain, again, sh, exec] = [
        await run('bash', entry.cmd),
        await run('bash', entry.cmd),
        await run('sh', entry.cmd),
        await run('exec', entry.cmd),
      ];
      const steady = plain.output === again.output;
      for (const [how, outcome] of [
        ['sh', sh],
        ['exec', exec],
      ] as const) {
        if (WRITES_OUTSIDE.some((pattern) => pattern.test(entry.cmd))) {
          // Refused by the read-only file system: the project is as it was.
          if (outcome.state !== pristine.state) failures.push(`${how}: changed: ${entry.cmd}`);
          continue;
        }
        if (outcome.status !== plain.status)
          failures.push(
            `${how}: exit ${outcome.status}, bash ${plain.status}: ${entry.cmd}\n${outcome.output}`,
          );
        else if (steady && outcome.output !== plain.output)
          failures.push(
            `${how}: output differs: ${entry.cmd}\n--- bash\n${plain.output}\n--- ${how}\n${outcome.output}`,
          );
        else if (outcome.state !== plain.state) failures.push(`${how}: end state differs: ${entry.cmd}`);
      }
    });
    expect(failures).toEqual([]);
  }, 1_800_000);
});
