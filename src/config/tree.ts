// Where a policy's files are read from: a commit (what judges), the index (what a first commit
// brings in) or the work tree (a repository whose policy is not committed yet). Each read is of a
// regular file of sane size inside the repository; anything else is a policy error that names it.
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { posix, relative, sep } from 'node:path';
import { ConfigError } from '../errors.js';
import { git } from '../git/exec.js';
import {
  ObjectError,
  type ObjectStore,
  openObjectStore,
  parseTree,
  type TreeEntry,
  treeOfCommit,
  UnsupportedObjects,
} from '../git/objects.js';

/** Policy files, VERIFY.md and extended files are small; anything larger is a mistake or an attack. */
export const MAX_POLICY_BYTES = 1024 * 1024;

export interface PolicyTree {
  /** What the files are, for messages: "HEAD", "the index", "the work tree". */
  where: string;
  /** A repository path as messages show it: `.agentpolicyrc`, `HEAD:.agentpolicyrc`. */
  label(path: string): string;
  /** The text of a repository path (posix, relative to the top); undefined when absent. */
  read(path: string): string | undefined;
}

function tooLarge(label: string, size: number): ConfigError {
  return new ConfigError(
    `${label} is ${(size / 1024 / 1024).toFixed(1)} MB; a policy file (and what it extends or verifies with) may be at most 1 MB.`,
  );
}

/** Text of a policy file: a byte-order mark is dropped, invalid UTF-8 is an error. */
export function decodePolicyText(label: string, bytes: Buffer): string {
  // isUtf8, not a fatal TextDecoder: that one loads ICU data, ~30 ms on a tool call.
  if (!isUtf8(bytes)) throw new ConfigError(`${label} is not UTF-8 text (is it a binary file?).`);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a file on disk that must be a regular file of at most 1 MB, and (when `inside` is given)
 * really inside that folder once symlinks are resolved. Never blocks on a FIFO or a device.
 */
export function readRegularFile(path: string, label: string, inside?: string): string | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`${label} cannot be read (${code}).`, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory())
      throw new ConfigError(`${label} is a folder; a policy file must be a regular file.`);
    if (!stat.isFile())
      throw new ConfigError(
        `${label} is not a regular file (a FIFO, socket or device); a policy file must be a regular file.`,
      );
    if (stat.size > MAX_POLICY_BYTES) throw tooLarge(label, stat.size);
    if (inside !== undefined) {
      const real = realpathSync(path);
      const rel = relative(realpathSync(inside), real);
      if (rel.startsWith(`..${sep}`) || rel === '..' || rel.startsWith(sep) || rel.split(sep)[0] === '.git')
        throw new ConfigError(
          `${label} leads to ${real}, outside the repository; the policy and what it extends must be files inside the repository.`,
        );
    }
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > stat.size) throw tooLarge(label, length);
    }
    return decodePolicyText(label, buffer.subarray(0, length));
  } finally {
    closeSync(fd);
  }
}

/** The work tree at `root`. */
export function worktreeTree(root: string): PolicyTree {
  return {
    where: 'the work tree',
    label: (path) => path,
    read: (path) => readRegularFile(`${root}/${path}`, path, root),
  };
}

/** Folds `a/./b/../c` and refuses paths that leave the top of the tree. */
export function normalizeInside(path: string): string | undefined {
  const normal = posix.normalize(path);
  if (normal.startsWith('../') || normal === '..' || posix.isAbsolute(normal)) return undefined;
  return normal === '.' ? '' : normal;
}

interface Entry {
  mode: string;
  oid: string;
}

