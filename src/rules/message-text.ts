// Parts of a commit message's text, for the message rules.

export function subjectOf(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

/** Trailers: `Key: value` lines in the last paragraph, as `git interpret-trailers` reads them. */
export function trailersOf(text: string): Map<string, string> {
  const paragraphs = text.split(/\n\s*\n/);
  const trailers = new Map<string, string>();
  if (paragraphs.length < 2) return trailers;
  const last = paragraphs[paragraphs.length - 1]!.split('\n');
  if (!last.every((line) => /^[A-Za-z0-9][A-Za-z0-9-]*: ?\S/.test(line) || /^\s/.test(line))) return trailers;
  for (const line of last) {
    const match = /^([A-Za-z0-9][A-Za-z0-9-]*): ?(.*)$/.exec(line);
    if (match) trailers.set(match[1]!.toLowerCase(), match[2]!);
  }
  return trailers;
}
