// The CI gate over a 1,000-commit range under the strict preset, as a whole process, against
// baselines measured in the same run on the same range: `git log -p` of the range plus Node's
// start-up, and commitlint --from/--to (messages only). Goals: at most 3x the first, at most 1x
// the second. By default on a generated history; on a real one with BENCH_REPO=/path/to/clone
// (judged in a shared clone with one commit on top that adopts the strict preset: the repository
// itself is not touched). Also counts the git processes one run starts.
// Run: npm run build && node bench/ci.js   (BENCH_REPO, BENCH_COMMITS, BENCH_RUNS)
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const commits = Number(process.env.BENCH_COMMITS ?? 1000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const work = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-ci-'));
const dir = join(work, 'repo');
const STRICT = JSON.stringify({ extends: 'agentpolicy:strict' });
const identity = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com'];
const git = (args, input) =>
  execFileSync('git', args, { cwd: dir, input, maxBuffer: 1 << 30, encoding: 'utf8' }).trim();

/** A generated history with the shapes of a real one: sizes, renames, lock files, merges. */
function generate() {
  mkdirSync(dir);
  git(['init', '-q', '-b', 'main']);
  writeFileSync(join(dir, 'a.ts'), 'export const a = 0;\n');
  git(['add', '-A']);
  git([...identity, 'commit', '-q', '-m', 'Set up the benchmark project']);
  let stream = '';
  const now = 1_764_000_000;
  const body = (i, size) =>
    Array.from({ length: size }, (_, line) => `export const v${i}_${line} = ${line};`).join('\n');
  for (let i = 1; i <= commits; i++) {
    const message = `Change the module for step ${i}\n\nWhy: step ${i} of the generated history.\n`;
    stream += `commit refs/heads/feature\nmark :${i}\ncommitter B <b@example.com> ${now + i} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
    if (i === 1) stream += 'from refs/heads/main\n';
    if (i % 50 === 0) stream += `merge :${i - 3}\n`;
    // Mostly small edits; every 10th a larger one, every 25th a lock file, every 40th a rename.
    const size = i % 10 === 0 ? 180 : 1 + (i % 30);
    const text = `${body(i, size)}\n`;
    stream += `M 100644 inline src/m${i % 97}.ts\ndata ${Buffer.byteLength(text)}\n${text}`;
    if (i % 25 === 0) {
      const lock = `${body(i, 400)}\n`;
      stream += `M 100644 inline package-lock.json\ndata ${Buffer.byteLength(lock)}\n${lock}`;
    }
    if (i % 40 === 0) stream += `R src/m${(i - 1) % 97}.ts src/renamed${i}.ts\n`;
    stream += '\n';
  }
  git(['fast-import', '--quiet'], stream);
  git(['checkout', '-q', 'feature']);
  return { base: git(['rev-parse', 'main']), source: `a generated history of ${commits} commits` };
}

/** A shared clone of BENCH_REPO, the base found so that base..HEAD holds about `commits` commits. */
function real(path) {
  execFileSync('git', ['clone', '-q', '--shared', '--no-checkout', resolve(path), dir]);
  const tip = git(['rev-parse', 'HEAD']);
  const count = (n) => Number(git(['rev-list', '--count', `HEAD~${n}..HEAD`]));
  const depth = Number(git(['rev-list', '--count', '--first-parent', 'HEAD'])) - 1;
  let low = 1;
  let high = Math.min(depth, commits);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (count(middle) >= commits) high = middle;
    else low = middle + 1;
  }
  const base = git(['rev-parse', `HEAD~${low}`]);
  return {
    base,
    source: `${resolve(path)} at ${tip.slice(0, 12)}, ${count(low)} commits (HEAD~${low}..HEAD)`,
  };
}

try {
  const { base, source } = process.env.BENCH_REPO ? real(process.env.BENCH_REPO) : generate();
  const original = git(['rev-parse', 'HEAD']);
  // The commit that adopts the strict preset: the range is judged by it, as an adoption.
  const head = git([
    ...identity,
    'commit-tree',
    addToTree(original, '.agentpolicyrc', STRICT),
    '-p',
    original,
    '-m',
    'Adopt the strict agentpolicy preset',
  ]);
  const env = { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', GITLAB_CI: '' };
  const gate = [
    process.execPath,
    join(root, 'bin/agentpolicy.cjs'),
    'ci',
    '--base',
    base,
    '--head',
    head,
    '--format',
    'json',
    '--no-verify-steps',
  ];
  const commitlint = join(root, 'node_modules/.bin/commitlint');
  const commands = [
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'], cwd: dir, env },
    { name: 'git log -p (the range)', argv: ['git', 'log', '-p', `${base}..${original}`], cwd: dir, env },
    { name: 'agentpolicy ci (strict)', argv: gate, cwd: dir, env },
  ];
  if (existsSync(commitlint))
    commands.push({
      name: 'commitlint --from --to',
      argv: [commitlint, '-g', join(root, 'bench/commitlint.config.mjs'), '--from', base, '--to', original],
      cwd: dir,
      env,
    });
  const check = spawnSync(gate[0], gate.slice(1), { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (check.status !== 0 && check.status !== 1) throw new Error(`agentpolicy ci failed:\n${check.stderr}`);
  const result = JSON.parse(check.stdout);
  const processes = countGitProcesses(gate, env);
  const loadBefore = loadavg()[0];
  const times = timeAlternating(commands, { runs, warmup: 1 });
  const at = (name) => median(times[name]);
  const gateTime = at('agentpolicy ci (strict)');
  console.log(
    `the CI gate under strict on ${source}, ${runs} runs, Node ${process.versions.node}, ${process.platform} ${process.arch}, load ${loadBefore.toFixed(1)} to ${loadavg()[0].toFixed(1)}\n`,
  );
  printTable([
    ['command', 'median', 'min'],
    ...Object.entries(times).map(([name, list]) => [name, ms(median(list)), ms(list[0])]),
  ]);
  const floor = at('git log -p (the range)') + at('node -e 0');
  console.log(
    `\n${result.subject}: ${result.findings.length} findings, ${processes} git processes in one run`,
  );
  console.log(
    `ratio to git log -p plus node -e 0: ${(gateTime / floor).toFixed(2)}x (goal at most 3x: ${gateTime <= 3 * floor ? 'met' : 'NOT met'})`,
  );
  if (times['commitlint --from --to']) {
    const lint = at('commitlint --from --to');
    console.log(
      `ratio to commitlint --from --to: ${(gateTime / lint).toFixed(2)}x (goal at most 1x: ${gateTime <= lint ? 'met' : 'NOT met'})`,
    );
  }
  console.log(`cost per commit: ${((gateTime - at('node -e 0')) / rangeCommits(result)).toFixed(2)} ms`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function rangeCommits(result) {
  return Number(/\((\d+) commits/.exec(result.subject)?.[1] ?? commits);
}

/** `tree` of `commit` with one more file at the top. */
function addToTree(commit, name, content) {
  const blob = git(['hash-object', '-w', '--stdin'], content);
  const entries = git(['ls-tree', commit])
    .split('\n')
    .filter((line) => line && !line.endsWith(`\t${name}`));
  entries.push(`100644 blob ${blob}\t${name}`);
  return git(['mktree'], `${entries.join('\n')}\n`);
}

/** Runs the gate once with git behind a counting wrapper. */
function countGitProcesses(argv, env) {
  const shim = join(work, 'shim');
  const log = join(work, 'git-calls');
  execFileSync('mkdir', ['-p', shim]);
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(shim, 'git'), `#!/bin/sh\necho x >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(shim, 'git'), 0o755);
  spawnSync(argv[0], argv.slice(1), {
    cwd: dir,
    env: { ...env, PATH: `${shim}:${env.PATH}` },
    maxBuffer: 1 << 30,
  });
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
}
