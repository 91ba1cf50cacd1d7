// Contained execution, start to end: the command runs with the project seen through a
// copy-on-write layer; when it has ended, what it did is read from the layer and judged by the
// policy; allowed, the layer is applied to the real tree (all or nothing) and the command's exit
// code passed on; denied, the layer is dropped, the exit code is 1, and the reason says what would
// have been lost and what to do instead. The command's output streams are live either way.
import {
  chmodSync,
  existsSync,
  readFileSync,
  realpathSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { applyAllowOnce, audit, type GuardContext, tempDirectories } from '../adapters/guard.js';
import { git } from '../git/exec.js';
import { locateRepository } from '../git/locate.js';
import { containDeniedText, containFailedText } from '../messages.js';
import type { Decision } from '../types.js';
import {
  ApplyConflict,
  applySteps,
  hasDeadJournals,
  planApply,
  recoverJournals,
  type Step,
} from './apply.js';
import type { Backend, HeldRun, LayerPlace, SignalRelay } from './backend.js';
import { type Effects, type Project, readEffects } from './effects.js';
import { judgeEffects } from './judge.js';
import { ContainUnavailable, linux } from './linux.js';
import { alreadyContained, writableFolders } from './places.js';
import {
  hiddenFolders,
  isAlive,
  journalRegistry,
  layerHome,
  lockApply,
  makeRunFolder,
  type RunFolder,
  removeRunFolder,
  sweepStaleRuns,
} from './state.js';

export const backend: Backend = linux;

export interface ContainRequest {
  /** What runs: the original argv, never a string rebuilt from it. */
  argv: string[];
  /** The command as messages and the audit log show it. */
  command: string;
  context: GuardContext;
  agent: string;
  tool: string;
  stderr: (text: string) => void;
  /** What the command line names for deletion (see EffectInput.named). */
  named?: { path: string; glob: boolean }[];
}

/**
 * How the command can run: `contained`; `direct` (inside a contained command already, or
 * containment off, or unavailable where the policy allows that); `blocked` with the reason.
 */
export type Plan =
  | { how: 'contained'; project: Project; roots: string[] }
  | { how: 'direct'; why: 'nested' | 'off' | 'unavailable'; reason?: string }
  | { how: 'blocked'; reason: string; fix: string };

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === sep ? dir : `${dir}${sep}`);
}

/** The project a command runs in, as far as containment goes: what is layered. */
export function projectOf(context: GuardContext): { project: Project; roots: string[] } {
  if (context.inRepository) {
    const location = locateRepository(context.cwd, context.env);
    const root = real(context.root);
    const gitDir = real(location?.gitDir ?? join(root, '.git'));
    const commonDir = real(location?.commonDir ?? gitDir);
    const roots = [root, ...(inside(commonDir, root) ? [] : [commonDir])];
    return { project: { root, inRepository: true, gitDir, commonDir }, roots };
  }
  // Outside a repository the working directory is the project, unless it is no project at all.
  const cwd = real(context.cwd);
  const home = context.env.HOME ? real(context.env.HOME) : undefined;
  const temp = [...tempDirectories(context.policy, context.env), tmpdir()].map(real);
  const none = cwd === sep || cwd === home || temp.some((dir) => inside(cwd, dir));
  return { project: { root: cwd, inRepository: false }, roots: none ? [] : [cwd] };
}

export function planRun(context: GuardContext): Plan {
  const mode = context.policy.shell.contain;
  if (mode === 'off') return { how: 'direct', why: 'off' };
  const { project, roots } = projectOf(context);
  if (roots.some(alreadyContained)) return { how: 'direct', why: 'nested' };
  const available = backend.probe(context.env);
  if (!available.ok)
    return mode === 'required'
      ? { how: 'blocked', reason: available.reason, fix: available.fix }
      : { how: 'direct', why: 'unavailable', reason: available.reason };
  return { how: 'contained', project, roots };
}

/** The folder that holds each covered directory's layers, or why there is none. */
function layerHomes(roots: string[], env: NodeJS.ProcessEnv): string[] | ContainUnavailable {
  const homes: string[] = [];
  for (const root of roots) {
    const home = layerHome(root, env);
    if (!home)
      return new ContainUnavailable(
        `no folder on the file system of ${root}, outside it, can hold its layer`,
        'Make ~/.local/state (or the folder that holds the project) writable and on the same file system as the project.',
      );
    homes.push(home);
  }
  return homes;
}

