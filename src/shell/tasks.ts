// The text of package scripts and make targets, read from their files' content: what `npm run x`
// and `make x` will run, for the analysis to judge like any command line.

/** The scripts `names` of a package.json's content; undefined when it is not JSON. */
export function packageScripts(json: string, names: string[]): string[] | undefined {
  let scripts: unknown;
  try {
    scripts = (JSON.parse(json) as { scripts?: unknown }).scripts;
  } catch {
    return undefined;
  }
  if (!scripts || typeof scripts !== 'object') return [];
  return names.flatMap((name) => {
    const text = (scripts as Record<string, unknown>)[name];
    return typeof text === 'string' ? [text] : [];
  });
}

const MAKE_DEFAULTS: Record<string, string> = {
  RM: 'rm -f',
  MAKE: 'make',
  CC: 'cc',
  CXX: 'g++',
  CP: 'cp',
  MV: 'mv',
  MKDIR: 'mkdir',
  SHELL: '/bin/sh',
};

/**
 * The recipe lines make runs for `names` (the first target when none is given), prerequisites
 * first, with variables defined in the file (and make's defaults) expanded.
 */
export function makeRecipes(text: string, names: string[]): string[] {
  const variables = new Map(Object.entries(MAKE_DEFAULTS));
  const rules = new Map<string, { prerequisites: string[]; recipe: string[] }>();
  let current: { prerequisites: string[]; recipe: string[] }[] = [];
  let first: string | undefined;
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    if (line.startsWith('\t')) {
      for (const rule of current) rule.recipe.push(line.slice(1));
      continue;
    }
    const variable = /^\s*(?:export\s+|override\s+)?([A-Za-z_][\w.]*)\s*(?::{1,3}=|\?=|\+=|=)\s*(.*)$/.exec(
      line,
    );
    if (variable) {
      const [, name, value] = variable as unknown as [string, string, string];
      if (line.includes('+=')) variables.set(name, `${variables.get(name) ?? ''} ${value}`.trim());
      else if (!line.includes('?=') || !variables.has(name)) variables.set(name, value);
      current = [];
      continue;
    }
    const rule = /^([^:#=\t][^:#=]*?)\s*::?\s*([^=]*)$/.exec(line);
    if (rule) {
      const targets = rule[1]!.split(/\s+/).filter(Boolean);
      const prerequisites = rule[2]!.split(';')[0]!.split(/\s+/).filter(Boolean);
      current = targets.map((target) => {
        const entry = rules.get(target) ?? { prerequisites: [], recipe: [] };
        entry.prerequisites.push(...prerequisites);
        rules.set(target, entry);
        return entry;
      });
      const inline = rule[2]!.split(';').slice(1).join(';').trim();
      if (inline) for (const entry of current) entry.recipe.push(inline);
      first ??= targets.find((target) => !target.startsWith('.') && !target.includes('%'));
      continue;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    current = [];
  }
  const expand = (value: string, target: string, depth = 0): string =>
    value.replace(/\$\$|\$[@<^*?]|\$\(([^()]*)\)|\$\{([^{}]*)\}/g, (match, paren, brace) => {
      if (match === '$$') return '$';
      if (match.length === 2) return target;
      const name = (paren ?? brace) as string;
      const known = variables.get(name);
      return known !== undefined && depth < 5 ? expand(known, target, depth + 1) : 'make-variable';
    });
  const lines: string[] = [];
  const seen = new Set<string>();
  const visit = (target: string, depth: number) => {
    if (seen.has(target) || depth > 10) return;
    seen.add(target);
    const rule = rules.get(target);
    if (!rule) return;
    for (const prerequisite of rule.prerequisites) visit(expand(prerequisite, target), depth + 1);
    for (const line of rule.recipe) lines.push(expand(line, target).replace(/^[@+\-\s]+/, ''));
  };
  for (const name of names.length ? names : first ? [first] : []) visit(name, 0);
  return lines;
}
