// Runs the built command line as a real process, the way git hooks and agents run it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunResult } from './repo.js';

export const BIN = fileURLToPath(new URL('../../bin/agentpolicy.cjs', import.meta.url));

export function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): RunResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? { ...process.env, NO_COLOR: '1' },
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
