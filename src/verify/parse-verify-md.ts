// VERIFY.md holds, in fenced shell blocks, the exact commands to run before moving on. Each command
// line becomes a step; `$ ` prompts are dropped, `\` continuations joined, comments skipped.
import type { VerifyStep } from '../types.js';

const SHELL_LANGUAGES = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh', 'shell-session']);

export function parseVerifyMarkdown(
  markdown: string,
  settings: Pick<VerifyStep, 'on' | 'timeout' | 'mode' | 'env' | 'once'>,
): VerifyStep[] {
  const steps: VerifyStep[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let fence: { marker: string; shell: boolean } | undefined;
  let pending = '';
  for (const line of lines) {
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (!fence) {
      if (open) fence = { marker: open[1]!, shell: SHELL_LANGUAGES.has(open[2]!.toLowerCase()) };
      continue;
    }
    if (line.trim().startsWith(fence.marker)) {
      fence = undefined;
      pending = '';
      continue;
    }
    if (!fence.shell) continue;
    const text = line.trim().replace(/^\$\s+/, '');
    if (pending === '' && (text === '' || text.startsWith('#'))) continue;
    if (text.endsWith('\\')) {
      pending += `${text.slice(0, -1).trimEnd()} `;
      continue;
    }
    const run = pending + text;
    pending = '';
    steps.push({ name: uniqueName(run, steps), run, when: [], parallel: false, ...settings });
  }
  return steps;
}

function uniqueName(run: string, steps: VerifyStep[]): string {
  const base = run.length > 40 ? `${run.slice(0, 39)}…` : run;
  let name = base;
  for (let n = 2; steps.some((step) => step.name === name); n++) name = `${base} (${n})`;
  return name;
}
