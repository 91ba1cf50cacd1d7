// Verification for a hook or CI: picks the steps for the occasion (from the policy and VERIFY.md),
// skips those whose `when` globs match nothing changed, runs them on the exact content being
// checked (a snapshot repository, or the work tree for `worktree` steps), blocks when a step
// changed what was judged, and records the results for `agentpolicy report`.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paint } from '../cli/io.js';
import { git } from '../git/exec.js';
import { matchesGlob } from '../rules/match.js';
import type { ResolvedPolicy, VerifyHook, VerifyStep } from '../types.js';
import {
  commitTree,
  discardRecords,
  type OnceStore,
  onceStore,
  recordsFingerprint,
  recordsGuarded,
  stagedTree,
  worktreeTrees,
} from './once.js';
import { launcher } from './processes.js';
import { createProgress, formatResultLine } from './progress.js';
import { runSteps, type StepResult } from './run-steps.js';
import { startRun } from './runs.js';
import { createSnapshot } from './snapshot.js';

const RECORDS_CHANGED =
  'The records of passed steps (.git/agentpolicy/verified/) changed while steps ran: all of them are discarded, and every step runs again next time.';

export interface VerifyContext {
  root: string;
  /** This worktree's git dir: its HEAD and index, and the logs of its runs. */
  gitDir: string;
  /** The common git dir: the last results go under agentpolicy/ there. */
  commonDir: string;
  env: NodeJS.ProcessEnv;
  /** Paths changed by what is being checked; undefined runs every step. */
  changedPaths?: string[];
  /** The commit to check (pre-push, CI); without it, the staged index. */
  commit?: string;
  /** The branch of `commit` (refs/heads/x), for the snapshot's HEAD. */
  ref?: string;
  /** Overrides each step's mode. */
  mode?: VerifyStep['mode'];
  write: (text: string) => void;
  paint: Paint;
  live: boolean;
  /** Reuse passes recorded on the same tree (the hooks and the agent's stop; never `verify` asked by hand). */
  reuse?: boolean;
}

