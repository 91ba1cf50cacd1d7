// The main job, end to end, in a throwaway repository: `agentpolicy init` puts the strict policy
// and the hooks in place, then an agent tries, in turn, what the guardrails exist to stop. Each
// attempt must be blocked with its reason; then a small, honest change passes every check and
// lands, and the readiness report closes the run. Exits 0 only if every step behaved as shown.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/agentpolicy.cjs', import.meta.url));
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const red = paint('31');
const green = paint('32');
const cyan = paint('36');

const base = mkdtempSync(join(tmpdir(), 'agentpolicy-demo-'));
const repo = join(base, 'project');
const remote = join(base, 'remote.git');
const home = join(base, 'home');
mkdirSync(repo, { recursive: true });
mkdirSync(home, { recursive: true });

// A clean git for the demo: none of the user's own git settings, hooks or identity.
const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_') && !key.startsWith('AGENTPOLICY_')),
  ),
  HOME: home,
  XDG_CONFIG_HOME: join(home, '.config'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Demo Agent',
  GIT_AUTHOR_EMAIL: 'agent@example.com',
  GIT_COMMITTER_NAME: 'Demo Agent',
  GIT_COMMITTER_EMAIL: 'agent@example.com',
  NO_COLOR: '1',
};

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: repo, env, encoding: 'utf8', input: options.input ?? '' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}
const git = (...args) => run('git', args);
const agentpolicy = (args, input) => run(process.execPath, [BIN, ...args], { input });
const write = (path, content) => {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), content);
};

/** What a Claude Code PreToolUse hook call looks like. */
function claude(tool, input) {
  const payload = {
    session_id: 'demo',
    transcript_path: '/dev/null',
    cwd: repo,
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input,
    tool_use_id: 'toolu_demo',
  };
  const result = agentpolicy(['agent-hook', 'claude'], JSON.stringify(payload));
  const decision = result.out.trim()
    ? JSON.parse(result.out.trim().split('\n').pop()).hookSpecificOutput
    : undefined;
  return {
    status: decision?.permissionDecision === 'deny' ? 1 : result.status,
    out: decision?.permissionDecisionReason ?? result.out,
  };
}

let failures = 0;
let step = 0;
function expectStep(title, outcome, expectBlocked, pattern) {
  step++;
  const blocked = outcome.status !== 0;
  const matched = pattern.test(outcome.out);
  const ok = blocked === expectBlocked && matched;
  if (!ok) failures++;
  const verdict = blocked ? red('BLOCKED') : green('LANDED ');
  console.log(`${bold(String(step).padStart(2))}. ${title}`);
  console.log(`    ${verdict} ${ok ? '' : red('(not what this step should do)')}`);
  const reason = outcome.out
    .split('\n')
    .filter((line) => /error|deny|✗|✓|blocked|ready|passed|force|hook/i.test(line) && !/^husky -/.test(line))
    .slice(0, 3);
  for (const line of reason.length ? reason : outcome.out.trim().split('\n').slice(0, 2))
    console.log(`    ${dim(line.trim().slice(0, 150))}`);
  if (!ok)
    console.log(
      red(`    expected ${expectBlocked ? 'a block' : 'success'} matching ${pattern}; got:\n${outcome.out}`),
    );
  console.log();
}

