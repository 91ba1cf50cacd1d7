// Verify once per tree: a step's pass is recorded against what its result depends on that we can
// know (the tree it ran on, its command and mode, the values of the environment variables it
// declares in `env`, the policy), so the same content is not verified twice: the agent's stop, then
// pre-commit, then pre-push of one change run each step once. Records live under
// .git/agentpolicy/verified/, which the guard keeps every command and file tool away from; they
// are trusted only while protected-paths is on, each is re-checked field by field against the key
// it is filed under, and any change to the folder while steps run discards them all (a step's own
// code may not vouch for another step).
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { git } from '../git/exec.js';
import type { ResolvedPolicy, VerifyStep } from '../types.js';
import { stepEnvironment } from './step-env.js';

interface PassRecord {
  tree: string;
  run: string;
  mode: VerifyStep['mode'];
  env: string;
  policy: string;
  time: string;
}

export interface OnceStore {
  /** The tree the records are for. */
  tree: string;
  /** Whether this step passed on this tree, with these inputs, before. */
  passed: (step: VerifyStep) => boolean;
  /** Records a pass of this step on this tree. */
  record: (step: VerifyStep) => void;
}

/** Records kept; the oldest go first. */
const KEEP = 500;

export function recordsFolder(commonDir: string): string {
  return join(commonDir, 'agentpolicy', 'verified');
}

/** Whether records may be trusted: only where the guard keeps agents' commands out of `.git`. */
export function recordsGuarded(policy: ResolvedPolicy): boolean {
  return policy.rules['protected-paths']?.severity === 'error';
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

export function policyDigest(policy: ResolvedPolicy): string {
  return digest(
    JSON.stringify({
      rules: policy.rules,
      verify: policy.verify,
      from: policy.verifyFrom ?? null,
      settings: policy.verifyFromSettings ?? null,
      steps: policy.verifyFromSteps ?? null,
    }),
  );
}

/** A name in `env` matches itself, or every name that starts with what comes before a final `*`. */
function declares(patterns: string[], name: string): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  );
}

/** The declared variables' names and values as the step will see them (unset ones count as unset). */
export function envDigest(step: VerifyStep, env: NodeJS.ProcessEnv): string {
  const patterns = step.env ?? [];
  if (patterns.length === 0) return digest('');
  const seen = stepEnvironment(env);
  const named = Object.keys(seen)
    .filter((name) => declares(patterns, name))
    .sort()
    .map((name) => `${name}=${seen[name]}`);
  return digest(JSON.stringify(patterns), ...named);
}

export function onceStore(
  commonDir: string,
  tree: string,
  policy: ResolvedPolicy,
  env: NodeJS.ProcessEnv,
): OnceStore {
  const policyId = policyDigest(policy);
  const dir = recordsFolder(commonDir);
  const expected = (step: VerifyStep): Omit<PassRecord, 'time'> => ({
    tree,
    run: step.run,
    mode: step.mode,
    env: envDigest(step, env),
    policy: policyId,
  });
  const fileOf = (record: Omit<PassRecord, 'time'>) =>
    join(dir, digest(record.tree, record.run, record.mode, record.env, record.policy));
  return {
    tree,
    passed(step) {
      const want = expected(step);
      const path = fileOf(want);
      try {
        // Real folders and a regular file: a link could lead the read to a folder an agent writes.
        for (const folder of [join(commonDir, 'agentpolicy'), dir])
          if (!lstatSync(folder).isDirectory()) return false;
        if (!lstatSync(path).isFile()) return false;
        const found = JSON.parse(readFileSync(path, 'utf8')) as Partial<PassRecord>;
        return (
          found.tree === want.tree &&
          found.run === want.run &&
          found.mode === want.mode &&
          found.env === want.env &&
          found.policy === want.policy
        );
      } catch {
        return false;
      }
    },
    record(step) {
      const record: PassRecord = { ...expected(step), time: new Date().toISOString() };
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(fileOf(record), `${JSON.stringify(record)}\n`);
        prune(dir);
      } catch {
        // A pass that cannot be recorded is verified again next time: nothing is lost.
      }
    },
  };
}

