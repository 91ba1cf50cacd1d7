// Verify once per tree, through the real git hooks and Claude Code's Stop event: the stop, the
// commit and the push of the same content run each step once; a changed file, a changed command,
// a changed policy or a changed declared variable runs it again; `agentpolicy verify` by hand
// always runs. The records cannot be forged: the guard keeps commands and file tools away from
// them, a step that writes one loses them all, and a record filed under another key counts for
// nothing. Computing the work tree's tree leaves the user's index and work tree byte-identical.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyAtCommit } from '../../src/config/committed.js';
import { locateRepository } from '../../src/git/locate.js';
import { onceStore, recordsFolder, stagedTree, worktreeTree } from '../../src/verify/once.js';
import { BIN, runCli } from '../helpers/cli.js';
import { createProject, type Project } from '../helpers/project.js';
import { createRepo, snapshot, tempDir } from '../helpers/repo.js';

const ON = ['stop', 'pre-commit', 'pre-push'];
// Each step notes that it ran in the file $RUNS names (none while the project is set up).
const note = (name: string) => `[ -z "$RUNS" ] || echo ${name} >> "$RUNS"`;
const steps = (count = note('count')) => ({
  count: { run: count, on: ON },
  flavour: { run: note('flavour'), on: ON, env: ['FLAVOUR'] },
  always: { run: note('always'), on: ON, once: false },
});
const policy = {
  extends: 'agentpolicy:recommended',
  verify: steps(),
  profiles: {
    renamed: { verify: steps(`${note('count')} # the same, said otherwise`) },
    tighter: { rules: { 'max-diff-lines': ['error', { max: 100 }] } },
  },
};

function setUp(settings: object = policy) {
  const project = createProject(settings, { 'src/a.js': 'one\n' });
  const remote = createRepo({ bare: true });
  project.git('remote', 'add', 'origin', remote.dir);
  expect(project.gitRaw(['push', '-q', '-u', 'origin', 'main'], { env: { RUNS: '/dev/null' } }).status).toBe(
    0,
  );
  const runs = join(tempDir(), 'runs.txt');
  writeFileSync(runs, '');
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    ...project.env,
    NO_COLOR: '1',
    RUNS: runs,
    FLAVOUR: 'a',
    ...extra,
  });
  /** How many times each step has run so far. */
  const count = () => {
    const seen = { count: 0, flavour: 0, always: 0 } as Record<string, number>;
    for (const line of readFileSync(runs, 'utf8').split('\n').filter(Boolean))
      seen[line] = (seen[line] ?? 0) + 1;
    return seen;
  };
  const stop = (extra: NodeJS.ProcessEnv = {}) => {
    const body = { session_id: 's', cwd: project.dir, hook_event_name: 'Stop', stop_hook_active: false };
    return runCli(['agent-hook', 'claude'], {
      cwd: project.dir,
      env: env(extra),
      input: JSON.stringify(body),
    });
  };
  const git = (args: string[], extra: NodeJS.ProcessEnv = {}) => project.gitRaw(args, { env: env(extra) });
  return { project, count, stop, git, env };
}

/** Selects a profile as a human does, at a terminal (`script` gives the command one). */
function selectProfile(project: Project, name: string) {
  const command = [process.execPath, BIN, 'profile', name].map((word) => `'${word}'`).join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: project.dir,
    env: project.env,
    encoding: 'utf8',
  });
  expect(result.status, result.stdout).toBe(0);
}

