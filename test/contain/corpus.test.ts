// The shared corpus and the held-out adversarial set, run for real: every command through
// agentpolicy-sh and through agentpolicy exec, as an unprivileged user, each in its own throwaway
// copy of the repository the verdicts assume (with a home outside the temp folders). A command
// the policy must stop leaves the project and the home exactly as they were; an ordinary one ends
// exactly as under plain bash: exit code, output, project, home.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
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

/**
 * What `ls -l` shows differently inside, by the nature of the kernel's features (both documented
 * under "What it does not cover"): overlayfs counts no subfolders, so the project's folder and the
 * folders a command changed show a link count of 1; an unprivileged user namespace maps only your
 * own user, so files of other users (root's, in /tmp) show as nobody:nogroup.
 */
function lsColumns(output: string): string {
  return output.replace(
    /^([-dlcbps][-rwxsStT]{9}[.+]?)\s+(\d+)\s+(\S+)\s+(\S+)\s+/gm,
    (_, mode: string, links: string) =>
      `${mode} ${mode.startsWith('d') ? '<links>' : links} <owner> <group> `,
  );
}

let base = '';
let template = '';
let copies = 0;

/** A fresh copy of the template repository and its home, owned by the user the runs use. */
function copy(): { dir: string; home: string; root: string } {
  const root = join(base, String(copies++));
  mkdirSync(root);
  // The template is the user's already: cp -a keeps the owner.
  spawnSync('cp', ['-a', join(template, 'repo'), join(template, 'home'), root]);
  if (AS_ROOT) spawnSync('chown', ['nobody:nogroup', root]);
  return { dir: join(root, 'repo'), home: join(root, 'home'), root };
}

function environment(home: string): NodeJS.ProcessEnv {
  // Nothing of the test runner's own npm run (npm_config_cache and friends) reaches the commands.
  const env = Object.fromEntries(Object.entries(gitEnv(home)).filter(([key]) => !/^npm_/i.test(key)));
  return {
    ...env,
    // Commits made by a command get the same id in every copy.
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    LC_ALL: 'C',
    TMPDIR: '/tmp',
    // No network: a slow registry or web server must not make two honest runs end differently
    // (one `npm install` finished, the other stopped at the time limit). npm and npx answer from
    // the (empty) cache and fail at once; curl, pip and the like meet a closed port.
    npm_config_offline: 'true',
    ...Object.fromEntries(
      ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'].map((key) => [
        key,
        'http://127.0.0.1:9',
      ]),
    ),
  };
}

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
  state: string;
}

type Copy = ReturnType<typeof copy>;

/** Runs a command in a copy, plainly (`bash`) or through one of the wrapper's doors. */
function run(how: 'bash' | 'sh' | 'exec', command: string, given?: Copy): Promise<Outcome> {
  const place = given ?? copy();
  const env = environment(place.home);
  // The same shell under the same name each way, so its own messages read alike.
  const entry =
    how === 'bash'
      ? ['/bin/bash', '-c', command]
      : how === 'sh'
        ? [process.execPath, SH, '-c', command]
        : [process.execPath, BIN, 'exec', '--', '/bin/bash', '-c', command];
  const argv = userArgv(entry, env);
  return new Promise((resolve) => {
    // A process group of its own, so a command that hangs (an editor waiting for a terminal) is
    // ended with everything it started.
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: place.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const state = endState(place, env);
      if (!given) rmSync(place.root, { recursive: true, force: true });
      // Durations (curl's "after 4 ms") depend on the moment, not on the command.
      const shown = (text: string) =>
        lsColumns(text.split(place.root).join('<copy>')).replace(/\b\d+(\.\d+)? ?ms\b/g, '<n> ms');
      resolve({ status: code ?? -1, stdout: shown(stdout), stderr: shown(stderr), state });
    });
  });
}

/**
 * Everything a user could lose or notice, and nothing that differs between two honest runs: the
 * work tree (contents, modes, links, empty folders), the home (but agentpolicy's own state), the
 * index, the refs (commits by tree and message), HEAD, the stash, the local config, the hooks.
 */
