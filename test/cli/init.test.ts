import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BLOCK_BEGIN } from '../../src/adapters/hook-scripts.js';
import { runCli } from '../helpers/cli.js';
import { linkBinary } from '../helpers/project.js';
import { createRepo, snapshot } from '../helpers/repo.js';

function huskyRepo() {
  const repo = createRepo();
  repo.write('package.json', '{ "name": "x", "private": true, "scripts": { "prepare": "husky" } }\n');
  repo.write('.gitignore', 'node_modules\nexisting-ran.txt\n');
  linkBinary(repo.dir);
  // husky's own installer, as `npm install` runs it through "prepare".
  const husky = pathToFileURL(join(process.cwd(), 'node_modules/husky/index.js')).href;
  const install = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import(${JSON.stringify(husky)}).then((m) => process.stdout.write(m.default()))`,
    ],
    {
      cwd: repo.dir,
      env: repo.env,
      encoding: 'utf8',
    },
  );
  expect(install.status, install.stderr).toBe(0);
  expect(install.stdout).toBe('');
  expect(repo.git('config', 'core.hooksPath').trim()).toBe('.husky/_');
  repo.write('.husky/pre-commit', 'echo existing-pre-commit-ran > existing-ran.txt\n');
  return repo;
}

describe('agentpolicy init', () => {
  it('keeps an existing husky setup working, adds our hooks once, and changes nothing when run again', () => {
    const repo = huskyRepo();
    const cli = (args: string[]) => runCli(args, { cwd: repo.dir, env: repo.env });
    expect(cli(['init', '--preset', 'strict']).status).toBe(0);
    const afterFirst = snapshot(repo);
    const preCommit = readFileSync(join(repo.dir, '.husky/pre-commit'), 'utf8');
    expect(preCommit.split(BLOCK_BEGIN)).toHaveLength(2);
    expect(preCommit).toMatch(/echo existing-pre-commit-ran/);
    const second = cli(['init', '--preset', 'strict']);
    expect(second.stdout).not.toMatch(/^done/m);
    expect(snapshot(repo)).toBe(afterFirst);
    expect(JSON.parse(repo.read('package.json')).scripts.prepare).toBe('husky');

    // Both hooks run: ours blocks a bad message, the existing line still runs on a good commit.
    repo.write('VERIFY.md', '```sh\ntrue\n```\n');
    repo.git('add', '-A');
    expect(repo.gitRaw(['commit', '-q', '-m', 'wip']).status).not.toBe(0);
    const good = repo.gitRaw(['commit', '-q', '-m', 'Set up agentpolicy with husky']);
    expect(good.status, good.stderr).toBe(0);
    expect(repo.read('existing-ran.txt')).toBe('existing-pre-commit-ran\n');
  });

  it('changes nothing with --dry-run', () => {
    const repo = createRepo();
    const before = snapshot(repo);
    const result = runCli(['init', '--dry-run'], { cwd: repo.dir, env: repo.env });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/would\s+\.agentpolicyrc/);
    expect(snapshot(repo)).toBe(before);
    expect(repo.gitRaw(['config', 'core.hooksPath']).stdout).toBe('');
  });

  it('keeps an existing policy and refuses an unknown preset', () => {
    const repo = createRepo();
    repo.write('.agentpolicyrc.yaml', 'extends: agentpolicy:strict\n');
    const result = runCli(['init'], { cwd: repo.dir, env: repo.env });
    expect(result.stdout).toMatch(/kept\s+\.agentpolicyrc\.yaml: policy exists/);
    const bad = runCli(['init', '--preset', 'strikt'], { cwd: repo.dir, env: repo.env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown preset "strikt"\. Did you mean "strict"\?/);
  });

  it('init --preset over an existing policy says what it kept and how to switch', () => {
    const repo = createRepo();
    repo.write('.agentpolicyrc', '{ "extends": "agentpolicy:recommended" }\n');
    const result = runCli(['init', '--preset', 'strict'], { cwd: repo.dir, env: repo.env });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /kept\s+\.agentpolicyrc: policy exists, kept as it is \(extends agentpolicy:recommended\); --preset strict was not applied\. To switch, set "extends": "agentpolicy:strict" in \.agentpolicyrc/,
    );
    expect(repo.read('.agentpolicyrc')).toBe('{ "extends": "agentpolicy:recommended" }\n');
    const same = runCli(['init', '--preset', 'recommended'], { cwd: repo.dir, env: repo.env });
    expect(same.stdout).not.toMatch(/was not applied/);
  });

  it('adds its block to the hooks of another hooks folder, keeping their lines and making them executable', () => {
    const repo = createRepo();
    repo.git('config', 'core.hooksPath', '.githooks');
    repo.write('.githooks/pre-commit', '#!/bin/sh\necho mine\n');
    expect(runCli(['init'], { cwd: repo.dir, env: repo.env }).status).toBe(0);
    const script = repo.read('.githooks/pre-commit');
    expect(script.startsWith(`#!/bin/sh\n${BLOCK_BEGIN}`)).toBe(true);
    expect(script).toMatch(/echo mine/);
    expect(statSync(join(repo.dir, '.githooks/commit-msg')).mode & 0o111).not.toBe(0);
    expect(repo.gitRaw(['config', 'core.hooksPath']).stdout.trim()).toBe('.githooks');
  });
});