describe('verify once per tree, through the real hooks', () => {
  it('stop, commit and push of one change run each step once; any input that changes runs it again', () => {
    const { project, count, stop, git, env } = setUp();
    project.write('src/a.js', 'two\n');
    const before = snapshot(project);
    const stopped = stop();
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(snapshot(project)).toBe(before);
    expect(count()).toEqual({ count: 1, flavour: 1, always: 1 });

    expect(git(['add', '-A']).status).toBe(0);
    const commit = git(['commit', '-q', '-m', 'Say two instead of one']);
    expect(commit.status, commit.stderr).toBe(0);
    expect(commit.stderr).toMatch(/✓ count \(passed before on this same tree\)/);
    expect(count()).toEqual({ count: 1, flavour: 1, always: 2 });

    const push = git(['push', '-q', 'origin', 'main']);
    expect(push.status, push.stderr).toBe(0);
    expect(push.stderr).toMatch(/✓ flavour \(passed before on this same tree\)/);
    expect(count()).toEqual({ count: 1, flavour: 1, always: 3 });

    // The same tree with another value of a declared variable: only that step runs again.
    expect(stop({ FLAVOUR: 'b' }).status).toBe(0);
    expect(count()).toEqual({ count: 1, flavour: 2, always: 4 });
    // An undeclared variable is not part of the key.
    expect(stop({ FLAVOUR: 'b', OTHER: 'x' }).status).toBe(0);
    expect(count()).toEqual({ count: 1, flavour: 2, always: 5 });

    // By hand, every step runs.
    const byHand = runCli(['verify'], { cwd: project.dir, env: env() });
    expect(byHand.status, byHand.stderr).toBe(0);
    expect(count()).toEqual({ count: 2, flavour: 3, always: 6 });
  });

  it('the same tree under another policy or with another command runs again; so does a new tree', () => {
    const { project, count, stop, git } = setUp();
    project.write('src/a.js', 'two\n');
    git(['add', '-A']);
    expect(git(['commit', '-q', '-m', 'Say two instead of one']).status).toBe(0);
    expect(count()).toEqual({ count: 1, flavour: 1, always: 1 });
    // The same tree under another policy (a profile a human selected): every step again.
    selectProfile(project, 'tighter');
    expect(git(['commit', '-q', '--allow-empty', '-m', 'The same tree, a tighter policy']).status).toBe(0);
    expect(count()).toEqual({ count: 2, flavour: 2, always: 2 });
    expect(git(['commit', '-q', '--allow-empty', '-m', 'The same tree, the same policy']).status).toBe(0);
    expect(count()).toEqual({ count: 2, flavour: 2, always: 3 });
    // A changed command.
    selectProfile(project, 'renamed');
    expect(
      git(['commit', '-q', '--allow-empty', '-m', 'The same tree, the count said otherwise']).status,
    ).toBe(0);
    expect(count()).toEqual({ count: 3, flavour: 3, always: 4 });
    selectProfile(project, '--off');

    // A changed file: a new tree.
    project.write('src/a.js', 'three\n');
    expect(stop().status).toBe(0);
    expect(count()).toEqual({ count: 4, flavour: 4, always: 5 });
    // An untracked file is part of the work tree the stop judges.
    project.write('src/b.js', 'new\n');
    expect(stop().status).toBe(0);
    expect(count()).toEqual({ count: 5, flavour: 5, always: 6 });
    expect(stop().status).toBe(0);
    expect(count()).toEqual({ count: 5, flavour: 5, always: 7 });
  });

  it('a step that writes into the records loses them all, so a failing step cannot be vouched for', () => {
    const { project, stop, git } = setUp({
      extends: 'agentpolicy:recommended',
      verify: {
        forge: { run: '[ -z "$FORGE" ] || cp "$FORGE"/* "$RECORDS"/', on: ON },
        value: { run: 'grep -qv bad src/a.js', on: ON },
      },
    });
    project.write('src/a.js', 'bad\n');
    // The record `value` would leave had it passed on this tree, made ready outside.
    const location = locateRepository(project.dir, project.env)!;
    const tree = worktreeTree(project.dir, location.gitDir, project.env);
    const forged = tempDir();
    const { policy: inForce } = policyAtCommit(location, 'HEAD', { name: 'HEAD' })!;
    const store = onceStore(join(forged, 'common'), tree, inForce, project.env);
    const value = inForce.verify.find((step) => step.name === 'value')!;
    store.record(value);
    // A valid record: under the repository's own folder it would count.
    expect(store.passed(value)).toBe(true);
    const records = recordsFolder(location.commonDir);
    const extra = { FORGE: recordsFolder(join(forged, 'common')), RECORDS: records };
    spawnSync('mkdir', ['-p', records]);
    const stopped = stop(extra);
    expect(stopped.stdout).toMatch(/"decision":\s*"block"/);
    expect(readdirSync(join(location.commonDir, 'agentpolicy'))).not.toContain('verified');
    git(['add', '-A']);
    const commit = git(['commit', '-q', '-m', 'Commit the bad value anyway']);
    expect(commit.status).not.toBe(0);
    expect(commit.stderr).toMatch(/✗ value exit 1/);
  });

  it('records are trusted only where the guard protects them (protected-paths on)', () => {
    const { project, count, stop, git } = setUp({
      extends: 'agentpolicy:recommended',
      rules: { 'protected-paths': 'off' },
      verify: { count: steps().count },
    });
    project.write('src/a.js', 'two\n');
    expect(stop().status).toBe(0);
    git(['add', '-A']);
    expect(git(['commit', '-q', '-m', 'Say two instead of one']).status).toBe(0);
    expect(count().count).toBe(2);
  });
});

