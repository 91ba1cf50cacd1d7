// Runs verification steps: each in its own process group (so a timeout kills everything the step
// started), in order, or side by side for consecutive steps marked `parallel`. A step that cannot
// start, times out or exits non-zero has failed. Full output goes to a log under .git/agentpolicy/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { VerifyStep } from '../types.js';

export interface StepResult {
  name: string;
  run: string;
  status: 'passed' | 'failed' | 'timed-out' | 'skipped';
  exitCode?: number;
  durationMs: number;
  /** The last lines of output, for the failure message. */
  tail: string;
  log?: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where logs go (`.git/agentpolicy/logs`). */
  logDir: string;
  onStart?: (step: VerifyStep) => void;
  onEnd?: (result: StepResult) => void;
}

const KILL_GRACE_MS = 2000;
const TAIL_LINES = 20;

export async function runSteps(steps: VerifyStep[], options: RunOptions): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const group of groupSteps(steps)) {
    results.push(...(await Promise.all(group.map((step) => runStep(step, options)))));
  }
  return results;
}

/** Consecutive `parallel` steps form one group; every other step is a group of its own. */
export function groupSteps(steps: VerifyStep[]): VerifyStep[][] {
  const groups: VerifyStep[][] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (step.parallel && last?.[0]?.parallel) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

async function runStep(step: VerifyStep, options: RunOptions): Promise<StepResult> {
  options.onStart?.(step);
  const started = Date.now();
  const child = execa('sh', ['-c', step.run], {
    cwd: options.cwd,
    env: { ...options.env, AGENTPOLICY_VERIFY: step.name },
    extendEnv: false,
    all: true,
    reject: false,
    stdin: 'ignore',
    detached: true,
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
  });
  let timedOut = false;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
  }, step.timeout);
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  const outcome = await child;
  clearTimeout(timer);
  process.removeListener('exit', onExit);
  const output = typeof outcome.all === 'string' ? outcome.all : '';
  const log = writeLog(options.logDir, step, output);
  const exitCode = outcome.exitCode;
  const missing = exitCode === 127 ? `\n(${step.run.split(' ')[0]}: command not found)` : '';
  const result: StepResult = {
    name: step.name,
    run: step.run,
    status: timedOut ? 'timed-out' : exitCode === 0 ? 'passed' : 'failed',
    durationMs: Date.now() - started,
    tail: output.trimEnd().split('\n').slice(-TAIL_LINES).join('\n') + missing,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(log ? { log } : {}),
  };
  options.onEnd?.(result);
  return result;
}

function writeLog(logDir: string, step: VerifyStep, output: string): string | undefined {
  try {
    mkdirSync(logDir, { recursive: true });
    const path = join(logDir, `${step.name.replace(/[^\w.-]+/g, '_').slice(0, 60)}.log`);
    writeFileSync(path, `$ ${step.run}\n${output}`);
    return path;
  } catch {
    return undefined;
  }
}
