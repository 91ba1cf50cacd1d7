// Everything a contained command did, read from its layers: the work tree's changes as the
// operations the command rules judge (with the facts they need, as of before the command), git's
// state as effects, and the commits it created. Nothing here decides; the engine does.
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CommandFacts } from '../rules/command-facts.js';
import { matchesGlob } from '../rules/match.js';
import { protects } from '../rules/protected-paths.js';
import type { Operation } from '../shell/types.js';
import type { GitEffect, ResolvedPolicy } from '../types.js';
import type { LayerEntry } from './backend.js';
import { changeOperations, changeRoots, expandChanges, type PathChange } from './files.js';
import {
  configEffects,
  type GitPlaces,
  type GitRunner,
  gitRunner,
  readConfig,
  readReflog,
  readRefs,
  refEffects,
  reflogEffects,
  stashEffects,
} from './git-state.js';
import { readLayer } from './layer.js';
import { shadowGitDir } from './shadow-git.js';
import {
  blobOf,
  checkIgnored,
  emptyStatus,
  isIgnored,
  listPaths,
  readStatus,
  revertedWithoutGit,
  type WorktreeStatus,
} from './worktree.js';

export interface Project {
  root: string;
  inRepository: boolean;
  gitDir?: string;
  commonDir?: string;
}

export interface EffectInput {
  policy: ResolvedPolicy;
  project: Project;
  /** The layered directories (the work tree, and the common git directory when it is elsewhere). */
  layers: { root: string; upper: string }[];
  view: (root: string) => string;
  env: NodeJS.ProcessEnv;
  tempDirs: string[];
  /** The command, as messages name it. */
  via: string;
  /**
   * Paths the command line names for deletion (or as a move's source), absolute, globs allowed:
   * removing an untracked file it names is what it says it does; removing others loses work.
   */
  named?: { path: string; glob: boolean }[];
  /** A folder of the wrapper's own, out of the command's reach, removed after the run. */
  scratch: string;
}

export interface Effects {
  /** Nothing at all changed in the layers. */
  empty: boolean;
  operations: Operation[];
  git: GitEffect[];
  facts: CommandFacts;
  /** Commits the command created, for the change and message rules. */
  commits: { revisions: string[]; places: GitPlaces } | undefined;
  /** Entries per layer, for applying. */
  entries: Map<string, LayerEntry[]>;
}

