// Output that goes nowhere and logs that were cut short: a closed pipe ends a command quietly with
// its own status; a torn audit line is skipped with a warning, and the next entry starts afresh.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAudit, auditPath } from '../../src/audit/log.js';
import { BIN } from '../helpers/cli.js';
import { createProject } from '../helpers/project.js';
import { tempDir } from '../helpers/repo.js';

/** Runs the CLI with its stdout a pipe whose reader is already gone, as `| head -1` leaves it. */
function withClosedStdout(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const entry = (n: number) => ({
  time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  agent: 'claude',
  cwd: '/x',
  tool: 'Bash',
  command: `echo ${n}`,
  decision: 'allow' as const,
});

describe('a closed stdout', () => {
  it.each([
    ['doctor', ['doctor']],
    ['log', ['log']],
    ['--help', ['--help']],
    ['config', ['config']],
  ])('ends %s quietly with its own status', async (_name, args) => {
    const project = createProject();
    for (let n = 0; n < 50; n++) appendAudit(join(project.dir, '.git'), entry(n));
    const open = project.cli(args);
    for (let run = 0; run < 3; run++) {
      const closed = await withClosedStdout(args, project.dir, project.env);
      expect(closed.stderr).toBe('');
      expect(closed.status).toBe(open.status);
    }
  });
});

describe('the audit log', () => {
  it('skips torn lines with a warning and shows the rest', () => {
    const project = createProject();
    const commonDir = join(project.dir, '.git');
    mkdirSync(join(commonDir, 'agentpolicy'), { recursive: true });
    const whole = (n: number) => `${JSON.stringify(entry(n))}\n`;
    writeFileSync(
      auditPath(commonDir),
      `${whole(1)}{"time":"2026-01-01T00:02:00.000Z","agent":"cl\n${whole(3)}[1,2]\n`,
    );
    appendFileSync(auditPath(commonDir), '{"time":"2026-01-01T00:04');
    const result = project.cli(['log']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/echo 1\n.*echo 3\n$/);
    expect(result.stderr).toMatch(/skipped 3 unreadable line\(s\) in .*audit\.jsonl/);
  });

  it('starts an entry on a fresh line after a torn one', () => {
    const commonDir = join(tempDir(), '.git');
    appendAudit(commonDir, entry(1));
    appendFileSync(auditPath(commonDir), '{"time":"2026-01-01T00:02:00.000Z","ag');
    appendAudit(commonDir, entry(3));
    const lines = readFileSync(auditPath(commonDir), 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[2]!)).toEqual(entry(3));
  });
});
