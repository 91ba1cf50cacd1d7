// The Linux backend: unprivileged user, mount and PID namespaces, no root, no setuid helper.
// PID 1 of the new PID namespace (root only in the new user namespace; launch.ts):
//   1. keeps the writable folders (temp, caches) writable,
//   2. mounts each layered directory as an overlay: the real directory below, read-only; the
//      command's writes, removals (whiteouts) and new files in `upper`, on the same file system,
//   3. makes every other file system read-only (each overlay keeps its own handle on its upper
//      layer, so this comes after them),
//   4. mounts a fresh /proc, so the command sees only its own processes,
//   5. hides the folder that holds the layers, so the command cannot reach them directly,
//   6. runs the command as the real user in one more user and mount namespace, where the mounts
//      above are locked: it cannot unmount the overlay to reach the real tree,
//   7. when the command exits, kills whatever it left running, reports, and waits: the mounts stay
//      up so the wrapper can read the tree as the command left it through /proc/<pid>/root.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Availability, Backend, HeldRun } from './backend.js';
import { perlLaunch, shellLaunch, syscallNumbers } from './launch.js';
import { mountsInside, parseMountInfo, pinnedFolders, readOnlyMounts } from './mounts.js';

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

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
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

/** The backend; `launcher` picks perl where it is (the default), or util-linux and sh. */
export function linuxBackend(launcher: 'perl' | 'sh' = 'perl'): Backend {
  return {
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
      const pinned = pinnedFolders(spec.writable, [...roots, ...spec.hidden].map(real));
      const ids = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
      const perl = launcher === 'perl' ? which('perl', spec.env) : undefined;
      const numbers = syscallNumbers(process.arch);
      const argv =
        perl && numbers
          ? perlLaunch(perl, numbers, spec, readOnly, pinned)
          : shellLaunch(which('setpriv', spec.env), spec, readOnly, pinned, ids);
      // The perl launcher lets go of the wrapper's streams when the command has ended (launch.ts).
      const detaches = argv[0] === perl;
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
          if (!detaches) {
            await exited;
            return;
          }
          // Everything the command started is gone, and the launcher holds none of the wrapper's
          // streams: the namespaces are torn down (unmounting takes milliseconds) while the wrapper
          // goes on, and it need not wait for that to exit.
          (child.stdio[4] as NodeJS.ReadableStream & { destroy: () => void }).destroy();
          child.unref();
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
            const failed = /^fail (\S+) ?(.*)$/m.exec(report);
            const detail = report.replace(/^fail \S+ ?/m, '');
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
}

export const linux = linuxBackend();
