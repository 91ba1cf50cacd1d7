// Verification before anything lands, on exactly what is staged, never touching the user's work.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { createProject, type Project } from '../helpers/project.js';
import { addWorktree, snapshot, type TestRepo, tempDir } from '../helpers/repo.js';

const staysOk = (extra: object = {}) => ({
  extends: 'agentpolicy:recommended',
  verify: { value: { run: 'test "$(cat value.txt)" = ok', on: ['pre-commit', 'pre-push'], ...extra } },
});

function verifyTempDirs(dir = tmpdir()): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('agentpolicy-verify-'));
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
    expect(blocked.stderr).toMatch(/full log: .*agentpolicy\/logs\/[^/]+\/value\.log/);
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
    // A temp folder of its own, so that other runs on the machine cannot change the count.
    const tmp = tempDir();
    const before = verifyTempDirs(tmp).length;
    const project = createProject(
      { extends: 'agentpolicy:recommended', verify: { from: 'VERIFY.md' } },
      { 'VERIFY.md': '# Verify\n\n```sh\ntest -f package.json\nls node_modules/.bin/agentpolicy\n```\n' },
    );
    const result = runCli(['verify'], {
      cwd: project.dir,
      env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
    });
    expect(result.stdout).toMatch(/Ready: 2\/2 steps passed for pre-commit/);
    expect(result.status).toBe(0);
    expect(verifyTempDirs(tmp).length).toBe(before);
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
    expect(result.stdout).toMatch(/✓.*slow.*\(\d+ms\)|✓.*slow.*\(\d\.\ds\)/);
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

// What a step that runs git sees, and what it can reach. The step reports its repository, HEAD's
// tree, `git status`, `git ls-files` and git's variables; another builds a scratch repository the
// way test suites do. Neither may touch the user's repository, in any kind of commit or worktree.
const REPORT = `[ -z "$REPORT_TO" ] || { git rev-parse --show-toplevel; git rev-parse 'HEAD^{tree}'; echo status:; git status --porcelain; echo files:; git ls-files; echo env:; env | grep '^GIT_' | cut -d= -f1 | sort; } > "$REPORT_TO" 2>&1`;
const SCRATCH =
  'd=$(mktemp -d) && cd "$d" && git init -q && echo fixture > f.txt && git add . && git commit -qm fixture && git log --oneline | grep -q fixture && cd / && rm -rf "$d"';
const onItsOwn = {
  extends: 'agentpolicy:recommended',
  verify: {
    report: { run: REPORT },
    scratch: { run: SCRATCH },
    value: { run: 'test "$(cat value.txt)" = ok' },
  },
};

function reportOf(path: string) {
  const text = readFileSync(path, 'utf8');
  const [top = '', tree = ''] = text.split('\n');
  const section = (name: string, next: string) =>
    text
      .slice(text.indexOf(`${name}:\n`) + name.length + 2, text.indexOf(`${next}:\n`))
      .split('\n')
      .filter(Boolean);
  return {
    top,
    tree,
    status: section('status', 'files'),
    files: section('files', 'env'),
    env: text
      .slice(text.indexOf('env:\n') + 5)
      .split('\n')
      .filter(Boolean),
  };
}

type Kind = 'plain' | '-a' | '<path>';
const where = ['main tree', 'worktree beside', 'worktree inside'] as const;

function setUp(place: (typeof where)[number]): { project: Project; repo: TestRepo } {
  const project = createProject(onItsOwn, { 'value.txt': 'ok\n', 'other.txt': '1\n' });
  if (place === 'main tree') return { project, repo: project };
  const path = place === 'worktree beside' ? join(project.dir, '..', 'wt') : '.claude/worktrees/agent-1';
  return { project, repo: addWorktree(project, path, 'feature') };
}

/** Changes `file` and commits it the `kind` way: staged first, with `-a`, or by naming it. */
function changeAndCommit(
  [repo, main]: TestRepo[],
  kind: Kind,
  file: string,
  content: string,
  message: string,
  env = {},
) {
  repo!.write(file, content);
  if (kind === 'plain') repo!.git('add', file);
  const before = {
    repo: snapshot(repo!, { indexBytes: false }),
    main: snapshot(main!, { indexBytes: false }),
    config: readFileSync(join(main!.dir, '.git/config'), 'utf8'),
  };
  const args = kind === '-a' ? ['-a'] : kind === '<path>' ? ['--', file] : [];
  const result = repo!.gitRaw(['commit', '-q', '-m', message, ...args], { env });
  return { result, before };
}

