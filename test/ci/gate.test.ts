// The CI gate on real repositories: what it catches, where the range comes from, and every report
// format checked against what its consumer expects.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo, snapshot, type TestRepo } from '../helpers/repo.js';

const POLICY = {
  extends: 'agentpolicy:recommended',
  rules: {
    'max-diff-lines': ['error', { max: 20, maxRange: 50 }],
    'commit-message': ['error', { minLength: 10, forbid: ['wip'] }],
  },
};

/** A main branch with the policy, and a feature branch to judge. */
function branchRepo(): TestRepo & { base: string } {
  const repo = createRepo();
  const base = repo.commit('Set up the project', {
    '.agentpolicyrc': JSON.stringify(POLICY),
    'src/a.ts': 'a\n',
  });
  repo.git('checkout', '-q', '-b', 'feature');
  return { ...repo, base };
}

function gate(repo: TestRepo, args: string[] = ['--base', 'main'], env: NodeJS.ProcessEnv = {}) {
  const before = snapshot(repo);
  const result = runCli(['ci', '--format', 'json', ...args], {
    cwd: repo.dir,
    env: { ...repo.env, GITHUB_ACTIONS: '', GITLAB_CI: '', ...env },
  });
  expect(snapshot(repo)).toBe(before);
  return { ...result, json: result.stdout.startsWith('{') ? JSON.parse(result.stdout) : undefined };
}

