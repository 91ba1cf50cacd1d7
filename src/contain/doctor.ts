// What `agentpolicy doctor` says about contained execution: whether it runs here (a real contained
// run proves it), what to do where it does not, applies a crash interrupted (finished now), and
// whether Claude Code's Bash commands are routed through it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuardContext } from '../adapters/guard.js';
import { routesThroughWrapper } from './route.js';
import { finishInterrupted, tryContainment } from './run.js';

export interface ContainCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export async function containmentChecks(context: GuardContext): Promise<ContainCheck[]> {
  const mode = context.policy.shell.contain;
  if (mode === 'off')
    return [
      {
        name: 'containment',
        ok: true,
        detail: 'off (shell.contain): exec and agentpolicy-sh judge commands by the static pass alone',
      },
    ];
  const checks: ContainCheck[] = [];
  const finished = finishInterrupted(context);
  if (finished)
    checks.push({
      name: 'containment',
      ok: true,
      detail: `${finished} apply interrupted by a crash finished (or undone): the tree is whole`,
    });
  const tried = await tryContainment(context);
  if (tried instanceof Error)
    checks.push({
      name: 'containment',
      ok: mode !== 'required',
      detail:
        mode === 'required'
          ? `required (shell.contain), but it cannot run here: ${tried.message}; every command is blocked`
          : `cannot run here: ${tried.message}; exec and agentpolicy-sh judge commands by the static pass alone, and deny what it cannot see through`,
      ...(tried.fix ? { fix: tried.fix } : {}),
    });
  else
    checks.push({
      name: 'containment',
      ok: true,
      detail: `runs here (Linux namespaces): exec and agentpolicy-sh judge what a command did before it lands (shell.contain: ${mode})`,
    });
  const hooked = JSON.stringify(readJson(join(context.root, '.claude/settings.json')) ?? {}).includes(
    'agentpolicy agent-hook',
  );
  if (hooked && !(tried instanceof Error)) {
    const local = readJson(join(context.root, '.claude/settings.local.json'));
    const prefix = (local?.env as Record<string, unknown> | undefined)?.CLAUDE_CODE_SHELL_PREFIX;
    const routed = typeof prefix === 'string' && routesThroughWrapper(prefix);
    checks.push(
      routed
        ? {
            name: 'claude shell',
            ok: true,
            detail: "Claude Code's Bash commands run contained (.claude/settings.local.json)",
          }
        : {
            name: 'claude shell',
            ok: false,
            detail: `Claude Code's Bash commands do not run contained${existsSync(join(context.root, '.claude/settings.local.json')) ? ' (no agentpolicy-sh shell prefix in .claude/settings.local.json)' : ''}: what the static pass cannot see through is asked about`,
            fix: 'agentpolicy install-agent claude',
          },
    );
  }
  return checks;
}