describe('agentpolicy init --memory', () => {
  it('writes the four memory files without clobbering, and wires VERIFY.md into the policy', () => {
    const repo = createRepo();
    repo.write('PLAN.md', '# my plan\n- [ ] keep me\n');
    repo.write('.agentpolicyrc.yaml', '# team policy\nextends: agentpolicy:recommended\n');
    const result = runCli(['init', '--memory'], { cwd: repo.dir, env: repo.env });
    expect(result.status, result.stderr).toBe(0);
    expect(repo.read('PLAN.md')).toBe('# my plan\n- [ ] keep me\n');
    for (const name of ['AGENTS.md', 'PROGRESS.md', 'VERIFY.md']) expect(repo.read(name)).toMatch(/^# /);
    expect(repo.read('.agentpolicyrc.yaml')).toMatch(
      /# team policy\nextends: agentpolicy:recommended\nverify:\n {2}from: VERIFY\.md/,
    );
    const config = JSON.parse(
      runCli(['config', '--format', 'json'], { cwd: repo.dir, env: repo.env }).stdout,
    );
    expect(config.policy.verifyFrom).toBe('VERIFY.md');
    const again = runCli(['init', '--memory'], { cwd: repo.dir, env: repo.env });
    expect(again.stdout).not.toMatch(/^done/m);
  });

  it('writes a new policy that takes its steps from VERIFY.md', () => {
    const repo = createRepo();
    runCli(['init', '--memory', '--preset', 'fast-model'], { cwd: repo.dir, env: repo.env });
    expect(JSON.parse(repo.read('.agentpolicyrc'))).toMatchObject({
      extends: 'agentpolicy:fast-model',
      verify: { from: 'VERIFY.md' },
    });
  });
});

describe('agentpolicy init writes VERIFY.md from what the project has', () => {
  it("leaves out npm's placeholder test script, so the first commits under strict can pass", () => {
    const repo = createRepo();
    linkBinary(repo.dir);
    const scripts = { test: 'echo "Error: no test specified" && exit 1', lint: 'node -e 0' };
    repo.write('package.json', `${JSON.stringify({ name: 'x', private: true, scripts }, null, 2)}\n`);
    repo.write('.gitignore', 'node_modules\n');
    repo.write('README.md', '# x\n');
    const result = runCli(['init', '--preset', 'strict'], { cwd: repo.dir, env: repo.env });
    expect(result.status, result.stderr).toBe(0);
    expect(repo.read('VERIFY.md')).toMatch(/```sh\nnpm run lint\n```/);
    expect(result.stdout).toMatch(/runs `npm run lint` \(from the "lint" script\)/);
    expect(result.stdout).toMatch(/left out: the "test" script is npm's placeholder/);
    repo.git('add', '-A');
    const first = repo.gitRaw(['commit', '-q', '-m', 'Guard the repository with agentpolicy']);
    expect(first.status, first.stderr).toBe(0);
    // The next commit is judged by the committed policy, VERIFY.md's steps included.
    repo.write('README.md', '# x\n\nWhat x does.\n');
    repo.git('add', '-A');
    const next = repo.gitRaw(['commit', '-q', '-m', 'Say what the project does']);
    expect(next.status, next.stderr).toBe(0);
    expect(repo.git('log', '--format=%s').trim().split('\n')).toHaveLength(2);
  });

  it("runs typecheck and lint once, in the project's package manager, and warns about ignore-scripts", () => {
    const repo = createRepo();
    const manifest = {
      scripts: { test: 'pnpm run lint && vitest run', lint: 'biome check .' },
      devDependencies: { typescript: '^5.0.0' },
    };
    repo.write('package.json', JSON.stringify(manifest));
    repo.write('tsconfig.json', '{}\n');
    repo.write('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
    repo.write('.npmrc', 'ignore-scripts=true\n');
    const result = runCli(['init', '--memory'], { cwd: repo.dir, env: repo.env });
    expect(result.status, result.stderr).toBe(0);
    expect(repo.read('VERIFY.md')).toMatch(/```sh\nnpx tsc --noEmit\npnpm test\n```/);
    expect(result.stdout).toMatch(/left out: the "lint" script: the test script already runs it/);
    expect(result.stdout).toMatch(/\.npmrc: ignore-scripts is on[\s\S]*npm run prepare/);
  });

  it('says when it finds no command, and takes what other ecosystems have', () => {
    const bare = createRepo();
    const none = runCli(['init', '--memory'], { cwd: bare.dir, env: bare.env });
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/VERIFY\.md: written, with no command yet/);
    expect(bare.read('VERIFY.md')).not.toMatch(/```/);
    const go = createRepo();
    go.write('go.mod', 'module example.com/x\n');
    runCli(['init', '--memory'], { cwd: go.dir, env: go.env });
    expect(go.read('VERIFY.md')).toMatch(/```sh\ngo vet \.\/\.\.\.\ngo test \.\/\.\.\.\n```/);
  });
});

describe('agentpolicy doctor', () => {
  it('passes after init and reports each broken piece with a fix', () => {
    const repo = createRepo();
    linkBinary(repo.dir);
    runCli(['init'], { cwd: repo.dir, env: repo.env });
    const cli = (args: string[]) => runCli(args, { cwd: repo.dir, env: repo.env });
    expect(cli(['doctor']).status).toBe(0);
    repo.remove('.husky/commit-msg');
    repo.write('.agentpolicyrc', '{ "rules": { "scope": "eror" } }');
    const broken = cli(['doctor', '--format', 'json']);
    expect(broken.status).toBe(1);
    const report = JSON.parse(broken.stdout);
    const failed = report.checks
      .filter((check: { ok: boolean }) => !check.ok)
      .map((check: { name: string }) => check.name);
    expect(failed).toEqual(['policy', 'hook commit-msg']);
    expect(cli(['doctor']).stdout).toMatch(/fix: agentpolicy init --hooks/);
  });

  it('reports a global core.hooksPath that overrides the repository', () => {
    const repo = createRepo();
    linkBinary(repo.dir);
    runCli(['init'], { cwd: repo.dir, env: repo.env });
    repo.git('config', '--unset', 'core.hooksPath');
    repo.git('config', '--global', 'core.hooksPath', '/tmp/nowhere');
    const result = runCli(['doctor'], { cwd: repo.dir, env: repo.env });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/core\.hooksPath: set to \/tmp\/nowhere/);
  });
});
