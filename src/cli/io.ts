import { fstatSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

// What a command may touch of the process: streams, environment, working directory.
export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input. */
  readStdin: () => Promise<string>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
}

export function processIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => writeAll(1, text),
    stderr: (text) => writeAll(2, text),
    readStdin: async () => {
      // A synchronous read of descriptor 0 skips the stream machinery: hooks pay for every millisecond.
      try {
        return readFileSync(0, 'utf8');
      } catch (error) {
        if (
          (error as NodeJS.ErrnoException).code === 'EAGAIN' ||
          (error as NodeJS.ErrnoException).code === 'EOF'
        )
          return '';
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      }
    },
    get stdoutIsTTY() {
      return isTerminal(1);
    },
    get stderrIsTTY() {
      return isTerminal(2);
    },
  };
}

/** Colour only on a terminal, never with NO_COLOR, always with FORCE_COLOR. */
export function useColor(io: Io, stream: 'stdout' | 'stderr'): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY;
}

export interface Paint {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const identity = (s: string) => s;

export function paint(enabled: boolean): Paint {
  if (!enabled)
    return {
      red: identity,
      green: identity,
      yellow: identity,
      cyan: identity,
      dim: identity,
      bold: identity,
    };
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Descriptors whose reader has gone (EPIPE): what is left to write there is dropped. */
const closed = new Set<number>();

/**
 * Writes straight to the descriptor: creating process.stdout loads Node's stream and net modules,
 * a few milliseconds that every agent tool call would pay. Falls back to the stream when the
 * descriptor is non-blocking and full. A reader that went away (`agentpolicy doctor | head -1`)
 * is no error: the rest of the output is dropped and the command ends with its own status.
 */
function writeAll(fd: 1 | 2, text: string): void {
  if (closed.has(fd)) return;
  const buffer = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') {
      closed.add(fd);
      return;
    }
    if (code !== 'EAGAIN') throw error;
    const stream = fd === 1 ? process.stdout : process.stderr;
    if (stream.listenerCount('error') === 0)
      stream.on('error', (streamError: NodeJS.ErrnoException) => {
        if (streamError.code !== 'EPIPE') throw streamError;
        closed.add(fd);
      });
    stream.write(buffer.subarray(offset));
  }
}

/** Whether the descriptor is a terminal, without loading the tty module for pipes and files. */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
    // /dev/null is a character device too: only now is the tty module worth loading.
    const { isatty } = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
    return isatty(fd);
  } catch {
    return false;
  }
}
