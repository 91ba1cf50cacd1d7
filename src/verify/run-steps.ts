// Runs verification steps, in order, or side by side for consecutive steps marked `parallel`. Each
// step runs with the hook's environment cleaned of git's variables, inside the isolation of
// processes.ts: when it ends (done, timed out, or the run cancelled), nothing it started is left.
// A step that cannot start, times out or exits non-zero has failed. Full output goes to the
// run's log folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { VerifyStep } from '../types.js';
import { descendants, type Launcher, markedProcesses, signal } from './processes.js';
import { endGroup, MARKER, type Run } from './runs.js';
import { stepEnvironment } from './step-env.js';

export interface StepResult {
  name: string;
  run: string;
  status: 'passed' | 'failed' | 'timed-out' | 'skipped';
  exitCode?: number;
  durationMs: number;
  /** The last lines of output, for the failure message. */
  tail: string;
  log?: string;
  /** Set for a failed step that ran on the snapshot and may have missed a file it needs. */
  hint?: string;
  /** Passed on this same tree, under this policy, before: not run again. */
  reused?: boolean;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  run: Run;
  launcher: Launcher;
  /** The steps run on the snapshot (their failures may come from what it leaves out). */
  snapshot: boolean;
  onStart?: (step: VerifyStep) => void;
  onEnd?: (result: StepResult) => void;
  /** Called after each group of steps; a message stops the run (what the steps must not change). */
  check?: (group: VerifyStep[]) => string | undefined;
}

const KILL_GRACE_MS = 2000;
const TAIL_LINES = 20;
let sequence = 0;

/** Runs the steps; stops early when `check` reports a problem, which is returned. */
export async function runSteps(
  steps: VerifyStep[],
  options: RunOptions,
): Promise<{ results: StepResult[]; problem?: string }> {
  const results: StepResult[] = [];
  for (const group of groupSteps(steps)) {
    results.push(...(await Promise.all(group.map((step) => runStep(step, options)))));
    const problem = options.check?.(group);
    if (problem) return { results, problem };
  }
  return { results };
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
  const marker = `${options.run.id}.${++sequence}`;
  const { file, args } = options.launcher.wrap(['sh', '-c', step.run]);
  const child = execa(file, args, {
    cwd: options.cwd,
    env: stepEnvironment(options.env, { AGENTPOLICY_VERIFY: step.name, [MARKER]: marker }),
    extendEnv: false,
    all: true,
    reject: false,
    stdin: 'ignore',
    detached: true,
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
  });
  const pid = child.pid;
  if (pid) options.run.track(pid, marker);
  const namespace = options.launcher.isolation === 'pid-namespace';
  // What the step left behind when its main process ends: in a namespace the kernel ends it all;
  // otherwise the group and whatever still carries the marker. Done at once, so a background child
  // holding the output open cannot keep the step waiting.
  const endLeftovers = () => {
    if (!pid) return;
    endGroup(pid);
    if (!namespace) for (const left of markedProcesses(`${MARKER}=${marker}\0`)) signal(left, 'SIGKILL');
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // A chance to clean up first: SIGTERM to every process of the step, then SIGKILL for all.
    if (pid) {
      const inside = namespace ? descendants(pid) : [-pid, ...markedProcesses(`${MARKER}=${marker}\0`)];
      for (const target of inside) signal(target, 'SIGTERM');
    }
    setTimeout(endLeftovers, KILL_GRACE_MS).unref();
  }, step.timeout);
  child.once('exit', endLeftovers);
  const outcome = await child;
  clearTimeout(timer);
  endLeftovers();
  if (pid) options.run.untrack(pid);
  const output = typeof outcome.all === 'string' ? outcome.all : '';
  const log = writeLog(options.run.logDir, step, output);
  const exitCode = outcome.exitCode;
  const missing = exitCode === 127 ? `\n(${step.run.split(' ')[0]}: command not found)` : '';
  const status = timedOut ? 'timed-out' : exitCode === 0 ? 'passed' : 'failed';
  const result: StepResult = {
    name: step.name,
    run: step.run,
    status,
    durationMs: Date.now() - started,
    tail: output.trimEnd().split('\n').slice(-TAIL_LINES).join('\n') + missing,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(log ? { log } : {}),
    ...(status === 'failed' && options.snapshot && MISSING_SOMETHING.test(output)
      ? { hint: SNAPSHOT_HINT }
      : {}),
  };
  options.onEnd?.(result);
  return result;
}

/** Output that suggests a file the snapshot leaves out (ignored, untracked, in a submodule). */
const MISSING_SOMETHING =
  /ENOENT|No such file or directory|Cannot find module|cannot find|not found|does not exist|not a git repository/i;

const SNAPSHOT_HINT =
  'This step ran on a copy of the staged files: untracked and ignored files (other than dependency folders) and submodules are not in it. If the step needs them, give it `"mode": "worktree"`.';

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
