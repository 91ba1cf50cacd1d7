// Live discipline at the tool call: what Claude Code's PostToolUse and PreToolUse cost under the
// strict preset, as whole processes against `node -e 0`, alternating run by run. A post-tool call
// for a file that no `edit` step watches runs nothing: goal at most 1.25x `node -e 0`. The
// pre-tool Write pays for the live diff budget (two git calls). Run: npm run build && node bench/live.js
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLoad, median, ms, printTable, timeAlternating } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'agentpolicy-bench-live-'));
const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
git('init', '-q', '-b', 'main');
git('config', 'user.name', 'bench');
git('config', 'user.email', 'bench@example.com');
const policy = {
  extends: 'agentpolicy:strict',
  verify: { unit: { run: 'node --test', on: ['edit', 'pre-commit'], when: ['src/**'] } },
};
writeFileSync(join(dir, '.agentpolicyrc'), `${JSON.stringify(policy, null, 2)}\n`);
writeFileSync(join(dir, 'VERIFY.md'), '```sh\nnode --test\n```\n');
mkdirSync(join(dir, 'src'));
mkdirSync(join(dir, 'docs'));
writeFileSync(join(dir, 'src/app.js'), 'export const one = 1;\n');
writeFileSync(join(dir, 'docs/guide.md'), '# Guide\n');
mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
symlinkSync(join(root, 'bin/agentpolicy.cjs'), join(dir, 'node_modules/.bin/agentpolicy'));
writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
git('add', '-A');
git('commit', '-q', '-m', 'base');
writeFileSync(join(dir, 'docs/guide.md'), '# Guide\n\nHow to start.\n');

const base = {
  session_id: 'bench',
  transcript_path: join(dir, 'transcript.jsonl'),
  cwd: dir,
  permission_mode: 'default',
  tool_use_id: 'toolu_bench',
};
writeFileSync(
  base.transcript_path,
  `${JSON.stringify({ type: 'assistant', message: { usage: { input_tokens: 5, cache_creation_input_tokens: 2000, cache_read_input_tokens: 40000 } } })}\n`,
);
const payloads = {
  'PostToolUse Edit docs/guide.md (no step)': {
    ...base,
    hook_event_name: 'PostToolUse',
    tool_name: 'Edit',
    tool_input: {
      file_path: join(dir, 'docs/guide.md'),
      old_string: '# Guide\n',
      new_string: '# Guide\n\nHow to start.\n',
    },
    tool_response: { success: true },
  },
  'PreToolUse Write src/app.js (budget)': {
    ...base,
    hook_event_name: 'PreToolUse',
    tool_name: 'Write',
    tool_input: {
      file_path: join(dir, 'src/app.js'),
      content: 'export const one = 1;\nexport const two = 2;\n',
    },
  },
};

try {
  const env = { ...process.env, NO_COLOR: '1' };
  const hook = [process.execPath, join(root, 'bin/agentpolicy.cjs'), 'agent-hook', 'claude'];
  execFileSync(hook[0], hook.slice(1), {
    cwd: dir,
    input: JSON.stringify(payloads['PreToolUse Write src/app.js (budget)']),
    env,
  });
  const rows = [['payload', 'node -e 0', 'agentpolicy', 'agentpolicy / node']];
  const ratios = {};
  for (const [name, payload] of Object.entries(payloads)) {
    const input = JSON.stringify(payload);
    const times = timeAlternating(
      [
        { name: 'node', argv: [process.execPath, '-e', '0'], cwd: dir, env, input },
        { name: 'agentpolicy', argv: hook, cwd: dir, env, input, expectStatus: 0 },
      ],
      { runs },
    );
    const [node, ours] = [median(times.node), median(times.agentpolicy)];
    ratios[name] = ours / node;
    rows.push([name, ms(node), ms(ours), `${(ours / node).toFixed(2)}x`]);
  }
  console.log(
    `agent-hook claude under strict, median of ${runs} alternating runs per payload, Node ${process.versions.node}\n`,
  );
  printTable(rows);
  const post = ratios['PostToolUse Edit docs/guide.md (no step)'];
  console.log(
    `\npost-tool call with no matching step: ${post.toFixed(2)}x node -e 0 (goal: at most 1.25x) ${post <= 1.25 ? 'met' : 'NOT met'}; ${machineLoad()}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
