import { UsageError } from '../../errors.js';
import { git } from '../../git/exec.js';
import { locateRepository } from '../../git/locate.js';
import type { VerifyHook } from '../../types.js';
import { formatDuration } from '../../verify/progress.js';
import { verify } from '../../verify/verify.js';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { loadPolicy } from '../context.js';
import { type Io, paint, useColor } from '../io.js';

export const usage = `Usage: agentpolicy verify [--on pre-commit|pre-push|ci] [--mode staged|worktree] [--format text|json]

Runs the verification steps of the policy (and of VERIFY.md, when the policy takes them from there)
by hand, and prints whether the change is ready. Exit 0 when every step passed, 1 when one failed.

Options:
  --on      Which steps: those marked for this occasion (default pre-commit)
  --mode    staged: on a copy of exactly what is staged (the default of each step);
            worktree: in the work tree, as it is now
  --format  text (default) or json
`;

export async function run(argv: string[], io: Io, globals: Globals): Promise<number> {
  const { values } = parseCommandArgs(
    'verify',
    argv,
    { on: { type: 'string' }, mode: { type: 'string' }, format: { type: 'string' } },
    false,
  );
  const on = oneOf<VerifyHook>('verify', 'on', values.on, ['pre-commit', 'pre-push', 'ci'], 'pre-commit');
  const mode =
    values.mode === undefined
      ? undefined
      : oneOf('verify', 'mode', values.mode, ['staged', 'worktree'] as const, 'staged');
  const format = oneOf('verify', 'format', values.format, ['text', 'json'] as const, 'text');
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`verify: ${io.cwd} is not inside a git repository.`);
  const policy = await loadPolicy(location.root, globals);
  const changedPaths =
    on === 'pre-commit'
      ? git(['diff', '--cached', '--name-only', '-z', '--no-renames'], { cwd: location.root })
          .stdout.split('\0')
          .filter(Boolean)
      : undefined;
  const json = format === 'json';
  const p = paint(!json && useColor(io, 'stderr'));
  const outcome = await verify(policy, on, {
    root: location.root,
    gitDir: location.gitDir,
    commonDir: location.commonDir,
    env: io.env,
    ...(changedPaths ? { changedPaths } : {}),
    ...(mode ? { mode } : {}),
    write: json ? () => {} : io.stderr,
    paint: p,
    live: !json && io.stderrIsTTY,
  });
  if (json) {
    io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    return outcome.ok ? 0 : 1;
  }
  if (outcome.problem) {
    io.stderr(`${p.red('✗')} ${outcome.problem}\n`);
    return 1;
  }
  const ran = outcome.results.filter((result) => result.status !== 'skipped');
  const passed = ran.filter((result) => result.status === 'passed').length;
  const total = ran.reduce((sum, result) => sum + result.durationMs, 0);
  if (outcome.results.length === 0) {
    io.stdout(`No verification steps for ${on}. Add them under "verify" in the policy, or in VERIFY.md.\n`);
    return 0;
  }
  io.stdout(
    outcome.ok
      ? `${p.green('Ready')}: ${passed}/${ran.length} steps passed for ${on} ${p.dim(`(${formatDuration(total)})`)}.\n`
      : `${p.red('Not ready')}: ${passed}/${ran.length} steps passed for ${on}; fix the failures above and run \`agentpolicy verify\` again.\n`,
  );
  return outcome.ok ? 0 : 1;
}
