// The guard as the processes agents and hosts run: check-command, exec, sh -c and agent-hook.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { createRepo, snapshot, type TestRepo } from '../helpers/repo.js';
import { createCorpusRepo, readCorpus } from './corpus-repo.js';

const SH = BIN.replace(/agentpolicy\.cjs$/, 'agentpolicy-sh.cjs');

function project(policy: object = { extends: 'agentpolicy:recommended' }): TestRepo {
  const repo = createRepo();
  repo.commit('base', { '.agentpolicyrc': JSON.stringify(policy), 'src/a.ts': 'a\n', 'README.md': '# r\n' });
  return repo;
}

describe('check-command', () => {
  it('exits 0, 1 or 2 and prints a stable JSON decision', () => {
    const repo = project();
    const run = (command: string, format: string[] = []) =>
      runCli(['check-command', ...format, '--', command], { cwd: repo.dir, env: repo.env });
    expect(run('git status').status).toBe(0);
    const denied = run('git push --force origin main', ['--format', 'json']);
    expect(denied.status).toBe(1);
    expect(JSON.parse(denied.stdout)).toEqual({
      verdict: 'deny',
      decision: 'deny',
      rule: 'no-force-push',
      reason: expect.stringMatching(/overwrites the remote history/),
      alternative: expect.stringMatching(/--force-with-lease/),
      findings: [expect.objectContaining({ rule: 'no-force-push', severity: 'error' })],
    });
    const contained = run('python3 -c "import os; [os.remove(f) for f in os.listdir()]"', [
      '--format',
      'json',
    ]);
    expect(contained.status).toBe(1);
    expect(JSON.parse(contained.stdout)).toMatchObject({
      verdict: 'contain',
      decision: 'contain',
      rule: 'shell',
    });
    expect(run('python3 -c "import os; [os.remove(f) for f in os.listdir()]"').stdout).toMatch(
      /^contain shell: /,
    );
    // The committed policy is the one in force.
    repo.commit('Break the policy', { '.agentpolicyrc': '{ "rules": { "no-forcepush": "error" } }' });
    const broken = run('git status');
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/Did you mean "no-force-push"/);
  });

  it('works outside a repository with the recommended preset', () => {
    const repo = createRepo();
    const dir = join(repo.dir, '..');
    expect(runCli(['check-command', '--', 'rm -rf /'], { cwd: dir, env: repo.env }).status).toBe(1);
    expect(runCli(['check-command', '--', 'ls'], { cwd: dir, env: repo.env }).status).toBe(0);
  });

  it('never runs any part of what it checks, even as a user who could do the damage', async () => {
    // A repository where every deny command of the corpus would leave a trace if it ran.
    const repo = createCorpusRepo({ extends: 'agentpolicy:recommended' }, 'test', false);
    const before = snapshot(repo);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      // Run the checker as nobody, who owns the repository: a bug could only harm these files.
      chmodSync(join(repo.dir, '..'), statSync(join(repo.dir, '..')).mode | 0o755);
      spawnSync('chown', ['-R', 'nobody', repo.dir]);
    }
    const commands = readCorpus()
      .filter((entry) => entry.verdict !== 'allow')
      .map((entry) => entry.cmd);
    const env = { ...repo.env, HOME: repo.home };
    const run = (command: string) =>
      new Promise<number>((resolve) => {
        const argv = [process.execPath, BIN, 'check-command', '--', command];
        const child: ReturnType<typeof spawn> = asRoot
          ? spawn('runuser', ['-u', 'nobody', '--', ...argv], { cwd: repo.dir, env, stdio: 'ignore' })
          : spawn(argv[0]!, argv.slice(1), { cwd: repo.dir, env, stdio: 'ignore' });
        child.on('error', () => resolve(-1));
        child.on('exit', (code) => resolve(code ?? -1));
      });
    const statuses: number[] = [];
    for (let i = 0; i < commands.length; i += 6)
      statuses.push(...(await Promise.all(commands.slice(i, i + 6).map(run))));
    expect(statuses.every((status) => status === 0 || status === 1)).toBe(true);
    if (asRoot) spawnSync('chown', ['-R', 'root', repo.dir]);
    expect(snapshot(repo)).toBe(before);
    expect(repo.gitRaw(['stash', 'list']).stdout).toMatch(/stash@\{0\}/);
    expect(repo.gitRaw(['branch', '--list', 'feature']).stdout).toMatch(/feature/);
  }, 120_000);
});