/** Whether a path, links followed as the judge's own reads follow them, is a named pipe. */
function isFifo(path: string): boolean {
  try {
    return statSync(path).isFIFO();
  } catch {
    return false;
  }
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}${sep}`);
}

function rel(path: string, dir: string): string {
  return relative(dir, path).split(sep).join('/');
}

/** Files git writes as it works: never judged as files (their meaning is judged as git state). */
const GIT_STATE =
  /^(HEAD|ORIG_HEAD|FETCH_HEAD|MERGE_HEAD|MERGE_MSG|MERGE_MODE|MERGE_RR|AUTO_MERGE|CHERRY_PICK_HEAD|REVERT_HEAD|REBASE_HEAD|BISECT_[A-Z_]+|COMMIT_EDITMSG|SQUASH_MSG|TAG_EDITMSG|NOTES_MERGE_[A-Z_]+|index|sharedindex\.[0-9a-f]+|packed-refs|description|shallow|info\/refs|gc\.pid|gc\.log|config\.worktree|.*\.lock|(refs|reftable|logs|rebase-merge|rebase-apply|sequencer|rr-cache|modules|worktrees|lfs|fsmonitor--daemon|filter-repo)(\/.*)?|objects\/(?!info\/(http-)?alternates$).*|agentpolicy\/cache(\/.*)?)$/;

/**
 * Files named by the hash of their content: git writes each once and never rewrites it, so one
 * that changed (not removed: a repack or a prune removes) is a corrupted object store.
 */
const OBJECT_FILE = /^objects\/([0-9a-f]{2}\/[0-9a-f]{38,62}|pack\/pack-[0-9a-f]{40,64}\.(pack|idx))$/;

/** Changes under a git directory, file by file, relative to it. */
function gitChanges(
  layer: { root: string; upper: string },
  entries: LayerEntry[],
  view: string,
  dir: string,
): PathChange[] {
  const prefix = rel(dir, layer.root);
  const under = (path: string) => (prefix === '' ? true : path === prefix || path.startsWith(`${prefix}/`));
  const trees = { lower: layer.root, view };
  const roots = changeRoots(entries, trees, (path) => !under(path));
  return expandChanges(roots, trees, () => true).map((change) => ({
    ...change,
    path: prefix === '' ? change.path : change.path.slice(prefix.length + 1),
  }));
}

export function readEffects(input: EffectInput): Effects {
  const { project, policy, via } = input;
  const entries = new Map<string, LayerEntry[]>();
  for (const layer of input.layers) {
    const list = readLayer(layer.upper, layer.root, input.view(layer.root));
    // git keeps files, folders and its daemon's socket: a named pipe in its folders (or a link to
    // one) would block whatever reads it, the judge included. What cannot be read is not judged,
    // and not applied.
    const gitDirs = [project.gitDir, project.commonDir].filter((dir): dir is string => dir !== undefined);
    for (const entry of list) {
      const real = join(layer.root, entry.path);
      if (
        (entry.kind === 'other' || entry.kind === 'symlink') &&
        gitDirs.some((dir) => inside(real, dir)) &&
        isFifo(join(input.view(layer.root), entry.path))
      )
        throw new Error(`it left a named pipe in git's folder: ${real}`);
    }
    entries.set(layer.root, list);
  }
  const facts: CommandFacts = {
    root: project.root,
    inRepository: project.inRepository,
    ...(input.env.HOME ? { home: input.env.HOME } : {}),
    tempDirs: input.tempDirs,
    trackedUnder: new Set(),
    ignored: new Set(),
    existing: new Set(),
    dirty: false,
    untracked: false,
    stash: false,
    merged: new Map(),
    refs: new Set(),
  };
  const effects: Effects = {
    empty: [...entries.values()].every((list) => list.length === 0),
    operations: [],
    git: [],
    facts,
    commits: undefined,
    entries,
  };
  if (effects.empty) return effects;

  const gitDirs = [project.gitDir, project.commonDir].filter((dir): dir is string => dir !== undefined);
  const work = input.layers.find((layer) => layer.root === project.root);
  const trees = { lower: project.root, view: input.view(project.root) };
  const places: GitPlaces | undefined =
    project.inRepository && project.gitDir && project.commonDir
      ? { root: project.root, gitDir: project.gitDir, commonDir: project.commonDir }
      : undefined;
  const before = places ? gitRunner(places, input.env) : undefined;
  const viewOf = (path: string) => {
    const layer = input.layers.find((candidate) => inside(path, candidate.root));
    return layer ? input.view(layer.root) + path.slice(layer.root.length) : path;
  };
  // The command's repository, read through a stand-in git directory (shadow-git.ts), made when
  // first needed.
  let judged: GitPlaces | undefined;
  const judgedPlaces = () => {
    judged ??= shadowGitDir(
      { root: viewOf(places!.root), gitDir: viewOf(places!.gitDir), commonDir: viewOf(places!.commonDir) },
      before!,
      join(input.scratch, 'judged.git'),
    );
    return judged;
  };
  const after: GitRunner | undefined =
    places && before ? (args, options) => gitRunner(judgedPlaces(), input.env)(args, options) : undefined;

  // The work tree.
  let changes: PathChange[] = [];
  let status = emptyStatus();
  if (work) {
    const inGit = (path: string) => gitDirs.some((dir) => inside(join(project.root, path), dir));
    const roots = changeRoots(entries.get(work.root) ?? [], trees, inGit);
    const created = roots.filter((root) => !root.before);
    if (before) {
      const existing = roots.filter((root) => root.before).map((root) => root.path);
      if (existing.length) status = readStatus(before, existing);
      const made = checkIgnored(
        before,
        created.map((root) => ({ path: root.path, dir: root.after === 'dir' })),
      );
      for (const root of roots) if (made.has(root.path) || isIgnored(status, root.path)) root.ignored = true;
    }
    const protection = policy.rules['protected-paths'];
    const wanted = (path: string) =>
      protection ? protects(path, protection.options as Parameters<typeof protects>[1], true) : false;
    changes = expandChanges(roots, trees, wanted);
    if (before) {
      // Files made inside folders the command made: ignored or not, one by one.
      const inner = changes.filter(
        (change) => !change.before && !change.ignored && !created.some((root) => root.path === change.path),
      );
      const ignored = checkIgnored(
        before,
        inner.map((change) => ({ path: change.path, dir: false })),
      );
      for (const change of inner) if (ignored.has(change.path)) change.ignored = true;
    }
    fileFacts(before, status, changes, project.root, facts);
    effects.operations.push(...changeOperations(changes, trees, project.root, via));
    // git's own state unchanged: files put back to a stored version were put back by hand.
    const gitTouched = [...entries].some(([layer, list]) =>
      list.some((entry) => gitDirs.some((dir) => inside(join(layer, entry.path), dir))),
    );
    const lost = gitTouched
      ? []
      : revertedWithoutGit(
          status,
          changes
            .filter((change) => change.before === 'file' && change.after === 'file')
            .map((change) => change.path),
          trees.lower,
          trees.view,
        );
    if (lost.length) effects.git.push({ kind: 'work-discarded', paths: lost, untracked: false });
  }

  // git's directories.
  if (places && before && after) {
    const gitDir = places.gitDir;
    const common = places.commonDir;
    const all: { path: string; change: PathChange }[] = [];
    for (const layer of input.layers) {
      for (const dir of [...new Set([gitDir, common])]) {
        if (!inside(dir, layer.root)) continue;
        for (const change of gitChanges(layer, entries.get(layer.root) ?? [], input.view(layer.root), dir))
          all.push({ path: join(dir, change.path), change });
      }
    }
    const unique = [...new Map(all.map((entry) => [entry.path, entry])).values()];
    const saved = judgeGit(unique, places, before, after, viewOf, effects, changes, status, via);
    // The commits are read through the stand-in too: the commit rules run git on them.
    if (effects.commits) effects.commits.places = judgedPlaces();
    const named = (path: string) =>
      (input.named ?? []).some((target) =>
        target.glob
          ? matchesGlob(join(project.root, path), target.path)
          : inside(join(project.root, path), target.path),
      );
    const untracked = removedUntracked(status, changes).filter(
      (path) => !named(path) && !saved().has(blobOf(join(project.root, path), status.format) ?? ''),
    );
    if (untracked.length) effects.git.push({ kind: 'work-discarded', paths: untracked, untracked: true });
  }
  return effects;
}

