// Keeping a step's processes inside the step. On Linux each step runs as PID 1 of its own PID
// namespace (`unshare --pid --fork --kill-child`, in a user namespace when not root, so no
// privilege is needed): whatever the step starts, with `&`, `nohup`, `setsid` or a double fork,
// stays in that namespace, and the kernel kills every process in it when its PID 1 ends. `setpriv
// --pdeathsig KILL` ties the namespace to agentpolicy: killed with -9, it takes the namespace along.
// Where namespaces are not available (other systems, or user namespaces switched off), a step gets
// its own process group, and each of its processes carries a marker in its environment
// (AGENTPOLICY_RUN) by which the ones that left the group are found in /proc and ended too.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export type Isolation = 'pid-namespace' | 'process-group';

export interface Launcher {
  isolation: Isolation;
  /** The program and arguments that run `argv` inside the isolation. */
  wrap: (argv: string[]) => { file: string; args: string[] };
}

let probed: Launcher | undefined;

/** Finds, once per process, the strongest isolation this machine allows. */
export function launcher(): Launcher {
  probed ??= probe();
  return probed;
}

function probe(): Launcher {
  if (process.platform === 'linux') {
    const root = process.getuid?.() === 0;
    const userFlags = root
      ? [[]]
      : [
          ['--user', '--map-current-user'],
          ['--user', `--map-user=${process.getuid?.()}`, `--map-group=${process.getgid?.()}`],
        ];
    for (const user of userFlags) {
      const unshare = ['unshare', ...user, '--pid', '--fork', '--kill-child', '--'];
      for (const prefix of [['setpriv', '--pdeathsig', 'KILL'], []]) {
        const [file, ...args] = [...prefix, ...unshare];
        const result = spawnSync(file!, [...args, 'true'], { stdio: 'ignore', timeout: 30_000 });
        if (result.status === 0) {
          return {
            isolation: 'pid-namespace',
            wrap: (argv) => ({ file: file!, args: [...args, ...argv] }),
          };
        }
      }
    }
  }
  return { isolation: 'process-group', wrap: ([file, ...args]) => ({ file: file!, args }) };
}

/** When the process started (clock ticks since boot), to tell it from a later one with its pid. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; field 22 is starttime.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether `pid` is still the process that was recorded (same start time, where known). */
export function isSameProcess(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === undefined) return true;
  const now = startTime(pid);
  return now === undefined || now === start;
}

/** Every process below `pid` (Linux: /proc/<pid>/task/<tid>/children). */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        for (const child of readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').split(' ')) {
          const id = Number(child);
          if (id > 0 && !found.includes(id)) {
            found.push(id);
            queue.push(id);
          }
        }
      } catch {
        // The task ended meanwhile.
      }
    }
  }
  return found;
}

/**
 * Processes whose environment has a variable starting with `assignment` (`NAME=value`), found in
 * /proc (Linux; elsewhere none). The environment a process was started with is what /proc shows.
 */
export function markedProcesses(assignment: string): number[] {
  const inside = Buffer.from(`\0${assignment}`);
  const first = Buffer.from(assignment);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!(pid > 0) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`);
      if (environ.indexOf(inside) !== -1 || environ.subarray(0, first.length).equals(first)) found.push(pid);
    } catch {
      // Gone, or another user's.
    }
  }
  return found;
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
