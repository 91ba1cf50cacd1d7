// Reading committed files straight from git's object store, without spawning git (~10 ms, more than
// an agent tool call can afford): refs, loose objects, pack files (version 2 indexes, offset and
// ref deltas) and alternates. Replace refs are not applied: the policy is read from the objects a
// commit really holds. Every object read is checked against its id, so a rewritten object file is
// an error, not a different policy. Anything this reader does not know (reftable, a partial clone's
// missing objects, an object format it cannot tell) returns `undefined` from `openObjectStore`, and
// the caller asks git instead.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { inflate } from './inflate.js';
import { sha1 } from './sha1.js';

const requireModule = createRequire(import.meta.url);

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  type: ObjectType;
  data: Buffer;
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

export class ObjectError extends Error {}

/** A layout this reader does not know (an old pack index): the caller asks git instead. */
export class UnsupportedObjects extends ObjectError {}

const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

interface Pack {
  idx: string;
  pack: string;
  /** Read lazily: the fan-out table, 256 counts. */
  fanout?: Uint32Array;
}

export interface ObjectStore {
  read(oid: string): GitObject | undefined;
  hashLength: number;
}

/** The object store of a repository, or undefined when it has a layout this reader does not handle. */
export function openObjectStore(commonDir: string): ObjectStore | undefined {
  if (existsSync(join(commonDir, 'reftable'))) return undefined;
  const format = objectFormat(commonDir);
  if (!format) return undefined;
  const hashLength = format === 'sha256' ? 32 : 20;
  const directories = objectDirectories(join(commonDir, 'objects'));
  let packs: Pack[] | undefined;
  const listPacks = () => {
    packs ??= directories.flatMap((dir) => {
      let names: string[];
      try {
        names = readdirSync(join(dir, 'pack'));
      } catch {
        return [];
      }
      return names
        .filter((name) => name.endsWith('.idx'))
        .map((name) => ({
          idx: join(dir, 'pack', name),
          pack: join(dir, 'pack', `${name.slice(0, -4)}.pack`),
        }));
    });
    return packs;
  };
  // Objects are immutable: one read per id for the life of the process.
  const cache = new Map<string, GitObject | undefined>();
  const store: ObjectStore = {
    hashLength,
    read(oid) {
      if (cache.has(oid)) return cache.get(oid);
      if (!/^[0-9a-f]+$/.test(oid) || oid.length !== hashLength * 2) return undefined;
      const object = readRaw(oid, directories, listPacks(), hashLength, store, 0);
      if (object) verify(oid, object, format);
      cache.set(oid, object);
      return object;
    },
  };
  return store;
}

function objectFormat(commonDir: string): 'sha1' | 'sha256' | undefined {
  let config: string;
  try {
    config = readFileSync(join(commonDir, 'config'), 'utf8');
  } catch {
    return 'sha1';
  }
  // [extensions] objectformat = sha256; anything unusual is left to git.
  const match = /^\s*objectformat\s*=\s*(\S+)/im.exec(config);
  if (!match) return 'sha1';
  const value = match[1]!.toLowerCase();
  return value === 'sha1' || value === 'sha256' ? value : undefined;
}

function objectDirectories(objects: string, depth = 0): string[] {
  const found = [objects];
  if (depth > 4) return found;
  let alternates: string;
  try {
    alternates = readFileSync(join(objects, 'info', 'alternates'), 'utf8');
  } catch {
    return found;
  }
  for (const line of alternates.split('\n')) {
    const path = line.trim();
    if (!path || path.startsWith('#')) continue;
    found.push(...objectDirectories(isAbsolute(path) ? path : resolve(objects, path), depth + 1));
  }
  return found;
}

/** Inflates a zlib stream (git's objects), ignoring what follows it; git never uses a preset dictionary. */
function inflateSync(data: Buffer, size?: number): Buffer {
  if (data.length < 2 || (data[0]! & 0x0f) !== 8 || (data[1]! & 0x20) !== 0)
    throw new ObjectError('a git object is not zlib data');
  try {
    return inflate(data.subarray(2), size);
  } catch (error) {
    throw new ObjectError(`a git object cannot be inflated: ${(error as Error).message}`);
  }
}

