// Policies are validated when they load, completely, on every path: one source, strict data, safe
// files, regular expressions that compile and run in linear time, bounded timeouts. Every error
// names the file, the key, what was expected and what was found; none is called a bug.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createProject } from '../helpers/project.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

function config(repo: TestRepo, args: string[] = ['config']) {
  return runCli(args, { cwd: repo.dir, env: repo.env });
}

function repoWith(files: Record<string, string>): TestRepo {
  const repo = createRepo();
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  return repo;
}

const noBug = (text: string) => expect(text).not.toMatch(/bug|internal error|\n\s+at /);

describe('one policy source, no silent precedence', () => {
  it.each([
    [
      '.agentpolicyrc and .agentpolicyrc.yaml',
      { '.agentpolicyrc': '{}', '.agentpolicyrc.yaml': 'rules: {}\n' },
      /Two policy sources: \.agentpolicyrc and \.agentpolicyrc\.yaml/,
    ],
    [
      '.agentpolicyrc and a package.json key',
      { '.agentpolicyrc': '{}', 'package.json': '{ "agentpolicy": { "rules": {} } }' },
      /Two policy sources: \.agentpolicyrc and package\.json#agentpolicy/,
    ],
    [
      'a package.json key alone',
      { 'package.json': '{ "name": "x", "agentpolicy": { "rules": {} } }' },
      /package\.json#agentpolicy is not read: the policy lives in \.agentpolicyrc only/,
    ],
  ])('%s is an error naming both', (_name, files, pattern) => {
    const result = config(repoWith(files));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(pattern);
    noBug(result.stderr);
  });

  it('a package.json that only depends on agentpolicy is fine', () => {
    const repo = repoWith({
      '.agentpolicyrc': '{ "extends": "agentpolicy:recommended" }',
      'package.json': '{ "devDependencies": { "agentpolicy": "^0.1.0" } }',
    });
    expect(config(repo).status).toBe(0);
  });
});

describe('strict data', () => {
  it.each([
    [
      'a duplicate key',
      '{ "rules": {\n  "no-force-push": "error",\n  "no-force-push": "off"\n} }',
      /\.agentpolicyrc:3:3: invalid JSON: duplicate key "no-force-push" \(first at line 2, column 3\)/,
    ],
    ['a duplicate top-level key', '{ "rules": {}, "rules": {} }', /duplicate key "rules"/],
    [
      'a duplicate key in YAML',
      'rules:\n  scope: error\n  scope: off\n',
      /invalid YAML: .*[Mm]ap keys must be unique/,
    ],
    ['nesting beyond reason', `${'['.repeat(5000)}${']'.repeat(5000)}`, /nested more than 64 levels deep/],
    [
      'an array where an object belongs',
      '{ "rules": { "max-diff-lines": ["error", []] } }',
      /rules\.max-diff-lines\[1\]: expected an object, found an array/,
    ],
    ['an array for a section', '{ "shell": [] }', /shell: expected an object, found an array/],
    ['an array for the policy', '[]', /expected an object at the top level, found an array/],
  ])('%s is refused', (_name, content, pattern) => {
    const result = config(repoWith({ '.agentpolicyrc': content }));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(pattern);
    noBug(result.stderr);
  });

  it('a byte-order mark is read past, in JSON and in YAML', () => {
    expect(
      config(repoWith({ '.agentpolicyrc': '\uFEFF{ "extends": "agentpolicy:recommended" }' })).status,
    ).toBe(0);
    expect(
      config(repoWith({ '.agentpolicyrc.yaml': '\uFEFFextends: agentpolicy:recommended\n' })).status,
    ).toBe(0);
    const bad = config(repoWith({ '.agentpolicyrc': '\uFEFF{ "rules": {\n  "x": 1,, } }' }));
    expect(bad.stderr).toMatch(/\.agentpolicyrc:2:10: invalid JSON/);
  });
});

