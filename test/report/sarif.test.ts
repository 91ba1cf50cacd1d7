// The SARIF report against the official SARIF 2.1.0 schema (OASIS, errata 01), with a kept
// validator: every result located, as GitHub code scanning requires, odd file names included.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo } from '../helpers/repo.js';

const schema = JSON.parse(
  readFileSync(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
) as object;
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

describe('sarif', () => {
  it('validates against the SARIF 2.1.0 schema, and every result has a location', () => {
    const repo = createRepo();
    repo.commit('Set up the project and its policy', {
      '.agentpolicyrc': JSON.stringify({
        extends: 'agentpolicy:recommended',
        rules: {
          'max-diff-lines': ['error', { max: 20, maxRange: 25 }],
          'commit-message': ['error', { minLength: 10 }],
          'no-new-suppressions': 'error',
        },
      }),
      'src/a.ts': 'a\n',
    });
    repo.git('checkout', '-q', '-b', 'feature');
    const big = repo.commit('Add a big file whose name is odd', {
      'src/ä b#c?d%e.ts': 'x\n'.repeat(25),
    });
    const short = repo.commit('wip', { 'src/c.ts': '// @ts-ignore\nc\n' });
    repo.commit('Change the policy file in the branch', { '.agentpolicyrc': '{"rules":{}}' });
    const result = runCli(['ci', '--base', 'main', '--format', 'sarif', '--no-verify-steps'], {
      cwd: repo.dir,
      env: { ...repo.env, GITHUB_ACTIONS: '', GITLAB_CI: '' },
    });
    expect(result.status, result.stderr).toBe(1);
    const log = JSON.parse(result.stdout);
    const valid = validate(log);
    expect(valid, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = log.runs[0].results as {
      ruleId: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    }[];
    expect(results.length).toBeGreaterThanOrEqual(5);
    for (const item of results) {
      expect(item.locations, item.message.text).toHaveLength(1);
      expect(item.locations[0]!.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
    const uris = (rule: string, commit: string) =>
      results
        .filter((item) => item.ruleId === rule && item.message.text.includes(commit.slice(0, 12)))
        .map((item) => decodeURIComponent(item.locations[0]!.physicalLocation.artifactLocation.uri));
    // A finding about a whole commit is shown on the commit's first file.
    expect(uris('max-diff-lines', big)).toEqual(['src/ä b#c?d%e.ts']);
    expect(uris('commit-message', short)).toEqual(['src/c.ts']);
    expect(uris('no-new-suppressions', short)).toEqual(['src/c.ts']);
    // The range as a whole is shown on the policy file.
    const range = results.find(
      (item) => item.ruleId === 'max-diff-lines' && /The range/.test(item.message.text),
    );
    expect(range?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('.agentpolicyrc');
  });
});
