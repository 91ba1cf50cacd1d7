import {
  changeId,
  guardedFiles,
  policyChangeFindings,
  withPackageManifest,
} from '../../adapters/policy-change.js';
import { checkCommits } from '../../adapters/range-check.js';
import { grantAllowance, grantChange } from '../../audit/allow-once.js';
import { headCommit, policyAtCommit } from '../../config/committed.js';
import { suggestion } from '../../config/names.js';
import { parseDuration } from '../../config/resolve.js';
import { evaluateChange, needsHunks } from '../../engine/evaluate.js';
import { UsageError } from '../../errors.js';
import { collectStaged } from '../../git/collect.js';
import { git } from '../../git/exec.js';
import type { RepositoryLocation } from '../../git/locate.js';
import { ruleIds } from '../../rules/index.js';
import { parseCommandArgs } from '../args.js';
import type { Globals } from '../commands.js';
import { judgingPolicy, repository } from '../context.js';
import type { Io } from '../io.js';

export const usage = `Usage: agentpolicy allow-once <rule> [--for 10m] [--command "<exact command>"]
       agentpolicy allow-once --change <id>

For a human, in a terminal.
  <rule>         lets the agent through one denial by <rule>, within the time given (default 10m),
                 optionally only for one exact command.
  --change <id>  lets one change to guarded files through: a change to the policy (policy-changed)
                 or to protected files (protected-paths), as the hook that blocked it printed it.
                 The permission is bound to that change (its parent commit and the files' exact
                 content), not to a clock: it covers the commit at commit time and at push, and
                 nothing else.
It does not run without a terminal; the guard refuses any agent command that runs it or writes
where the permissions are kept (.git/agentpolicy/).
`;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const { values, positionals } = parseCommandArgs('allow-once', argv, {
    for: { type: 'string' },
    command: { type: 'string' },
    change: { type: 'string' },
  });
  const rule = positionals[0];
  if (!rule && values.change === undefined)
    throw new UsageError(
      'allow-once: name the rule to allow once, e.g. `agentpolicy allow-once no-destructive-git`, or the change, `agentpolicy allow-once --change <id>`.',
    );
  if (rule && values.change !== undefined)
    throw new UsageError('allow-once: give a rule or --change, not both.');
  const known = [...ruleIds, 'shell'];
  if (rule && !known.includes(rule))
    throw new UsageError(`allow-once: unknown rule "${rule}".${suggestion(rule, known)}`);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError(
      'allow-once: run it yourself in a terminal. It is for humans, so it does not run without one.',
    );
  }
  const location = repository(io, 'allow-once');
  if (values.change !== undefined) return allowChange(values.change.trim(), location, io);
  const duration = parseDuration(values.for ?? '10m', Number.NaN);
  if (!Number.isFinite(duration) || duration <= 0)
    throw new UsageError(`allow-once: --for takes a duration such as 10m or 1h; got "${values.for}".`);
  const now = Date.now();
  grantAllowance(location.commonDir, {
    rule: rule!,
    created: new Date(now).toISOString(),
    expires: new Date(now + duration).toISOString(),
    ...(values.command ? { command: values.command } : {}),
  });
  io.stdout(
    `The next denial by ${rule}${values.command ? ` of \`${values.command}\`` : ''} within ${values.for ?? '10m'} will be let through once.\n`,
  );
  return 0;
}

/** The changes a hook could have printed: the staged one, and each commit not on a remote yet. */
interface Candidate {
  id: string;
  files: string[];
  what: string;
  /** git diff arguments that show the change. */
  diff: string[];
}

async function candidates(location: RepositoryLocation, io: Io): Promise<Candidate[]> {
  const found: Candidate[] = [];
  const root = location.root;
  const head = headCommit(location, io.env);
  const inForce = judgingPolicy(location, io);
  if (inForce.commit) {
    const change = collectStaged({ root, env: io.env, hunks: needsHunks(inForce.policy) });
    const { keyChanged } = withPackageManifest(
      change,
      root,
      head ? { commit: head } : { absent: true },
      { index: true },
      io.env,
    );
    const files = guardedFiles([
      ...policyChangeFindings(change, inForce.policy, keyChanged),
      ...evaluateChange(inForce.policy, change, { scope: 'commit' }).findings,
    ]);
    if (files.length)
      found.push({
        id: changeId(root, { staged: true, parent: head }, files, io.env),
        files,
        what: 'the staged change',
        diff: ['diff', '--cached', ...(head ? [head] : []), '--', ...files],
      });
  }
  if (!head) return found;
  const unpushed = git(['rev-list', '--max-count=100', head, '--not', '--remotes'], { cwd: root })
    .stdout.split('\n')
    .filter(Boolean);
  for (const commit of unpushed) {
    const parent = git(['rev-list', '--parents', '-n', '1', commit], { cwd: root })
      .stdout.trim()
      .split(' ')[1];
    const policy = parent ? policyAtCommit(location, parent)?.policy : undefined;
    if (!policy) continue;
    const result = await checkCommits(policy, [`${parent}..${commit}`], parent, commit, {
      root,
      env: io.env,
      messages: false,
    });
    const files = guardedFiles(result.findings.filter((finding) => finding.commit === commit));
    if (files.length)
      found.push({
        id: changeId(root, { commit }, files, io.env),
        files,
        what: `commit ${commit.slice(0, 12)}`,
        diff: ['diff', parent!, commit, '--', ...files],
      });
  }
  return found;
}

async function allowChange(id: string, location: RepositoryLocation, io: Io): Promise<number> {
  if (!/^[0-9a-f]{16}$/.test(id))
    throw new UsageError(`allow-once: --change takes the 16-character id the hook printed; got "${id}".`);
  const match = (await candidates(location, io)).find((candidate) => candidate.id === id);
  if (!match)
    throw new UsageError(
      `allow-once: no staged change and no unpushed commit is change ${id}. Commit or push again to see the id of the change as it is now.`,
    );
  grantChange(location.commonDir, { change: id, files: match.files, granted: new Date().toISOString() });
  // Show what is being allowed: the person granting it should see the change, not take it on trust.
  const diff = git(['--no-pager', ...match.diff], { cwd: location.root, env: io.env }).stdout.split('\n');
  io.stdout(
    `${diff.slice(0, 200).join('\n')}${diff.length > 200 ? `\n(${diff.length - 200} more lines)` : ''}\n`,
  );
  io.stdout(
    `Change ${id} (${match.what}) may now change ${match.files.join(', ')}: it is let through at commit and at push, and no other change is.\n`,
  );
  return 0;
}