/** The facts the command rules read, as they were before the command: tracked, ignored, existing. */
function fileFacts(
  run: GitRunner | undefined,
  status: WorktreeStatus,
  changes: PathChange[],
  root: string,
  facts: CommandFacts,
): void {
  for (const change of changes) {
    const path = join(root, change.path);
    if (change.before) facts.existing.add(path);
    if (change.ignored || isIgnored(status, change.path)) facts.ignored.add(path);
    else if (run && change.before && change.before !== 'dir' && !status.untracked.has(change.path))
      facts.trackedUnder.add(change.path);
  }
  // Tracked files with uncommitted changes, as they were before: a deletion loses those changes.
  if (run) facts.changedUnder = new Set(status.dirty.keys());
  // Under a removed folder, git status names only the changed files: the tracked ones from the index.
  const folders = changes
    .filter((change) => change.before === 'dir' && !change.ignored)
    .map((change) => change.path);
  if (run && folders.length)
    for (const file of listPaths(run, ['ls-files', '-z'], folders)) facts.trackedUnder.add(file);
}

/** Untracked files (not ignored) the command removed: git status listed them before. */
function removedUntracked(status: WorktreeStatus, changes: PathChange[]): string[] {
  const removed = changes.filter((change) => change.before && !change.after && !change.ignored);
  return [...status.untracked].filter((path) =>
    removed.some((change) => path === change.path || path.startsWith(`${change.path}/`)),
  );
}

