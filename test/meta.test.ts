// Keeps the registry, the rule files, their examples and the presets in step.
import { readdirSync, readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { validatePolicy } from '../src/config/validate.js';
import type { CommandFacts } from '../src/rules/command-facts.js';
import { rules } from '../src/rules/index.js';
import { analyzeCommand } from '../src/shell/analyze.js';
import type { Operation } from '../src/shell/types.js';
import type { ChangeSet, CommitMessage, RefUpdate } from '../src/types.js';

const RULE_DIR = new URL('../src/rules/', import.meta.url);
const POLICY_DIR = new URL('../policies/', import.meta.url);

describe('rule registry', () => {
  it('has one file per rule, named by its id', () => {
    for (const [id, rule] of Object.entries(rules)) {
      expect(rule.meta.id).toBe(id);
      expect(readdirSync(RULE_DIR)).toContain(`${id}.ts`);
    }
  });

  it.each(Object.entries(rules))(
    '%s has a check for every input it declares and defaults for its options',
    (_id, rule) => {
      const exported = rule as Record<string, unknown>;
      const checks = { message: 'checkMessage', change: 'checkChange', push: 'checkPush' } as Record<
        string,
        string
      >;
      for (const input of rule.meta.inputs) {
        if (checks[input]) expect(typeof exported[checks[input]!]).toBe('function');
      }
      if (rule.meta.id !== 'scope')
        expect(() => v.parse(rule.meta.options as v.GenericSchema, {})).not.toThrow();
    },
  );
});

describe('message rule examples', () => {
  for (const [id, rule] of Object.entries(rules)) {
    const module = rule as unknown as {
      checkMessage?: (m: CommitMessage, o: unknown) => unknown[];
      messageExamples?: {
        valid: { text: string; kind?: CommitMessage['kind']; options?: unknown }[];
        invalid: { text: string; kind?: CommitMessage['kind']; options?: unknown }[];
      };
    };
    if (!module.checkMessage || !module.messageExamples) continue;
    const check = (example: {
      text: string;
      kind?: CommitMessage['kind'];
      options?: unknown;
      planItems?: string[];
    }) =>
      module.checkMessage!(
        {
          text: example.text,
          kind: example.kind ?? 'normal',
          ...(example.planItems ? { planItems: example.planItems } : {}),
        },
        v.parse(rule.meta.options as v.GenericSchema, example.options ?? {}),
      );
    it.each(module.messageExamples.valid)(`${id} accepts %j`, (example) =>
      expect(check(example)).toEqual([]),
    );
    it.each(module.messageExamples.invalid)(`${id} rejects %j`, (example) =>
      expect(check(example)).not.toEqual([]),
    );
  }
});

describe('change rule examples', () => {
  for (const [id, rule] of Object.entries(rules)) {
    const module = rule as unknown as {
      checkChange?: (c: ChangeSet, o: unknown, x: { scope: 'commit' }) => unknown[];
      changeExamples?: { valid: ChangeSet[]; invalid: ChangeSet[]; options?: unknown };
    };
    if (!module.checkChange) continue;
    it(`${id} has change examples`, () => expect(module.changeExamples?.invalid.length).toBeGreaterThan(0));
    if (!module.changeExamples) continue;
    const options = v.parse(rule.meta.options as v.GenericSchema, module.changeExamples.options ?? {});
    const check = (change: ChangeSet) => module.checkChange!(change, options, { scope: 'commit' });
    it.each(module.changeExamples.valid.map((c, i) => [i, c] as const))(
      `${id} accepts change %i`,
      (_i, change) => expect(check(change)).toEqual([]),
    );
    it.each(module.changeExamples.invalid.map((c, i) => [i, c] as const))(
      `${id} rejects change %i`,
      (_i, change) => expect(check(change)).not.toEqual([]),
    );
  }
});

describe('push rule examples', () => {
  for (const [id, rule] of Object.entries(rules)) {
    const module = rule as unknown as {
      checkPush?: (u: RefUpdate[], o: unknown) => unknown[];
      pushExamples?: { valid: RefUpdate[][]; invalid: RefUpdate[][] };
    };
    if (!module.checkPush || !module.pushExamples) continue;
    const options = v.parse(rule.meta.options as v.GenericSchema, {});
    it.each(module.pushExamples.valid)(`${id} accepts %j`, (...updates) =>
      expect(module.checkPush!(updates, options)).toEqual([]),
    );
    it.each(module.pushExamples.invalid)(`${id} rejects %j`, (...updates) =>
      expect(module.checkPush!(updates, options)).not.toEqual([]),
    );
  }
});

describe('presets', () => {
  it.each(readdirSync(POLICY_DIR).filter((name) => name.endsWith('.json')))(
    '%s is a valid policy',
    (name) => {
      const data = JSON.parse(readFileSync(new URL(name, POLICY_DIR), 'utf8'));
      expect(() => validatePolicy(name, data)).not.toThrow();
    },
  );
});

describe('.agentpolicyrc.example', () => {
  it('is a valid policy that shows every rule', async () => {
    const { parse } = await import('yaml');
    const text = readFileSync(new URL('../.agentpolicyrc.example', import.meta.url), 'utf8');
    const data = parse(text);
    expect(() => validatePolicy('.agentpolicyrc.example', data)).not.toThrow();
    expect(Object.keys(data.rules).sort()).toEqual(Object.keys(rules).sort());
  });
});

describe('command rule examples', () => {
  // A repository described as data: the rules are pure, so their examples run without git.
  const root = '/repo';
  const tracked = [
    'src/index.ts',
    'src/app.ts',
    'README.md',
    'file.txt',
    '.agentpolicyrc',
    '.husky/pre-commit',
    '.claude/settings.json',
  ];
  const facts: CommandFacts = {
    root,
    inRepository: true,
    home: '/home/user',
    tempDirs: ['/tmp'],
    trackedUnder: new Set(tracked),
    ignored: new Set([`${root}/node_modules`]),
    existing: new Set([...tracked.map((file) => `${root}/${file}`), `${root}/node_modules`, `${root}/src`]),
    dirty: true,
    untracked: true,
    stash: true,
    merged: new Map(),
    refs: new Set(['main']),
  };
  for (const [id, rule] of Object.entries(rules)) {
    const module = rule as unknown as {
      checkCommand?: (o: Operation[], options: unknown, f: CommandFacts) => unknown[];
      commandExamples?: { valid: string[]; invalid: string[] };
    };
    if (!module.checkCommand || !module.commandExamples) continue;
    const options = v.parse(rule.meta.options as v.GenericSchema, {});
    const check = (command: string) =>
      module.checkCommand!(
        analyzeCommand(command, root, { HOME: '/home/user', TMPDIR: '/tmp' }).operations,
        options,
        facts,
      );
    it.each(module.commandExamples.valid)(`${id} lets %j through`, (command) =>
      expect(check(command)).toEqual([]),
    );
    it.each(module.commandExamples.invalid)(`${id} stops %j`, (command) =>
      expect(check(command)).not.toEqual([]),
    );
  }
});
