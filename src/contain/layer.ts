// Reading an overlay's upper layer: one entry per path the command created, replaced or removed.
// overlayfs marks a removed path with a whiteout (a character device 0/0) and a directory that was
// removed and made again as opaque (an xattr Node cannot read); the tree as the command left it
// tells the two kinds of directory apart: a directory merged with the one below keeps that one's
// inode number there, an opaque one has its own.
import { lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerEntry } from './backend.js';

export function isWhiteout(stat: Stats): boolean {
  return stat.isCharacterDevice() && stat.rdev === 0;
}

function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The entries of `upper`, parents before children. `lower` is the real directory, `view` the
 * directory as the command left it (readable only while the run is held).
 */
export function readLayer(upper: string, lower: string, view: string): LayerEntry[] {
  const entries: LayerEntry[] = [];
  const walk = (rel: string, below: boolean) => {
    const names = readdirSync(join(upper, rel)).sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(upper, path));
      if (isWhiteout(stat)) {
        entries.push({ path, kind: 'removed' });
      } else if (stat.isDirectory()) {
        const merged = below && isDirectory(join(lower, path));
        // Seen through the overlay, a merged directory has the inode of the one below.
        const opaque = merged && statSync(join(view, path)).ino !== lstatSync(join(lower, path)).ino;
        entries.push({ path, kind: 'dir', opaque: merged ? opaque : false });
        walk(path, merged && !opaque);
      } else {
        entries.push({
          path,
          kind: stat.isFile() ? 'file' : stat.isSymbolicLink() ? 'symlink' : 'other',
        });
      }
    }
  };
  walk('', true);
  return entries;
}
