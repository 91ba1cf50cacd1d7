// A repository set up the way a user sets agentpolicy up: a package.json, the binary at
// node_modules/.bin/agentpolicy (linked to this build), `agentpolicy init`, a first commit.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN, runCli } from './cli.js';
import { createRepo, type TestRepo } from './repo.js';

export interface Project extends TestRepo {
  /** Runs the agentpolicy binary in the repository. */
  cli: (args: string[], input?: string) => ReturnType<typeof runCli>;
}

export function linkBinary(dir: string): void {
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(BIN, join(dir, 'node_modules/.bin/agentpolicy'));
}

export function createProject(
  policy: object = { extends: 'agentpolicy:recommended' },
  files: Record<string, string> = {},
  firstMessage = 'Set up the project with agentpolicy',
): Project {
  const repo = createRepo();
  repo.write('package.json', `${JSON.stringify({ name: 'demo', private: true }, null, 2)}\n`);
  repo.write('.gitignore', 'node_modules\n');
  repo.write('.agentpolicyrc', `${JSON.stringify(policy, null, 2)}\n`);
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  linkBinary(repo.dir);
  const cli = (args: string[], input?: string) =>
    runCli(args, { cwd: repo.dir, env: repo.env, ...(input !== undefined ? { input } : {}) });
  const init = cli(['init']);
  expect(init.stderr).toBe('');
  expect(init.status).toBe(0);
  repo.git('add', '-A');
  const first = repo.gitRaw(['commit', '-q', '-m', firstMessage]);
  expect(first.status, first.stderr).toBe(0);
  return { ...repo, cli };
}
