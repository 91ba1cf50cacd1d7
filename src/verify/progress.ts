// What the user sees while steps run: on a terminal, a live line per step with a spinner and the
// elapsed time; otherwise one plain line per finished step. Failures show the output's last lines.
import type { Paint } from '../cli/io.js';
import type { VerifyStep } from '../types.js';
import type { StepResult } from './run-steps.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function formatDuration(ms: number): string {
  return ms < 1000
    ? `${ms}ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)}s`
      : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function formatResultLine(result: StepResult, p: Paint): string {
  const time = p.dim(`(${formatDuration(result.durationMs)})`);
  if (result.status === 'passed' && result.reused)
    return `${p.green('✓')} ${result.name} ${p.dim('(passed before on this same tree)')}`;
  if (result.status === 'passed') return `${p.green('✓')} ${result.name} ${time}`;
  if (result.status === 'skipped')
    return `${p.dim('-')} ${result.name} ${p.dim('(skipped: no matching change)')}`;
  const why = result.status === 'timed-out' ? 'timed out' : `exit ${result.exitCode ?? '?'}`;
  return `${p.red('✗')} ${result.name} ${p.red(why)} ${time}`;
}

export function formatFailure(result: StepResult, p: Paint): string {
  const lines = result.tail ? result.tail.split('\n').map((line) => `    ${line}`) : [];
  if (result.log) lines.push(p.dim(`    full log: ${result.log}`));
  if (result.hint) lines.push(`    ${p.yellow('hint:')} ${result.hint}`);
  return lines.join('\n');
}

export interface Progress {
  start: (step: VerifyStep) => void;
  end: (result: StepResult) => void;
  stop: () => void;
}

export function createProgress(write: (text: string) => void, p: Paint, live: boolean): Progress {
  if (!live) {
    return {
      start: () => {},
      end: (result) => {
        write(`${formatResultLine(result, p)}\n`);
        if (result.status === 'failed' || result.status === 'timed-out')
          write(`${formatFailure(result, p)}\n`);
      },
      stop: () => {},
    };
  }
  const running = new Map<string, number>();
  let frame = 0;
  let drawn = 0;
  const draw = () => {
    if (drawn) write(`\x1b[${drawn}A`);
    const lines = [...running].map(
      ([name, started]) =>
        `${p.cyan(FRAMES[frame % FRAMES.length]!)} ${name} ${p.dim(formatDuration(Date.now() - started))}`,
    );
    for (const line of lines) write(`\x1b[2K${line}\n`);
    for (let i = lines.length; i < drawn; i++) write('\x1b[2K\n');
    if (drawn > lines.length) write(`\x1b[${drawn - lines.length}A`);
    drawn = lines.length;
    frame++;
  };
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    start: (step) => {
      running.set(step.name, Date.now());
      draw();
    },
    end: (result) => {
      running.delete(result.name);
      if (drawn) write(`\x1b[${drawn}A`);
      for (let i = 0; i < drawn; i++) write('\x1b[2K\n');
      if (drawn) write(`\x1b[${drawn}A`);
      drawn = 0;
      write(`${formatResultLine(result, p)}\n`);
      if (result.status === 'failed' || result.status === 'timed-out') write(`${formatFailure(result, p)}\n`);
      draw();
    },
    stop: () => clearInterval(timer),
  };
}
