// The mount table, for the Linux backend: which file systems to make read-only for the command
// (every one that holds files, but the writable folders and the layered ones), with the flags a
// remount must keep (a user namespace may not clear nosuid, nodev, noexec or the atime mode of a
// mount it did not make), and which folders to pin in place.
import { dirname } from 'node:path';

export interface Mount {
  point: string;
  type: string;
  options: string[];
}

/** File systems that hold no files of anyone's (everything under /proc, /sys and /dev is left alone too). */
const VIRTUAL = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'mqueue',
  'cgroup',
  'cgroup2',
  'tracefs',
  'debugfs',
  'securityfs',
  'pstore',
  'bpf',
  'fusectl',
  'configfs',
  'hugetlbfs',
  'autofs',
  'binfmt_misc',
  'efivarfs',
  'rpc_pipefs',
  'nsfs',
  'selinuxfs',
]);

/** /proc/self/mountinfo: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue". */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [left = '', right = ''] = line.split(' - ');
    const fields = left.split(' ');
    mounts.push({
      point: unescapeMount(fields[4] ?? ''),
      type: right.split(' ')[0] ?? '',
      options: (fields[5] ?? '').split(','),
    });
  }
  return mounts;
}

function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** The mounts to make read-only: every file system but the virtual ones, the writable and the layered. */
export function readOnlyMounts(mounts: Mount[], writable: string[], layered: string[]): Mount[] {
  const chosen: Mount[] = [];
  for (const mount of mounts) {
    if (mount.options.includes('ro') || VIRTUAL.has(mount.type)) continue;
    if (['/proc', '/sys', '/dev'].some((dir) => inside(mount.point, dir))) continue;
    if (writable.some((dir) => inside(mount.point, dir))) continue;
    if (layered.some((dir) => inside(mount.point, dir))) continue;
    if (!chosen.some((other) => other.point === mount.point)) chosen.push(mount);
  }
  return chosen;
}

/** Mounts below a layered directory are not seen through its overlay: such a layout cannot be contained. */
export function mountsInside(layered: string[], mounts: Mount[]): string[] {
  return mounts
    .filter((mount) => layered.some((dir) => mount.point !== dir && inside(mount.point, dir)))
    .map((mount) => mount.point);
}

/** mount(2) flags a read-only remount of this mount keeps: MS_NOSUID, MS_NODEV, MS_NOEXEC and its atime mode. */
export function keptFlags(mount: Mount): number {
  const has = (option: string) => mount.options.includes(option);
  let flags = 0;
  if (has('nosuid')) flags |= 2;
  if (has('nodev')) flags |= 4;
  if (has('noexec')) flags |= 8;
  if (has('noatime')) flags |= 1024;
  if (has('nodiratime')) flags |= 2048;
  if (has('relatime')) flags |= 1 << 21;
  else if (!has('noatime')) flags |= 1 << 24; // MS_STRICTATIME
  return flags;
}

/**
 * The folders between a writable folder and a layered or hidden one inside it (a project under
 * /tmp), outermost first. Each is bound onto itself: a mount point cannot be renamed or removed
 * (EBUSY), so a command cannot move the project or the layers away from the paths the wrapper
 * reads and applies, and put something else in their place.
 */
export function pinnedFolders(writable: string[], kept: string[]): string[] {
  const pinned = new Set<string>();
  for (const path of kept) {
    for (const dir of writable) {
      if (path === dir || !inside(path, dir)) continue;
      for (let up = dirname(path); up !== dir && inside(up, dir); up = dirname(up)) pinned.add(up);
    }
  }
  return [...pinned].sort((a, b) => a.split('/').length - b.split('/').length);
}