describe('the records', () => {
  it('count only under the key they are filed under, re-checked field by field', () => {
    const project = createProject(policy, { 'src/a.js': 'one\n' });
    const location = locateRepository(project.dir, project.env)!;
    const { policy: inForce } = policyAtCommit(location, 'HEAD', { name: 'HEAD' })!;
    const count = inForce.verify.find((step) => step.name === 'count')!;
    const flavour = inForce.verify.find((step) => step.name === 'flavour')!;
    const env = { ...project.env, FLAVOUR: 'a' };
    const first = onceStore(location.commonDir, 'a'.repeat(40), inForce, env);
    first.record(count);
    first.record(flavour);
    expect(first.passed(count)).toBe(true);
    expect(first.passed(flavour)).toBe(true);
    expect(first.passed({ ...count, run: `${count.run} ` })).toBe(false);
    expect(first.passed({ ...count, mode: 'worktree' })).toBe(false);
    expect(onceStore(location.commonDir, 'b'.repeat(40), inForce, env).passed(count)).toBe(false);
    expect(
      onceStore(location.commonDir, 'a'.repeat(40), inForce, { ...env, FLAVOUR: 'b' }).passed(flavour),
    ).toBe(false);
    // FLAVOUR is not declared by count: its value does not matter there.
    expect(
      onceStore(location.commonDir, 'a'.repeat(40), inForce, { ...env, FLAVOUR: 'b' }).passed(count),
    ).toBe(true);
    const other = {
      ...inForce,
      rules: { ...inForce.rules, 'no-deletions': { severity: 'error' as const, options: {} } },
    };
    expect(onceStore(location.commonDir, 'a'.repeat(40), other, env).passed(count)).toBe(false);
    // A record copied under another tree's name is read, and refused: it names the first tree.
    const folder = recordsFolder(location.commonDir);
    const [name] = readdirSync(folder);
    const second = onceStore(location.commonDir, 'c'.repeat(40), inForce, env);
    const earlier = readdirSync(folder);
    second.record(count);
    expect(second.passed(count)).toBe(true);
    const secondName = readdirSync(folder).find((file) => !earlier.includes(file))!;
    writeFileSync(join(folder, secondName), readFileSync(join(folder, name!)));
    expect(second.passed(count)).toBe(false);
  });

  it('the trees are computed without touching the index, the work tree or the objects', () => {
    const project = createProject(policy, { 'src/a.js': 'one\n', 'src/b.js': 'b\n' });
    project.write('src/a.js', 'two\n');
    project.git('add', 'src/a.js');
    project.write('src/b.js', 'b changed\n');
    project.write('new file with spaces.txt', 'new\n');
    project.write('ignored/x.js', 'x\n');
    project.write('.gitignore', 'node_modules\nignored/\n');
    const location = locateRepository(project.dir, project.env)!;
    const objects = () => project.git('count-objects', '-v');
    const before = { files: snapshot(project), objects: objects() };
    const staged = stagedTree(project.dir, location.gitDir, project.env);
    const worktree = worktreeTree(project.dir, location.gitDir, project.env);
    expect(snapshot(project)).toBe(before.files);
    expect(objects()).toBe(before.objects);
    // The same trees git itself writes, in a copy.
    const copy = createRepo();
    spawnSync('cp', ['-a', `${project.dir}/.`, copy.dir]);
    expect(copy.git('write-tree').trim()).toBe(staged);
    copy.git('add', '-A');
    expect(copy.git('write-tree').trim()).toBe(worktree);
    expect(copy.git('ls-tree', '-r', '--name-only', worktree)).not.toMatch(/ignored/);
  });
});

describe('the guard keeps agents away from the records', () => {
  const commands = [
    `echo '{}' > .git/agentpolicy/verified/0a1b`,
    'mkdir -p .git/agentpolicy/verified && cp /tmp/forged/* .git/agentpolicy/verified/',
    'tee .git/agentpolicy/verified/0a1b < /tmp/forged/record',
    'mv /tmp/forged .git/agentpolicy/verified',
    'cd .git/agentpolicy && ln -s /tmp/forged verified',
    'ln -sfn /tmp/forged .git/agentpolicy/verified',
    'rsync -a /tmp/forged/ .git/agentpolicy/verified/',
    'tar -xf /tmp/forged.tar -C .git/agentpolicy',
    `node -e "require('fs').writeFileSync('.git/agentpolicy/verified/0a1b', '{}')"`,
    `python3 -c "open('.git/agentpolicy/verified/0a1b', 'w').write('{}')"`,
    `cd .git && printf '{}' > agentpolicy/verified/0a1b`,
    'rm -rf .git/agentpolicy/verified',
  ];

  it('denies commands and file tools that would write a record, by any path', () => {
    const project = createProject();
    const records = join(project.dir, '.git/agentpolicy/verified');
    const decide = (tool_name: string, tool_input: object) => {
      const body = {
        session_id: 's',
        transcript_path: join(project.dir, '..', 'no-transcript.jsonl'),
        cwd: project.dir,
        hook_event_name: 'PreToolUse',
        tool_name,
        tool_input,
        tool_use_id: 'toolu_1',
      };
      const result = project.cli(['agent-hook', 'claude'], JSON.stringify(body));
      return result.stdout.trim()
        ? JSON.parse(result.stdout).hookSpecificOutput?.permissionDecision
        : 'allow';
    };
    const before = snapshot(project);
    expect(commands.filter((command) => decide('Bash', { command }) !== 'deny')).toEqual([]);
    const writes = [
      { file_path: join(records, '0a1b'), content: '{}' },
      { file_path: '.git/agentpolicy/verified/0a1b', content: '{}' },
      { file_path: join(project.dir, 'src/../.git/agentpolicy/verified/x'), content: '{}' },
    ];
    expect(writes.filter((input) => decide('Write', input) !== 'deny')).toEqual([]);
    expect(decide('Edit', { file_path: join(records, '0a1b'), old_string: 'a', new_string: 'b' })).toBe(
      'deny',
    );
    expect(decide('Bash', { command: 'ls .git/agentpolicy' })).toBe('allow');
    expect(snapshot(project)).toBe(before);
  });
});
