// The shared corpus, under the recommended preset, in the repository state it assumes: every deny
// denied, every allow allowed; the `policy` entries are checked against the options that decide them.
import { beforeAll, describe, expect, it } from 'vitest';
import { type GuardContext, guardCommand } from '../../src/adapters/guard.js';
import { corpusContext, readCorpus } from './corpus-repo.js';

const corpus = readCorpus();

const contextFor = corpusContext;

describe('corpus under the recommended preset', () => {
  let context: GuardContext;
  beforeAll(async () => {
    context = await contextFor();
  });
  it.each(corpus.filter((entry) => entry.verdict === 'deny').map((entry) => [entry.cmd, entry.why] as const))(
    'denies %j (%s)',
    (cmd) => {
      const decision = guardCommand(cmd, context);
      expect(decision.verdict, JSON.stringify(decision.findings)).not.toBe('allow');
    },
  );
  it.each(
    corpus.filter((entry) => entry.verdict === 'allow').map((entry) => [entry.cmd, entry.why] as const),
  )('allows %j (%s)', (cmd) => {
    const decision = guardCommand(cmd, context);
    expect(decision.verdict, decision.reason).toBe('allow');
  });
});
