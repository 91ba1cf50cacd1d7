// Shared by the bench scripts: whole-process timing of several commands, alternated run by run so
// that drift in machine load hits every command alike, reported as medians and ratios.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';

/**
 * Runs each command `runs` times, in rotation, after `warmup` untimed rounds.
 * A command is { name, argv, cwd?, env?, input? }. Returns { name -> sorted times in ms }.
 */
export function timeAlternating(commands, { runs = 21, warmup = 3 } = {}) {
  const times = Object.fromEntries(commands.map((command) => [command.name, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const command of commands) {
      const started = process.hrtime.bigint();
      const result = spawnSync(command.argv[0], command.argv.slice(1), {
        cwd: command.cwd,
        env: command.env ?? process.env,
        input: command.input ?? '',
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (command.expectStatus !== undefined && result.status !== command.expectStatus) {
        throw new Error(
          `${command.name} exited ${result.status}, expected ${command.expectStatus}:\n${result.stderr}${result.stdout}`,
        );
      }
      if (round >= warmup) times[command.name].push(elapsed);
    }
  }
  for (const list of Object.values(times)) list.sort((a, b) => a - b);
  return times;
}

export function median(sorted) {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function printTable(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  for (const row of rows)
    console.log(row.map((cell, column) => String(cell).padEnd(widths[column])).join('  '));
}

export function ms(value) {
  return `${value.toFixed(1)} ms`;
}

/** The machine's load while a bench ran: ratios measured under load drift, so each figure names it. */
export function machineLoad() {
  const [one, five] = loadavg();
  return `load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) on ${availableParallelism()} cores`;
}
