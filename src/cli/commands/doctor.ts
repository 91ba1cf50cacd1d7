import { basename, dirname } from 'node:path';
import { readProfileSelection } from '../../audit/profile.js';
import { policyInForce } from '../../config/committed.js';
import { resolveTree } from '../../config/resolve.js';
import { worktreeTree } from '../../config/tree.js';
import { isAgentPolicyError } from '../../errors.js';
import { git } from '../../git/exec.js';
import { locateRepository } from '../../git/locate.js';
import type { ResolvedPolicy } from '../../types.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { repositoryRoot } from '../context.js';
import { type Check, checkHooks, checkIsolation, checkWorktrees } from '../doctor-hooks.js';
import { guardContext } from '../guard-context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy doctor [--format text|json]

Checks that the guardrails are really in force here: the policy loads, the git hooks are present,
executable, reachable through core.hooksPath and call a binary that exists, every other worktree
of the repository runs them too, how verification steps are kept together, Node and git are
recent enough, contained execution runs here (a real contained run proves it; where it cannot,
why and how to enable it), and the agents whose hooks are installed and that run project hooks
only in a trusted folder (Codex, Gemini CLI) trust this one. Prints a fix for each problem; exit 1
if any.
`;

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const { values } = parseCommandArgs('doctor', argv, { format: { type: 'string' } }, false);
  const format = oneOf('doctor', 'format', values.format, ['text', 'json'] as const, 'text');
  const root = repositoryRoot(io, 'doctor');
  const checks: Check[] = [
    await checkPolicy(root, globals),
    ...checkHooks(root, io.env),
    ...checkWorktrees(root, io.env),
    checkIsolation(),
    checkNode(),
    checkGit(root),
    ...(await checkContainment(root, io, globals)),
    ...(await checkAgentTrust(root, io.env)),
  ];
  const problems = checks.filter((check) => !check.ok);
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ ok: problems.length === 0, checks }, null, 2)}\n`);
  } else {
    const p = paint(useColor(io, 'stdout'));
    for (const check of checks) {
      io.stdout(`${check.ok ? p.green('ok  ') : p.red('FAIL')}  ${check.name}: ${check.detail}\n`);
      if (check.fix) io.stdout(`      ${p.cyan('fix:')} ${check.fix}\n`);
    }
    io.stdout(problems.length ? `\n${problems.length} problem(s) found.\n` : '\nAll checks passed.\n');
  }
  return problems.length ? 1 : 0;
}

async function checkPolicy(root: string, _globals: Globals): Promise<Check> {
  try {
    const location = locateRepository(root, {});
    if (!location) throw new Error(`${root} is not a repository`);
    const profile = readProfileSelection(location.commonDir);
    const inForce = policyInForce(location, 'worktree', profile ? { profile: profile.name } : {});
    const { policy } = inForce;
    const count = Object.keys(policy.rules).length;
    const pending = inForce.commit ? worktreeDiffers(root, policy) : '';
    return {
      name: 'policy',
      ok: true,
      detail:
        `${count} rules on, from ${policy.sources.join(' → ')} (${inForce.commit ? `committed, ${inForce.where}` : `not committed yet: ${inForce.where}`})` +
        (profile ? `; profile "${profile.name}" selected until ${profile.expires}` : '') +
        pending,
    };
  } catch (error) {
    if (!isAgentPolicyError(error)) throw error;
    return {
      name: 'policy',
      ok: false,
      detail: error.message.split('\n').join(' '),
      fix: 'fix the policy file as the message says, or run `agentpolicy init`',
    };
  }
}

/** A note when the work tree's policy is not the committed one (it takes effect once committed). */
function worktreeDiffers(root: string, committed: ResolvedPolicy): string {
  const comparable = (policy: ResolvedPolicy) =>
    JSON.stringify({ ...policy, sources: [], profile: undefined });
  try {
    const worktree = resolveTree(worktreeTree(root), root);
    if (!worktree) return '; the work tree has no policy file: deleting it takes effect only once committed';
    return comparable(worktree.policy) === comparable({ ...committed, profile: undefined } as ResolvedPolicy)
      ? ''
      : '; the work tree changes the policy: the change takes effect once committed (`agentpolicy config --worktree` shows it)';
  } catch (error) {
    return `; the policy in the work tree does not load (${(error as Error).message.split('\n')[0]}); it is not in force until committed`;
  }
}

async function checkContainment(root: string, io: Io, globals: Globals): Promise<Check[]> {
  let context: Awaited<ReturnType<typeof guardContext>>;
  try {
    context = await guardContext(root, io.env, globals);
  } catch {
    return []; // the policy check says what is wrong
  }
  const { containmentChecks } = await import('../../contain/doctor.js');
  return containmentChecks(context);
}

/** Codex and Gemini CLI skip project hooks in a folder a human has not trusted. */
async function checkAgentTrust(root: string, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const { codexTrust, geminiTrust, hostsNeedingTrust } = await import('../../adapters/agents/trust.js');
  const hosts = hostsNeedingTrust(root);
  if (hosts.length === 0) return [];
  const commonDir = locateRepository(root, env)?.commonDir;
  const main = commonDir && basename(commonDir) === '.git' ? dirname(commonDir) : root;
  const checks: Check[] = [];
  for (const host of hosts) {
    const trust = host === 'codex' ? await codexTrust(root, main, env) : geminiTrust(root, env);
    checks.push({
      name: `${host} trust`,
      ok: trust.trusted !== false,
      detail: trust.detail,
      ...(trust.fix ? { fix: trust.fix } : {}),
    });
  }
  return checks;
}

function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 20
    ? { name: 'node', ok: true, detail: `v${process.versions.node}` }
    : {
        name: 'node',
        ok: false,
        detail: `v${process.versions.node} is too old`,
        fix: 'install Node.js 20 or newer',
      };
}

function checkGit(root: string): Check {
  const version = git(['--version'], { cwd: root }).stdout.trim();
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  return major > 2 || (major === 2 && minor >= 31)
    ? { name: 'git', ok: true, detail: version }
    : { name: 'git', ok: false, detail: `${version} is too old`, fix: 'install git 2.31 or newer' };
}
