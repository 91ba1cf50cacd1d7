// How agents reach contained execution: Claude Code's Bash through agentpolicy-sh as its shell
// prefix (its hook then lets "contain" commands go on), the other hosts' "contain" answered as
// before, install-agent setting the prefix up, and doctor saying where containment runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { forHost } from '../../src/adapters/agents/types.js';
import type { Decision } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';
import { containedRepo, containmentRuns, handOver, opaque, SH, takeBack, userArgv } from './helpers.js';

const contain: Decision = {
  verdict: 'contain',
  rule: 'shell',
  reason: 'Its effects cannot be seen before it runs: python os.system runs a command built when it runs.',
  findings: [],
};

describe('forHost', () => {
  it.each([true, false])('lets "contain" go on where the host runs it contained (ask: %s)', (ask) => {
    expect(forHost(contain, { ask, contained: true }).verdict).toBe('allow');
    expect(forHost(contain, { ask, contained: false }).verdict).toBe(ask ? 'ask' : 'deny');
    expect(forHost({ ...contain, verdict: 'deny' }, { ask, contained: true }).verdict).toBe('deny');
  });
});

let runs = false;
beforeAll(() => {
  runs = containmentRuns();
});

function claudePayload(cwd: string, command: string, tool = 'Bash') {
  return JSON.stringify({
    session_id: 's',
    transcript_path: '/t.jsonl',
    cwd,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: { command },
    tool_use_id: 't',
  });
}

describe("Claude Code's Bash through agentpolicy-sh", () => {
  it('the hook lets a command the static pass cannot see through go on only when it will run contained', () => {
    const repo = containedRepo();
    takeBack(repo);
    const hook = (env: NodeJS.ProcessEnv, tool = 'Bash') =>
      runCli(['agent-hook', 'claude'], {
        cwd: repo.dir,
        env: { ...repo.env, ...env },
        input: claudePayload(repo.dir, opaque('true'), tool),
      });
    const plain = hook({});
    expect(JSON.parse(plain.stdout).hookSpecificOutput.permissionDecision).toBe('ask');
    const prefixed = hook({ CLAUDE_CODE_SHELL_PREFIX: `${SH} -c` });
    if (runs) expect(prefixed).toEqual({ status: 0, stdout: '', stderr: '' });
    else expect(JSON.parse(prefixed.stdout).hookSpecificOutput.permissionDecision).toBe('ask');
    // Monitor's commands do not run through the prefix; a prefix to something else routes nothing.
    expect(
      JSON.parse(hook({ CLAUDE_CODE_SHELL_PREFIX: `${SH} -c` }, 'Monitor').stdout).hookSpecificOutput
        .permissionDecision,
    ).toBe('ask');
    expect(
      JSON.parse(hook({ CLAUDE_CODE_SHELL_PREFIX: '/usr/bin/logger -c' }).stdout).hookSpecificOutput
        .permissionDecision,
    ).toBe('ask');
  });

  it('runs the command line Claude Code builds, snapshot and all, contained', () => {
    if (!runs) return;
    const repo = containedRepo();
    takeBack(repo);
    // Claude Code's shell snapshot: the user's functions arrive base64-encoded and evaluated.
    const snapshots = join(repo.home, '.claude', 'shell-snapshots');
    mkdirSync(snapshots, { recursive: true });
    const fn = Buffer.from('greet () { echo "hello $1"; }\n').toString('base64');
    const snapshot = join(snapshots, 'snapshot-bash-1.sh');
    writeFileSync(
      snapshot,
      `# Snapshot file\nunalias -a 2>/dev/null || true\neval "$(echo '${fn}' | base64 -d)" > /dev/null 2>&1\nshopt -s expand_aliases\n`,
    );
    const cwdFile = join(repo.home, 'claude-cwd');
    handOver(repo);
    const command = `greet agent && echo "export const e = 5;" > src/e.ts`;
    const line = `source ${snapshot} 2>/dev/null || true && eval '${command.replace(/'/g, `'\\''`)}' \\< /dev/null && pwd -P >| ${cwdFile}`;
    // Claude Code runs `<shell> -c -l "<prefix program> -c '<line>'"`.
    const prefixed = `'${SH}' -c '${line.replace(/'/g, `'\\''`)}'`;
    const argv = userArgv(['bash', '-c', '-l', `${process.execPath} ${prefixed}`], repo.env);
    const result = spawnSync(argv[0]!, argv.slice(1), { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    takeBack(repo);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hello agent\n');
    expect(repo.read('src/e.ts')).toBe('export const e = 5;\n');
    expect(repo.read('../home/claude-cwd').trim()).toBe(repo.dir);
  });

  it('answers Claude Code hooks run through the same prefix', () => {
    const repo = containedRepo();
    takeBack(repo);
    const hookLine = `'${SH}' -c '"$CLAUDE_PROJECT_DIR"/node_modules/.bin/agentpolicy agent-hook claude || exit 2'`;
    const result = spawnSync('sh', ['-c', `${process.execPath} ${hookLine}`], {
      cwd: repo.dir,
      env: { ...repo.env, CLAUDE_PROJECT_DIR: repo.dir },
      input: claudePayload(repo.dir, 'git push --force origin main'),
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'deny' });
  });

  it('install-agent claude sets the prefix in the local settings, and keeps one of the user’s own', () => {
    const repo = containedRepo();
    takeBack(repo);
    const install = runCli(['install-agent', 'claude'], { cwd: repo.dir, env: repo.env });
    expect(install.status).toBe(0);
    if (runs) {
      expect(install.stdout).toMatch(
        /settings\.local\.json: Claude Code's Bash commands run through agentpolicy-sh/,
      );
      const local = JSON.parse(repo.read('.claude/settings.local.json'));
      expect(local.env.CLAUDE_CODE_SHELL_PREFIX).toMatch(/agentpolicy-sh(\.cjs)? -c$/);
      expect(runCli(['install-agent', 'claude'], { cwd: repo.dir, env: repo.env }).stdout).toMatch(
        /already run contained/,
      );
      const doctor = runCli(['doctor'], { cwd: repo.dir, env: repo.env });
      expect(doctor.stdout).toMatch(/ok {4}containment: runs here/);
      expect(doctor.stdout).toMatch(/ok {4}claude shell: Claude Code's Bash commands run contained/);
    }
    repo.write(
      '.claude/settings.local.json',
      JSON.stringify({ env: { CLAUDE_CODE_SHELL_PREFIX: '/usr/local/bin/audit-log' } }),
    );
    const kept = runCli(['install-agent', 'claude'], { cwd: repo.dir, env: repo.env });
    if (runs)
      expect(kept.stdout).toMatch(/CLAUDE_CODE_SHELL_PREFIX is set to "\/usr\/local\/bin\/audit-log"/);
    expect(JSON.parse(repo.read('.claude/settings.local.json')).env.CLAUDE_CODE_SHELL_PREFIX).toBe(
      '/usr/local/bin/audit-log',
    );
  });
});
