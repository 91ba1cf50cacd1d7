// The agent guard: `agentpolicy agent-hook claude` as a whole process, against `node -e 0` and
// against cc-safety-net's Claude Code hook on the same payloads, alternating run by run; then the
// in-process checks per second over the shared corpus. Goals: at most 1.25x `node -e 0`; at least
// 20,000 checks per second in process. Run: npm run build && node bench/guard.js
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLoad, median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-guard-'));
const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
git('init', '-q', '-b', 'main');
git('config', 'user.name', 'bench');
git('config', 'user.email', 'bench@example.com');
writeFileSync(join(dir, '.agentpolicyrc'), '{ "extends": "agentpolicy:recommended" }\n');
mkdirSync(join(dir, 'src'));
writeFileSync(join(dir, 'src/app.ts'), 'export {};\n');
mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
symlinkSync(join(root, 'bin/agentpolicy.cjs'), join(dir, 'node_modules/.bin/agentpolicy'));
writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
git('add', '-A');
git('commit', '-q', '-m', 'base');

const commands = [
  'ls -la',
  'npm test',
  'git status --short',
  'git commit -m "feat: add parser"',
  'git push --force origin main',
  'rm -rf /',
];
const payload = (command) =>
  JSON.stringify({
    session_id: 'bench',
    transcript_path: '/dev/null',
    cwd: dir,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command },
    tool_use_id: 'toolu_bench',
  });

try {
  const env = { ...process.env, NO_COLOR: '1' };
  // One run first, as the first tool call of a session: it writes V8's code cache.
  execFileSync(process.execPath, [join(root, 'bin/agentpolicy.cjs'), 'agent-hook', 'claude'], {
    cwd: dir,
    input: payload('ls'),
    env,
  });
  const rows = [
    [
      'payload',
      'node -e 0',
      'agentpolicy',
      'cc-safety-net',
      'agentpolicy / node',
      'agentpolicy / cc-safety-net',
    ],
  ];
  const all = { node: [], agentpolicy: [], ccsn: [] };
  for (const command of commands) {
    const input = payload(command);
    const times = timeAlternating(
      [
        { name: 'node', argv: [process.execPath, '-e', '0'], cwd: dir, env, input },
        {
          name: 'agentpolicy',
          argv: [process.execPath, join(root, 'bin/agentpolicy.cjs'), 'agent-hook', 'claude'],
          cwd: dir,
          env,
          input,
          expectStatus: 0,
        },
        {
          name: 'ccsn',
          argv: [
            process.execPath,
            join(root, 'node_modules/cc-safety-net/dist/bin/cc-safety-net.js'),
            'hook',
            '--claude-code',
          ],
          cwd: dir,
          env,
          input,
        },
      ],
      { runs },
    );
    for (const key of Object.keys(all)) all[key].push(median(times[key]));
    const [node, ours, theirs] = [median(times.node), median(times.agentpolicy), median(times.ccsn)];
    rows.push([
      command,
      ms(node),
      ms(ours),
      ms(theirs),
      `${(ours / node).toFixed(2)}x`,
      `${(ours / theirs).toFixed(2)}x`,
    ]);
  }
  // The median over the payloads: one payload whose runs the machine disturbed does not decide.
  const mid = (list) => median([...list].sort((a, b) => a - b));
  const ratio = mid(all.agentpolicy.map((value, i) => value / all.node[i]));
  const versus = mid(all.agentpolicy.map((value, i) => value / all.ccsn[i]));
  rows.push([
    '(median)',
    ms(mid(all.node)),
    ms(mid(all.agentpolicy)),
    ms(mid(all.ccsn)),
    `${ratio.toFixed(2)}x`,
    `${versus.toFixed(2)}x`,
  ]);
  console.log(
    `agent-hook claude as a whole process, median of ${runs} alternating runs per payload, Node ${process.versions.node}\n`,
  );
  printTable(rows);
  console.log(
    `\nwhole process: ${ratio.toFixed(2)}x node -e 0 (goal: at most 1.25x) ${ratio <= 1.25 ? 'met' : 'NOT met'}; ${machineLoad()}`,
  );

  // In process: parse, analyse and decide, with the repository facts each command needs gathered
  // beforehand (they cost a git call only for the commands that touch paths or git state).
  const api = await import(join(root, 'dist/index.js'));
  const { policy } = await api.resolvePolicy(dir);
  const corpus = JSON.parse(readFileSync(join(root, 'test/fixtures/corpus/commands.json'), 'utf8')).map(
    (entry) => entry.cmd,
  );
  const prepared = corpus.map((command) => {
    const { operations } = api.analyzeCommand(command, dir, { HOME: '/root', TMPDIR: '/tmp' });
    return { command, facts: api.gatherFacts(dir, true, operations, process.env, ['/tmp']) };
  });
  const check = ({ command, facts }) =>
    api.decide(
      api.evaluateOperations(
        policy,
        api.analyzeCommand(command, dir, { HOME: '/root', TMPDIR: '/tmp' }).operations,
        facts,
      ),
      policy,
    );
  for (const item of prepared) check(item);
  let count = 0;
  const started = process.hrtime.bigint();
  while (process.hrtime.bigint() - started < 2_000_000_000n) {
    for (const item of prepared) check(item);
    count += prepared.length;
  }
  const perSecond = count / (Number(process.hrtime.bigint() - started) / 1e9);
  console.log(
    `in process: ${Math.round(perSecond).toLocaleString('en')} checks per second over the ${corpus.length} corpus commands (goal: at least 20,000) ${perSecond >= 20000 ? 'met' : 'NOT met'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