function verify(oid: string, object: GitObject, format: 'sha1' | 'sha256'): void {
  const header = `${object.type} ${object.data.length}\0`;
  const hash =
    format === 'sha1'
      ? sha1(header, object.data)
      : (requireModule('node:crypto') as typeof import('node:crypto'))
          .createHash('sha256')
          .update(header)
          .update(object.data)
          .digest('hex');
  if (hash !== oid)
    throw new ObjectError(`git object ${oid} does not match its content (rewritten or corrupt)`);
}

function readRaw(
  oid: string,
  directories: string[],
  packs: Pack[],
  hashLength: number,
  store: ObjectStore,
  depth: number,
): GitObject | undefined {
  if (depth > 64) throw new ObjectError(`delta chain too deep at ${oid}`);
  for (const dir of directories) {
    let compressed: Buffer;
    try {
      compressed = readFileSync(join(dir, oid.slice(0, 2), oid.slice(2)));
    } catch {
      continue;
    }
    const raw = inflateSync(compressed);
    const space = raw.indexOf(0x20);
    const nul = raw.indexOf(0);
    const type = raw.subarray(0, space).toString() as ObjectType;
    if (!['commit', 'tree', 'blob', 'tag'].includes(type) || nul < 0)
      throw new ObjectError(`git object ${oid} has no valid header`);
    return { type, data: raw.subarray(nul + 1) };
  }
  const wanted = Buffer.from(oid, 'hex');
  for (const pack of packs) {
    const offset = findInPack(pack, wanted, hashLength);
    if (offset !== undefined) return readPacked(pack, offset, hashLength, store, depth);
  }
  return undefined;
}

function readAt(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Looks an id up in a version 2 pack index: its offset in the pack, or undefined. */
function findInPack(pack: Pack, wanted: Buffer, hashLength: number): number | undefined {
  if (!pack.fanout) {
    const head = readAt(pack.idx, 0, 8 + 256 * 4);
    if (head.readUInt32BE(0) !== 0xff744f63 || head.readUInt32BE(4) !== 2)
      throw new UnsupportedObjects(`${pack.idx} is not a version 2 pack index`);
    pack.fanout = new Uint32Array(256);
    for (let i = 0; i < 256; i++) pack.fanout[i] = head.readUInt32BE(8 + i * 4);
  }
  const fanout = pack.fanout;
  const total = fanout[255]!;
  const first = wanted[0]!;
  let low = first === 0 ? 0 : fanout[first - 1]!;
  let high = fanout[first]!;
  if (low === high) return undefined;
  const names = readAt(pack.idx, 8 + 1024 + low * hashLength, (high - low) * hashLength);
  const base = low;
  low = 0;
  high -= base;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = names.compare(wanted, 0, hashLength, middle * hashLength, (middle + 1) * hashLength);
    if (order === 0) {
      const index = base + middle;
      const tables = 8 + 1024 + total * hashLength + total * 4;
      const small = readAt(pack.idx, tables + index * 4, 4).readUInt32BE(0);
      if ((small & 0x80000000) === 0) return small;
      const large = readAt(pack.idx, tables + total * 4 + (small & 0x7fffffff) * 8, 8);
      return Number(large.readBigUInt64BE(0));
    }
    if (order > 0) high = middle;
    else low = middle + 1;
  }
  return undefined;
}

