// One verification run: a temporary folder (the snapshot and a record of who owns it), a log folder
// per worktree and run, and the steps' processes. Whatever way the run ends (done, Ctrl-C, SIGTERM,
// SIGHUP, an error) its processes are ended and its folder removed. A run killed with -9 cannot
// clean up: the record it leaves says whose it was, and the next run ends what is left of it.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSameProcess, markedProcesses, signal, startTime } from './processes.js';

export const RUN_PREFIX = 'agentpolicy-verify-';
/** The variable every step process carries: `<run id>.<step number>`. */
export const MARKER = 'AGENTPOLICY_RUN';
const RECORD = 'run.json';
const KEEP_LOG_RUNS = 10;
/** A run folder without a record (a run killed while creating it) is left this long. */
const UNRECORDED_GRACE_MS = 10 * 60_000;

interface RunRecord {
  owner: { pid: number; start?: string };
  id: string;
  /** Leaders of the steps running now (unshare, or the process group). */
  steps: { pid: number; start?: string }[];
}

export interface Run {
  id: string;
  /** The run's temporary folder (the snapshot goes in it). */
  dir: string;
  /** Where this run's step logs go: <git dir of the worktree>/agentpolicy/logs/<id>. */
  logDir: string;
  /** Records a step's leader and the marker its processes carry, so that no exit leaves them. */
  track: (pid: number, marker: string) => void;
  untrack: (pid: number) => void;
  /** Ends every step process still running and removes the folder. */
  finish: () => void;
}

const live = new Set<Run>();

export function startRun(worktreeGitDir: string): Run {
  cleanStaleRuns();
  const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), RUN_PREFIX));
  const record: RunRecord = { owner: { pid: process.pid, start: startTime(process.pid) }, id, steps: [] };
  const save = () => {
    const temporary = join(dir, `.${RECORD}.tmp`);
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, join(dir, RECORD));
  };
  save();
  const logs = join(worktreeGitDir, 'agentpolicy', 'logs');
  const markers = new Map<number, string>();
  const run: Run = {
    id,
    dir,
    logDir: join(logs, id),
    track: (pid, marker) => {
      markers.set(pid, marker);
      record.steps.push({ pid, start: startTime(pid) });
      save();
    },
    untrack: (pid) => {
      markers.delete(pid);
      record.steps = record.steps.filter((step) => step.pid !== pid);
      save();
    },
    finish: () => {
      for (const pid of markers.keys()) endGroup(pid);
      if (markers.size) for (const pid of markedProcesses(`${MARKER}=${id}.`)) signal(pid, 'SIGKILL');
      markers.clear();
      rmSync(dir, { recursive: true, force: true });
      if (live.delete(run) && live.size === 0) watchSignals(false);
    },
  };
  if (live.size === 0) watchSignals(true);
  live.add(run);
  pruneLogs(logs);
  return run;
}

/** Kills a step's leader and its process group (with a namespace, that ends all of it). */
export function endGroup(pid: number): void {
  signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
}

/** Ends the processes and removes the folders of runs whose owner is gone. */
export function cleanStaleRuns(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(RUN_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    // Only our own runs: in a shared temp folder another user could plant a record naming our processes.
    let stat: Stats;
    try {
      stat = statSync(dir);
    } catch {
      continue;
    }
    if (process.getuid && stat.uid !== process.getuid()) continue;
    let record: RunRecord | undefined;
    try {
      record = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as RunRecord;
    } catch {
      record = undefined;
    }
    if (!record) {
      if (Date.now() - stat.mtimeMs < UNRECORDED_GRACE_MS) continue;
    } else {
      if (isSameProcess(record.owner.pid, record.owner.start)) continue;
      for (const step of record.steps) if (isSameProcess(step.pid, step.start)) endGroup(step.pid);
      for (const pid of markedProcesses(`${MARKER}=${record.id}.`)) signal(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function pruneLogs(logs: string): void {
  try {
    mkdirSync(logs, { recursive: true });
    const runs = readdirSync(logs, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    for (const old of runs.slice(0, Math.max(0, runs.length - KEEP_LOG_RUNS + 1)))
      rmSync(join(logs, old), { recursive: true, force: true });
  } catch {
    // Logs help; failing to prune them changes nothing.
  }
}

/**
 * While a run is live, Ctrl-C, SIGTERM and SIGHUP end its steps and remove its folder, then end
 * this process by the same signal, as if no handler were there; so does any other exit. With no
 * run live, the process's signals are left as they were.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function finishAll(): void {
  for (const run of [...live]) run.finish();
}

const handlers = SIGNALS.map((name) => () => {
  finishAll();
  process.kill(process.pid, name);
});

function watchSignals(on: boolean): void {
  for (const [i, name] of SIGNALS.entries()) {
    if (on) process.on(name, handlers[i]!);
    else process.removeListener(name, handlers[i]!);
  }
  if (on) process.on('exit', finishAll);
  else process.removeListener('exit', finishAll);
}