describe('files that are not sane policy files', () => {
  it('a FIFO is refused at once, as the policy and as an extends target', () => {
    for (const [policy, fifo] of [
      ['', '.agentpolicyrc'],
      ['{ "extends": "./shared.json" }', 'shared.json'],
    ] as const) {
      const repo = createRepo();
      if (policy) repo.write('.agentpolicyrc', policy);
      expect(spawnSync('mkfifo', [join(repo.dir, fifo)]).status).toBe(0);
      const result = config(repo);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/not a regular file \(a FIFO, socket or device\)/);
    }
  });

  it('/dev/zero as an extends target is refused', () => {
    const repo = repoWith({ '.agentpolicyrc': '{ "extends": "/dev/zero" }' });
    const result = config(repo);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/"\/dev\/zero" is an absolute path/);
    const linked = createRepo();
    symlinkSync('/dev/zero', join(linked.dir, 'zero.json'));
    linked.write('.agentpolicyrc', '{ "extends": "./zero.json" }');
    const viaLink = config(linked);
    expect(viaLink.status).toBe(2);
    expect(viaLink.stderr).toMatch(/outside the repository|not a regular file/);
  });

  it('a 50 MB policy is refused with its size', () => {
    const repo = createRepo();
    writeFileSync(join(repo.dir, '.agentpolicyrc'), `{ "x": "${'a'.repeat(50 * 1024 * 1024)}" }`);
    const result = config(repo);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\.agentpolicyrc is 50\.0 MB; a policy file .* may be at most 1 MB/);
  });

  it('a binary file is refused', () => {
    const repo = createRepo();
    writeFileSync(join(repo.dir, '.agentpolicyrc'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(config(repo).stderr).toMatch(/not UTF-8 text/);
  });
});

describe('extends names presets, node_modules packages and files inside the repository', () => {
  it.each([
    ['an absolute path', '{ "extends": "/etc/team.json" }', /"\/etc\/team\.json" is an absolute path/],
    [
      'a path out of the repository',
      '{ "extends": "../../team.json" }',
      /"\.\.\/\.\.\/team\.json" leads outside the repository/,
    ],
    ['a file in .git', '{ "extends": "./.git/lax.json" }', /leads outside the repository/],
    ['code', '{ "extends": "./team.js" }', /"\.\/team\.js" is code/],
    ['a package path that climbs', '{ "extends": "@acme/x/../../../etc" }', /neither a preset/],
  ])('%s is refused', (_name, content, pattern) => {
    const result = config(repoWith({ '.agentpolicyrc': content }));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(pattern);
  });

  it('a policy file that is a symlink out of the repository is refused; one inside is followed', () => {
    const repo = createRepo();
    const outside = join(repo.dir, '..', 'lax.json');
    writeFileSync(outside, '{}');
    symlinkSync(outside, join(repo.dir, '.agentpolicyrc'));
    const result = config(repo);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\.agentpolicyrc leads to .*lax\.json, outside the repository/);
    const inside = createRepo();
    inside.write('policy/main.json', '{ "extends": "agentpolicy:recommended" }');
    symlinkSync('policy/main.json', join(inside.dir, '.agentpolicyrc'));
    expect(config(inside).status).toBe(0);
  });

  it('a committed symlink pointing out of the repository is refused at the hooks', () => {
    const project = createProject();
    project.remove('.agentpolicyrc');
    symlinkSync('../../outside.json', join(project.dir, '.agentpolicyrc'));
    project.git('add', '-A');
    project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Point the policy elsewhere');
    const result = project.gitRaw(['commit', '-q', '--allow-empty', '-m', 'Any commit at all now']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /HEAD:\.agentpolicyrc is a symlink to \.\.\/\.\.\/outside\.json, outside the repository/,
    );
  });

  it('a package is looked up in the repository node_modules only', () => {
    const repo = createRepo();
    const parent = join(repo.dir, '..', 'node_modules', 'lax-policy');
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(parent, 'package.json'), '{ "name": "lax-policy", "agentpolicy": {} }');
    repo.write('.agentpolicyrc', '{ "extends": "lax-policy" }');
    const result = config(repo);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cannot find the package "lax-policy"/);
  });
});

