// The committed policy read from git's object store without git: loose objects, packs with deltas,
// SHA-256 repositories, and objects rewritten behind git's back.
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { policyInForce } from '../../src/config/committed.js';
import { commitTree } from '../../src/config/tree.js';
import { git } from '../../src/git/exec.js';
import { locateRepository } from '../../src/git/locate.js';
import { createRepo } from '../helpers/repo.js';

const POLICY =
  '{ "extends": "agentpolicy:recommended", "rules": { "max-diff-lines": ["error", { "max": 77 }] } }\n';

function history(objectFormat: 'sha1' | 'sha256' = 'sha1') {
  const repo = createRepo({ objectFormat });
  repo.commit('Set up the policy', { '.agentpolicyrc': POLICY, 'docs/VERIFY.md': '```sh\ntrue\n```\n' });
  // Many small edits of the same files, so that a repack stores them as deltas.
  for (let i = 0; i < 30; i++)
    repo.commit(`Edit ${i}`, {
      'src/big.txt': Array.from(
        { length: 400 },
        (_, line) => `line ${line} ${line === i ? 'changed' : ''}`,
      ).join('\n'),
      'docs/VERIFY.md': `\`\`\`sh\ntrue\necho ${i}\n\`\`\`\n`,
    });
  return repo;
}

describe('the committed policy, read from the object store', () => {
  it.each(['sha1', 'sha256'] as const)(
    'reads every file of HEAD as git does, loose and packed (%s)',
    (format) => {
      const repo = history(format);
      const check = () => {
        const location = locateRepository(repo.dir, {})!;
        const head = repo.git('rev-parse', 'HEAD').trim();
        const tree = commitTree(repo.dir, location.commonDir, head, 'HEAD');
        for (const path of ['.agentpolicyrc', 'docs/VERIFY.md', 'src/big.txt'])
          expect(tree.read(path)).toBe(repo.git('show', `HEAD:${path}`));
        expect(tree.read('missing.txt')).toBeUndefined();
        expect(policyInForce(location, 'worktree').policy.rules['max-diff-lines']?.options.max).toBe(77);
      };
      check();
      repo.git('repack', '-adf', '--depth=50', '--window=50');
      repo.git('prune-packed');
      expect(readdirSync(join(repo.dir, '.git/objects/pack')).some((name) => name.endsWith('.pack'))).toBe(
        true,
      );
      check();
    },
  );

  it('a rewritten object is an error, not a different policy', () => {
    const repo = createRepo();
    repo.commit('Set up the policy', { '.agentpolicyrc': POLICY });
    const blob = repo.git('rev-parse', 'HEAD:.agentpolicyrc').trim();
    const path = join(repo.dir, '.git/objects', blob.slice(0, 2), blob.slice(2));
    const lax = '{ "rules": {} }\n';
    chmodSync(path, 0o644);
    writeFileSync(path, deflateSync(Buffer.from(`blob ${lax.length}\0${lax}`)));
    const location = locateRepository(repo.dir, {})!;
    expect(() => policyInForce(location, 'worktree')).toThrow(/does not match its content/);
  });

  it('replace refs do not change the policy read', () => {
    const repo = createRepo();
    repo.commit('Set up the policy', { '.agentpolicyrc': POLICY });
    const laxBlob = repo
      .gitRaw(['hash-object', '-w', '--stdin'], { input: '{ "rules": {} }\n' })
      .stdout.trim();
    repo.git('replace', repo.git('rev-parse', 'HEAD:.agentpolicyrc').trim(), laxBlob);
    expect(repo.git('show', 'HEAD:.agentpolicyrc')).toBe('{ "rules": {} }\n');
    const location = locateRepository(repo.dir, {})!;
    expect(policyInForce(location, 'worktree').policy.rules['max-diff-lines']?.options.max).toBe(77);
  });

  it('every git command we run reads the objects as committed, not their replacements', () => {
    const repo = createRepo();
    repo.commit('Set up the policy', { '.agentpolicyrc': POLICY });
    const laxBlob = repo
      .gitRaw(['hash-object', '-w', '--stdin'], { input: '{ "rules": {} }\n' })
      .stdout.trim();
    repo.git('replace', repo.git('rev-parse', 'HEAD:.agentpolicyrc').trim(), laxBlob);
    expect(git(['show', 'HEAD:.agentpolicyrc'], { cwd: repo.dir }).stdout).toBe(POLICY);
  });
});
