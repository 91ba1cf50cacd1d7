// `npm run demo` is the main job shown end to end: it must pass, fit an 80-column terminal with
// every reason whole, name the layer that stopped each attempt, and its closing count must add up.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../../scripts/demo.js', import.meta.url));

describe('the demo', () => {
  it('passes at 80 columns, each step naming its layer, with counts that add up', () => {
    const result = spawnSync(process.execPath, [DEMO], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => [...line].length > 80)).toEqual([]);
    const steps = result.stdout.split(/\n(?= ?\d+\. )/).slice(1);
    const verdicts = steps.map((step) => step.split('\n')[1]?.trim() ?? '');
    for (const verdict of verdicts) {
      expect(verdict).toMatch(
        /^(BLOCKED (at the tool call, rule [\w-]+|by the (pre-commit|commit-msg|pre-push) hook|by the CI gate|at the stop gate)|LANDED through)/,
      );
    }
    // Reasons are whole: each blocked step at the tool call ends with the human's way out.
    for (const step of steps.filter((text) => /BLOCKED at the tool call/.test(text)))
      expect(step).toMatch(/allow it once with\s+`agentpolicy allow-once\s+[\w-]+`\./);
    const blocked = verdicts.filter((verdict) => verdict.startsWith('BLOCKED')).length;
    const landed = verdicts.filter((verdict) => verdict.startsWith('LANDED')).length;
    const summary =
      /All (\d+)\s+steps\s+behaved\s+as\s+shown:\s+(\d+)\s+attempts\s+blocked\s+with\s+their\s+reasons,\s+(\d+)\s+honest\s+steps\s+landed/.exec(
        result.stdout,
      );
    expect(summary?.slice(1).map(Number)).toEqual([steps.length, blocked, landed]);
    expect(new Set(verdicts.map((verdict) => verdict.split(',')[0]))).toEqual(
      new Set([
        'BLOCKED at the tool call',
        'BLOCKED by the pre-commit hook',
        'BLOCKED by the commit-msg hook',
        'BLOCKED by the CI gate (agentpolicy ci)',
        "BLOCKED at the stop gate (Claude Code's Stop hook)",
        'LANDED through pre-commit',
        'LANDED through pre-push',
      ]),
    );
  }, 180_000);
});
