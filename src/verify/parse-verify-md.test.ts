import { describe, expect, it } from 'vitest';
import { parseVerifyMarkdown } from './parse-verify-md.js';

const settings = { on: ['pre-commit' as const], timeout: 1000, mode: 'staged' as const };

describe('parseVerifyMarkdown', () => {
  it('takes each command line of the shell blocks, and nothing else', () => {
    const markdown = [
      '# Verify',
      'Run these before moving on:',
      '```sh',
      '# types first',
      'npm run typecheck',
      '$ npm test -- --run',
      '```',
      '```json',
      '{ "not": "a command" }',
      '```',
      '~~~bash',
      'npx biome check \\',
      '  src test',
      '~~~',
      '```',
      'make lint',
      '```',
    ].join('\n');
    expect(parseVerifyMarkdown(markdown, settings).map((step) => step.run)).toEqual([
      'npm run typecheck',
      'npm test -- --run',
      'npx biome check src test',
      'make lint',
    ]);
  });

  it('names steps uniquely and applies the settings', () => {
    const steps = parseVerifyMarkdown('```sh\nnpm test\nnpm test\n```\n', settings);
    expect(steps.map((step) => step.name)).toEqual(['npm test', 'npm test (2)']);
    expect(steps[0]).toMatchObject({
      on: ['pre-commit'],
      timeout: 1000,
      mode: 'staged',
      when: [],
      parallel: false,
    });
  });

  it('finds no steps in prose', () => {
    expect(parseVerifyMarkdown('Just run the tests.\n', settings)).toEqual([]);
  });
});
