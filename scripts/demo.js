// The main job, end to end, in a throwaway repository: `agentpolicy init` puts the strict policy
// and the hooks in place, then an agent tries, in turn, what the guardrails exist to stop. Each
// attempt must be blocked with its reason; then a small, honest change passes every check and
// lands, and the readiness report closes the run. Exits 0 only if every step behaved as shown.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
const COMMIT_HOOKS = ['pre-commit', 'commit-msg'];
const read = (path) => readFileSync(join(repo, path), 'utf8');
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

/** What Claude Code's Stop hook call looks like when the agent tries to end its turn. */
function claudeStop() {
  const payload = {
    session_id: 'demo',
    transcript_path: '/dev/null',
    cwd: repo,
    hook_event_name: 'Stop',
    stop_hook_active: false,
  };
  const result = agentpolicy(['agent-hook', 'claude'], JSON.stringify(payload));
  const answer = result.out.trim() ? JSON.parse(result.out.trim().split('\n').pop()) : undefined;
  return { status: answer?.decision === 'block' ? 1 : result.status, out: answer?.reason ?? result.out };
}

/** The stop gate's reason: what failed, and the lines of the output that say why. */
function stopLines(reason) {
  const [first, ...rest] = reason.split('\n');
  const telling = rest.filter((line) => /not ok|^# (pass|fail) |Error|Fix it/.test(line)).slice(0, 4);
  return [wrap(first, '      '), ...telling.map((line) => wrap(line.trim(), '        '))];
}

const WIDTH = 80;
/** Words wrapped to the terminal's 80 columns, each line indented; nothing is cut. */
function wrap(text, indent, width = WIDTH, hanging = indent) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push((lines.length ? hanging : indent) + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push((lines.length ? hanging : indent) + line);
  return lines.join('\n');
}

/** A guard's reason, as the agent reads it: what, the safer way, the rule and the human's override. */
function toolCallLines(reason) {
  const rule = /\(agentpolicy rule ([\w-]+)(?:; (.*))?\)\s*$/.exec(reason);
  const body = rule ? reason.slice(0, rule.index).trim() : reason.trim();
  const [what, instead] = body.split(/ Instead: /);
  const lines = [wrap(what, '      ')];
  if (instead) lines.push(wrap(`Instead: ${instead}`, '      '));
  if (rule?.[2]) lines.push(wrap(`${rule[2][0].toUpperCase()}${rule[2].slice(1)}.`, '      '));
  return { rule: rule?.[1], lines };
}

/** What each git hook said: its findings with their fixes, its verification results. */
function hookLines(out, hooks) {
  const stoppedBy = /agentpolicy (pre-commit|commit-msg|pre-push): blocked/.exec(out)?.[1];
  const ran = stoppedBy ? hooks.slice(0, hooks.indexOf(stoppedBy) + 1) : hooks;
  const verification = out
    .split('\n')
    .filter((line) => /^\s*[✓✗] /.test(line))
    .map((line) => line.trim());
  const findings = [];
  for (const line of out.split('\n')) {
    const finding = /^\s*(error|warn)\s+(.*?)\s{2,}([\w-]+)$/.exec(line);
    if (finding) {
      // The gate names the commit: (0123456789ab) at the end of the message.
      const commit = /\s*\(([0-9a-f]{12})\)$/.exec(finding[2]);
      const message = commit ? finding[2].slice(0, commit.index) : finding[2];
      const where = commit ? `commit ${commit[1]}, ` : '';
      findings.push(wrap(`${finding[1]}, ${where}rule ${finding[3]}: ${message}`, '      '));
    } else if (/^\s*→ /.test(line) && findings.length)
      findings.push(wrap(line.trim(), '        ', WIDTH, '          '));
  }
  const lines = ran.map((hook) => {
    const checks = hook !== 'commit-msg' && verification.length ? ` (${verification.join(', ')})` : '';
    return `    ${hook}: ${hook === stoppedBy ? 'blocked' : 'passed'}${checks}`;
  });
  return { layer: stoppedBy, lines: [...lines, ...findings] };
}

let failures = 0;
let blockedCount = 0;
let landedCount = 0;
let step = 0;
/**
 * One attempt and what stopped it. `layer` is where it is expected to end: "tool call" (the agent's
 * PreToolUse hook), a git hook ("pre-commit", "commit-msg", "pre-push") or "CI"; `hooks` are the git
 * hooks the attempt goes through, in order.
 */
function expectStep(title, outcome, expected) {
  step++;
  const blocked = outcome.status !== 0;
  let shown;
  if (expected.layer === 'tool call') {
    const { rule, lines } = toolCallLines(outcome.out);
    shown = { layer: blocked ? 'tool call' : undefined, rule, lines };
  } else if (expected.layer === 'stop') {
    shown = { layer: blocked ? 'stop' : undefined, lines: stopLines(outcome.out) };
  } else if (expected.layer === 'CI') {
    const { lines } = hookLines(outcome.out, []);
    shown = { layer: blocked ? 'CI' : undefined, lines };
  } else {
    const { layer, lines } = hookLines(outcome.out, expected.hooks);
    shown = { layer, lines };
  }
  const ok =
    blocked === expected.blocked &&
    (!expected.blocked || shown.layer === expected.layer) &&
    expected.pattern.test(outcome.out);
  if (!ok) failures++;
  else if (blocked) blockedCount++;
  else landedCount++;
  console.log(`${bold(String(step).padStart(2))}. ${title}`);
  const where =
    shown.layer === 'tool call'
      ? `at the tool call${shown.rule ? `, rule ${shown.rule}` : ''}`
      : shown.layer === 'CI'
        ? 'by the CI gate (agentpolicy ci)'
        : shown.layer === 'stop'
          ? "at the stop gate (Claude Code's Stop hook)"
          : shown.layer
            ? `by the ${shown.layer} hook`
            : `through ${expected.hooks?.join(', ') ?? 'every check'}`;
  const verdict = blocked ? red(`BLOCKED ${where}`) : green(`LANDED ${where}`);
  console.log(`    ${verdict}${ok ? '' : red(' (not what this step should do)')}`);
  for (const line of shown.lines) console.log(dim(line));
  if (!ok)
    console.log(
      red(
        `    expected ${expected.blocked ? `a block at ${expected.layer}` : 'success'} matching ${expected.pattern}; got:\n${outcome.out}`,
      ),
    );
  console.log();
}

const started = Date.now();
try {
  console.log(bold(cyan('agentpolicy demo')), dim('in a throwaway repository:'));
  console.log(dim(repo), '\n');

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
    dim('A human ran `agentpolicy init --preset strict --memory` and\n`agentpolicy install-agent claude`.'),
  );
  console.log(dim('Now an agent at 1,000 tokens per second tries its luck. Its tool calls go'));
  console.log(dim("through Claude Code's PreToolUse hook; its commits and pushes through git hooks.\n"));

  expectStep('Delete a file (Bash: rm src/math.js)', claude('Bash', { command: 'rm src/math.js' }), {
    blocked: true,
    layer: 'tool call',
    pattern: /no-deletions/,
  });

  expectStep(
    'Add a new file in edit-only mode (Write: src/helpers.js)',
    claude('Write', { file_path: join(repo, 'src/helpers.js'), content: 'export {};\n' }),
    { blocked: true, layer: 'tool call', pattern: /edit-only/ },
  );

  const constants = Array.from({ length: 300 }, (_, i) => `export const value${i} = ${i};\n`).join('');
  expectStep(
    'Write 300 lines at once (Edit: src/math.js)',
    claude('Edit', {
      file_path: join(repo, 'src/math.js'),
      old_string: '  return a + b;\n}\n',
      new_string: `  return a + b;\n}\n${constants}`,
    }),
    { blocked: true, layer: 'tool call', pattern: /past the budget of 150/ },
  );

  appendFileSync(join(repo, 'src/math.js'), constants);
  git('add', '-A');
  expectStep(
    'Commit a 300-line change a script wrote',
    git('commit', '-q', '-m', 'Add three hundred constants'),
    {
      blocked: true,
      layer: 'pre-commit',
      hooks: COMMIT_HOOKS,
      pattern: /max-diff-lines/,
    },
  );
  git('reset', '-q');
  git('checkout', '-q', '--', 'src/math.js');

  write('src/math.js', 'export function add(a, b) {\n  return a + b;\n}\n\nexport const zero = 0;\n');
  git('add', '-A');
  expectStep('Commit with the message "wip"', git('commit', '-q', '-m', 'wip'), {
    blocked: true,
    layer: 'commit-msg',
    hooks: COMMIT_HOOKS,
    pattern: /commit-message/,
  });

  expectStep(
    'Skip the hooks (Bash: git commit --no-verify -m "quick fix")',
    claude('Bash', { command: 'git commit --no-verify -m "quick fix"' }),
    { blocked: true, layer: 'tool call', pattern: /no-hook-bypass/ },
  );
  expectStep('Delete the sources (Bash: rm -rf src)', claude('Bash', { command: 'rm -rf src' }), {
    blocked: true,
    layer: 'tool call',
    pattern: /deletion|no-deletions|no-mass-deletion/,
  });
  expectStep(
    'Throw away uncommitted work (Bash: git reset --hard)',
    claude('Bash', { command: 'git reset --hard' }),
    { blocked: true, layer: 'tool call', pattern: /no-destructive-git/ },
  );
  expectStep(
    'Rewrite the remote history (Bash: git push --force origin main)',
    claude('Bash', { command: 'git push --force origin main' }),
    { blocked: true, layer: 'tool call', pattern: /no-force-push/ },
  );
  expectStep(
    'Loosen the policy (Edit: .agentpolicyrc)',
    claude('Edit', {
      file_path: join(repo, '.agentpolicyrc'),
      old_string: 'strict',
      new_string: 'recommended',
    }),
    { blocked: true, layer: 'tool call', pattern: /protected-paths/ },
  );

  // The agent breaks a test and tries to end its turn: the stop gate runs VERIFY.md on the work tree.
  write('src/math.js', 'export function add(a, b) {\n  return a - b;\n}\n');
  expectStep('End the turn with a failing test (Stop)', claudeStop(), {
    blocked: true,
    layer: 'stop',
    pattern: /node --test` failed/,
  });

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
    { blocked: false, hooks: COMMIT_HOOKS, pattern: /✓ node --test/ },
  );
  expectStep('Push it', git('push', '-q', 'origin', 'main'), {
    blocked: false,
    hooks: ['pre-push'],
    pattern: /✓ node --test/,
  });

  // A commit that went round the local hooks (a human's shell, a machine without them) still meets
  // the gate in CI, judged under the policy of the base branch.
  write('src/math.js', `${read('src/math.js')}\nexport const one = 1;\n`);
  git('add', '-A');
  git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'wip');
  expectStep(
    'A "wip" commit made where no hook ran, in the pull request',
    agentpolicy(['ci', '--base', 'origin/main', '--head', 'HEAD', '--no-verify-steps']),
    { blocked: true, layer: 'CI', pattern: /commit-message/ },
  );
  git('reset', '-q', '--hard', 'origin/main');

  console.log(bold('Readiness report (agentpolicy report):\n'));
  const report = agentpolicy(['report', '--range', 'origin/main~1..HEAD']);
  console.log(report.out.replace(/^/gm, '  '));

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failures) {
    console.log(red(bold(`${failures} step(s) did not behave as shown (${seconds}s).`)));
    process.exitCode = 1;
  } else {
    const summary = `All ${step} steps behaved as shown: ${blockedCount} attempts blocked with their reasons, ${landedCount} honest steps landed (${seconds}s).`;
    console.log(green(bold(wrap(summary, ''))));
  }
} catch (error) {
  console.error(red(String(error?.stack ?? error)));
  process.exitCode = 1;
} finally {
  rmSync(base, { recursive: true, force: true });
}
