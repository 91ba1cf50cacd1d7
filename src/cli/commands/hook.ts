import { generatedAt, markGenerated } from '../../adapters/attributes.js';
import { hookIntegrityFindings } from '../../adapters/hook-integrity.js';
import {
  applyChangePermission,
  policyChangeFindings,
  withPackageManifest,
} from '../../adapters/policy-change.js';
import { checkCommits, STEP_RULES } from '../../adapters/range-check.js';
import { consumeAllowance, hasAllowance, pinChangePermission } from '../../audit/allow-once.js';
import { readProfileSelection } from '../../audit/profile.js';
import { headCommit, type PolicyInForce, policyAtCommit } from '../../config/committed.js';
import { evaluateChange, evaluatePush, needsHunks } from '../../engine/evaluate.js';
import { UsageError } from '../../errors.js';
import { collectStaged } from '../../git/collect.js';
import { git } from '../../git/exec.js';
import { locateRepository, type RepositoryLocation } from '../../git/locate.js';
import { parsePrePushInput } from '../../git/parse-pre-push.js';
import { type PushUpdate, resolvePushUpdates } from '../../git/push-updates.js';
import type { Finding, ResolvedPolicy } from '../../types.js';
import type { Globals } from '../commands.js';
import { judgingPolicy } from '../context.js';
import { type Io, paint, useColor } from '../io.js';
import { commitMsg, report } from './hook-message.js';

export const usage = `Usage: agentpolicy hook <pre-commit|commit-msg|pre-push|pre-merge-commit> [git's hook arguments]

Runs the policy for one git hook. The scripts that \`agentpolicy init\` installs call this; git passes
the arguments (commit-msg: the message file; pre-push: the remote name and URL, and the refs on stdin).
  pre-commit        the diff rules on the staged change, then the verification steps for pre-commit
  pre-merge-commit  the same for a merge, without the rules that judge one step's size and shape
  commit-msg        the message rules on the message git will commit
  pre-push          every pushed commit judged again (diff and message rules), the whole push's
                    size, force pushes and branch deletions, then the steps for pre-push
A commit is judged by the policy committed at HEAD, a push by the policy of what the remote already
has: a change to the policy is judged by the policy before it (policy-changed), never by itself.
`;

export async function run(argv: string[], io: Io, _globals: Globals): Promise<number> {
  const [name, ...args] = argv;
  const location = locateRepository(io.cwd, io.env);
  if (!location) throw new UsageError(`hook: ${io.cwd} is not inside a git repository.`);
  switch (name) {
    case 'commit-msg':
      return commitMsg(args, io, location);
    case 'pre-commit':
    case 'pre-merge-commit':
      return preCommit(name, io, location);
    case 'pre-push':
      return prePush(args, io, location);
    default:
      throw new UsageError(
        `hook: unknown hook "${name ?? ''}". Hooks: pre-commit, commit-msg, pre-push, pre-merge-commit.`,
      );
  }
}

function announceProfile(inForce: PolicyInForce, io: Io): void {
  if (inForce.policy.profile)
    io.stderr(
      `agentpolicy: profile "${inForce.policy.profile}" applies, as a human selected with \`agentpolicy profile\`.\n`,
    );
}

