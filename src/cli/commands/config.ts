import { readProfileSelection } from '../../audit/profile.js';
import { policyInForce } from '../../config/committed.js';
import { relativeName } from '../../config/names.js';
import { noPolicy, resolveTree } from '../../config/resolve.js';
import { worktreeTree } from '../../config/tree.js';
import type { RuleId } from '../../types.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { repository, warnAboutOldProfileVariable } from '../context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy config [--worktree] [--profile NAME] [--format text|json]

Prints the policy in force (after presets, extends and the profile a human selected) and where
each value came from. The policy in force is the committed one (HEAD's): changes to the policy
files take effect once committed.
  --worktree      the policy as the work tree has it now, to check an edit before committing it
  --profile NAME  what the policy would be with that profile (selects nothing: see \`agentpolicy profile\`)
`;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values } = parseCommandArgs(
    'config',
    argv,
    { format: { type: 'string' }, worktree: { type: 'boolean' }, profile: { type: 'string' } },
    false,
  );
  const format = oneOf('config', 'format', values.format, ['text', 'json'] as const, 'text');
  const location = repository(io, 'config');
  warnAboutOldProfileVariable(io);
  const profile = values.profile ?? readProfileSelection(location.commonDir)?.name;
  const options = profile ? { profile } : {};
  const inForce = values.worktree
    ? (() => {
        const resolution = resolveTree(worktreeTree(location.root), location.root, options);
        if (!resolution) throw noPolicy(location.root);
        return { ...resolution, where: 'the work tree' };
      })()
    : policyInForce(location, 'worktree', { ...options, env: io.env });
  const { policy, provenance } = inForce;
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ from: inForce.where, policy, provenance }, null, 2)}\n`);
    return 0;
  }
  const p = paint(useColor(io, 'stdout'));
  const lines: string[] = [];
  lines.push(
    `${p.bold('Policy in force')}: ${values.worktree ? 'as in the work tree (not in force until committed)' : `as committed in ${inForce.where}`}`,
    '',
  );
  lines.push(p.bold('Sources') + p.dim(' (applied in this order)'));
  for (const source of policy.sources) lines.push(`  ${relativeName(source)}`);
  if (policy.profile)
    lines.push(`  profile: ${policy.profile}${values.profile ? ' (preview)' : ' (selected by a human)'}`);
  lines.push('', p.bold('Rules'));
  const ids = Object.keys(policy.rules).sort() as RuleId[];
  if (ids.length === 0) lines.push('  (none on)');
  for (const id of ids) {
    const setting = policy.rules[id]!;
    const from = provenance.rules[id];
    const severity = setting.severity === 'error' ? p.red('error') : p.yellow('warn');
    lines.push(
      `  ${id.padEnd(22)}${severity.padEnd(5)}  ${p.dim(`from ${relativeName(from?.severity ?? '?')}`)}`,
    );
    const options = Object.entries(setting.options);
    for (const [key, value] of options) {
      lines.push(`      ${key}: ${JSON.stringify(value)}`);
    }
    if (from?.options) lines.push(`      ${p.dim(`options from ${relativeName(from.options)}`)}`);
  }
  const off = Object.entries(provenance.rules)
    .filter(([id]) => !policy.rules[id as RuleId])
    .map(([id]) => id);
  if (off.length) lines.push(p.dim(`  off: ${off.join(', ')}`));
  lines.push('', p.bold('Verification'));
  if (policy.verifyFrom) {
    lines.push(
      `  steps from ${policy.verifyFrom} on ${policy.verifyFromSettings?.on.join(', ')} ${p.dim(`(from ${relativeName(provenance.verify.from ?? '?')})`)}`,
    );
  } else if (policy.verify.length === 0) {
    lines.push('  (no steps)');
  }
  for (const step of policy.verify) {
    lines.push(
      `  ${step.name}: ${step.run}  ${p.dim(`on ${step.on.join(', ')}; ${step.mode}; from ${relativeName(provenance.verify[step.name] ?? '?')}`)}`,
    );
  }
  lines.push('', p.bold('Shell'));
  lines.push(`  onError: ${policy.shell.onError}`);
  for (const kind of ['deny', 'allow'] as const) {
    for (const pattern of policy.shell[kind])
      lines.push(`  ${kind} ${JSON.stringify(pattern.pattern)}: ${pattern.reason}`);
  }
  if (policy.shell.tempDirs.length) lines.push(`  tempDirs: ${policy.shell.tempDirs.join(', ')}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
