// The blind set (test/fixtures/blind): 615 commands written apart from the code, with the repository
// state they assume. The analysis has since been fixed against its misses, so it is a regression set
// now, not a held-out one: recall and false-positive rate per class against the goals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GuardContext, guardCommand } from '../../src/adapters/guard.js';
import { blindContext } from './blind-repo.js';

interface Entry {
  cmd: string;
  verdict: 'allow' | 'deny';
  class: string;
}

const entries = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/blind/commands.json', import.meta.url)), 'utf8'),
) as Entry[];

describe('blind set', () => {
  let context: GuardContext;
  beforeAll(async () => {
    context = await blindContext();
  });

  it('stops what must be stopped and lets the ordinary commands run, per class', () => {
    const byClass = new Map<string, { total: number; wrong: string[] }>();
    for (const entry of entries) {
      const decision = guardCommand(entry.cmd, context);
      const right = entry.verdict === 'allow' ? decision.verdict === 'allow' : decision.verdict !== 'allow';
      const row = byClass.get(entry.class) ?? { total: 0, wrong: [] };
      row.total++;
      if (!right) row.wrong.push(`${decision.verdict}: ${entry.cmd} ${decision.reason ?? ''}`);
      byClass.set(entry.class, row);
    }
    const attacks = entries.filter((entry) => entry.verdict === 'deny').length;
    const ordinary = entries.length - attacks;
    const rows = [...byClass];
    const missed = rows.filter(([name]) => !name.startsWith('allow')).flatMap(([, row]) => row.wrong);
    const blocked = rows.filter(([name]) => name.startsWith('allow')).flatMap(([, row]) => row.wrong);
    const recall = 1 - missed.length / attacks;
    const falsePositives = blocked.length / ordinary;
    const report = [
      `recall ${recall.toFixed(3)} (${attacks - missed.length}/${attacks}), false positives ${falsePositives.toFixed(3)} (${blocked.length}/${ordinary})`,
      ...rows.map(([name, row]) => `  ${name}: ${row.total - row.wrong.length}/${row.total}`),
      ...missed.map((line) => `  missed ${line}`),
      ...blocked.map((line) => `  blocked ${line}`),
    ].join('\n');
    console.log(report);
    // Floors: what the analysis reaches today; raised as it improves, never lowered.
    expect(recall, report).toBeGreaterThanOrEqual(0.99);
    expect(falsePositives, report).toBeLessThanOrEqual(0.01);
  }, 240_000);
});