function judgeGit(
  changes: { path: string; change: PathChange }[],
  places: GitPlaces,
  before: GitRunner,
  after: GitRunner,
  viewOf: (path: string) => string,
  effects: Effects,
  workChanges: PathChange[],
  status: WorktreeStatus,
  via: string,
): () => Set<string> {
  const relOf = (path: string) =>
    inside(path, places.gitDir) && places.gitDir !== places.commonDir && !inside(places.gitDir, path)
      ? rel(path, places.gitDir)
      : rel(path, places.commonDir);
  const changed = changes.map(({ path, change }) => ({ path, rel: relOf(path), change }));
  const has = (test: (rel: string) => boolean) => changed.some((entry) => test(entry.rel));
  const target = (path: string) => ({ raw: rel(path, places.root), path, glob: false, dynamic: false });

  // Files in git's folders that are not git's own state: judged as files (the policy protects .git).
  for (const { path, rel: name, change } of changed) {
    if (name.startsWith('hooks/') || name === 'hooks' || name === 'config') continue;
    if (name.startsWith('agentpolicy/')) {
      if (ownStateChange(name, change, path, viewOf)) continue;
    } else if (GIT_STATE.test(name)) continue;
    if (change.after)
      effects.operations.push({
        kind: 'write',
        target: target(path),
        mode: change.before ? 'modify' : 'create',
        via,
      });
    else
      effects.operations.push({
        kind: 'delete',
        targets: [target(path)],
        recursive: change.before === 'dir',
        via,
      });
  }

  for (const { rel: name, change } of changed) {
    if (name === 'hooks' || name.startsWith('hooks/'))
      effects.git.push({
        kind: 'hook-changed',
        name,
        change: !change.before ? 'added' : !change.after ? 'removed' : 'changed',
      });
  }
  if (has((name) => name === 'config' || name === 'config.worktree')) {
    for (const file of ['config', 'config.worktree']) {
      const dir = file === 'config' ? places.commonDir : places.gitDir;
      effects.git.push(
        ...configEffects(readConfig(before, join(dir, file)), readConfig(after, viewOf(join(dir, file)))),
      );
    }
  }

  const refsChanged = has(
    (name) =>
      /^(HEAD|packed-refs|refs\/|reftable\/|logs\/)/.test(name) || /^worktrees\/[^/]+\/HEAD$/.test(name),
  );
  let refsBefore = undefined as ReturnType<typeof readRefs> | undefined;
  let refsAfter = undefined as ReturnType<typeof readRefs> | undefined;
  if (refsChanged) {
    refsBefore = readRefs(before, places.gitDir);
    refsAfter = readRefs(after, viewOf(places.gitDir));
    effects.git.push(
      ...refEffects({ before: refsBefore, after: refsAfter, afterGit: after, view: viewOf(places.root) }),
    );
    const stashLog = 'logs/refs/stash';
    effects.git.push(
      ...stashEffects(
        readReflog(join(places.commonDir, stashLog)),
        readReflog(viewOf(join(places.commonDir, stashLog))),
        after,
        viewOf(places.root),
      ),
    );
    effects.git.push(
      ...reflogEffects(
        changed.filter((entry) => entry.rel.startsWith('logs/')).map((entry) => entry.rel),
        places.commonDir,
        viewOf(places.commonDir),
        refsAfter,
      ),
    );
    effects.commits = createdCommits(refsBefore, refsAfter, changed, places, viewOf);
    for (const [ref, oid] of refsAfter.refs)
      if (ref.startsWith('refs/replace/') && refsBefore.refs.get(ref) !== oid)
        effects.git.push({ kind: 'object-replaced', ref });
  }
  const pruned = prunedObjects(changed, after);
  if (pruned) effects.git.push({ kind: 'objects-pruned', count: pruned });
  const rewritten = changed.filter(
    ({ rel: name, change }) => change.before === 'file' && change.after && OBJECT_FILE.test(name),
  ).length;
  if (rewritten) effects.git.push({ kind: 'objects-rewritten', count: rewritten });
  const indexChanged = changed.some((entry) => entry.rel === 'index');
  // What the new refs hold is listed only when a question needs it (rev-list walks every object).
  let objects: Set<string> | undefined;
  const saved = () => {
    objects ??= refsBefore && refsAfter ? savedObjects(refsBefore, refsAfter, after) : new Set<string>();
    return objects;
  };
  if (indexChanged || refsChanged) {
    const discarded = discardedWork(workChanges, status, indexChanged, before, after, saved);
    // The same files may have been found reverted without git: one effect per path.
    const known = new Set(
      effects.git.flatMap((effect) => (effect.kind === 'work-discarded' ? effect.paths : [])),
    );
    const fresh = discarded.filter((path) => !known.has(path));
    if (fresh.length) effects.git.push({ kind: 'work-discarded', paths: fresh, untracked: false });
  }
  return saved;
}

