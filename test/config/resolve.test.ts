import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/config/resolve.js';
import { runCli } from '../helpers/cli.js';
import { createRepo } from '../helpers/repo.js';

describe('resolvePolicy', () => {
  it('merges presets depth-first with the user file last, keeping options on a severity-only override', async () => {
    const repo = createRepo();
    repo.write(
      '.agentpolicyrc',
      JSON.stringify({
        extends: 'agentpolicy:fast-model',
        rules: { 'max-diff-lines': 'warn', 'no-deletions': 'off' },
      }),
    );
    const { policy, provenance } = await resolvePolicy(repo.dir);
    expect(policy.sources.slice(0, 3)).toEqual([
      'agentpolicy:recommended',
      'agentpolicy:strict',
      'agentpolicy:fast-model',
    ]);
    expect(policy.rules['max-diff-lines']).toMatchObject({
      severity: 'warn',
      options: { max: 30, binaryCost: 50 },
    });
    expect(provenance.rules['max-diff-lines']).toEqual({
      severity: '.agentpolicyrc',
      options: 'agentpolicy:fast-model',
    });
    expect(policy.rules['no-deletions']).toBeUndefined();
    expect(policy.rules['no-force-push']?.options).toEqual({ allow: [], allowWithLease: true });
  });

  it.each([
    ['.agentpolicyrc (YAML)', '.agentpolicyrc', 'rules:\n  scope: [error, { allow: ["src/**"] }]\n'],
    [
      '.agentpolicyrc.json',
      '.agentpolicyrc.json',
      '{ "rules": { "scope": ["error", { "allow": ["src/**"] }] } }',
    ],
    ['.agentpolicyrc.yml', '.agentpolicyrc.yml', 'rules:\n  scope:\n    - error\n    - allow: ["src/**"]\n'],
  ])('reads %s', async (_name, file, content) => {
    const repo = createRepo();
    repo.write(file, content);
    const { policy } = await resolvePolicy(repo.dir);
    expect(policy.rules.scope?.options).toEqual({ allow: ['src/**'] });
  });

  it('extends a relative file and a shareable package from the repository node_modules', async () => {
    const repo = createRepo();
    const pkg = join(repo.dir, 'node_modules/@acme/agentpolicy-config');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@acme/agentpolicy-config', main: 'policy.json' }),
    );
    writeFileSync(
      join(pkg, 'policy.json'),
      JSON.stringify({ extends: 'agentpolicy:recommended', rules: { 'edit-only': 'error' } }),
    );
    repo.write('config/team.yaml', 'rules:\n  no-deletions: warn\n');
    repo.write(
      '.agentpolicyrc',
      JSON.stringify({ extends: ['@acme/agentpolicy-config', './config/team.yaml'] }),
    );
    const { policy } = await resolvePolicy(repo.dir);
    expect(policy.rules['edit-only']?.severity).toBe('error');
    expect(policy.rules['no-deletions']?.severity).toBe('warn');
    expect(policy.rules['no-hook-bypass']?.severity).toBe('error');
  });

  it('applies a profile last and rejects an unknown one with a suggestion', async () => {
    const repo = createRepo();
    repo.write(
      '.agentpolicyrc',
      JSON.stringify({
        extends: 'agentpolicy:strict',
        profiles: { human: { rules: { 'max-diff-lines': ['error', { max: 1000 }], 'edit-only': 'off' } } },
      }),
    );
    const { policy } = await resolvePolicy(repo.dir, { profile: 'human' });
    expect(policy.rules['max-diff-lines']?.options.max).toBe(1000);
    expect(policy.rules['edit-only']).toBeUndefined();
    await expect(resolvePolicy(repo.dir, { profile: 'humna' })).rejects.toThrow(
      /The selected profile "humna" is not in the policy\. Did you mean "human"\?/,
    );
  });

  it('selects no profile from AGENTPOLICY_PROFILE or an argument; config --profile only previews', () => {
    const repo = createRepo();
    repo.write(
      '.agentpolicyrc',
      JSON.stringify({
        profiles: { loose: { rules: { 'no-force-push': 'off' } } },
        extends: 'agentpolicy:recommended',
      }),
    );
    const fromEnv = runCli(['config', '--format', 'json'], {
      cwd: repo.dir,
      env: { ...repo.env, AGENTPOLICY_PROFILE: 'loose' },
    });
    expect(JSON.parse(fromEnv.stdout).policy.rules['no-force-push']).toBeDefined();
    expect(fromEnv.stderr).toMatch(/AGENTPOLICY_PROFILE is ignored/);
    const fromFlag = runCli(['--profile', 'loose', 'config', '--format', 'json'], {
      cwd: repo.dir,
      env: repo.env,
    });
    expect(fromFlag.status).toBe(2);
    const preview = runCli(['config', '--profile', 'loose', '--format', 'json'], {
      cwd: repo.dir,
      env: repo.env,
    });
    expect(JSON.parse(preview.stdout).policy.profile).toBe('loose');
  });

  it('finds the policy at the repository root from a subdirectory', () => {
    const repo = createRepo();
    repo.write('.agentpolicyrc', '{ "extends": "agentpolicy:recommended" }');
    repo.write('src/deep/file.ts', '');
    const result = runCli(['config'], { cwd: join(repo.dir, 'src/deep'), env: repo.env });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/no-force-push\s+error\s+from agentpolicy:recommended/);
  });
});