describe('exec and sh -c', () => {
  it('exec runs an allowed argv as given and passes its exit code and output through', () => {
    const repo = project();
    const result = runCli(
      ['exec', '--', 'sh', '-c', 'echo "out $1"; echo err >&2; exit 7', 'sh', 'arg with space'],
      { cwd: repo.dir, env: repo.env },
    );
    expect(result).toEqual({ status: 7, stdout: 'out arg with space\n', stderr: 'err\n' });
  });

  it('exec refuses a denied command without running it', () => {
    const repo = project();
    repo.write('marker.txt', 'x\n');
    const result = runCli(['exec', '--', 'sh', '-c', 'rm -rf src; touch ran'], {
      cwd: repo.dir,
      env: repo.env,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/denied by no-mass-deletion/);
    expect(existsSync(join(repo.dir, 'ran'))).toBe(false);
    expect(existsSync(join(repo.dir, 'src/a.ts'))).toBe(true);
  });

  it('exec passes signals on: a child killed by a signal exits 128 + n', () => {
    const repo = project();
    const result = runCli(['exec', '--', 'sh', '-c', 'kill -TERM $$'], { cwd: repo.dir, env: repo.env });
    expect(result.status).toBe(143);
  });

  it('agentpolicy-sh works as SHELL: -c, -lc and a script on stdin', () => {
    const repo = project();
    const sh = (args: string[], input = '') =>
      spawnSync(process.execPath, [SH, ...args], { cwd: repo.dir, env: repo.env, input, encoding: 'utf8' });
    expect(sh(['-c', 'echo "$0 $1"', 'name', 'one']).stdout).toBe('name one\n');
    expect(sh(['-lc', 'exit 3']).status).toBe(3);
    const denied = sh(['-c', 'git reset --hard HEAD~1 && touch ran']);
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/no-destructive-git/);
    expect(existsSync(join(repo.dir, 'ran'))).toBe(false);
    const piped = sh([], 'echo piped\ngit push --force\n');
    expect(piped.status).toBe(1);
    expect(piped.stdout).toBe('');
    expect(sh([], 'echo piped\n').stdout).toBe('piped\n');
  });
});

describe('agent-hook, as each host runs it', () => {
  const bash = (command: string, cwd: string) => ({
    claude: {
      session_id: 's',
      transcript_path: '/t',
      cwd,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
      tool_use_id: 't',
    },
    codex: {
      session_id: 's',
      turn_id: 't',
      cwd,
      hook_event_name: 'PreToolUse',
      model: 'm',
      tool_name: 'Bash',
      tool_input: { command },
      tool_use_id: 't',
    },
    cursor: {
      conversation_id: 'c',
      generation_id: 'g',
      hook_event_name: 'beforeShellExecution',
      command,
      cwd,
      workspace_roots: [cwd],
    },
    gemini: {
      session_id: 's',
      cwd,
      hook_event_name: 'BeforeTool',
      timestamp: 'now',
      tool_name: 'run_shell_command',
      tool_input: { command },
    },
    copilot: { timestamp: 1, cwd, toolName: 'bash', toolArgs: JSON.stringify({ command }) },
  });

  it.each(['claude', 'codex', 'cursor', 'gemini', 'copilot'] as const)(
    '%s: denies in its protocol, allows, logs, and blocks on errors',
    (agent) => {
      const repo = project();
      const hook = (payload: unknown) =>
        runCli(['agent-hook', agent], {
          cwd: repo.dir,
          env: repo.env,
          input: typeof payload === 'string' ? payload : JSON.stringify(payload),
        });
      const denied = hook(bash('git push --force', repo.dir)[agent]);
      const allowed = hook(bash('git status', repo.dir)[agent]);
      const output = denied.stdout ? JSON.parse(denied.stdout) : {};
      const deniedText = JSON.stringify(output);
      expect(deniedText).toMatch(/no-force-push/);
      expect(deniedText).toMatch(/"deny"/);
      expect(denied.status).toBe(0);
      expect(allowed.status).toBe(0);
      expect(allowed.stdout).not.toMatch(/deny/);
      const broken = hook('{ not json');
      expect(broken.status).toBe(2); // exit 1 would let Claude Code run the tool
      expect(broken.stderr.length).toBeGreaterThan(0); // Codex ignores exit 2 without stderr
      const log = runCli(['log', '--format', 'json'], { cwd: repo.dir, env: repo.env });
      expect(
        JSON.parse(log.stdout).map((entry: { agent: string; decision: string }) => [
          entry.agent,
          entry.decision,
        ]),
      ).toEqual([
        [agent, 'deny'],
        [agent, 'allow'],
      ]);
    },
  );

  it('a broken policy blocks every tool call, with the reason', () => {
    const repo = project();
    repo.commit('Break the policy', { '.agentpolicyrc': '{ "extends": "agentpolicy:recomended" }' });
    const result = runCli(['agent-hook', 'claude'], {
      cwd: repo.dir,
      env: repo.env,
      input: JSON.stringify(bash('ls', repo.dir).claude),
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /unknown preset "agentpolicy:recomended"\. Did you mean "agentpolicy:recommended"\?/,
    );
  });

  it('a human allow-once lets one denied call through, once', () => {
    const repo = project();
    const grant = spawnSync(
      'script',
      ['-qec', `${process.execPath} ${BIN} allow-once no-force-push --for 5m`, '/dev/null'],
      { cwd: repo.dir, env: repo.env, encoding: 'utf8' },
    );
    expect(grant.stdout).toMatch(/let through once/);
    const hook = () =>
      runCli(['agent-hook', 'claude'], {
        cwd: repo.dir,
        env: repo.env,
        input: JSON.stringify(bash('git push --force', repo.dir).claude),
      });
    expect(hook().stdout).toBe('');
    expect(hook().stdout).toMatch(/"deny"/);
    expect(readdirSync(join(repo.dir, '.git/agentpolicy/allow-once'))).toEqual([]);
  });
});