function endState(place: Copy, env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256');
  const walk = (top: string, rel: string, skip: string[]) => {
    let names: string[];
    try {
      names = readdirSync(join(top, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      if (skip.includes(path)) continue;
      const full = join(top, path);
      const stat = lstatSync(full);
      hash.update(`${path}\0${stat.mode}\0`);
      if (stat.isSymbolicLink()) hash.update(readlinkSync(full));
      else if (stat.isDirectory()) walk(top, path, skip);
      else if (stat.isFile()) hash.update(readFileSync(full));
    }
  };
  hash.update('tree\0');
  walk(place.dir, '', ['.git']);
  hash.update('home\0');
  // Caches (npm's logs are named by the time) are refilled by any run: nothing to lose there.
  walk(place.home, '', ['.local/state/agentpolicy', '.npm', '.cache']);
  hash.update('hooks\0');
  walk(join(place.dir, '.git', 'hooks'), '', []);
  const git = spawnSync(
    'sh',
    [
      '-c',
      'git ls-files -s; git for-each-ref --format="%(refname) %(objecttype) %(tree) %(*tree) %(subject) %(*subject)"; git symbolic-ref -q HEAD || git log -1 --format="%T %s"; git stash list --format="%gs %T"; git config --local --list',
    ],
    {
      cwd: place.dir,
      env: { ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
      encoding: 'utf8',
    },
  );
  hash.update(git.stdout ?? '');
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
  // Scripts are executable, as in a real project: `./scripts/x.sh` runs what it says.
  for (const script of ['scripts/build.sh', 'scripts/cleanup.sh']) chmodSync(join(repo.dir, script), 0o755);
  repo.git('add', 'package.json', 'Makefile', 'scripts');
  repo.git('commit', '-q', '-m', 'scripts');
  repo.write('src/index.ts', 'uncommitted edit\n');
  // A home a user of npm and build tools has.
  for (const folder of ['.npm', '.cache', '.local/state'])
    mkdirSync(join(repo.home, folder), { recursive: true });
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
    const harmless: string[] = [];
    // Through both doors, alternately; in a copy of its own per worker, made again after a change.
    const denied = entries.filter((entry) => entry.verdict === 'deny');
    const workers: Copy[] = [];
    await pool(
      denied.map((entry, i) => ({ entry, how: i % 2 ? ('exec' as const) : ('sh' as const) })),
      4,
      async ({ entry, how }) => {
        const place = workers.pop() ?? copy();
        const outcome = await run(how, entry.cmd, place);
        if (outcome.state !== pristine.state) {
          failures.push(`${how}: changed: ${entry.cmd}\n${outcome.stderr}`);
          rmSync(place.root, { recursive: true, force: true });
          return;
        }
        // Denied, or run and found to do no harm here (`rm -rf /home/user` where there is none).
        if (outcome.status === 0) harmless.push(`${how}: ${entry.cmd}`);
        workers.push(place);
      },
    );
    if (harmless.length)
      console.log(`ran contained and did nothing the policy stops:\n  ${harmless.join('\n  ')}`);
    expect(failures).toEqual([]);
  }, 1_800_000);

  it('runs every ordinary command as plain bash does', async () => {
    if (!runs) return;
    const failures: string[] = [];
    const allowed = entries.filter((entry) => entry.verdict === 'allow');
    await pool(
      allowed.map((entry, i) => ({ entry, how: i % 2 ? ('exec' as const) : ('sh' as const) })),
      4,
      async ({ entry, how }) => {
        const [plain, wrapped] = await Promise.all([run('bash', entry.cmd), run(how, entry.cmd)]);
        if (
          WRITES_OUTSIDE.some((pattern) => pattern.test(entry.cmd)) &&
          plain.status === 0 &&
          wrapped.status !== 0 &&
          /Read-only file system/.test(wrapped.stderr)
        )
          return; // refused by the read-only file system, and said so
        if (wrapped.status !== plain.status)
          failures.push(
            `${how}: exit ${wrapped.status}, bash ${plain.status}: ${entry.cmd}\n${wrapped.stderr}`,
          );
        else if (wrapped.state !== plain.state) failures.push(`${how}: end state differs: ${entry.cmd}`);
        else if (wrapped.stdout !== plain.stdout || wrapped.stderr !== plain.stderr) {
          // Output that differs between two plain runs too (times, process ids) is not compared.
          // Other commands of the pool change shared folders (`ls -la /tmp`) meanwhile, so the
          // wrapped run is tried once more between two plain runs before a difference counts.
          const output = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
          const before = await run('bash', entry.cmd);
          const retried = await run(how, entry.cmd);
          const after = await run('bash', entry.cmd);
          if (
            output(before) === output(plain) &&
            output(retried) !== output(before) &&
            output(retried) !== output(after)
          )
            failures.push(
              `${how}: output differs: ${entry.cmd}\n--- bash\n${output(before)}\n--- ${how}\n${output(retried)}`,
            );
        }
      },
    );
    expect(failures).toEqual([]);
  }, 1_800_000);
});