describe('a step runs on its own', () => {
  const cases = where.flatMap((place) =>
    (['plain', '-a', '<path>'] as Kind[]).map((kind) => [place, kind] as const),
  );

  it.each(cases)('%s, commit %s: a repository of exactly the commit, the user’s untouched', (place, kind) => {
    const { project, repo } = setUp(place);
    const reportTo = join(tempDir(), 'report.txt');
    const { result, before } = changeAndCommit(
      [repo, project],
      kind,
      'other.txt',
      '2\n',
      'Change the other value',
      {
        REPORT_TO: reportTo,
      },
    );
    expect(result.stderr).not.toMatch(/✗/);
    expect(result.status).toBe(0);
    const seen = reportOf(reportTo);
    expect(seen.top).not.toBe(repo.dir);
    expect(seen.tree).toBe(repo.git('rev-parse', 'HEAD^{tree}').trim());
    expect(seen.status).toEqual([]);
    expect(seen.files).toEqual(repo.git('ls-files').split('\n').filter(Boolean));
    for (const name of seen.env)
      expect(name).toMatch(/^GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL)$|^GIT_CONFIG_NOSYSTEM$|^GIT_EXEC_PATH$/);
    // Exactly the user's commit landed, on the user's branch; nothing else changed.
    expect(repo.git('log', '--format=%s', '-2').trim().split('\n')).toEqual([
      'Change the other value',
      'Set up the project with agentpolicy',
    ]);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(project.git('config', '--bool', 'core.bare').trim()).toBe('false');
    expect(project.git('status', '--porcelain')).toBe(place === 'worktree inside' ? '?? .claude/\n' : '');
    // The main worktree: its branch, index and the shared config as they were.
    if (place !== 'main tree')
      expect(project.git('log', '--format=%s', 'main').trim()).toBe('Set up the project with agentpolicy');
    expect(project.git('diff', '--cached', '--name-only')).toBe('');
    expect(readFileSync(join(project.dir, '.git/config'), 'utf8')).toBe(before.config);
  });

  it.each(cases)(
    '%s, commit %s: a blocked commit leaves index, work tree and repository as they were',
    (place, kind) => {
      const { project, repo } = setUp(place);
      const { result, before } = changeAndCommit(
        [repo, project],
        kind,
        'value.txt',
        'broken\n',
        'Break the value',
      );
      expect(result.stderr).toMatch(/✗ value exit 1/);
      expect(result.status).not.toBe(0);
      expect(snapshot(repo, { indexBytes: false })).toBe(before.repo);
      expect(snapshot(project, { indexBytes: false })).toBe(before.main);
    },
  );
});

describe('what was judged is what is committed', () => {
  const sneaks = [
    [
      'stages a file in the work tree',
      'worktree',
      '[ -z "$TARGET" ] || git add extra.txt',
      /"sneak" changed the staged files/,
    ],
    [
      'stages a file from its copy',
      'staged',
      '[ -z "$TARGET" ] || git -C "$TARGET" add extra.txt',
      /"sneak" changed the staged files/,
    ],
    [
      'switches the branch',
      'staged',
      '[ -z "$TARGET" ] || git -C "$TARGET" checkout -q -b elsewhere',
      /"sneak" changed HEAD/,
    ],
  ] as const;

  it.each(sneaks)('blocks a step that %s, naming it', (_what, mode, run, message) => {
    const project = createProject(
      {
        extends: 'agentpolicy:recommended',
        rules: { 'edit-only': 'error', 'max-diff-lines': ['error', { max: 150 }] },
        verify: { sneak: { run, mode } },
      },
      { 'notes.md': 'notes\n' },
    );
    project.write('extra.txt', Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join(''));
    project.write('notes.md', 'a note\n');
    project.git('add', 'notes.md');
    const result = project.gitRaw(['commit', '-q', '-m', 'Add a short note'], {
      env: { TARGET: project.dir },
    });
    expect(result.stderr).toMatch(message);
    expect(result.status).not.toBe(0);
    expect(project.git('log', '--all', '--format=%s').trim()).toBe('Set up the project with agentpolicy');
  });
});
