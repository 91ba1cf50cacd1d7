// Applying a layer to the real tree, all or nothing. The plan is a list of renames (what the
// command replaced or removed goes to a trash folder beside the layer, what it made comes in from
// the layer), a few folder creations and mode changes; it is written to a journal before the first
// step. Every step can be told done or not from the file system alone, so after a crash, a kill or
// a full disk a later run finishes the journal, or, when a step cannot be done, undoes the done
// ones: the tree ends as before or as after the command, never half.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { LayerEntry } from './backend.js';
import { isWhiteout } from './layer.js';

export type Step =
  /** `away`: a real path into the trash; otherwise a path from the layer into the real tree. */
  | { op: 'move'; from: string; to: string; away?: boolean }
  | { op: 'mkdir'; path: string; mode: number }
  | { op: 'chmod'; path: string; from: number; to: number };

export interface Journal {
  version: 1;
  steps: Step[];
}

export interface LayerToApply {
  root: string;
  upper: string;
  trash: string;
  entries: LayerEntry[];
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A path changed under the command: created, replaced or removed in the real tree since it started. */
export class ApplyConflict extends Error {
  readonly paths: string[];
  constructor(paths: string[]) {
    super(
      `changed by something else while the command ran: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ' and more' : ''}`,
    );
    this.paths = paths;
  }
}

/**
 * The steps that make each real tree what the command left. `since` (ms) is when the command
 * started: a real path changed after it is a conflict, and nothing is applied.
 */
export function planApply(layers: LayerToApply[], since: number): Step[] {
  const steps: Step[] = [];
  const conflicts: string[] = [];
  for (const layer of layers) {
    let trashed = 0;
    const toTrash = (path: string) => {
      const stat = lstatSync(path);
      if (Math.max(stat.ctimeMs, stat.mtimeMs) > since) conflicts.push(path);
      steps.push({ op: 'move', from: path, to: join(layer.trash, String(trashed++)), away: true });
    };
    const covered: string[] = [];
    for (const entry of layer.entries) {
      if (covered.some((dir) => entry.path.startsWith(`${dir}/`))) continue;
      const real = join(layer.root, entry.path);
      const upper = join(layer.upper, entry.path);
      const below = exists(real) ? lstatSync(real) : undefined;
      if (entry.kind === 'removed') {
        if (below) toTrash(real);
        continue;
      }
      if (entry.kind === 'dir') {
        const mode = lstatSync(upper).mode & 0o7777;
        if (below?.isDirectory() && !entry.opaque) {
          if ((below.mode & 0o7777) !== mode)
            steps.push({ op: 'chmod', path: real, from: below.mode & 0o7777, to: mode });
          continue;
        }
        covered.push(entry.path);
        if (below) toTrash(real);
        if (!below?.isDirectory()) {
          // A folder that did not exist: it comes in whole, with no whiteouts (it hides nothing).
          stripWhiteouts(upper);
          steps.push({ op: 'move', from: upper, to: real });
          continue;
        }
        // A folder removed and made again: a fresh folder, then what the command put in it (the
        // layer's own folder carries overlayfs's marks, which stay out of the real tree).
        steps.push({ op: 'mkdir', path: real, mode });
        for (const name of readdirSync(upper).sort()) {
          const child = join(upper, name);
          if (isWhiteout(lstatSync(child))) continue;
          if (lstatSync(child).isDirectory()) stripWhiteouts(child);
          steps.push({ op: 'move', from: child, to: join(real, name) });
        }
        continue;
      }
      if (below) toTrash(real);
      else if (!exists(dirname(real))) conflicts.push(dirname(real));
      steps.push({ op: 'move', from: upper, to: real });
    }
  }
  if (conflicts.length) throw new ApplyConflict(conflicts);
  return steps;
}

function stripWhiteouts(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (isWhiteout(stat)) unlinkSync(path);
    else if (stat.isDirectory()) stripWhiteouts(path);
  }
}

/**
 * Whether a step is done, given that every step before it is: a path moved away is in its trash
 * slot (each slot is used once); a path moved in has left the layer; a folder exists; a mode is set.
 */
function isDone(step: Step): boolean {
  switch (step.op) {
    case 'move':
      return step.away ? exists(step.to) : !exists(step.from);
    case 'mkdir':
      return exists(step.path);
    case 'chmod':
      return exists(step.path) && (lstatSync(step.path).mode & 0o7777) === step.to;
  }
}