/** Objects the command's new commits, tags and stash entries hold (and no ref held before). */
function savedObjects(
  before: ReturnType<typeof readRefs>,
  after: ReturnType<typeof readRefs>,
  git: GitRunner,
): Set<string> {
  const saved = new Set<string>();
  const fresh = [...new Set([...after.refs.values()])];
  const old = [...new Set([...before.refs.values(), ...(before.head ? [before.head] : [])])];
  const out = git(['rev-list', '--objects', '--stdin'], {
    input: `${fresh.join('\n')}\n${old.map((oid) => `^${oid}`).join('\n')}\n`,
    ok: [128],
  }).stdout;
  for (const line of out.split('\n')) if (line) saved.add(line.split(' ')[0]!);
  return saved;
}

/** Our own state in .git/agentpolicy: the audit log may grow and allowances may be spent. */
function ownStateChange(
  name: string,
  change: PathChange,
  path: string,
  viewOf: (path: string) => string,
): boolean {
  if (name === 'agentpolicy/audit.jsonl' && change.after === 'file') {
    if (!change.before) return true;
    try {
      return readFileSync(viewOf(path)).subarray(0, lstatSync(path).size).equals(readFileSync(path));
    } catch {
      return false;
    }
  }
  return name.startsWith('agentpolicy/allow-once/') && !change.after;
}

function tipsOf(state: ReturnType<typeof readRefs>, local: boolean): string[] {
  const tips = new Set<string>();
  for (const [ref, oid] of state.refs)
    if (!local || ref.startsWith('refs/heads/') || ref.startsWith('refs/tags/')) tips.add(oid);
  if (state.head) tips.add(state.head);
  return [...tips];
}

