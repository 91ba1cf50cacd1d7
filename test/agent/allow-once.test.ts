import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consumeAllowance, grantAllowance, listAllowances } from '../../src/audit/allow-once.js';
import { BIN, runCli } from '../helpers/cli.js';
import { createRepo, tempDir } from '../helpers/repo.js';

describe('agentpolicy allow-once', () => {
  it('refuses to run without a terminal, so an agent cannot grant itself a pass', () => {
    const repo = createRepo();
    const result = runCli(['allow-once', 'no-destructive-git'], { cwd: repo.dir, env: repo.env });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/run it yourself in a terminal/);
    expect(listAllowances(join(repo.dir, '.git'))).toEqual([]);
  });

  it('grants one pass from a terminal', () => {
    const repo = createRepo();
    // `script` gives the command a pseudo-terminal, as a human's shell has.
    const command = `${process.execPath} ${BIN} allow-once no-destructive-git --for 5m`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: repo.dir,
      env: repo.env,
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/will be let through once/);
    const [allowance] = listAllowances(join(repo.dir, '.git'));
    expect(allowance?.rule).toBe('no-destructive-git');
    expect(Date.parse(allowance!.expires) - Date.now()).toBeGreaterThan(4 * 60_000);
  });

  it('refuses an unknown rule with a suggestion', () => {
    const repo = createRepo();
    const result = spawnSync(
      'script',
      ['-qec', `${process.execPath} ${BIN} allow-once no-destructiv-git`, '/dev/null'],
      { cwd: repo.dir, env: repo.env, encoding: 'utf8' },
    );
    expect(result.stdout).toMatch(/Did you mean "no-destructive-git"\?/);
  });
});

describe('allow-once tokens', () => {
  it('are spent once, respect the command they name, and expire', () => {
    const commonDir = join(tempDir(), '.git');
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    grantAllowance(commonDir, {
      rule: 'no-force-push',
      created: at(0),
      expires: at(60_000),
      command: 'git push -f',
    });
    grantAllowance(commonDir, { rule: 'no-destructive-git', created: at(0), expires: at(60_000) });
    grantAllowance(commonDir, { rule: 'no-destructive-git', created: at(0), expires: at(-1) });
    expect(consumeAllowance(commonDir, 'no-force-push', 'git push --force')).toBe(false);
    expect(consumeAllowance(commonDir, 'no-force-push', 'git push -f')).toBe(true);
    expect(consumeAllowance(commonDir, 'no-force-push', 'git push -f')).toBe(false);
    expect(consumeAllowance(commonDir, 'no-destructive-git', 'git reset --hard')).toBe(true);
    expect(consumeAllowance(commonDir, 'no-destructive-git', 'git reset --hard')).toBe(false); // the other one expired
    expect(readdirSync(join(commonDir, 'agentpolicy/allow-once'))).toEqual([]);
  });
});
