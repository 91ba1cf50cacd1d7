// Where the layers live. A layer must sit on the same file system as the directory it covers, so
// applying it is a series of renames, and outside that directory (overlayfs refuses an upper layer
// inside its lower one). The first place that qualifies: the user's state folder
// (~/.local/state/agentpolicy), or a hidden folder beside the project. One folder per covered
// directory, named by a hash of its path; one folder per run in it, removed when the run is done.
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, sep } from 'node:path';

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

/** The nearest existing folder at or above `path`. */
function existing(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function device(path: string): number | undefined {
  try {
    return statSync(path).dev;
  } catch {
    return undefined;
  }
}

export function stateHome(env: NodeJS.ProcessEnv): string | undefined {
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'agentpolicy');
  return env.HOME ? join(env.HOME, '.local', 'state', 'agentpolicy') : undefined;
}

/**
 * Where journals are registered (apply.ts): the state folder, or, where it cannot be made (a home
 * folder that is not writable, as for system users), the folder that holds the layer homes, which
 * no contained command sees either. Undefined only without both.
 */
export function journalRegistry(env: NodeJS.ProcessEnv, homes: string[]): string | undefined {
  const state = stateHome(env);
  if (state) {
    try {
      mkdirSync(state, { recursive: true, mode: 0o700 });
      return join(state, 'journals');
    } catch {
      // Not writable here: the layers' own folder holds the registry.
    }
  }
  const last = homes.at(-1);
  return last ? join(baseOf(last), 'journals') : undefined;
}

/**
 * The folders a contained command must not see: where its layers live, and the state folder
 * (which holds the journal registry). The state folder is made if it can be, so that a command
 * cannot make it first; a folder inside another hidden one is hidden with it.
 */
export function hiddenFolders(homes: string[], env: NodeJS.ProcessEnv): string[] {
  const state = stateHome(env);
  const folders = [...new Set(homes.map(baseOf))];
  if (state) {
    try {
      mkdirSync(state, { recursive: true, mode: 0o700 });
      folders.push(state);
    } catch {
      // Not writable here: then no command can write it either.
    }
  }
  return folders.filter((dir) => !folders.some((other) => other !== dir && inside(dir, other)));
}

/** Candidate homes for the layers of `root`, best first. */
function candidates(root: string, env: NodeJS.ProcessEnv): string[] {
  const home = stateHome(env);
  return [...(home ? [join(home, 'layers')] : []), join(dirname(root), '.agentpolicy-layers')];
}

/**
 * The folder that holds the layers of `root`: on its file system, outside it, and not holding it.
 * Undefined when no such folder can be made.
 */
export function layerHome(root: string, env: NodeJS.ProcessEnv): string | undefined {
  const dev = device(root);
  if (dev === undefined) return undefined;
  for (const base of candidates(root, env)) {
    if (inside(base, root) || inside(root, base)) continue;
    if (device(existing(base)) !== dev) continue;
    const home = join(base, createHash('sha256').update(root).digest('hex').slice(0, 16));
    try {
      // The folders above ours as any program makes them; ours for this user alone.
      mkdirSync(dirname(base), { recursive: true });
      mkdirSync(home, { recursive: true, mode: 0o700 });
    } catch {
      continue;
    }
    if (device(home) === dev) return home;
  }
  return undefined;
}

/** The base folder a layer home is in (the one to hide from the command). */
export function baseOf(home: string): string {
  return dirname(home);
}

export interface RunFolder {
  dir: string;
  upper: string;
  work: string;
  trash: string;
}

/** A fresh folder for one run's layer of one covered directory. */
export function makeRunFolder(home: string): RunFolder {
  const dir = join(home, `run-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  const folder = { dir, upper: join(dir, 'upper'), work: join(dir, 'work'), trash: join(dir, 'trash') };
  mkdirSync(folder.upper);
  mkdirSync(folder.work);
  return folder;
}

/** Opens every folder under `dir` to its owner: overlayfs leaves mode-0 folders in its work folder. */
function openFolders(dir: string): void {
  try {
    chmodSync(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) openFolders(join(dir, entry.name));
  } catch {
    // Gone, or not ours: rm reports what it cannot remove.
  }
}

/** Removes a run's folder. Never throws: what is left is swept by a later run. */
export function removeRunFolder(dir: string): void {
  openFolders(join(dir, 'work'));
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Left for sweepStaleRuns.
  }
}

/** Run folders left by wrappers that died, with no journal to finish: removed. */
export function sweepStaleRuns(home: string, alive: (pid: number) => boolean): void {
  let names: string[];
  try {
    names = readdirSync(home);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^run-(\d+)-/.exec(name);
    if (!match || alive(Number(match[1]))) continue;
    if (existsSync(join(home, name, 'journal.json'))) continue;
    removeRunFolder(join(home, name));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One apply at a time per project: contained commands run side by side, but their layers land one
 * after the other, each checked against what the one before left. A lock whose holder died is
 * taken over. Returns the release.
 */
export function lockApply(home: string, wait = 30_000): () => void {
  const lock = join(home, 'apply.lock');
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + wait;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // Being made or removed this instant.
    }
    if (holder && !isAlive(holder)) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline)
      throw new Error('another contained command is still applying its changes');
    else Atomics.wait(sleeper, 0, 0, 10);
  }
}