export interface VerifyOutcome {
  ok: boolean;
  results: StepResult[];
  /** Why verification failed beyond a step's own failure (VERIFY.md missing, the index changed). */
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
  for (const result of skipped) context.write(`${formatResultLine(result, context.paint)}\n`);
  const results: StepResult[] = [...skipped];
  if (selected.length === 0) {
    saveResults(context.commonDir, hook, results);
    return { ok: true, results };
  }
  const byMode = (mode: VerifyStep['mode']) =>
    selected.filter((step) => (context.mode ?? step.mode) === mode);
  // Steps of a commit or push always run on its snapshot: the work tree is not what is pushed.
  const worktreeSteps = context.commit ? [] : byMode('worktree');
  const snapshotSteps = context.commit ? selected : byMode('staged');
  const progress = createProgress(context.write, context.paint, context.live);
  const run = startRun(context.gitDir);
  // What was judged must be what gets committed: the index and HEAD may not change under the steps.
  const judged = context.commit ? undefined : judgedState(context);
  const check = (group: VerifyStep[]) => {
    if (!judged) return undefined;
    const now = judgedState(context);
    if (now.index === judged.index && now.head === judged.head) return undefined;
    const names = group.map((step) => `"${step.name}"`).join(', ');
    const what = now.index !== judged.index ? 'the staged files' : 'HEAD';
    return `${names} changed ${what} while ${group.length > 1 ? 'they' : 'it'} ran, so what was checked is no longer what would be committed: blocked. A verification step must not stage, commit or check out in the repository; steps in the default "staged" mode run in a copy where they can.`;
  };
  // Steps that passed on this very tree, with the same inputs, are not run again (see once.ts).
  const reusing = context.reuse === true && recordsGuarded(policy);
  const storeFor = (steps: VerifyStep[], tree: () => string): OnceStore | undefined => {
    if (!reusing || !steps.some((step) => step.once !== false)) return undefined;
    try {
      return onceStore(context.commonDir, tree(), policy, context.env);
    } catch {
      return undefined; // no tree to name (an unmerged index): every step runs
    }
  };
  const worktree = worktreeTrees(context.root, context.gitDir, context.env, run.dir);
  const worktreeOnce = hook === 'edit' ? undefined : storeFor(worktreeSteps, worktree.tree);
  const snapshotOnce = storeFor(snapshotSteps, () =>
    context.commit
      ? commitTree(context.root, context.env, context.commit)
      : stagedTree(context.root, context.gitDir, context.env, run.dir),
  );
  const reuse = (steps: VerifyStep[], once: OnceStore | undefined): VerifyStep[] =>
    steps.filter((step) => {
      if (!once || step.once === false || !once.passed(step)) return true;
      const result: StepResult = {
        name: step.name,
        run: step.run,
        status: 'passed',
        durationMs: 0,
        tail: '',
        reused: true,
      };
      results.push(result);
      context.write(`${formatResultLine(result, context.paint)}\n`);
      return false;
    });
  const worktreeTodo = reuse(worktreeSteps, worktreeOnce);
  const snapshotTodo = reuse(snapshotSteps, snapshotOnce);
  // A step may not vouch for another: records that change while steps run are all discarded.
  let records = recordsFingerprint(context.commonDir);
  let tampered = false;
  const untouched = () => {
    tampered ||= recordsFingerprint(context.commonDir) !== records;
    return !tampered;
  };
  const remember = (steps: VerifyStep[], done: StepResult[], once: OnceStore | undefined) => {
    if (!once || !untouched()) return;
    for (const step of steps)
      if (
        step.once !== false &&
        done.some((result) => result.name === step.name && result.status === 'passed')
      )
        once.record(step);
    records = recordsFingerprint(context.commonDir);
  };
  let stopped: string | undefined;
  try {
    const base = {
      env: context.env,
      run,
      launcher: launcher(),
      check,
      onStart: progress.start,
      onEnd: progress.end,
    };
    if (worktreeTodo.length) {
      const done = await runSteps(worktreeTodo, { ...base, cwd: context.root, snapshot: false });
      results.push(...done.results);
      stopped = done.problem;
      // Passes count for the tree the steps started on only if they left the work tree as it was.
      const passed = done.results.some((result) => result.status === 'passed');
      const after = stopped || !worktreeOnce || !passed ? undefined : storeFor(worktreeTodo, worktree.tree);
      if (after?.tree === worktreeOnce?.tree) remember(worktreeTodo, done.results, worktreeOnce);
    }
    if (snapshotTodo.length && !stopped) {
      const snapshot = createSnapshot(
        {
          root: context.root,
          gitDir: context.gitDir,
          env: context.env,
          ...(context.commit ? { commit: context.commit } : {}),
          ...(context.ref ? { ref: context.ref } : {}),
        },
        run.dir,
      );
      const done = await runSteps(snapshotTodo, { ...base, cwd: snapshot.dir, snapshot: true });
      results.push(...done.results);
      stopped = done.problem;
      if (!stopped) remember(snapshotTodo, done.results, snapshotOnce);
    }
  } finally {
    worktree.close();
    progress.stop();
    run.finish();
    if (!untouched()) {
      discardRecords(context.commonDir);
      context.write(`${context.paint.yellow('!')} ${RECORDS_CHANGED}\n`);
    }
  }
  const ok = !stopped && results.every((result) => result.status === 'passed' || result.status === 'skipped');
  saveResults(context.commonDir, hook, results);
  return { ok, results, ...(stopped ? { problem: stopped } : {}) };
}

/** The staged entries and HEAD, as git will read them when the hook returns. */
function judgedState(context: VerifyContext): { index: string; head: string } {
  const listed = git(['ls-files', '--stage', '-z'], { cwd: context.root, env: context.env }).stdout;
  const head = git(['rev-parse', '-q', '--verify', 'HEAD'], {
    cwd: context.root,
    env: context.env,
    okStatus: [1],
  }).stdout;
  let symbolic = '';
  try {
    symbolic = readFileSync(join(context.gitDir, 'HEAD'), 'utf8');
  } catch {
    // No HEAD file: rev-parse has said what there is to say.
  }
  return { index: createHash('sha256').update(listed).digest('hex'), head: `${symbolic}${head}` };
}

export function saveResults(commonDir: string, hook: VerifyHook, results: StepResult[]): void {
  try {
    const dir = join(commonDir, 'agentpolicy');
    mkdirSync(dir, { recursive: true });
    const text = `${JSON.stringify({ time: new Date().toISOString(), hook, results }, null, 2)}\n`;
    writeFileSync(join(dir, 'verify-last.json'), text);
    // The last edit-time check is kept apart: the stop and the hooks that follow would hide it.
    if (hook === 'edit') writeFileSync(join(dir, 'verify-last-edit.json'), text);
  } catch {
    // Results are for the report; failing to save them does not change the verdict.
  }
}