function prune(dir: string): void {
  const names = readdirSync(dir);
  if (names.length <= KEEP) return;
  const aged = names
    .map((name) => ({ name, time: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.time - b.time);
  for (const { name } of aged.slice(0, names.length - KEEP)) rmSync(join(dir, name), { force: true });
}

/**
 * What the records folder holds, to the inode and change time (which no process can set back): a
 * step that writes, replaces or removes a record changes it.
 */
export function recordsFingerprint(commonDir: string): string {
  const dir = recordsFolder(commonDir);
  try {
    const self = lstatSync(dir);
    const entries = readdirSync(dir)
      .sort()
      .map((name) => {
        const stat = lstatSync(join(dir, name), { throwIfNoEntry: false });
        return stat ? `${name}:${stat.ino}:${stat.ctimeMs}:${stat.size}:${stat.mode}` : name;
      });
    return `${self.ino}:${self.mode}\n${entries.join('\n')}`;
  } catch {
    return existsSync(dir) ? 'unreadable' : 'none';
  }
}

/** Forgets every record: after the folder changed under running steps, none of them is trusted. */
export function discardRecords(commonDir: string): void {
  rmSync(recordsFolder(commonDir), { recursive: true, force: true });
}

/** The tree of a commit. */
export function commitTree(root: string, env: NodeJS.ProcessEnv, commit: string): string {
  return git(['rev-parse', `${commit}^{tree}`], { cwd: root, env }).stdout.trim();
}

/**
 * Trees written through one copy of an index into a throwaway object folder, so the user's index
 * and objects are not touched: the staged tree (`addAll` false) or the work tree as it is (tracked
 * and untracked files, ignored ones left out). The copy is made on the first `tree()` and kept
 * until `close()`, so a second look at the work tree (after the steps) re-reads only what changed.
 */
export interface ScratchTrees {
  tree: () => string;
  close: () => void;
}

function scratchTrees(
  root: string,
  env: NodeJS.ProcessEnv,
  index: string,
  addAll: boolean,
  parent: string,
): ScratchTrees {
  let scratch: { dir: string; env: NodeJS.ProcessEnv } | undefined;
  const open = () => {
    const dir = mkdtempSync(join(parent, 'agentpolicy-tree-'));
    scratch = { dir, env };
    const copy = join(dir, 'index');
    const original = statSync(index, { throwIfNoEntry: false });
    if (original) {
      copyFileSync(index, copy);
      // The index's own time marks its racily clean entries: kept, so git re-reads those files.
      utimesSync(copy, original.atime, original.mtime);
    }
    const objects = git(['rev-parse', '--path-format=absolute', '--git-path', 'objects'], {
      cwd: root,
      env,
    }).stdout.trim();
    mkdirSync(join(dir, 'objects'));
    scratch.env = {
      ...env,
      GIT_INDEX_FILE: copy,
      GIT_OBJECT_DIRECTORY: join(dir, 'objects'),
      GIT_ALTERNATE_OBJECT_DIRECTORIES: objects,
    };
    return scratch;
  };
  return {
    tree() {
      const { env: scratchEnv } = scratch ?? open();
      if (addAll)
        git(['-c', 'gc.auto=0', '-c', 'core.fsmonitor=false', 'add', '-A', '--', '.'], {
          cwd: root,
          env: scratchEnv,
        });
      return git(['write-tree'], { cwd: root, env: scratchEnv }).stdout.trim();
    },
    close() {
      if (scratch) rmSync(scratch.dir, { recursive: true, force: true });
      scratch = undefined;
    },
  };
}

function once(trees: ScratchTrees): string {
  try {
    return trees.tree();
  } finally {
    trees.close();
  }
}

/**
 * The tree git is about to commit: the index it uses (GIT_INDEX_FILE during `commit -a`). The
 * scratch folder goes under `parent` (a verification run's own folder, removed on any signal).
 */
export function stagedTree(root: string, gitDir: string, env: NodeJS.ProcessEnv, parent = tmpdir()): string {
  const named = env.GIT_INDEX_FILE;
  const index = named ? (isAbsolute(named) ? named : resolve(root, named)) : join(gitDir, 'index');
  return once(scratchTrees(root, env, index, false, parent));
}

/** The work tree as it is now, each time `tree()` is asked: tracked and untracked files, ignored ones left out. */
export function worktreeTrees(
  root: string,
  gitDir: string,
  env: NodeJS.ProcessEnv,
  parent = tmpdir(),
): ScratchTrees {
  return scratchTrees(root, env, join(gitDir, 'index'), true, parent);
}

export function worktreeTree(root: string, gitDir: string, env: NodeJS.ProcessEnv): string {
  return once(worktreeTrees(root, gitDir, env));
}