function layersIn(roots: string[], folders: RunFolder[]): LayerPlace[] {
  return roots.map((root, i) => ({ root, upper: folders[i]!.upper, work: folders[i]!.work }));
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/** Passes the wrapper's signals on while the command runs; ignores them while its layer is applied. */
function relay(): SignalRelay & { hold: () => () => void } {
  return {
    on(forward) {
      const handlers = SIGNALS.map((signal) => [signal, () => forward(signal)] as const);
      for (const [signal, handler] of handlers) process.on(signal, handler);
      return () => {
        for (const [signal, handler] of handlers) process.removeListener(signal, handler);
      };
    },
    hold() {
      const ignore = () => {};
      for (const signal of SIGNALS) process.on(signal, ignore);
      return () => {
        for (const signal of SIGNALS) process.removeListener(signal, ignore);
      };
    },
  };
}

function shortText(command: string): string {
  const line = command.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** Runs the command contained. Resolves to the exit code the wrapper exits with. */
export async function runContained(
  request: ContainRequest,
  plan: Extract<Plan, { how: 'contained' }>,
): Promise<number | ContainUnavailable> {
  const { context } = request;
  const homes = layerHomes(plan.roots, context.env);
  if (homes instanceof ContainUnavailable) return homes;
  finishJournals(homes, context.env);
  for (const home of homes) sweepStaleRuns(home, isAlive);
  const folders: RunFolder[] = homes.map(makeRunFolder);
  const layered = layersIn(plan.roots, folders);
  // The project's own folder shows the upper layer's mode and times: give it the real one's.
  for (const place of layered) {
    const stat = statSync(place.root);
    chmodSync(place.upper, stat.mode & 0o7777);
    utimesSync(place.upper, stat.atime, stat.mtime);
  }
  const { project } = plan;
  const indexAtStart = readIndex(project);
  const tempDirs = tempDirectories(context.policy, context.env);
  // A real path changed after this is a conflict (file times have finer steps than Date.now()).
  const started = Date.now() + 1;
  const signals = relay();
  let held: HeldRun;
  try {
    held = await backend.run(
      {
        argv: request.argv,
        cwd: context.cwd,
        env: context.env,
        layered,
        writable: writableFolders(tempDirs, context.env, plan.roots),
        hidden: hiddenFolders(homes, context.env),
      },
      signals,
    );
  } catch (error) {
    for (const folder of folders) removeRunFolder(folder.dir);
    if (error instanceof ContainUnavailable) return error;
    request.stderr(containFailedText(`its effects could not be read: ${(error as Error).message}`, false));
    return 2;
  }
  const release = signals.hold();
  let released: Promise<void> | undefined;
  try {
    let effects: Effects;
    let decision: Decision;
    try {
      effects = readEffects({
        policy: context.policy,
        project,
        layers: layered.map(({ root, upper }) => ({ root, upper })),
        view: held.view,
        env: context.env,
        tempDirs,
        via: shortText(request.command),
        scratch: folders[0]!.dir,
        ...(request.named ? { named: request.named } : {}),
      });
      // The launcher keeps the code this compiled in its cache (bin/agentpolicy.cjs).
      if (!effects.empty) (globalThis as { __agentpolicyJudged?: boolean }).__agentpolicyJudged = true;
      decision = effects.empty
        ? { verdict: 'allow', findings: [] }
        : applyAllowOnce(judgeEffects(context.policy, effects, context.env), context, request.command);
    } catch (error) {
      // Fail closed: what cannot be read is not applied.
      await held.release();
      request.stderr(containFailedText(`its effects could not be read (${(error as Error).message})`, false));
      audit(
        context,
        { agent: request.agent, tool: request.tool, command: request.command },
        {
          verdict: 'deny',
          rule: 'contain',
          reason: 'its effects could not be read',
          findings: [],
        },
      );
      return 2;
    }
    // The namespace ends while the layer is applied: nothing runs in it any more.
    released = held.release();
    if (decision.verdict !== 'allow') {
      request.stderr(containDeniedText(decision));
      audit(context, { agent: request.agent, tool: request.tool, command: request.command }, decision);
      return 1;
    }
    if (!effects.empty) {
      let unlock = () => {};
      try {
        unlock = lockApply(homes.at(-1)!);
        const layers = layered.map((place, i) => ({
          root: place.root,
          upper: place.upper,
          trash: folders[i]!.trash,
          entries: effects.entries.get(place.root) ?? [],
        }));
        let steps: Step[];
        try {
          steps = planApply(layers, started);
        } catch (error) {
          // git refreshes the index's file times on most commands: when only that clashes with
          // another command's index, and this one's holds the entries it started with (or those
          // the index holds now: it read the other's), its index is left out.
          const index = project.gitDir && join(project.gitDir, 'index');
          if (
            !(error instanceof ApplyConflict) ||
            !index ||
            error.paths.some((path) => path !== index) ||
            !sameEntries(project, indexAtStart, viewlessUpper(layered, index), folders[0]!.dir, context.env)
          )
            throw error;
          for (const layer of layers)
            layer.entries = layer.entries.filter((entry) => join(layer.root, entry.path) !== index);
          steps = planApply(layers, started);
        }
        applySteps(join(folders[0]!.dir, 'journal.json'), steps, journalRegistry(context.env, homes));
      } catch (error) {
        request.stderr(
          containFailedText(
            error instanceof ApplyConflict
              ? `its changes were not applied: ${error.message}. Run it again`
              : `its changes could not be applied (${(error as Error).message})`,
            true,
          ),
        );
        return 2;
      } finally {
        unlock();
      }
    }
    return held.exitCode;
  } finally {
    release();
    await released;
    // A journal left behind is for the next run to finish or undo.
    for (const folder of folders)
      if (!existsSync(join(folder.dir, 'journal.json'))) removeRunFolder(folder.dir);
  }
}

/** A contained run of `true` over the project, layers made and dropped: proof that containment works here. */
export async function tryContainment(context: GuardContext): Promise<{ ok: true } | ContainUnavailable> {
  const { roots } = projectOf(context);
  const available = backend.probe(context.env);
  if (!available.ok) return new ContainUnavailable(available.reason, available.fix);
  const homes = layerHomes(roots, context.env);
  if (homes instanceof ContainUnavailable) return homes;
  const folders = homes.map(makeRunFolder);
  try {
    const held = await backend.run(
      {
        argv: ['true'],
        cwd: context.cwd,
        env: context.env,
        layered: layersIn(roots, folders),
        writable: writableFolders(tempDirectories(context.policy, context.env), context.env, roots),
        hidden: hiddenFolders(homes, context.env),
      },
      { on: () => () => {} },
    );
    await held.release();
    return { ok: true };
  } catch (error) {
    return error instanceof ContainUnavailable ? error : new ContainUnavailable((error as Error).message, '');
  } finally {
    for (const folder of folders) removeRunFolder(folder.dir);
  }
}

/** Finishes applies that were interrupted, in the project's layer homes. Returns how many. */
export function finishInterrupted(context: GuardContext): number {
  const homes = projectOf(context)
    .roots.map((root) => layerHome(root, context.env))
    .filter((home): home is string => home !== undefined);
  return finishJournals(homes, context.env);
}

/** Journals of runs that died while applying, finished under the apply lock. */
function finishJournals(homes: string[], env: NodeJS.ProcessEnv): number {
  // A journal is left only by a run that died applying: the lock is taken only when one is there.
  if (!hasDeadJournals(homes, isAlive)) return 0;
  const unlock = lockApply(homes.at(-1)!);
  try {
    return recoverJournals(homes, isAlive, journalRegistry(env, homes));
  } finally {
    unlock();
  }
}

/** The index's bytes as the command starts (a few megabytes at most in large repositories). */
function readIndex(project: Project): Buffer | undefined {
  if (!project.gitDir) return undefined;
  try {
    return readFileSync(join(project.gitDir, 'index'));
  } catch {
    return undefined;
  }
}

/** Where a real path's new version lies in the layers. */
function viewlessUpper(layered: LayerPlace[], path: string): string {
  const place = layered.find((candidate) => path.startsWith(`${candidate.root}${sep}`));
  return place ? join(place.upper, path.slice(place.root.length)) : path;
}

/**
 * Whether an index file holds the same entries (mode, blob, stage, path) as the index at the start
 * or the real index now, whatever its file times.
 */
function sameEntries(
  project: Project,
  before: Buffer | undefined,
  after: string,
  scratch: string,
  env: NodeJS.ProcessEnv,
): boolean {
  if (!before || !project.gitDir) return false;
  const copy = join(scratch, 'index.before');
  writeFileSync(copy, before);
  const entries = (file: string) =>
    git(['ls-files', '-s', '-z'], {
      cwd: project.root,
      env: { ...env, GIT_DIR: project.gitDir, GIT_INDEX_FILE: file },
      okStatus: [128],
    }).stdout;
  const layer = entries(after);
  return layer === entries(copy) || layer === entries(join(project.gitDir, 'index'));
}
