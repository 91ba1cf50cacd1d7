// Every class of policy error, from real files in real repositories, through the built binary.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo } from '../helpers/repo.js';

function configWith(file: string, content: string, args: string[] = ['config']) {
  const repo = createRepo();
  repo.write(file, content);
  return runCli(args, { cwd: repo.dir, env: repo.env });
}

describe('policy errors block with exit 2 and name the problem', () => {
  it.each([
    [
      'misspelt rule id',
      '.agentpolicyrc',
      '{ "rules": { "no-delet": "error" } }',
      /rules\.no-delet: unknown rule "no-delet"\. Did you mean "no-deletions"\?/,
    ],
    [
      'unknown top-level key',
      '.agentpolicyrc',
      '{ "rulez": {} }',
      /rulez: unknown key "rulez"\. Did you mean "rules"\?/,
    ],
    [
      'misspelt severity',
      '.agentpolicyrc',
      '{ "rules": { "scope": ["eror", { "allow": ["src/**"] }] } }',
      /rules\.scope: expected a severity .* found "eror" \(a string\)\. Did you mean "error"\?/,
    ],
    [
      'wrong option type',
      '.agentpolicyrc',
      '{ "rules": { "max-diff-lines": ["error", { "max": "200" }] } }',
      /rules\.max-diff-lines\[1\]\.max: expected number, found "200" \(a string\)/,
    ],
    [
      'unknown option',
      '.agentpolicyrc',
      '{ "rules": { "max-diff-lines": ["error", { "maxLines": 20 }] } }',
      /unknown option "maxLines" for rule max-diff-lines\. Did you mean "max/,
    ],
    [
      'wrong type of section',
      '.agentpolicyrc',
      '{ "rules": [] }',
      /rules: expected an object, found an array/,
    ],
    [
      'truncated JSON',
      '.agentpolicyrc',
      '{ "extends": "agentpolicy:strict", "rules": {',
      /\.agentpolicyrc:1:\d+: invalid JSON/,
    ],
    [
      'JSON syntax error with line and column',
      '.agentpolicyrc.json',
      '{\n  "rules": {\n    "scope": "error",,\n  }\n}',
      /\.agentpolicyrc\.json:3:22: invalid JSON/,
    ],
    [
      'YAML syntax error',
      '.agentpolicyrc.yaml',
      'rules:\n  scope: [error\n',
      /\.agentpolicyrc\.yaml:\d+:\d+: invalid YAML/,
    ],
    ['empty file', '.agentpolicyrc', '', /empty/],
    ['JavaScript policy', '.agentpolicyrc.js', 'module.exports = {}', /policies are data, not code/],
    [
      'unknown preset',
      '.agentpolicyrc',
      '{ "extends": "agentpolicy:strikt" }',
      /unknown preset "agentpolicy:strikt"\. Did you mean "agentpolicy:strict"\?/,
    ],
    [
      'missing extended file',
      '.agentpolicyrc',
      '{ "extends": "./team.json" }',
      /extends: cannot read \.\/team\.json: team\.json does not exist/,
    ],
    [
      'missing package',
      '.agentpolicyrc',
      '{ "extends": "@acme/agentpolicy-config" }',
      /cannot find the package "@acme\/agentpolicy-config"/,
    ],
    [
      'bad duration',
      '.agentpolicyrc',
      '{ "verify": { "test": { "run": "npm test", "timeout": "soon" } } }',
      /verify\.test\.timeout/,
    ],
  ])('%s', (_name, file, content, pattern) => {
    const result = configWith(file, content);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('shows the stack trace with --debug', () => {
    const result = configWith('.agentpolicyrc', '{ "rules": { "nope": "error" } }', ['config', '--debug']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('refuses a repository without a policy', () => {
    const repo = createRepo();
    const result = runCli(['config'], { cwd: repo.dir, env: repo.env });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/No policy found .*`agentpolicy init`/);
  });

  it('detects an extends loop', () => {
    const repo = createRepo();
    repo.write('.agentpolicyrc', '{ "extends": "./a.json" }');
    repo.write('a.json', '{ "extends": "./b.json" }');
    repo.write('b.json', '{ "extends": "./a.json" }');
    const result = runCli(['config'], { cwd: repo.dir, env: repo.env });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/"extends" loops/);
  });
});
