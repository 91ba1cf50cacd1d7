// The policy that judges is HEAD's: moving HEAD to a commit with another policy (or another
// VERIFY.md) is a change of policy, and the guard treats it as one.
import { beforeAll, describe, expect, it } from 'vitest';
import { type GuardContext, guardCommand } from '../../src/adapters/guard.js';
import { resolvePolicy } from '../../src/config/resolve.js';
import { createRepo } from '../helpers/repo.js';

let context: GuardContext;

beforeAll(async () => {
  const repo = createRepo({ lifetime: 'file' });
  repo.commit('A lax policy', { '.agentpolicyrc': '{ "extends": "agentpolicy:minimal" }\n' });
  repo.git('tag', 'lax');
  repo.commit('Some work under it', { 'src/a.ts': 'a\n' });
  repo.commit('The recommended policy', { '.agentpolicyrc': '{ "extends": "agentpolicy:recommended" }\n' });
  repo.commit('More work', { 'src/b.ts': 'b\n' });
  repo.git('branch', 'same-policy');
  repo.commit('Verification steps', { 'VERIFY.md': '# Verify\n\n```sh\nnpm test\n```\n' });
  const { policy } = await resolvePolicy(repo.dir);
  context = {
    policy,
    root: repo.dir,
    inRepository: true,
    commonDir: `${repo.dir}/.git`,
    cwd: repo.dir,
    env: { HOME: repo.home, TMPDIR: '/tmp', PATH: process.env.PATH },
  };
}, 60_000);

describe('moving HEAD to a commit with another policy', () => {
  it.each([
    'git reset --soft lax',
    'git reset HEAD~3',
    'git checkout lax',
    'git switch --detach lax',
    'git checkout -q HEAD~4',
    'git reset --soft same-policy',
  ])('%s is a policy change', (command) => {
    const decision = guardCommand(command, context);
    expect(decision.verdict).toBe('deny');
    expect(decision.rule, decision.reason).toBe('protected-paths');
  });

  it.each(['git reset --soft HEAD', 'git checkout -b topic', 'git switch -c other', 'git log lax'])(
    '%s keeps the policy in force',
    (command) => {
      const decision = guardCommand(command, context);
      expect(decision.verdict, decision.reason).toBe('allow');
    },
  );
});