/** A commit's tree, read from the object store (git itself when the store is one we cannot read). */
export function commitTree(
  root: string,
  commonDir: string,
  commit: string,
  name = commit.slice(0, 12),
): PolicyTree {
  const store = openObjectStore(commonDir);
  let fallback: boolean;
  let tree: string | undefined;
  try {
    fallback = !store?.read(commit);
    tree = fallback ? undefined : treeOfCommit(store!, commit);
    if (!fallback && !tree) throw new ObjectError(`${commit} is not a commit`);
  } catch (error) {
    if (error instanceof UnsupportedObjects) fallback = true;
    else if (!(error instanceof ObjectError)) throw error;
    else
      throw new ConfigError(`Cannot read the policy committed in ${name}: ${error.message}.`, {
        cause: error,
      });
  }
  const parsed = new Map<string, TreeEntry[]>();
  const lookup = (path: string): Entry | undefined => {
    try {
      return fallback ? lookupWithGit(root, commit, path) : lookupInStore(store!, tree!, path, parsed);
    } catch (error) {
      if (error instanceof UnsupportedObjects) {
        fallback = true;
        return lookupWithGit(root, commit, path);
      }
      if (error instanceof ObjectError)
        throw new ConfigError(`Cannot read the policy committed in ${name}: ${error.message}.`, {
          cause: error,
        });
      throw error;
    }
  };
  const blob = (entry: Entry, label: string): string => {
    if (fallback) return gitBlob(root, entry.oid, label, {});
    let bytes: Buffer | undefined;
    try {
      bytes = store!.read(entry.oid)?.data;
    } catch (error) {
      if (error instanceof UnsupportedObjects) return gitBlob(root, entry.oid, label, {});
      throw new ConfigError(`${label}: ${(error as Error).message}.`, { cause: error });
    }
    if (!bytes) throw new ConfigError(`${label}: git object ${entry.oid} is missing.`);
    if (bytes.length > MAX_POLICY_BYTES) throw tooLarge(label, bytes.length);
    return decodePolicyText(label, bytes);
  };
  const label = (path: string) => `${name}:${path}`;
  return {
    where: name,
    label,
    read(path) {
      let current = path;
      for (let hops = 0; hops < 8; hops++) {
        const entry = lookup(current);
        if (!entry) return undefined;
        if (entry.mode === '120000') {
          // A symlink: git stores its target; follow it only inside the tree.
          const target = blob(entry, label(current));
          const next = normalizeInside(posix.join(posix.dirname(current), target));
          if (next === undefined || next.split('/')[0] === '.git')
            throw new ConfigError(
              `${label(path)} is a symlink to ${target}, outside the repository; the policy and what it extends must be files inside the repository.`,
            );
          current = next;
          continue;
        }
        if (entry.mode === '40000' || entry.mode === '040000')
          throw new ConfigError(`${label(path)} is a folder; a policy file must be a regular file.`);
        if (entry.mode === '160000')
          throw new ConfigError(`${label(path)} is a submodule; a policy file must be a regular file.`);
        return blob(entry, label(path));
      }
      throw new ConfigError(`${label(path)}: too many symlinks.`);
    },
  };
}

function lookupInStore(
  store: ObjectStore,
  tree: string,
  path: string,
  parsed: Map<string, TreeEntry[]>,
): Entry | undefined {
  let current = tree;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    let entries = parsed.get(current);
    if (!entries) {
      const object = store.read(current);
      if (object?.type !== 'tree') return undefined;
      entries = parseTree(object.data, store.hashLength);
      parsed.set(current, entries);
    }
    const entry = entries.find((item) => item.name === parts[i]);
    if (!entry) return undefined;
    if (i === parts.length - 1) return entry;
    if (entry.mode !== '40000') return undefined;
    current = entry.oid;
  }
  return undefined;
}

function lookupWithGit(root: string, commit: string, path: string): Entry | undefined {
  // ls-tree -z: "<mode> SP <type> SP <object> TAB <file>".
  const out = git(['--no-replace-objects', 'ls-tree', '-z', commit, '--', path], { cwd: root }).stdout;
  const record = out.split('\0').find((line) => line.endsWith(`\t${path}`));
  if (!record) return undefined;
  const [mode = '', , oid = ''] = record.slice(0, record.indexOf('\t')).split(' ');
  return { mode, oid };
}

/** The index: what `git commit` would commit now (GIT_INDEX_FILE is honoured). */
export function indexTree(root: string, env: NodeJS.ProcessEnv): PolicyTree {
  const label = (path: string) => path;
  return {
    where: 'the index',
    label,
    read(path) {
      // ls-files -s -z: "<mode> SP <object> SP <stage> TAB <file>".
      const out = git(['ls-files', '-s', '-z', '--', path], { cwd: root, env }).stdout;
      const record = out.split('\0').find((line) => line.endsWith(`\t${path}`));
      if (!record) return undefined;
      const [mode = '', oid = ''] = record.slice(0, record.indexOf('\t')).split(' ');
      if (mode === '120000')
        throw new ConfigError(`${label(path)} is a symlink; a policy file must be a regular file.`);
      return gitBlob(root, oid, label(path), env);
    },
  };
}

function gitBlob(root: string, oid: string, label: string, env: NodeJS.ProcessEnv): string {
  const options = { cwd: root, env: { ...process.env, ...env } };
  const size = Number(git(['--no-replace-objects', 'cat-file', '-s', oid], options).stdout.trim());
  if (size > MAX_POLICY_BYTES) throw tooLarge(label, size);
  const text = git(['--no-replace-objects', 'cat-file', 'blob', oid], options).stdout;
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