const started = Date.now();
try {
  console.log(bold(cyan('agentpolicy demo')), dim(`(a throwaway repository in ${repo})`), '\n');

  // The project an agent is let loose on.
  write(
    'package.json',
    `${JSON.stringify({ name: 'demo', private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  );
  write('.gitignore', 'node_modules\n');
  write('src/math.js', 'export function add(a, b) {\n  return a + b;\n}\n');
  write(
    'test/math.test.js',
    "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { add } from '../src/math.js';\n\ntest('add', () => {\n  assert.equal(add(2, 3), 5);\n});\n",
  );
  mkdirSync(join(repo, 'node_modules/.bin'), { recursive: true });
  symlinkSync(BIN, join(repo, 'node_modules/.bin/agentpolicy'));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Start the demo project');
  run('git', ['init', '-q', '--bare', remote]);
  git('remote', 'add', 'origin', remote);
  git('push', '-q', 'origin', 'main');

  // A human sets the guardrails up: the strict preset, the hooks, the memory files, the agent hook.
  const init = agentpolicy(['init', '--preset', 'strict', '--memory']);
  write('VERIFY.md', '# VERIFY.md\n\nRun before moving on:\n\n```sh\nnode --test\n```\n');
  agentpolicy(['install-agent', 'claude']);
  git('add', '-A');
  const setup = git('commit', '-q', '-m', 'Guard the project with agentpolicy');
  if (init.status !== 0 || setup.status !== 0) throw new Error(`set-up failed:\n${init.out}\n${setup.out}`);
  console.log(
    dim('A human ran `agentpolicy init --preset strict --memory` and `agentpolicy install-agent claude`.'),
  );
  console.log(dim('Now an agent at 1,000 tokens per second tries its luck:\n'));

  expectStep(
    'Delete a file (Bash: rm src/math.js)',
    claude('Bash', { command: 'rm src/math.js' }),
    true,
    /no-deletions/,
  );

  expectStep(
    'Add a new file in edit-only mode (Write: src/helpers.js)',
    claude('Write', { file_path: join(repo, 'src/helpers.js'), content: 'export {};\n' }),
    true,
    /edit-only/,
  );

  appendFileSync(
    join(repo, 'src/math.js'),
    Array.from({ length: 300 }, (_, i) => `export const value${i} = ${i};\n`).join(''),
  );
  git('add', '-A');
  expectStep(
    'Commit a 300-line change',
    git('commit', '-q', '-m', 'Add three hundred constants'),
    true,
    /max-diff-lines/,
  );
  git('reset', '-q');
  git('checkout', '-q', '--', 'src/math.js');

  write('src/math.js', 'export function add(a, b) {\n  return a + b;\n}\n\nexport const zero = 0;\n');
  git('add', '-A');
  expectStep('Commit with the message "wip"', git('commit', '-q', '-m', 'wip'), true, /commit-message/);

  expectStep(
    'Skip the hooks (Bash: git commit --no-verify -m "quick fix")',
    claude('Bash', { command: 'git commit --no-verify -m "quick fix"' }),
    true,
    /no-hook-bypass/,
  );
  expectStep(
    'Delete the sources (Bash: rm -rf src)',
    claude('Bash', { command: 'rm -rf src' }),
    true,
    /deletion|no-deletions|no-mass-deletion/,
  );
  expectStep(
    'Throw away uncommitted work (Bash: git reset --hard)',
    claude('Bash', { command: 'git reset --hard' }),
    true,
    /no-destructive-git/,
  );
  expectStep(
    'Rewrite the remote history (Bash: git push --force origin main)',
    claude('Bash', { command: 'git push --force origin main' }),
    true,
    /no-force-push/,
  );
  expectStep(
    'Loosen the policy (Edit: .agentpolicyrc)',
    claude('Edit', {
      file_path: join(repo, '.agentpolicyrc'),
      old_string: 'strict',
      new_string: 'recommended',
    }),
    true,
    /protected-paths/,
  );

  // The honest way: a small change with its test, a real message, verification on what is staged.
  write(
    'src/math.js',
    'export function add(a, b) {\n  return a + b;\n}\n\nexport function subtract(a, b) {\n  return a - b;\n}\n',
  );
  appendFileSync(
    join(repo, 'test/math.test.js'),
    "\ntest('subtract', async () => {\n  const { subtract } = await import('../src/math.js');\n  assert.equal(subtract(5, 3), 2);\n});\n",
  );
  git('add', '-A');
  expectStep(
    'A small, honest change: "Add subtraction to the math module"',
    git('commit', '-q', '-m', 'Add subtraction to the math module'),
    false,
    /✓ node --test/,
  );
  expectStep('Push it', git('push', '-q', 'origin', 'main'), false, /./s);

  console.log(bold('Readiness report (agentpolicy report):\n'));
  const report = agentpolicy(['report', '--range', 'origin/main~1..HEAD']);
  console.log(report.out.replace(/^/gm, '  '));

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failures) {
    console.log(red(bold(`${failures} step(s) did not behave as shown (${seconds}s).`)));
    process.exitCode = 1;
  } else {
    console.log(
      green(
        bold(
          `All ${step} steps behaved as shown: ${step - 2} attempts blocked with their reasons, one honest change landed (${seconds}s).`,
        ),
      ),
    );
  }
} catch (error) {
  console.error(red(String(error?.stack ?? error)));
  process.exitCode = 1;
} finally {
  rmSync(base, { recursive: true, force: true });
}
