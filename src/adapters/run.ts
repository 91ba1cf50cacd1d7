// Running what the guard allowed: the original argv, never a string we rebuilt; stdio inherited;
// the child's exit code returned and the signals that stop us passed on to it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export async function runPassingThrough(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const child = spawn(file, args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const).map(
    (signal) => [signal, forward(signal)] as const,
  );
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    return await new Promise<number>((resolve) => {
      child.on('error', (error) => {
        process.stderr.write(
          `agentpolicy: cannot run ${file}: ${(error as NodeJS.ErrnoException).code ?? error.message}\n`,
        );
        resolve((error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126);
      });
      child.on('exit', (code, signal) => {
        if (signal) {
          // Die of the same signal, as a shell would report it: 128 + its number.
          resolve(128 + (constants.signals[signal] ?? 0));
          return;
        }
        resolve(code ?? 1);
      });
    });
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
}
