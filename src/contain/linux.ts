// The Linux backend: unprivileged user, mount and PID namespaces from util-linux's `unshare`, no
// root, no setuid helper. Inside, a small sh script (PID 1 of the new PID namespace, root only in
// the new user namespace):
//   1. keeps the writable folders (temp, caches) writable and makes every other file system
//      read-only,
//   2. mounts a fresh /proc, so the command sees only its own processes,
//   3. mounts each layered directory as an overlay: the real directory below, read-only; the
//      command's writes, removals (whiteouts) and new files in `upper`, on the same file system,
//   4. hides the folder that holds the layers, so the command cannot reach them directly,
//   5. runs the command as the real user in one more user and mount namespace, where the mounts
//      above are locked: it cannot unmount the overlay to reach the real tree,
//   6. when the command exits, kills whatever it left running, reports, and waits: the mounts stay
//      up so the wrapper can read the tree as the command left it through /proc/<pid>/root.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Availability, Backend, HeldRun, RunSpec } from './backend.js';

export class ContainUnavailable extends Error {
  readonly fix: string;
  constructor(reason: string, fix: string) {
    super(reason);
    this.fix = fix;
  }
}

function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of [...(env.PATH ?? '').split(delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

const USERNS_FIX =
  'Allow unprivileged user namespaces: `sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian), `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (Ubuntu 23.10 and later), or raise user.max_user_namespaces; then run `agentpolicy doctor` again.';

/** Why a failed step of the set-up means containment cannot run here. */
function explain(step: string, detail: string): ContainUnavailable {
  const said = detail.trim().split('\n').slice(-2).join(' ');
  switch (step) {
    case 'namespace':
      return new ContainUnavailable(
        `this system does not let an unprivileged user create user namespaces (${said || 'refused'})`,
        USERNS_FIX,
      );
    case 'overlay':
      return new ContainUnavailable(
        `the kernel refused an overlay over the project (${said || 'refused'})`,
        'Contained execution needs Linux 5.11 or later and a project on a local file system (ext4, xfs, btrfs, tmpfs); it cannot layer over overlayfs (inside Docker), NFS or FUSE folders.',
      );
    default:
      return new ContainUnavailable(
        `setting up the contained run failed at "${step}" (${said || 'no detail'})`,
        'Run `agentpolicy doctor` for what to change; set `shell.contain` to "off" to run commands without containment.',
      );
  }
}

export function probeLinux(env: NodeJS.ProcessEnv): Availability {
  if (process.platform !== 'linux')
    return {
      ok: false,
      reason: `contained execution needs Linux; this is ${process.platform}`,
      fix: 'Commands are judged by the static pass alone here. Run the agent on Linux (or in a Linux VM) for containment.',
    };
  for (const tool of ['unshare', 'mount']) {
    if (!which(tool, env))
      return {
        ok: false,
        reason: `\`${tool}\` (util-linux) is not installed`,
        fix: 'Install util-linux (it provides unshare and mount).',
      };
  }
  const max = readNumber('/proc/sys/user/max_user_namespaces');
  if (max === 0)
    return {
      ok: false,
      reason: 'user namespaces are switched off (user.max_user_namespaces = 0)',
      fix: USERNS_FIX,
    };
  if (readNumber('/proc/sys/kernel/unprivileged_userns_clone') === 0)
    return {
      ok: false,
      reason: 'unprivileged user namespaces are switched off (kernel.unprivileged_userns_clone = 0)',
      fix: USERNS_FIX,
    };
  return { ok: true };
}

function readNumber(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** A word for sh, in single quotes. */
export function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** overlayfs splits its options on `,` and its layer lists on `:`; both are escaped with `\`. */
function overlayPath(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}

/** The script PID 1 runs; the command's argv follows as "$@". */
export function initScript(spec: RunSpec, readOnly: string[], uid: number, gid: number): string {
  const lines = [
    'fail() { echo "fail $1" >&4; exit 111; }',
    // /proc is still the outer one here: its "self" is this process as the wrapper sees it.
    'read -r p _ < /proc/self/stat',
    ...spec.writable.map((dir) => `mount --bind ${quote(dir)} ${quote(dir)} 2>&4 || fail writable`),
    ...readOnly.map((point) => `mount -o remount,bind,ro ${quote(point)} 2>&4 || fail read-only`),
    'mount -t proc proc /proc 2>&4 || fail proc',
    ...spec.layered.map(
      (place) =>
        `mount -t overlay overlay -o ${quote(
          `userxattr,lowerdir=${overlayPath(place.root)},upperdir=${overlayPath(place.upper)},workdir=${overlayPath(place.work)}`,
        )} ${quote(place.root)} 2>&4 || fail overlay`,
    ),
    ...spec.hidden.map((dir) => `mount -t tmpfs -o ro,size=4k,mode=0 tmpfs ${quote(dir)} 2>&4 || fail hide`),
    // The working directory again, by name: the old one is the real directory under the overlay.
    `cd ${quote(spec.cwd)} 2>&4 || fail cwd`,
    'echo "ready $p" >&4',
    `unshare -U --map-user=${uid} --map-group=${gid} --mount -- "$@" 3<&- 4>&-`,
    's=$?',
    'kill -9 -1 2>/dev/null',
    'echo "done $s" >&4',
    'read -r _ <&3',
  ];
  return lines.join('\n');
}

/** File systems that hold files (everything else under /proc, /sys and /dev is left as it is). */
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

interface Mount {
  point: string;
  type: string;
  readOnly: boolean;
}

/** /proc/self/mountinfo: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue". */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [left = '', right = ''] = line.split(' - ');
    const fields = left.split(' ');
    const point = unescapeMount(fields[4] ?? '');
    const type = right.split(' ')[0] ?? '';
    mounts.push({ point, type, readOnly: (fields[5] ?? '').split(',').includes('ro') });
  }
  return mounts;
}

function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** The mounts to make read-only: every file system but the virtual ones and the writable places. */
export function readOnlyMounts(mounts: Mount[], writable: string[], layered: string[]): string[] {
  const points: string[] = [];
  for (const mount of mounts) {
    if (mount.readOnly || VIRTUAL.has(mount.type)) continue;
    if (['/proc', '/sys', '/dev'].some((dir) => inside(mount.point, dir))) continue;
    if (writable.some((dir) => inside(mount.point, dir))) continue;
    if (layered.some((dir) => inside(mount.point, dir))) continue;
    if (!points.includes(mount.point)) points.push(mount.point);
  }
  return points;
}

/** Mounts below a layered directory are not seen through its overlay: such a layout cannot be contained. */
export function mountsInside(layered: string[], mounts: Mount[]): string[] {
  return mounts
    .filter((mount) => layered.some((dir) => mount.point !== dir && inside(mount.point, dir)))
    .map((mount) => mount.point);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export const linux: Backend = {
  name: 'linux-namespaces',
  probe: probeLinux,
  run(spec, signals) {
    const mounts = parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
    const roots = spec.layered.map((place) => place.root);
    const nested = mountsInside(roots, mounts);
    if (nested.length)
      return Promise.reject(
        new ContainUnavailable(
          `a file system is mounted inside the project (${nested.join(', ')}), which an overlay cannot show`,
          'Move the mount out of the project, or set `shell.contain` to "off".',
        ),
      );
    const readOnly = readOnlyMounts(mounts, spec.writable, roots);
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const script = initScript(spec, readOnly, uid, gid);
    const unshare = ['unshare', '--user', '--map-root-user', '--mount', '--pid', '--fork', '--kill-child'];
    // If the wrapper dies, the namespace dies with it (setpriv keeps the parent-death signal
    // across the exec of unshare; --kill-child passes it on to PID 1).
    const setpriv = which('setpriv', spec.env);
    const argv = [
      ...(setpriv ? [setpriv, '--pdeathsig', 'KILL'] : []),
      ...unshare,
      'sh',
      '-c',
      script,
      'agentpolicy-contain',
      ...spec.argv,
    ];
    return new Promise<HeldRun>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: spec.cwd,
        env: spec.env,
        stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe'],
      });
      let host = 0;
      let report = '';
      let settled = false;
      let stop = () => {};
      const exited = new Promise<void>((done) => child.on('exit', () => done()));
      const release = async () => {
        stop();
        (child.stdio[3] as NodeJS.WritableStream | null)?.end();
        await exited;
      };
      const forward = (signal: NodeJS.Signals) => {
        for (const pid of host ? childrenOf(host) : []) {
          try {
            process.kill(pid, signal);
          } catch {
            // Already gone.
          }
        }
      };
      child.on('error', (error) => {
        settled = true;
        reject(
          new ContainUnavailable(
            `cannot start unshare (${(error as NodeJS.ErrnoException).code ?? error.message})`,
            'Install util-linux (it provides unshare and mount).',
          ),
        );
      });
      const output = child.stdio[4] as NodeJS.ReadableStream;
      output.setEncoding('utf8');
      output.on('data', (chunk: string) => {
        report += chunk;
        const ready = /^ready (\d+)$/m.exec(report);
        if (ready && !host) {
          host = Number(ready[1]);
          stop = signals.on(forward);
        }
        const done = /^done (\d+)$/m.exec(report);
        if (done && !settled) {
          settled = true;
          stop();
          const code = Number(done[1]);
          resolve({ exitCode: code, view: (root) => `/proc/${host}/root${root}`, release });
        }
      });
      child.on('close', (code, signal) => {
        stop();
        if (settled) return;
        settled = true;
        if (!host) {
          const failed = /^fail (\S+)$/m.exec(report);
          const detail = report.replace(/^fail \S+$/m, '');
          reject(explain(failed ? failed[1]! : 'namespace', detail || `exit ${code ?? signal}`));
          return;
        }
        // The command ran, but its namespace was killed before its effects could be read.
        reject(
          new Error(
            `the contained run was ended from outside (${signal ? `signal ${signal}` : `exit ${code}`}) before its effects could be read`,
          ),
        );
      });
    });
  },
};

/** The exit code a shell reports for a death by signal. */
export function signalCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** A quick real run of `true`, for doctor: the only proof that containment works here. */
export function tryContainment(env: NodeJS.ProcessEnv): Availability {
  const probed = probeLinux(env);
  if (!probed.ok) return probed;
  const result = spawnSync('unshare', ['--user', '--map-root-user', '--mount', '--pid', '--fork', 'true'], {
    encoding: 'utf8',
    env,
  });
  if (result.status !== 0) return { ok: false, ...explainAvailability('namespace', result.stderr) };
  return { ok: true };
}

function explainAvailability(step: string, detail: string): { reason: string; fix: string } {
  const error = explain(step, detail);
  return { reason: error.message, fix: error.fix };
}