function doStep(step: Step): void {
  switch (step.op) {
    case 'move':
      mkdirSync(dirname(step.to), { recursive: true });
      if (exists(step.to)) throw Object.assign(new Error(`${step.to} exists`), { code: 'EEXIST' });
      renameSync(step.from, step.to);
      return;
    case 'mkdir':
      mkdirSync(step.path, { mode: step.mode });
      chmodSync(step.path, step.mode);
      return;
    case 'chmod':
      chmodSync(step.path, step.to);
  }
}

function undoStep(step: Step): void {
  switch (step.op) {
    case 'move':
      renameSync(step.to, step.from);
      return;
    case 'mkdir':
      rmdirSync(step.path);
      return;
    case 'chmod':
      chmodSync(step.path, step.from);
  }
}

/**
 * Writes a file and makes it and its name durable. Written in place (no temporary file and rename):
 * a journal cut short by a crash does not parse, and the steps start only once it is on disk, so
 * one that does not parse was never acted on (recoverJournals drops it).
 */
function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncFolder(dirname(path));
}

function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot sync a folder; the rename is still atomic.
  }
}

/**
 * Where a journal is registered: layer homes can lie in folders a contained command may write (a
 * project under /tmp keeps its layers beside it), so a journal found there could be one a command
 * planted. A journal is run only when the registry, in the state folder every contained command
 * is kept out of, names it.
 */
function registration(registry: string, journalPath: string): string {
  return join(registry, createHash('sha256').update(journalPath).digest('hex'));
}

/**
 * A journal is done: removed, then its registration. Not synced: should a crash lose the removal,
 * the journal runs again, and running a finished journal changes nothing (each of its steps is
 * found done, or the first one not found done cannot be redone and is undone).
 */
function finished(journalPath: string, registry: string | undefined): void {
  unlinkSync(journalPath);
  if (registry) rmSync(registration(registry, journalPath), { force: true });
}

/**
 * Runs a journal to its end. When a step fails, every done step is undone in reverse and the
 * error is thrown: the tree is as before.
 */
export function runJournal(journalPath: string, steps: Step[], registry?: string): void {
  // Steps run in order, so the done ones are a prefix: find where it ends, and go on from there.
  let next = 0;
  while (next < steps.length && isDone(steps[next]!)) next++;
  try {
    for (; next < steps.length; next++) doStep(steps[next]!);
  } catch (error) {
    for (let i = next - 1; i >= 0; i--) {
      try {
        undoStep(steps[i]!);
      } catch {
        // Leave the journal: the next run tries again.
        throw error;
      }
    }
    finished(journalPath, registry);
    throw error;
  }
  finished(journalPath, registry);
}

/** Applies the steps: registration and journal first, then the renames. */
export function applySteps(journalPath: string, steps: Step[], registry?: string): void {
  if (registry) {
    // What registers a journal is its name in the registry (the content only says whose it is):
    // the folder is synced, the file is not.
    mkdirSync(registry, { recursive: true, mode: 0o700 });
    writeFileSync(registration(registry, journalPath), journalPath);
    syncFolder(registry);
  }
  const journal: Journal = { version: 1, steps };
  writeDurably(journalPath, JSON.stringify(journal));
  runJournal(journalPath, steps, registry);
}

/** Run folders of dead runs that hold a journal, in these homes. */
function deadJournals(home: string, alive: (pid: number) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(home);
  } catch {
    return [];
  }
  return names
    .filter((name) => {
      const owner = /^run-(\d+)-/.exec(name);
      return owner !== null && !alive(Number(owner[1])) && existsSync(join(home, name, 'journal.json'));
    })
    .map((name) => join(home, name));
}

/** Whether any run that died left a journal here: without one, nothing to recover, and no lock to take. */
export function hasDeadJournals(homes: string[], alive: (pid: number) => boolean): boolean {
  return homes.some((home) => deadJournals(home, alive).length > 0);
}

/**
 * Finishes (or undoes) journals left by runs that died while applying (a live run's journal is
 * its own business). With a registry, only the journals it names. Returns how many.
 */
export function recoverJournals(homes: string[], alive: (pid: number) => boolean, registry?: string): number {
  let recovered = 0;
  for (const home of homes) {
    for (const run of deadJournals(home, alive)) {
      const path = join(run, 'journal.json');
      if (registry && !existsSync(registration(registry, path))) continue;
      let journal: Journal;
      try {
        journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
      } catch {
        // Cut short: the steps start only once the journal is on disk, so none was done.
        finished(path, registry);
        continue;
      }
      try {
        runJournal(path, journal.steps, registry);
      } catch {
        // Undone: the tree is as before that run.
      }
      rmSync(run, { recursive: true, force: true });
      recovered++;
    }
  }
  return recovered;
}
