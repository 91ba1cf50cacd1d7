// PLAN.md's checklist: `- [ ] item` and `- [x] item` lines (also `*` and `+` bullets, nested).

export interface PlanItem {
  text: string;
  done: boolean;
}

export function parsePlan(markdown: string): PlanItem[] {
  const items: PlanItem[] = [];
  for (const line of markdown.split('\n')) {
    const match = /^\s*[-*+]\s+\[([ xX])\]\s+(.+?)\s*$/.exec(line);
    if (match) items.push({ text: match[2]!, done: match[1] !== ' ' });
  }
  return items;
}
