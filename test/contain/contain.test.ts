// Contained execution end to end: real namespaces, real overlays, real git, as an unprivileged
// user. What an allowed command did lands in the real tree; what a denied one did does not, and
// the message says what would have been lost.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../helpers/repo.js';
import {
  AS_ROOT,
  containedRepo,
  containmentRuns,
  handOver,
  opaque,
  outsideFolder,
  SH,
  takeBack,
  wrapper,
  wrapperAsync,
} from './helpers.js';

let runs = false;
beforeAll(() => {
  runs = containmentRuns();
  if (!runs) console.log('contained execution cannot run here: these tests check nothing');
});

describe('contained execution', () => {
  it('applies what an allowed command did and passes its exit code and output through', () => {
    if (!runs) return;
    const repo = containedRepo();
    const result = wrapper(repo, 'sh', [
      '-c',
      opaque(
        'echo "export const n = 0;" > src/new.ts; echo more >> README.md; chmod +x src/a.ts; ln -s a.ts src/link.ts; echo out; echo err >&2; exit 3',
      ),
    ]);
    takeBack(repo);
    expect(result).toEqual({ status: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(repo.read('src/new.ts')).toBe('export const n = 0;\n');
    expect(repo.read('README.md')).toBe('# project\nmore\n');
    expect(statSync(join(repo.dir, 'src/a.ts')).mode & 0o111).not.toBe(0);
    expect(repo.read('src/link.ts')).toBe('export const a = 1;\n');
  });

  it('applies a command where the home folder cannot hold its state (a system user)', () => {
    if (!runs) return;
    const repo = containedRepo();
    // A home that is a file: nothing can be made under it, as root or not.
    const home = join(repo.home, 'not-a-folder');
    writeFileSync(home, '');
    const result = wrapper(repo, 'sh', ['-c', opaque('echo "export const h = 1;" > src/h.ts; echo done')], {
      env: { HOME: home, XDG_STATE_HOME: '' },
    });
    takeBack(repo);
    expect(result).toEqual({ status: 0, stdout: 'done\n', stderr: '' });
    expect(repo.read('src/h.ts')).toBe('export const h = 1;\n');
  });

  it('drops what a denied command did and says what would have been lost', () => {
    if (!runs) return;
    const repo = containedRepo();
    takeBack(repo);
    const before = snapshot(repo);
    handOver(repo);
    const result = wrapper(repo, 'exec', [
      'sh',
      '-c',
      opaque('rm src/a.ts src/b.ts src/c.ts; echo "export {};" > src/new.ts; echo deleted'),
    ]);
    takeBack(repo);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('deleted\n');
    expect(result.stderr).toMatch(
      /denied by no-mass-deletion: .*deletes 3 tracked files: src\/a\.ts, src\/b\.ts, src\/c\.ts/,
    );
    expect(result.stderr).toMatch(/nothing it did was applied/);
    expect(snapshot(repo)).toBe(before);
  });

  it.each([
    ['emptying a tracked file', ': > src/a.ts', /no-mass-deletion: .* destroys the content of src\/a\.ts/],
    ['removing a folder of tracked files', 'rm -r src', /no-mass-deletion: .* deletes 4 tracked file/],
    [
      'replacing a tracked file with a named pipe',
      'rm src/a.ts && mkfifo src/a.ts',
      /no-mass-deletion: .* destroys the content of src\/a\.ts/,
    ],
    ['writing the policy', 'echo "{}" > .agentpolicyrc', /protected-paths: .* \.agentpolicyrc/],
    [
      'writing a git ref file',
      'git rev-parse HEAD > .git/refs/heads/other; echo x > .git/info/exclude',
      /protected-paths: .*\.git\/info\/exclude/,
    ],
  ])('denies %s by its effect', (_name, command, reason) => {
    if (!runs) return;
    const repo = containedRepo();
    takeBack(repo);
    const before = snapshot(repo);
    handOver(repo);
    const result = wrapper(repo, 'sh', ['-c', opaque(command)]);
    takeBack(repo);
    expect(result.stderr).toMatch(reason);
    expect(result.status).toBe(1);
    expect(snapshot(repo)).toBe(before);
  });

  it.each([
    ['a named pipe in its place', 'rm .git/HEAD && mkfifo .git/HEAD'],
    ['a link to a named pipe', 'p=$(mktemp -u) && mkfifo "$p" && ln -sf "$p" .git/HEAD'],
  ])('fails closed on a git file it cannot read: %s', (_name, command) => {
    if (!runs) return;
    const repo = containedRepo();
    takeBack(repo);
    const before = snapshot(repo);
    handOver(repo);
    const result = wrapper(repo, 'sh', ['-c', opaque(command)]);
    takeBack(repo);
    expect(result.stderr).toMatch(/named pipe in git's folder/);
    expect(result.status).toBe(2);
    expect(snapshot(repo)).toBe(before);
  });

  it('keeps everything outside the project read-only, but temp folders and caches', () => {
    if (!runs) return;
    const repo = containedRepo();
    // A folder the user may write, outside the project, the temp folders and the caches.
    const outside = outsideFolder();
    const result = wrapper(repo, 'sh', [
      '-c',
      opaque(
        `touch "${outside}/file" || echo refused; touch "$HOME/.cache/cached" && echo cache-written; t=$(mktemp) && echo temp-written && rm "$t"`,
      ),
    ]);
    takeBack(repo);
    expect(result.stdout).toBe('refused\ncache-written\ntemp-written\n');
    expect(result.stderr).toMatch(/Read-only file system/);
    expect(existsSync(join(outside, 'file'))).toBe(false);
    expect(existsSync(join(repo.home, '.cache', 'cached'))).toBe(true);
  });

  it('pins the folders above the project and its layers where they lie in a temp folder', () => {
    if (!runs) return;
    const repo = containedRepo();
    // The repository and its home are under the temp folder, which the command may write.
    const result = wrapper(repo, 'sh', [
      '-c',
      opaque(
        'd=$(dirname "$PWD"); mv "$d" "$d.moved" 2>/dev/null || echo refused; mv "$HOME/.local/state" "$HOME/.local/moved" 2>/dev/null || echo refused; mkdir "$d/x" && echo sibling-written',
      ),
    ]);
    takeBack(repo);
    expect(result.stdout).toBe('refused\nrefused\nsibling-written\n');
    expect(repo.read('README.md')).toBe('# project\n');
    expect(existsSync(join(repo.home, '.local', 'state', 'agentpolicy'))).toBe(true);
  });

  it('ends whatever the command left running, and applies none of its later writes', () => {
    if (!runs) return;
    const repo = containedRepo();
    const started = Date.now();
    const result = wrapper(repo, 'sh', ['-c', '(sleep 2; echo late > late.txt) & sleep 30 & echo started']);
    takeBack(repo);
    expect(result.stdout).toBe('started\n');
    expect(Date.now() - started).toBeLessThan(20_000);
    spawnSync('sleep', ['3']);
    expect(existsSync(join(repo.dir, 'late.txt'))).toBe(false);
    const left = spawnSync('pgrep', [
      '-u',
      AS_ROOT ? 'nobody' : String(process.getuid?.()),
      '-f',
      'sleep 30',
    ]);
    expect(left.status).toBe(1);
  });

  it('runs a contained command inside a contained command once, not twice', () => {
    if (!runs) return;
    const repo = containedRepo({ extends: 'agentpolicy:recommended', shell: { contain: 'required' } });
    const inner = `${process.execPath} ${SH} -c 'grep -c " - overlay " /proc/self/mountinfo; echo inner > inner.txt'`;
    const result = wrapper(repo, 'sh', ['-c', `grep -c " - overlay " /proc/self/mountinfo; ${inner}`]);
    takeBack(repo);
    expect(result.stdout).toBe('1\n1\n');
    expect(result.status).toBe(0);
    expect(repo.read('inner.txt')).toBe('inner\n');
  });

  it('runs contained commands side by side: each lands, and a refreshed index undoes no staging', async () => {
    if (!runs) return;
    const repo = containedRepo();
    // One long command that refreshes the index as it ends; one short that stages a new file.
    const long = wrapperAsync(repo, [
      '-c',
      'sleep 2; touch README.md; git status --short > /dev/null; echo long > long.txt',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const short = await wrapperAsync(repo, ['-c', 'echo "export {};" > src/new.ts && git add src/new.ts']);
    const first = await long;
    takeBack(repo);
    expect(short.status).toBe(0);
    expect(first).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(repo.read('long.txt')).toBe('long\n');
    expect(repo.git('diff', '--cached', '--name-only')).toBe('src/new.ts\n');
  });

  it('gives the command the terminal it was given', () => {
    if (!runs) return;
    const repo = containedRepo();
    const inner = `${process.execPath} ${SH} -c '[ -t 0 ] && [ -t 1 ] && echo on-a-terminal'`;
    const result = wrapper(repo, 'exec', ['script', '-qec', inner, '/dev/null']);
    expect(result.stdout).toMatch(/on-a-terminal/);
  });

  it('runs git hooks of a commit made inside, and judges the commit as the hooks would', () => {
    if (!runs) return;
    const repo = containedRepo({
      extends: 'agentpolicy:recommended',
      rules: { 'commit-message': ['error', { minLength: 15 }] },
    });
    takeBack(repo);
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), '#!/bin/sh\necho hook-ran\n', { mode: 0o755 });
    const head = repo.git('rev-parse', 'HEAD').trim();
    handOver(repo);
    const ok = wrapper(repo, 'sh', [
      '-c',
      'echo x >> README.md && git commit -qam "Document the project start"',
    ]);
    // git hands a hook's output to stderr.
    expect(ok.stderr).toBe('hook-ran\n');
    expect(ok.status).toBe(0);
    // A message the commit-msg rule refuses, made with the hooks skipped in a way the static
    // pass cannot see: the commit itself is judged.
    const bad = wrapper(repo, 'sh', [
      '-c',
      opaque('echo y >> README.md && git -c core.hooksPath=/dev/null commit -qam short'),
    ]);
    takeBack(repo);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/commit-message/);
    expect(repo.git('log', '--format=%s').split('\n').filter(Boolean)).toEqual([
      'Document the project start',
      'base',
    ]);
    expect(repo.git('rev-parse', 'HEAD~1').trim()).toBe(head);
  });
});

describe('git state, judged by its effects', () => {
  /** A repository with a second commit, a merged and an unmerged branch, a stash, a dirty file. */
  function gitRepo() {
    const repo = containedRepo();
    takeBack(repo);
    repo.git('branch', 'merged');
    repo.git('checkout', '-q', '-b', 'unmerged');
    repo.commit('unmerged work', { 'src/u.ts': 'u\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('second commit', { 'src/e.ts': 'e\n' });
    repo.write('src/b.ts', 'stashed edit\n');
    repo.git('stash', '-q');
    repo.write('src/a.ts', 'uncommitted edit\n');
    return repo;
  }

  it.each([
    [
      'discarding uncommitted changes',
      'git checkout -- src/a.ts',
      /no-destructive-git: It discards the uncommitted changes to src\/a\.ts/,
    ],
    [
      'restoring from HEAD without git',
      'git show HEAD:src/a.ts > src/a.ts',
      /no-destructive-git: It discards the uncommitted changes to src\/a\.ts/,
    ],
    [
      'deleting a file with uncommitted changes',
      'rm src/a.ts',
      /no-mass-deletion: .* deletes src\/a\.ts with uncommitted changes/,
    ],
    [
      'moving a branch back',
      'git reset -q --hard HEAD~1',
      /no-destructive-git: .*(moves refs\/heads\/main|discards)/,
    ],
    [
      'moving a branch by writing its ref',
      'old=$(git rev-parse unmerged~1) && echo "$old" > .git/refs/heads/unmerged',
      /no-destructive-git: It moves refs\/heads\/unmerged .* dropping 1 commit/,
    ],
    [
      'deleting an unmerged branch',
      'git branch -q -D unmerged',
      /no-destructive-git: It deletes refs\/heads\/unmerged/,
    ],
    ['dropping a stash entry', 'git stash drop -q', /no-destructive-git: It drops 1 stash entry/],
    [
      'cutting a reflog',
      'git reflog expire --expire=now refs/heads/main',
      /no-destructive-git: It removes .* reflog of refs\/heads\/main/,
    ],
    [
      'pointing git at other hooks',
      'git config core.hooksPath /tmp/none',
      /no-hook-bypass: It sets `core.hookspath`/,
    ],
    [
      'setting a command git runs',
      'git config core.fsmonitor "rm -rf ."',
      /no-hook-bypass: .*core\.fsmonitor/,
    ],
    [
      'adding a hook',
      'printf "#!/bin/sh\\nexit 0\\n" > .git/hooks/pre-commit',
      /no-hook-bypass: It adds the git hook hooks\/pre-commit/,
    ],
    [
      'rewriting a stored object in place',
      'f=$(git rev-parse HEAD | sed "s|^..|.git/objects/&/|") && chmod u+w "$f" && printf x > "$f"',
      /no-destructive-git: It rewrites 1 file\(s\) of the object store in place/,
    ],
    [
      'showing another commit in place of the last one',
      'git replace HEAD $(git commit-tree -m "An empty history" $(git mktree </dev/null))',
      /no-hook-bypass: It adds refs\/replace\//,
    ],
  ])('denies %s', (_name, command, reason) => {
    if (!runs) return;
    const repo = gitRepo();
    const before = snapshot(repo);
    handOver(repo);
    const result = wrapper(repo, 'sh', ['-c', opaque(command)]);
    takeBack(repo);
    expect(result.stderr).toMatch(reason);
    expect(result.status).toBe(1);
    expect(snapshot(repo)).toBe(before);
  });

  it('reads what the command left without running the programs its git config names', () => {
    if (!runs) return;
    const repo = gitRepo();
    // Writable outside the containment only: a program run by the judge would leave its mark.
    const mark = join(outsideFolder(), 'ran');
    handOver(repo);
    const result = wrapper(repo, 'sh', [
      '-c',
      opaque(
        `git config filter.x.clean "sh -c 'touch ${mark} 2>/dev/null; cat'" && echo "* filter=x" > .git/info/attributes && git show HEAD:src/a.ts > src/a.ts && echo more >> README.md && git add README.md`,
      ),
    ]);
    takeBack(repo);
    expect(result.stderr).toMatch(/no-hook-bypass: .*filter\.x\.clean/);
    expect(result.status).toBe(1);
    expect(existsSync(mark)).toBe(false);
  });

  it.each([
    ['committing', 'git commit -qam "Edit the first module"'],
    ['stashing and popping', 'git stash -q && git stash pop -q'],
    ['deleting a merged branch', 'git branch -q -d merged'],
    ['amending the last commit', 'git commit -q --amend -m "A better second commit"'],
    ['a soft reset', 'git reset -q --soft HEAD~1'],
    ['rebasing a branch', 'git stash -q && git checkout -q unmerged && git rebase -q main'],
    ['setting ordinary config', 'git config user.name Someone'],
    ['staging into a split index', 'git update-index --split-index && git add src/a.ts'],
  ])('lets %s through and applies it', (_name, command) => {
    if (!runs) return;
    const repo = gitRepo();
    const expected = gitRepo();
    spawnSync('sh', ['-c', command], { cwd: expected.dir, env: expected.env });
    handOver(repo);
    const result = wrapper(repo, 'sh', ['-c', opaque(command)]);
    takeBack(repo);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const state = (r: typeof repo) => ({
      files: r.git('ls-files', '-s'),
      status: r.git('status', '--porcelain'),
      branches: r.git('branch', '--format=%(refname:short) %(subject)'),
      stash: r.git('stash', 'list', '--format=%s'),
      log: r.git('log', '--format=%s', '--all').split('\n').sort(),
    });
    // Commit ids differ between the two repositories (their times do): compare without them.
    const plain = (r: typeof repo) => JSON.stringify(state(r)).replace(/\b[0-9a-f]{7,40}\b/g, '<oid>');
    expect(plain(repo)).toBe(plain(expected));
  });
});

describe('policy setting shell.contain', () => {
  it('off: commands run directly, judged by the static pass alone', () => {
    if (!runs) return;
    const repo = containedRepo({ extends: 'agentpolicy:recommended', shell: { contain: 'off' } });
    const result = wrapper(repo, 'sh', ['-c', 'grep -c " - overlay " /proc/self/mountinfo || true']);
    expect(result.stdout).toBe('0\n');
    const unseen = wrapper(repo, 'sh', ['-c', opaque('true')]);
    expect(unseen.status).toBe(1);
    expect(unseen.stderr).toMatch(/contained execution is off/);
  });

  it('required: blocks with the fix where containment cannot run', () => {
    const repo = containedRepo({ extends: 'agentpolicy:recommended', shell: { contain: 'required' } });
    takeBack(repo);
    // No folder on the project's file system can hold a layer: the home is gone, and the folder
    // holding the project is not writable.
    const base = join(repo.dir, '..');
    spawnSync('chown', ['root:root', base]);
    spawnSync('chmod', ['755', base]);
    spawnSync('chown', ['-R', AS_ROOT ? 'nobody:nogroup' : String(process.getuid?.()), repo.dir]);
    if (!AS_ROOT) return; // a non-root user owns its temp folder and can always write there
    const result = wrapper(repo, 'sh', ['-c', 'echo ran > ran.txt'], { env: { HOME: '/nonexistent' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/requires contained execution .* cannot run here/);
    expect(result.stderr).toMatch(/fix:/);
    expect(existsSync(join(repo.dir, 'ran.txt'))).toBe(false);
    expect(readFileSync(join(repo.dir, 'README.md'), 'utf8')).toBe('# project\n');
  });
});
