import { relativeName } from '../../config/names.js';
import type { RuleId } from '../../types.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { loadResolution, repositoryRoot } from '../context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy config [--format text|json]

Prints the resolved policy (after presets, extends and the profile) and where each value came from.
`;

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const { values } = parseCommandArgs('config', argv, { format: { type: 'string' } }, false);
  const format = oneOf('config', 'format', values.format, ['text', 'json'] as const, 'text');
  const root = repositoryRoot(io, 'config');
  const { policy, provenance } = await loadResolution(root, globals);
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ policy, provenance }, null, 2)}\n`);
    return 0;
  }
  const p = paint(useColor(io, 'stdout'));
  const lines: string[] = [];
  lines.push(p.bold('Sources') + p.dim(' (applied in this order)'));
  for (const source of policy.sources) lines.push(`  ${relativeName(source)}`);
  if (policy.profile) lines.push(`  profile: ${policy.profile}`);
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