async function preCommit(
  hook: 'pre-commit' | 'pre-merge-commit',
  io: Io,
  location: RepositoryLocation,
): Promise<number> {
  const inForce = judgingPolicy(location, io);
  const { policy } = inForce;
  announceProfile(inForce, io);
  // git points GIT_INDEX_FILE at what it will commit (index.lock during `commit -a`).
  const change = collectStaged({ root: location.root, env: io.env, hunks: needsHunks(policy) });
  markGenerated(change, generatedAt(location, inForce.commit));
  const head = headCommit(location, io.env);
  const { keyChanged } = withPackageManifest(
    change,
    location.root,
    head ? { commit: head } : { absent: true },
    { index: true },
    io.env,
  );
  let findings: Finding[];
  if (!inForce.commit) {
    // Until a policy is committed there is nothing in force: the commit that brings the policy and
    // the hooks in is a human setting the guardrails up, and the diff rules start after it.
    findings = [];
    if (change.files.length)
      io.stderr(
        'agentpolicy: this commit brings the first policy in; the diff rules apply from the next commit.\n',
      );
  } else {
    findings = [
      ...policyChangeFindings(change, policy, keyChanged),
      ...evaluateChange(policy, change, { scope: 'commit' }).findings,
    ];
    if (hook === 'pre-merge-commit') findings = findings.filter((finding) => !STEP_RULES.has(finding.rule));
  }
  const permitted = applyChangePermission(
    findings,
    location.commonDir,
    location.root,
    { staged: true, parent: head },
    io.env,
  );
  if (permitted.permitted)
    io.stderr(
      `agentpolicy: change ${permitted.permitted} to guarded files let through, as a human allowed with \`agentpolicy allow-once --change\`.\n`,
    );
  const { findings: remaining, waived } = waiveAllowedOnce(permitted.findings, location);
  const status = report(hook, 'staged changes', remaining, io);
  if (status !== 0) return status;
  const changedPaths = change.files.flatMap((file) =>
    file.oldPath ? [file.path, file.oldPath] : [file.path],
  );
  const verified = await runVerification(hook, policy, io, location, { changedPaths });
  // A permission is spent only by a commit that passes every check.
  if (verified === 0) spendAllowances(waived, location, io);
  return verified;
}

/** Rules a human's `agentpolicy allow-once <rule>` lets through this time (spent once all passes). */
function waiveAllowedOnce(
  findings: Finding[],
  location: RepositoryLocation,
): { findings: Finding[]; waived: string[] } {
  const blocking = [
    ...new Set(findings.filter((finding) => finding.severity === 'error').map((finding) => finding.rule)),
  ];
  const waived = blocking.filter((rule) => hasAllowance(location.commonDir, rule));
  return { findings: findings.filter((finding) => !waived.includes(finding.rule)), waived };
}

function spendAllowances(waived: string[], location: RepositoryLocation, io: Io): void {
  for (const rule of waived)
    if (consumeAllowance(location.commonDir, rule, undefined))
      io.stderr(
        `agentpolicy: ${rule} let through once, as a human allowed with \`agentpolicy allow-once\`.\n`,
      );
}

/**
 * The policy a pushed update is judged by, the way the CI gate picks its base: the policy of the
 * commit the update builds on (what the remote has); for a history with nothing in common with the
 * remote, the policy of the remote's default branch; when neither has one, the first policy the
 * pushed commits bring in (a human setting the guardrails up).
 */
function basePolicy(
  location: RepositoryLocation,
  update: PushUpdate,
  remote: string,
): (PolicyInForce & { settingUp?: boolean }) | undefined {
  const profile = readProfileSelection(location.commonDir)?.name;
  const options = profile ? { profile } : {};
  const oldest = update.commits[0];
  const base =
    update.base ??
    (oldest
      ? git(['rev-list', '--parents', '-n', '1', oldest], { cwd: location.root }).stdout.trim().split(' ')[1]
      : undefined);
  const atBase = base ? policyAtCommit(location, base, { ...options, name: base.slice(0, 12) }) : undefined;
  if (atBase) return atBase;
  for (const ref of [
    `refs/remotes/${remote}/HEAD`,
    `refs/remotes/${remote}/main`,
    `refs/remotes/${remote}/master`,
  ]) {
    const result = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: location.root,
      okStatus: [1, 128],
    });
    if (result.status !== 0) continue;
    const tip = result.stdout.trim();
    const atRemote = policyAtCommit(location, tip, { ...options, name: ref.replace('refs/remotes/', '') });
    if (atRemote) return atRemote;
  }
  for (const commit of update.commits) {
    const first = policyAtCommit(location, commit, { ...options, name: commit.slice(0, 12) });
    if (first) return { ...first, settingUp: true };
  }
  return undefined;
}