describe('regular expressions compile at load and run in linear time', () => {
  it.each([
    [
      'an unbalanced group',
      { 'forbidden-content': ['error', { patterns: [{ pattern: '(', message: 'm' }] }] },
      /rules\.forbidden-content\[1\]\.patterns\[0\]\.pattern: expected a regular expression: .*, found "\(" \(a string\)/,
    ],
    [
      'a reversed range',
      { 'commit-message': ['error', { pattern: '[z-a]' }] },
      /rules\.commit-message\[1\]\.pattern: expected a regular expression: .*[Rr]ange out of order/,
    ],
    [
      'bad flags',
      { 'forbidden-content': ['error', { patterns: [{ pattern: 'x', message: 'm', flags: 'q' }] }] },
      /patterns\[0\]\.flags: expected valid flags/,
    ],
    [
      'a lookbehind',
      { 'no-new-suppressions': ['error', { patterns: ['(?<=a)b'] }] },
      /patterns\[0\]: expected a regular expression: .*linear time/,
    ],
    ['a backreference', { 'commit-message': ['error', { pattern: '(a)\\1' }] }, /linear time/],
  ])('%s is a policy error naming the key', (_name, rules, pattern) => {
    const result = config(repoWith({ '.agentpolicyrc': JSON.stringify({ rules }) }));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^agentpolicy: \.agentpolicyrc is not a valid policy/);
    expect(result.stderr).toMatch(pattern);
    noBug(result.stderr);
  });

  it('a catastrophic pattern on a long line does not hang a commit, and the g flag skips no match', () => {
    const project = createProject({
      extends: 'agentpolicy:recommended',
      rules: {
        'forbidden-content': [
          'error',
          {
            patterns: [
              { pattern: '^(\\w+\\s?)+$', message: 'catastrophic', flags: '' },
              { pattern: 'SECRET', message: 'secret', flags: 'g' },
            ],
          },
        ],
      },
    });
    project.write('long.txt', `${'a'.repeat(5000)}!\n`);
    project.write('secrets.txt', 'SECRET 1\nSECRET 2\nSECRET 3\nSECRET 4\n');
    project.git('add', '-A');
    const started = Date.now();
    const result = project.gitRaw(['commit', '-q', '-m', 'Add the long line and the secrets']);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.status).not.toBe(0);
    expect(result.stderr.match(/error {2}secret {2}forbidden-content/g)).toHaveLength(4);
  });
});

describe('timeouts and verify', () => {
  it.each([
    ['zero', '"0s"'],
    ['beyond 2^31 ms', '3000000000'],
    ['a fraction of a millisecond', '0.5'],
    ['beyond a day', '"25h"'],
  ])('a timeout of %s is refused', (_name, value) => {
    const result = config(
      repoWith({ '.agentpolicyrc': `{ "verify": { "test": { "run": "npm test", "timeout": ${value} } } }` }),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/verify\.test\.timeout: expected a duration from 1s to 24h/);
  });

  it('verify combines from with named steps: the named steps first, then VERIFY.md', () => {
    const repo = repoWith({
      '.agentpolicyrc': JSON.stringify({
        verify: { from: 'VERIFY.md', on: ['pre-commit'], lint: { run: 'npm run lint' } },
      }),
      'VERIFY.md': '```sh\nnpm test\n```\n',
    });
    const result = config(repo, ['config', '--format', 'json']);
    expect(result.status, result.stderr).toBe(0);
    const { policy } = JSON.parse(result.stdout);
    expect(policy.verify.map((step: { run: string }) => step.run)).toEqual(['npm run lint']);
    expect(policy.verifyFromSteps.map((step: { run: string }) => step.run)).toEqual(['npm test']);
  });

  it('settings of verify.from without "from" say why', () => {
    const result = config(repoWith({ '.agentpolicyrc': '{ "verify": { "on": ["pre-push"] } }' }));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /verify\.on: applies to the steps read from verify\.from, and "from" is not set/,
    );
  });
});

describe('a broken committed policy blocks every path with a message, never "a bug"', () => {
  it.each([
    [
      'agent-hook',
      ['agent-hook', 'claude'],
      '{"tool_name":"Bash","tool_input":{"command":"ls"},"hook_event_name":"PreToolUse"}',
    ],
    ['check-command', ['check-command', 'ls'], ''],
    ['check --staged', ['check', '--staged'], ''],
    ['doctor', ['doctor'], ''],
  ])('%s', (_name, args, input) => {
    const project = createProject();
    project.write(
      '.agentpolicyrc',
      '{ "rules": { "forbidden-content": ["error", { "patterns": [{ "pattern": "(", "message": "x" }] }] } }',
    );
    project.git('add', '-A');
    project.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'Break the policy past the hooks');
    const result = runCli(args, { cwd: project.dir, env: project.env, input });
    const output = result.stdout + result.stderr;
    expect(result.status).not.toBe(0);
    expect(output).toMatch(/HEAD:\.agentpolicyrc is not a valid policy/);
    expect(output).toMatch(
      /rules\.forbidden-content\[1\]\.patterns\[0\]\.pattern: expected a regular expression/,
    );
    noBug(output);
  });
});
