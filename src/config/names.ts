import { relative, sep } from 'node:path';

/** A path as users see it in messages: relative to the working directory when inside it. */
export function relativeName(filepath: string): string {
  if (filepath.startsWith('agentpolicy:')) return filepath;
  const rel = relative(process.cwd(), filepath);
  return rel && !rel.startsWith(`..${sep}`) && rel !== '..' ? rel.split(sep).join('/') : filepath;
}

/** Edit distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.ceil(input.length / 2)) + 1;
  const lower = input.toLowerCase();
  for (const candidate of candidates) {
    if (lower.length >= 3 && candidate.toLowerCase().startsWith(lower)) return candidate;
    const d = distance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

export function suggestion(input: string, candidates: Iterable<string>): string {
  const best = didYouMean(input, candidates);
  return best ? ` Did you mean "${best}"?` : '';
}