async function prePush(args: string[], io: Io, location: RepositoryLocation): Promise<number> {
  const remote = args[0] ?? 'origin';
  const updates = resolvePushUpdates(location.root, remote, parsePrePushInput(await io.readStdin()));
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const add = (finding: Finding) => {
    const key = `${finding.commit ?? ''}\0${finding.rule}\0${finding.file ?? ''}\0${finding.message}`;
    if (!seen.has(key)) findings.push(finding);
    seen.add(key);
  };
  const permittedCommits = new Map<string, string>();
  const verifications: { tip: string; policy: ResolvedPolicy; ref: string }[] = [];
  let fallback: PolicyInForce | undefined;
  const headPolicy = () => {
    fallback ??= judgingPolicy(location, io);
    return fallback;
  };
  for (const update of updates) {
    const inForce: PolicyInForce & { settingUp?: boolean } =
      (update.commits.length ? basePolicy(location, update, remote) : undefined) ??
      refPolicy(location, update) ??
      headPolicy();
    const { policy } = inForce;
    for (const finding of hookIntegrityFindings(location, policy)) add(finding);
    for (const finding of evaluatePush(policy, [update])) add(finding);
    // Every pushed commit is judged again: rebases, cherry-picks and --no-verify commits never ran
    // the local commit hooks.
    if (update.deletion || update.commits.length === 0) continue;
    const result = await checkCommits(policy, update.range, update.base, update.localOid, {
      root: location.root,
      env: io.env,
      ...(inForce.settingUp ? { origin: 'adoption', afterPolicyOnly: true } : {}),
      ...(inForce.commit ? { attributesAt: inForce.commit } : {}),
    });
    const byCommit = new Map<string, Finding[]>();
    for (const finding of result.findings) {
      const key = finding.commit ?? '';
      byCommit.set(key, [...(byCommit.get(key) ?? []), finding]);
    }
    for (const [commit, list] of byCommit) {
      if (!commit) {
        list.forEach(add);
        continue;
      }
      const permitted = applyChangePermission(list, location.commonDir, location.root, { commit }, io.env);
      if (permitted.permitted) permittedCommits.set(permitted.permitted, commit);
      permitted.findings.forEach(add);
    }
    if (!verifications.some((item) => item.tip === update.localOid))
      verifications.push({ tip: update.localOid, policy, ref: update.localRef });
  }
  for (const [id, commit] of permittedCommits)
    io.stderr(`agentpolicy: change ${id} (${commit.slice(0, 12)}) let through, as a human allowed.\n`);
  const { findings: remaining, waived } = waiveAllowedOnce(findings, location);
  const status = report('pre-push', `push to ${remote}`, remaining, io);
  if (status !== 0) return status;
  for (const { tip, policy, ref } of verifications) {
    const result = await runVerification('pre-push', policy, io, location, {
      commit: tip,
      ...(ref ? { ref } : {}),
    });
    if (result !== 0) return result;
  }
  spendAllowances(waived, location, io);
  for (const [id, commit] of permittedCommits) pinChangePermission(location.commonDir, id, commit);
  return 0;
}

/** For an update that sends no commits (a deletion): the policy of what the remote has there. */
function refPolicy(location: RepositoryLocation, update: PushUpdate): PolicyInForce | undefined {
  if (update.creation) return undefined;
  const known =
    git(['cat-file', '-e', `${update.remoteOid}^{commit}`], { cwd: location.root, okStatus: [1, 128] })
      .status === 0;
  return known
    ? policyAtCommit(location, update.remoteOid, { name: update.remoteOid.slice(0, 12) })
    : undefined;
}

async function runVerification(
  hook: string,
  policy: ResolvedPolicy,
  io: Io,
  location: RepositoryLocation,
  scope: { changedPaths?: string[]; commit?: string; ref?: string },
): Promise<number> {
  const { verify } = await import('../../verify/verify.js');
  const p = paint(useColor(io, 'stderr'));
  const occasion = hook === 'pre-push' ? 'pre-push' : 'pre-commit';
  const outcome = await verify(policy, occasion, {
    reuse: true,
    root: location.root,
    gitDir: location.gitDir,
    commonDir: location.commonDir,
    env: io.env,
    ...scope,
    write: io.stderr,
    paint: p,
    live: io.stderrIsTTY,
  });
  if (outcome.problem) io.stderr(`${p.red('✗')} ${outcome.problem}\n`);
  if (outcome.ok) return 0;
  io.stderr(`agentpolicy ${hook}: blocked: verification failed. Fix it, then try again.\n`);
  return 1;
}