function readPacked(
  pack: Pack,
  offset: number,
  hashLength: number,
  store: ObjectStore,
  depth: number,
): GitObject {
  if (depth > 64) throw new ObjectError(`delta chain too deep in ${pack.pack}`);
  let header = readAt(pack.pack, offset, 32 + hashLength);
  let byte = header[0]!;
  const typeCode = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  let position = 1;
  while (byte & 0x80) {
    byte = header[position++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  let base: GitObject | undefined;
  if (typeCode === 6) {
    // OFS_DELTA: the base is this many bytes before, in git's "offset encoding".
    byte = header[position++]!;
    let back = byte & 0x7f;
    while (byte & 0x80) {
      byte = header[position++]!;
      back = (back + 1) * 128 + (byte & 0x7f);
    }
    base = readPacked(pack, offset - back, hashLength, store, depth + 1);
  } else if (typeCode === 7) {
    const baseId = header.subarray(position, position + hashLength).toString('hex');
    position += hashLength;
    base = store.read(baseId);
    if (!base) throw new ObjectError(`the delta base ${baseId} is missing`);
  } else if (!TYPES[typeCode]) {
    throw new ObjectError(`unknown object type ${typeCode} in ${pack.pack}`);
  }
  // zlib's worst case adds a few bytes per 16 KiB block; read enough for the whole stream.
  header = readAt(pack.pack, offset + position, size + Math.ceil(size / 1000) + 64);
  const data = inflateSync(header, size);
  if (data.length !== size) throw new ObjectError(`an object in ${pack.pack} has the wrong size`);
  if (!base) return { type: TYPES[typeCode]!, data };
  return { type: base.type, data: applyDelta(base.data, data) };
}

function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let position = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[position++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  if (varint() !== base.length) throw new ObjectError('a delta does not fit its base');
  const result = Buffer.alloc(varint());
  let out = 0;
  while (position < delta.length) {
    const op = delta[position++]!;
    if (op & 0x80) {
      let copyOffset = 0;
      let copySize = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) copyOffset += delta[position++]! * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (op & (1 << (4 + i))) copySize += delta[position++]! * 2 ** (8 * i);
      if (copySize === 0) copySize = 0x10000;
      out += base.copy(result, out, copyOffset, copyOffset + copySize);
    } else if (op > 0) {
      out += delta.copy(result, out, position, position + op);
      position += op;
    } else {
      throw new ObjectError('a delta has an invalid instruction');
    }
  }
  if (out !== result.length) throw new ObjectError('a delta produced the wrong size');
  return result;
}

/** The entries of a tree object. */
export function parseTree(data: Buffer, hashLength: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    const nul = data.indexOf(0, space);
    if (space < 0 || nul < 0) throw new ObjectError('a tree object is malformed');
    entries.push({
      mode: data.subarray(position, space).toString(),
      name: data.subarray(space + 1, nul).toString(),
      oid: data.subarray(nul + 1, nul + 1 + hashLength).toString('hex'),
    });
    position = nul + 1 + hashLength;
  }
  return entries;
}

/** The tree id of a commit (through annotated tags). */
export function treeOfCommit(store: ObjectStore, oid: string): string | undefined {
  for (let depth = 0; depth < 8; depth++) {
    const object = store.read(oid);
    if (!object) return undefined;
    const text = object.data.toString('latin1');
    if (object.type === 'commit') return /^tree ([0-9a-f]+)$/m.exec(text)?.[1];
    if (object.type !== 'tag') return undefined;
    const target = /^object ([0-9a-f]+)$/m.exec(text)?.[1];
    if (!target) return undefined;
    oid = target;
  }
  return undefined;
}

/**
 * The commit HEAD names in this work tree: `null` on an unborn branch, undefined when the refs are
 * stored in a way this reader does not know (the caller asks git).
 */
export function readHead(gitDir: string, commonDir: string): string | null | undefined {
  let value: string;
  try {
    value = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return undefined;
  }
  for (let depth = 0; depth < 5; depth++) {
    if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(value)) return value;
    const name = /^ref: (refs\/\S+)$/.exec(value)?.[1];
    if (!name || name.includes('..')) return undefined;
    const loose = [join(gitDir, name), join(commonDir, name)];
    const found = loose.map((path) => readIfFile(path)).find((text) => text !== undefined);
    if (found !== undefined) {
      value = found.trim();
      continue;
    }
    const packed = readIfFile(join(commonDir, 'packed-refs'));
    const line = packed?.split('\n').find((entry) => entry.endsWith(` ${name}`) && !entry.startsWith('^'));
    return line ? line.slice(0, line.indexOf(' ')) : null;
  }
  return undefined;
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
