// The repository facts the command rules need, gathered once per command in a few git calls, and
// only the ones the operations ask about: most commands need none.

import { existsSync, statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { POLICY_FILES } from '../config/places.js';
import type { CommandFacts } from '../rules/command-facts.js';
import { placeOf } from '../rules/command-facts.js';
import { pathspecOf } from '../shell/glob.js';
import type { Operation, Target } from '../shell/types.js';
import { git } from './exec.js';
import { locateRepository } from './locate.js';

function targetsOf(operations: Operation[]): Target[] {
  return operations.flatMap((operation) => {
    switch (operation.kind) {
      case 'delete':
      case 'chmod':
        return operation.targets;
      case 'write':
        return [operation.target];
      case 'move':
        return [...operation.from, operation.to];
      default:
        return [];
    }
  });
}

const GIT_STATE_COMMANDS = new Set([
  'reset',
  'checkout',
  'restore',
  'switch',
  'clean',
  'stash',
  'branch',
  'rm',
  'checkout-index',
  'read-tree',
]);

/** The files that make up the committed policy: the policy file in every form, and VERIFY.md. */
const POLICY_SOURCES = [...POLICY_FILES, 'VERIFY.md'];

/** Whether `rev` names a commit whose policy files differ from HEAD's. */
function policyDiffers(root: string, rev: string): boolean {
  const tree = (commit: string) =>
    git(['ls-tree', '-z', commit, '--', ...POLICY_SOURCES], { cwd: root, okStatus: [128] });
  const target = tree(`${rev}^{commit}`);
  if (target.status !== 0) return false; // not a commit: a path, or a branch to be created
  return target.stdout !== tree('HEAD').stdout;
}

/** Tracked files under the pathspecs with uncommitted changes, staged or not. */
function changedFiles(root: string, specs: string[]): Set<string> {
  const args = ['status', '--porcelain=v1', '-z', '--untracked-files=no', '--no-renames', '--', ...specs];
  const records = git(args, { cwd: root }).stdout.split('\0');
  // "XY path": a file deleted already (D on either side) has nothing left to lose.
  return new Set(
    records
      .filter((record) => record.length > 3 && !record.slice(0, 2).includes('D'))
      .map((record) => record.slice(3)),
  );
}

export function gatherFacts(
  root: string,
  inRepository: boolean,
  operations: Operation[],
  env: NodeJS.ProcessEnv,
  tempDirs: string[],
): CommandFacts {
  const facts: CommandFacts = {
    root,
    inRepository,
    ...(env.HOME ? { home: env.HOME } : {}),
    tempDirs,
    trackedUnder: new Set(),
    ignored: new Set(),
    existing: new Set(),
    dirty: false,
    untracked: false,
    stash: false,
    merged: new Map(),
    refs: new Set(),
  };
  const targets = targetsOf(operations).filter((target) => target.path !== undefined);
  for (const target of targets)
    if (!target.glob && existsSync(target.path!)) facts.existing.add(target.path!);
  if (!inRepository) return facts;
  const location = locateRepository(root, {});
  if (location) facts.gitDir = location.commonDir;
  const inProject = targets.filter(
    (target) => placeOf(target.path!, facts) === 'project' || placeOf(target.path!, facts) === 'project-root',
  );
  if (inProject.length) {
    const specs = inProject.flatMap((target) => {
      const rel = relative(root, target.path!).split(sep).join('/') || '.';
      return target.glob
        ? [pathspecOf(rel, target.globOptions), pathspecOf(`${rel}/**`, target.globOptions)]
        : [`:(literal)${rel}`];
    });
    const listed = git(['ls-files', '-z', '--', ...specs], { cwd: root })
      .stdout.split('\0')
      .filter(Boolean);
    for (const file of listed) facts.trackedUnder.add(file);
    // Deleting a tracked file loses its uncommitted changes, as `git checkout -- file` would.
    const deleted = operations.flatMap((operation) => (operation.kind === 'delete' ? operation.targets : []));
    if (listed.length && deleted.some((target) => inProject.includes(target)))
      facts.changedUnder = changedFiles(root, specs);
    const plain = inProject.filter((target) => !target.glob && placeOf(target.path!, facts) === 'project');
    if (plain.length) {
      // A directory pattern (`dist/`) only matches a path that says it is a directory; a path that
      // does not exist yet is asked about both ways.
      const input = plain
        .flatMap((target) => {
          const rel = relative(root, target.path!);
          if (!facts.existing.has(target.path!)) return [rel, `${rel}/`];
          return [rel + (statSync(target.path!).isDirectory() ? '/' : '')];
        })
        .join('\0');
      const ignored = git(['check-ignore', '-z', '--stdin'], { cwd: root, input, okStatus: [1] })
        .stdout.split('\0')
        .filter(Boolean);
      for (const path of ignored) facts.ignored.add(`${root}${sep}${path}`.replace(/\/$/, ''));
    }
  }
  const gitOperations = operations.filter(
    (operation): operation is Extract<Operation, { kind: 'git' }> => operation.kind === 'git',
  );
  if (gitOperations.some((operation) => GIT_STATE_COMMANDS.has(operation.args[0] ?? ''))) {
    const status = git(['status', '--porcelain=v1', '-z', '--untracked-files=normal'], { cwd: root })
      .stdout.split('\0')
      .filter(Boolean);
    facts.dirty = status.some((entry) => !entry.startsWith('??') && !entry.startsWith('!!'));
    facts.untracked = status.some((entry) => entry.startsWith('??'));
    facts.stash =
      git(['rev-parse', '--verify', '--quiet', 'refs/stash'], { cwd: root, okStatus: [1, 128] }).status === 0;
    for (const operation of gitOperations) {
      const [command, ...rest] = operation.args;
      if (command === 'branch') {
        for (const name of rest.filter((arg) => !arg.startsWith('-'))) {
          const merged =
            git(['merge-base', '--is-ancestor', name, 'HEAD'], { cwd: root, okStatus: [1, 128] }).status ===
            0;
          facts.merged.set(name, merged);
        }
      }
      // `checkout -B name [start]`, `switch -C name [start]`: is the branch already in its new start?
      if (
        (command === 'checkout' || command === 'switch') &&
        rest.some((arg) => /^-[a-zA-Z]*[BC]/.test(arg) || arg === '--force-create')
      ) {
        const [name, start = 'HEAD'] = rest.filter((arg) => !arg.startsWith('-'));
        if (name)
          facts.merged.set(
            name,
            git(['merge-base', '--is-ancestor', name, start], { cwd: root, okStatus: [1, 128] }).status === 0,
          );
      }
      if (command === 'clean' && rest.some((arg) => /^-[a-zA-Z]*X/.test(arg))) {
        // What `git clean -X` would delete, listed by a dry run.
        const dash = rest.indexOf('--');
        const paths = dash === -1 ? rest.filter((arg) => !arg.startsWith('-')) : rest.slice(dash + 1);
        const folders = rest.some((arg) => /^-[a-zA-Z]*d/.test(arg)) ? ['-d'] : [];
        facts.cleaned = git(['clean', '-n', ...folders, '-X', '--', ...paths], {
          cwd: root,
          okStatus: [1, 128],
        })
          .stdout.split('\n')
          .flatMap((line) => (line.startsWith('Would remove ') ? [line.slice(13)] : []));
      }
      // `reset --soft old`, `checkout old`, `switch other`: HEAD moves, and with it the committed
      // policy that judges. Note the commits whose policy (or VERIFY.md) differs from HEAD's.
      if (command === 'reset' || command === 'checkout' || command === 'switch') {
        const dash = rest.indexOf('--');
        for (const name of (dash === -1 ? rest : rest.slice(0, dash)).filter((arg) => !arg.startsWith('-')))
          if (policyDiffers(root, name)) {
            facts.policyMoves ??= new Set();
            facts.policyMoves.add(name);
          }
      }
      if (command === 'checkout' || command === 'switch' || command === 'branch') {
        for (const name of rest.filter((arg) => !arg.startsWith('-'))) {
          if (
            git(['rev-parse', '--verify', '--quiet', `${name}^{commit}`], { cwd: root, okStatus: [1, 128] })
              .status === 0
          )
            facts.refs.add(name);
        }
      }
    }
  }
  return facts;
}