describe('agentpolicy ci', () => {
  it('passes a clean branch', () => {
    const repo = branchRepo();
    repo.commit('Add the b module', { 'src/b.ts': 'b\n' });
    const result = gate(repo);
    expect(result.status, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ ok: true, findings: [] });
  });

  it('catches an oversized commit and a bad message made with --no-verify, naming the commits', () => {
    const repo = branchRepo();
    const big = repo.commit('Add a big file in one go', { 'src/big.ts': 'x\n'.repeat(30) });
    const wip = repo.commit('wip', { 'src/c.ts': 'c\n' });
    const result = gate(repo);
    expect(result.status).toBe(1);
    expect(result.json.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'max-diff-lines',
          commit: big,
          message: expect.stringMatching(/30 lines; at most 20/),
        }),
        expect.objectContaining({
          rule: 'commit-message',
          commit: wip,
          message: expect.stringMatching(/"wip"/),
        }),
      ]),
    );
    const text = runCli(['ci', '--base', 'main', '--format', 'text'], { cwd: repo.dir, env: repo.env });
    expect(text.stdout).toMatch(/2 commit\(s\) the local hooks would have refused/);
  });

  it('judges a branch that loosens the policy by the policy of its base', () => {
    const repo = branchRepo();
    repo.commit('Relax the limits', { '.agentpolicyrc': JSON.stringify({ rules: {} }) });
    repo.commit('Add a big file in one go', { 'src/big.ts': 'x\n'.repeat(30) });
    const result = gate(repo);
    expect(result.status).toBe(1);
    const rules = result.json.findings.map((finding: { rule: string }) => finding.rule);
    expect(rules).toContain('policy-changed');
    expect(rules).toContain('max-diff-lines');
    expect(rules).toContain('protected-paths');
    const lax = gate(repo, ['--base', 'main', '--policy-from', 'head']);
    expect(lax.json.findings.map((finding: { rule: string }) => finding.rule)).not.toContain(
      'max-diff-lines',
    );
  });

  it('judges a merge commit in the range by what it brings in, not by its size', () => {
    const repo = branchRepo();
    repo.git('checkout', '-q', '-b', 'side');
    repo.commit('Add the side module', { 'src/side.ts': 'side\n'.repeat(15) });
    repo.commit('Extend the side module', { 'src/side.ts': 'side\n'.repeat(30) });
    repo.git('checkout', '-q', 'feature');
    repo.commit('Add the feature module', { 'src/f.ts': 'f\n' });
    repo.git('merge', '-q', '--no-ff', 'side', '-m', "Merge branch 'side' into feature");
    const result = gate(repo);
    expect(result.status, JSON.stringify(result.json?.findings)).toBe(0);
    expect(result.json.subject).toMatch(/4 commits/);
  });

  it('refuses a shallow clone without the merge-base, and says how to fix the checkout', () => {
    const origin = branchRepo();
    for (let i = 0; i < 3; i++) origin.commit(`Add module ${i} here`, { [`src/m${i}.ts`]: `${i}\n` });
    const clone = createRepo();
    clone.gitRaw(
      [
        'clone',
        '-q',
        '--depth',
        '1',
        '--no-single-branch',
        `file://${origin.dir}`,
        join(clone.dir, 'shallow'),
      ],
      { cwd: clone.dir },
    );
    const shallowDir = join(clone.dir, 'shallow');
    const result = runCli(['ci', '--base', 'origin/main', '--head', 'origin/feature'], {
      cwd: shallowDir,
      env: { ...clone.env, GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: '' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/shallow.*fetch-depth: 0/s);
  });

  it('finds the range of a GitHub pull request from the event and the merge ref', () => {
    const repo = branchRepo();
    const head = repo.commit('wip', { 'src/b.ts': 'b\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('Move main on meanwhile', { 'src/main.ts': 'm\n' });
    // actions/checkout's default: the merge of the pull request into its base.
    repo.git('merge', '-q', '--no-ff', 'feature', '-m', 'Merge pull request');
    const event = join(repo.dir, '..', 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { base: { ref: 'main', sha: '0'.repeat(40) }, head: { sha: head } } }),
    );
    const summary = join(repo.dir, '..', 'summary.md');
    const result = runCli(['ci'], {
      cwd: repo.dir,
      env: { ...repo.env, GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: event, GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^::error title=commit-message::.*wip/m);
    const text = readFileSync(summary, 'utf8');
    expect(text).toMatch(/## ❌ agentpolicy gate: 2 error\(s\)/);
    expect(text).toMatch(/\(1 commits, pull request \(merge ref\)\)/);
  });

  it('judges a GitLab merge request from CI_MERGE_REQUEST_DIFF_BASE_SHA', () => {
    const repo = branchRepo();
    repo.commit('wip', { 'src/b.ts': 'b\n' });
    const result = gate(repo, [], {
      GITLAB_CI: 'true',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: repo.base,
      CI_COMMIT_SHA: 'HEAD',
    });
    expect(result.status).toBe(1);
    expect(result.json.subject).toMatch(/merge request/);
  });

  it('runs the verification steps marked ci on the head of the range', () => {
    const repo = branchRepo();
    repo.git('checkout', '-q', 'main');
    repo.commit('Check the value in CI', {
      '.agentpolicyrc': JSON.stringify({
        ...POLICY,
        verify: { value: { run: 'test "$(cat value.txt)" = ok', on: ['ci'] } },
      }),
      'value.txt': 'ok\n',
    });
    repo.git('checkout', '-q', 'feature');
    repo.git('merge', '-q', 'main');
    repo.commit('Break the value in a commit', { 'value.txt': 'broken\n' });
    const result = gate(repo);
    expect(result.json.findings.map((finding: { rule: string }) => finding.rule)).toContain('verify');
  });
});

describe('report formats', () => {
  function failing() {
    const repo = branchRepo();
    repo.commit('Add a big file, with: commas, and colons', {
      'src/with space,odd:name.ts': 'x\n'.repeat(30),
    });
    repo.commit('wip', { 'src/c.ts': 'c\n' });
    return repo;
  }
  const format = (repo: TestRepo, name: string) =>
    runCli(['ci', '--base', 'main', '--format', name], { cwd: repo.dir, env: repo.env }).stdout;

  it('github: workflow commands with escaped properties and data', () => {
    const lines = format(failing(), 'github').trim().split('\n');
    for (const line of lines)
      expect(line).toMatch(/^::(error|warning|notice)( [a-zA-Z]+=[^,:]*(,[a-zA-Z]+=[^,:]*)*)?::[^\n\r]*$/);
    expect(lines.join('\n')).toMatch(/title=max-diff-lines::/);
  });

  it('sarif: a SARIF 2.1.0 log with rules, results, levels and locations', () => {
    const log = JSON.parse(format(failing(), 'sarif'));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe('agentpolicy');
    const ids = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
    for (const result of run.results) {
      expect(ids[result.ruleIndex]).toBe(result.ruleId);
      expect(['error', 'warning', 'note', 'none']).toContain(result.level);
      expect(result.message.text.length).toBeGreaterThan(0);
      for (const location of result.locations ?? [])
        expect(location.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
  });

  it('gitlab: Code Quality issues with unique fingerprints and known severities', () => {
    const issues = JSON.parse(format(failing(), 'gitlab'));
    expect(issues.length).toBeGreaterThan(0);
    const fingerprints = issues.map((issue: { fingerprint: string }) => issue.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    for (const issue of issues) {
      expect(issue).toMatchObject({
        description: expect.any(String),
        check_name: expect.any(String),
        location: { path: expect.any(String), lines: { begin: expect.any(Number) } },
      });
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue.severity);
    }
  });

  it('markdown: a table whose rows all have four cells', () => {
    const rows = format(failing(), 'markdown')
      .split('\n')
      .filter((line) => line.startsWith('|'));
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length).toBe(6);
  });

  it('json: ok, subject, findings, stats', () => {
    const json = JSON.parse(format(failing(), 'json'));
    expect(Object.keys(json).sort()).toEqual(['findings', 'ok', 'stats', 'subject']);
  });

  it('--sarif writes a file besides the chosen format', () => {
    const repo = failing();
    const path = join(repo.dir, '..', 'out.sarif');
    runCli(['ci', '--base', 'main', '--sarif', path], { cwd: repo.dir, env: repo.env });
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe('2.1.0');
  });
});

describe('agentpolicy report', () => {
  it('shows each rule, the budget, the plan and the progress notes for the work in progress', () => {
    const repo = branchRepo();
    repo.write('PLAN.md', '- [x] Parse\n- [ ] Check\n');
    repo.write('PROGRESS.md', '# Progress\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'Add the plan and progress notes');
    repo.write('src/a.ts', 'x\n'.repeat(25));
    const markdown = runCli(['report'], { cwd: repo.dir, env: repo.env }).stdout;
    expect(markdown).toMatch(/^# ❌ Not ready: work in progress/);
    expect(markdown).toMatch(/\*\*26\*\* of 20 lines/);
    expect(markdown).toMatch(/\| ❌ \| `max-diff-lines` \(error\) \|/);
    expect(markdown).toMatch(/## Plan: 1 of 2 done/);
    expect(markdown).toMatch(/PROGRESS\.md did not move with this change/);
    const html = join(repo.dir, '..', 'report.html');
    expect(
      runCli(['report', '--format', 'html', '--output', html], { cwd: repo.dir, env: repo.env }).status,
    ).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/);
  });
});
