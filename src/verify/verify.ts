// Verification for a hook or CI: picks the steps for the occasion (from the policy and VERIFY.md),
// skips those whose `when` globs match nothing changed, runs them on the exact content being
// checked, and records the results for `agentpolicy report`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paint } from '../cli/io.js';
import { matchesGlob } from '../rules/match.js';
import type { ResolvedPolicy, VerifyHook, VerifyStep } from '../types.js';
import { materialize } from './materialize.js';
import { createProgress, formatResultLine } from './progress.js';
import { runSteps, type StepResult } from './run-steps.js';

export interface VerifyContext {
  root: string;
  /** The common git dir: logs and results go under agentpolicy/ there. */
  commonDir: string;
  env: NodeJS.ProcessEnv;
  /** Paths changed by what is being checked; undefined runs every step. */
  changedPaths?: string[];
  /** The commit to check (pre-push, CI); without it, the staged index. */
  commit?: string;
  /** Overrides each step's mode. */
  mode?: VerifyStep['mode'];
  write: (text: string) => void;
  paint: Paint;
  live: boolean;
}

export interface VerifyOutcome {
  ok: boolean;
  results: StepResult[];
  /** Set when the steps could not even be listed (VERIFY.md missing). */
  problem?: string;
}

export function stepsFor(
  policy: ResolvedPolicy,
  hook: VerifyHook,
  _root?: string,
): { steps: VerifyStep[]; problem?: string } {
  const steps = policy.verify.filter((step) => step.on.includes(hook));
  if (policy.verifyFrom && policy.verifyFromSettings?.on.includes(hook)) {
    // The steps come with the policy, read from the same commit: never from the work tree.
    const fromFile = policy.verifyFromSteps;
    if (!fromFile) {
      return {
        steps,
        problem: `${policy.verifyFrom} is missing, so there is nothing to verify with. Write the commands to run before moving on in its fenced shell blocks (\`agentpolicy init --memory\` writes a template).`,
      };
    }
    if (fromFile.length === 0) {
      return {
        steps,
        problem: `${policy.verifyFrom} has no commands in fenced shell blocks, so nothing verifies the change.`,
      };
    }
    steps.push(...fromFile);
  }
  return { steps };
}

export async function verify(
  policy: ResolvedPolicy,
  hook: VerifyHook,
  context: VerifyContext,
): Promise<VerifyOutcome> {
  const { steps, problem } = stepsFor(policy, hook, context.root);
  if (problem) return { ok: false, results: [], problem };
  const selected: VerifyStep[] = [];
  const skipped: StepResult[] = [];
  for (const step of steps) {
    const applies =
      !context.changedPaths ||
      step.when.length === 0 ||
      context.changedPaths.some((path) => step.when.some((glob) => matchesGlob(path, glob)));
    if (applies) selected.push(step);
    else skipped.push({ name: step.name, run: step.run, status: 'skipped', durationMs: 0, tail: '' });
  }
  const byMode = (mode: VerifyStep['mode']) =>
    selected.filter((step) => (context.mode ?? step.mode) === mode);
  const progress = createProgress(context.write, context.paint, context.live);
  for (const result of skipped) context.write(`${formatResultLine(result, context.paint)}\n`);
  const logDir = join(context.commonDir, 'agentpolicy', 'logs');
  const results: StepResult[] = [...skipped];
  try {
    const worktreeSteps = context.commit ? [] : byMode('worktree');
    const snapshotSteps = context.commit ? selected : byMode('staged');
    if (worktreeSteps.length) {
      results.push(
        ...(await runSteps(worktreeSteps, {
          cwd: context.root,
          env: context.env,
          logDir,
          onStart: progress.start,
          onEnd: progress.end,
        })),
      );
    }
    if (snapshotSteps.length) {
      const snapshot = materialize(context.root, context.env, context.commit);
      try {
        results.push(
          ...(await runSteps(snapshotSteps, {
            cwd: snapshot.dir,
            env: context.env,
            logDir,
            onStart: progress.start,
            onEnd: progress.end,
          })),
        );
      } finally {
        snapshot.remove();
      }
    }
  } finally {
    progress.stop();
  }
  const ok = results.every((result) => result.status === 'passed' || result.status === 'skipped');
  saveResults(context.commonDir, hook, results);
  return { ok, results };
}

export function saveResults(commonDir: string, hook: VerifyHook, results: StepResult[]): void {
  try {
    const dir = join(commonDir, 'agentpolicy');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'verify-last.json'),
      `${JSON.stringify({ time: new Date().toISOString(), hook, results }, null, 2)}\n`,
    );
  } catch {
    // Results are for the report; failing to save them does not change the verdict.
  }
}
