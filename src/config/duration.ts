// Durations in a policy: milliseconds, or a number with a unit ("90s", "2m", "1h").

/** Milliseconds of a duration written as a number or "90s", "2m", "1h"; NaN when it is not one. */
export function durationMs(value: string | number): number {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number.NaN;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(value);
  if (!match) return Number.NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}
