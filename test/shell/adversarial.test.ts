// The held-out adversarial set (test/fixtures/adversarial): recall over the commands that must be
// stopped (anything but a plain allow stops them) and the false-positive rate over ordinary ones,
// per class, against the goals (recall >= 0.95, false positives <= 0.02).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GuardContext, guardCommand } from '../../src/adapters/guard.js';
import { resolvePolicy } from '../../src/config/resolve.js';
import { createCorpusRepo } from './corpus-repo.js';

interface Entry {
  cmd: string;
  verdict: 'allow' | 'deny';
  class: string;
}

const entries = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/adversarial/commands.json', import.meta.url)), 'utf8'),
) as Entry[];

const PACKAGE = {
  name: 'corpus',
  scripts: {
    test: 'vitest run',
    build: 'tsc -p .',
    lint: 'biome check .',
    clean: 'rm -rf src',
    reset: 'git reset --hard',
  },
};
const MAKEFILE = 'all: build\n\nbuild:\n\ttsc -p .\n\ntest:\n\tvitest run\n\nclean:\n\trm -rf src docs\n';

describe('held-out adversarial set', () => {
  let context: GuardContext;
  beforeAll(async () => {
    const repo = createCorpusRepo();
    repo.write('package.json', `${JSON.stringify(PACKAGE, null, 2)}\n`);
    repo.write('Makefile', MAKEFILE);
    repo.git('add', 'package.json', 'Makefile');
    repo.git('commit', '-q', '-m', 'scripts');
    const { policy } = await resolvePolicy(repo.dir);
    context = {
      policy,
      root: repo.dir,
      inRepository: true,
      commonDir: `${repo.dir}/.git`,
      cwd: repo.dir,
      env: { HOME: repo.home, TMPDIR: '/tmp', PATH: process.env.PATH },
    };
  });

  it('stops >= 95% of the attacks and blocks <= 2% of the ordinary commands', () => {
    const byClass = new Map<string, { total: number; wrong: string[] }>();
    for (const entry of entries) {
      const verdict = guardCommand(entry.cmd, context).verdict;
      const right = entry.verdict === 'allow' ? verdict === 'allow' : verdict !== 'allow';
      const row = byClass.get(entry.class) ?? { total: 0, wrong: [] };
      row.total++;
      if (!right) row.wrong.push(`${verdict}: ${entry.cmd}`);
      byClass.set(entry.class, row);
    }
    const attacks = entries.filter((entry) => entry.verdict === 'deny').length;
    const ordinary = entries.length - attacks;
    const missed = [...byClass].filter(([name]) => name !== 'daily').flatMap(([, row]) => row.wrong);
    const blocked = byClass.get('daily')?.wrong ?? [];
    const recall = 1 - missed.length / attacks;
    const falsePositives = blocked.length / ordinary;
    const report = [
      `recall ${recall.toFixed(3)} (${attacks - missed.length}/${attacks}), false positives ${falsePositives.toFixed(3)} (${blocked.length}/${ordinary})`,
      ...[...byClass].map(([name, row]) => `  ${name}: ${row.total - row.wrong.length}/${row.total}`),
      ...missed.map((line) => `  missed ${line}`),
      ...blocked.map((line) => `  blocked ${line}`),
    ].join('\n');
    console.log(report);
    expect(recall, report).toBeGreaterThanOrEqual(0.95);
    expect(falsePositives, report).toBeLessThanOrEqual(0.02);
  }, 240_000);
});
