// Verification before anything lands, on exactly what is staged, never touching the user's work.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { createProject } from '../helpers/project.js';
import { snapshot } from '../helpers/repo.js';

const staysOk = (extra: object = {}) => ({
  extends: 'agentpolicy:recommended',
  verify: { value: { run: 'test "$(cat value.txt)" = ok', on: ['pre-commit', 'pre-push'], ...extra } },
});

function verifyTempDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('agentpolicy-verify-'));
}

describe('verification steps', () => {
  it('checks the staged content, not the work tree (default mode)', () => {
    const project = createProject(staysOk(), { 'value.txt': 'ok\n' });
    project.write('value.txt', 'broken\n');
    project.git('add', 'value.txt');
    project.write('value.txt', 'ok\n'); // the work tree looks fine; the commit would not be
    const before = snapshot(project, { indexBytes: false });
    const blocked = project.gitRaw(['commit', '-q', '-m', 'Change the value']);
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toMatch(/✗ value exit 1/);
    expect(blocked.stderr).toMatch(/full log: .*agentpolicy\/logs\/value\.log/);
    expect(snapshot(project, { indexBytes: false })).toBe(before);

    project.write('notes.txt', 'a note\n');
    project.git('add', 'value.txt', 'notes.txt');
    project.write('value.txt', 'broken\n'); // unstaged breakage does not block a good commit
    const passed = project.gitRaw(['commit', '-q', '-m', 'Change the value back']);
    expect(passed.stderr).toMatch(/✓ value/);
    expect(passed.status).toBe(0);
  });

  it('checks what `commit -a` and `commit <path>` will commit (GIT_INDEX_FILE)', () => {
    const project = createProject(staysOk(), { 'value.txt': 'ok\n', 'other.txt': '1\n' });
    project.write('value.txt', 'broken\n');
    expect(project.gitRaw(['commit', '-q', '-a', '-m', 'Commit everything']).status).not.toBe(0);
    project.write('other.txt', '2\n');
    expect(project.gitRaw(['commit', '-q', '-m', 'Commit only other', 'other.txt']).status).toBe(0);
    expect(project.gitRaw(['commit', '-q', '-m', 'Commit the broken value', 'value.txt']).status).not.toBe(0);
  });

  it('can run in the work tree instead', () => {
    const project = createProject(staysOk({ mode: 'worktree' }), { 'value.txt': 'ok\n' });
    project.write('value.txt', 'broken\n');
    project.git('add', 'value.txt');
    project.write('value.txt', 'ok\n');
    expect(project.gitRaw(['commit', '-q', '-m', 'Commit in work tree mode']).status).toBe(0);
  });

  it('skips a step whose globs match nothing staged', () => {
    const project = createProject(staysOk({ when: ['src/**'] }), { 'value.txt': 'ok\n' });
    project.write('value.txt', 'broken\n');
    project.git('add', 'value.txt');
    const result = project.gitRaw(['commit', '-q', '-m', 'Change outside src']);
    expect(result.stderr).toMatch(/skipped: no matching change/);
    expect(result.status).toBe(0);
  });

  it('fails on a missing command and kills a step that times out', () => {
    const project = createProject();
    // The committed policy judges: commit the steps (as a human would, past the hooks).
    project.write(
      '.agentpolicyrc',
      JSON.stringify({
        extends: 'agentpolicy:recommended',
        verify: {
          missing: { run: 'definitely-not-a-command-here' },
          slow: { run: 'sleep 30 & sleep 30; wait', timeout: '1s' },
        },
      }),
    );
    project.git('add', '-A');
    project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Add the verification steps');
    const result = project.gitRaw(['commit', '-q', '--allow-empty', '-m', 'Try the steps']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/✗ missing exit 127/);
    expect(result.stderr).toMatch(/command not found/);
    expect(result.stderr).toMatch(/✗ slow timed out/);
  });

  it('takes the steps from VERIFY.md and removes its temporary copy', () => {
    const before = verifyTempDirs().length;
    const project = createProject(
      { extends: 'agentpolicy:recommended', verify: { from: 'VERIFY.md' } },
      { 'VERIFY.md': '# Verify\n\n```sh\ntest -f package.json\nls node_modules/.bin/agentpolicy\n```\n' },
    );
    const result = project.cli(['verify']);
    expect(result.stdout).toMatch(/Ready: 2\/2 steps passed for pre-commit/);
    expect(result.status).toBe(0);
    expect(verifyTempDirs().length).toBe(before);
    expect(existsSync(`${project.dir}/.git/agentpolicy/verify-last.json`)).toBe(true);
  });

  it('shows a live line per step on a terminal: spinner, name, elapsed time', () => {
    const project = createProject({
      extends: 'agentpolicy:recommended',
      verify: { slow: { run: 'sleep 0.5', mode: 'worktree' } },
    });
    // `script` gives the command a terminal, as a developer's shell has.
    const command = `${process.execPath} ${BIN} verify`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: project.dir,
      env: { ...project.env, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏].*slow \d+ms/);
    expect(result.stdout).toMatch(/\x1b\[\d+A/); // the line is redrawn in place
    expect(result.stdout).toMatch(/✓.*slow.*\(5\d\dms\)|✓.*slow.*\(\d\.\ds\)/);
    expect(result.stdout).toMatch(/Ready: 1\/1 steps passed/);
  });

  it('blocks when the policy takes the steps from a VERIFY.md that is missing', () => {
    const project = createProject({ extends: 'agentpolicy:recommended' });
    project.write(
      '.agentpolicyrc',
      JSON.stringify({ extends: 'agentpolicy:recommended', verify: { from: 'VERIFY.md' } }),
    );
    project.git('add', '-A');
    project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Take the steps from VERIFY.md');
    const result = project.cli(['verify']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/VERIFY\.md is missing/);
  });
});