/** Commits reachable from local refs now and from no ref before, fetched ones left out. */
function createdCommits(
  before: ReturnType<typeof readRefs>,
  after: ReturnType<typeof readRefs>,
  changed: { rel: string }[],
  places: GitPlaces,
  viewOf: (path: string) => string,
): Effects['commits'] {
  const fresh = tipsOf(after, true).filter((oid) => !tipsOf(before, false).includes(oid));
  if (fresh.length === 0) return undefined;
  const fetched: string[] = [];
  if (changed.some((entry) => entry.rel === 'FETCH_HEAD')) {
    try {
      for (const line of readFileSync(viewOf(join(places.gitDir, 'FETCH_HEAD')), 'utf8').split('\n')) {
        const oid = line.split('\t')[0];
        if (oid) fetched.push(oid);
      }
    } catch {
      // No FETCH_HEAD after all.
    }
  }
  return {
    revisions: [...fresh, '--not', ...tipsOf(before, false), ...fetched],
    places: { root: viewOf(places.root), gitDir: viewOf(places.gitDir), commonDir: viewOf(places.commonDir) },
  };
}

/** Objects deleted for good that were recent (what `git gc --prune=now` and `git prune` remove). */
function prunedObjects(
  changed: { path: string; rel: string; change: PathChange }[],
  after: GitRunner,
): number {
  const removed: string[] = [];
  const recent = Date.now() - 14 * 24 * 3600 * 1000;
  const loose = (path: string, name: string) => {
    try {
      if (lstatSync(path).mtimeMs >= recent) removed.push(name);
    } catch {
      // Not there before either.
    }
  };
  for (const { path, rel: name, change } of changed) {
    if (change.after) continue;
    const match = /^objects\/([0-9a-f]{2})(?:\/([0-9a-f]{38,62}))?$/.exec(name);
    if (!match) continue;
    if (match[2]) loose(path, match[1]! + match[2]);
    else for (const file of safeList(path)) loose(join(path, file), match[1]! + file);
  }
  // Objects in removed packs are not listed: a repack moves them, and what it drops is unreachable
  // and old unless `--prune=now` (or `git prune`) also removed recent loose ones.
  if (removed.length === 0) return 0;
  const out = after(['cat-file', '--batch-check'], { input: `${removed.join('\n')}\n` }).stdout;
  return out.split('\n').filter((line) => line.endsWith(' missing')).length;
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/**
 * Tracked files with uncommitted changes that git overwrote with stored content (or removed from
 * the index and the work tree), where that work is saved nowhere: not in the index, not in a
 * commit or stash entry the command made.
 */
function discardedWork(
  changes: PathChange[],
  status: WorktreeStatus,
  indexChanged: boolean,
  before: GitRunner,
  after: GitRunner,
  saved: () => Set<string>,
): string[] {
  const dirty = changes
    .filter((change) => change.before === 'file' && !change.ignored && status.dirty.has(change.path))
    .map((change) => change.path);
  if (dirty.length === 0) return [];
  const present = dirty.filter((path) => changes.find((change) => change.path === path)?.after === 'file');
  const blobs = (run: GitRunner, paths: string[]) =>
    paths.length
      ? run(['hash-object', '--stdin-paths'], { input: `${paths.join('\n')}\n` }).stdout.split('\n')
      : [];
  const now = blobs(after, present);
  const stored = new Set(
    now.length
      ? before(['cat-file', '--batch-check'], { input: `${now.join('\n')}\n` })
          .stdout.split('\n')
          .filter((line) => line && !line.endsWith(' missing'))
          .map((line) => line.split(' ')[0])
      : [],
  );
  const indexAfter = new Map<string, string>();
  if (indexChanged || present.length)
    for (const line of after(['ls-files', '-s', '-z'], {}).stdout.split('\0')) {
      // "<mode> <oid> <stage>\t<path>"
      const tab = line.indexOf('\t');
      if (tab > 0) indexAfter.set(line.slice(tab + 1), line.split(' ')[1] ?? '');
    }
  const reverted = dirty.filter((path) => {
    const at = present.indexOf(path);
    if (at === -1) return indexChanged && !indexAfter.has(path);
    return stored.has(now[at]);
  });
  if (reverted.length === 0) return [];
  const was = blobs(before, reverted);
  return reverted.filter((path, at) => {
    const blob = was[at]!;
    return indexAfter.get(path) !== blob && !saved().has(blob);
  });
}
