import * as v from 'valibot';
import { globReaches } from '../shell/glob.js';
import type { Operation, Target } from '../shell/types.js';
import type { RuleReport } from '../types.js';
import {
  type CommandFacts,
  list,
  placeOf,
  projectPath,
  regenerable,
  shown,
  trackedFilesOf,
} from './command-facts.js';
import type { CheckCommand, RuleMeta } from './rule.js';

export const meta = {
  id: 'no-mass-deletion',
  description:
    'No command that deletes outside the project, deletes tracked files in bulk, destroys a file’s content, or wipes infrastructure.',
  defaultSeverity: 'error',
  inputs: ['command'],
  options: v.strictObject({}),
  hint: 'Delete single files you created, by name; for tracked files use `git rm <file>` so the deletion is reviewed.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

function checkDeletion(target: Target, recursive: boolean, facts: CommandFacts, via: string, bulk = false) {
  if (!target.path) {
    // A recursive delete of an unknown path, or one of many deletes of paths known only at run
    // time (a loop, whatever xargs or parallel is fed).
    return recursive || bulk || target.raw === '<input>'
      ? [
          {
            message: `\`${via}\` deletes \`${target.raw}\`, which is only known when it runs.`,
            alternative: 'Name the path to delete literally.',
          },
        ]
      : [];
  }
  // `rm -rf ../*`, `rm -rf /tmp/*`: a pattern that matches the project itself (or a folder above it).
  if (target.glob && globReaches(facts.root, target.path, { dot: false, ...target.globOptions }))
    return [{ message: `\`${via}\` deletes ${target.raw}, which matches the whole project.` }];
  const place = placeOf(target.path, facts);
  if (place === 'temp') return [];
  if (place === 'outside') {
    return [
      {
        message: `\`${via}\` deletes ${target.path}, outside the project.`,
        alternative: 'Only delete inside the project or a temporary directory.',
      },
    ];
  }
  // Inside .git, protected-paths judges (it lets git's stale lock files go).
  if (place === 'git-dir' && projectPath(target, facts) !== '.git') return [];
  if (place === 'project-root' || place === 'git-dir') {
    return [
      {
        message: `\`${via}\` deletes ${place === 'git-dir' ? 'the repository itself (.git)' : 'the whole project'}.`,
      },
    ];
  }
  const tracked = trackedFilesOf(target, facts);
  const changed = tracked.filter((file) => facts.changedUnder?.has(file));
  if (changed.length)
    return [
      {
        message: `\`${via}\` deletes ${list(changed)} with uncommitted changes, which exist nowhere else.`,
        alternative: 'Commit the changes first, so the deletion can be undone from git, or ask a human.',
      },
    ];
  if (!recursive && !target.glob) return [];
  if (tracked.length === 0) return [];
  return [
    {
      message: `\`${via}\` deletes ${tracked.length} tracked file(s): ${list(tracked)}.`,
      alternative: 'Delete the files one by one with `git rm`, or ask a human.',
    },
  ];
}

/** Deleting this many tracked files by name in one command line is a bulk deletion. */
const BULK = 3;

/** A move that takes tracked files out of the project, or replaces a file with a tracked one. */
function checkMove(operation: Extract<Operation, { kind: 'move' }>, facts: CommandFacts): RuleReport[] {
  const { to } = operation;
  if (!to.path) return [];
  const reports: RuleReport[] = [];
  const toPlace = placeOf(to.path, facts);
  for (const from of operation.from) {
    const tracked = trackedFilesOf(from, facts);
    if (tracked.length === 0) continue;
    if (toPlace === 'outside' || toPlace === 'temp')
      reports.push({
        message: `\`${operation.via}\` moves ${tracked.length} tracked file(s) out of the project: ${list(tracked)}.`,
        alternative: 'Copy what you need instead, or delete single files with `git rm`.',
      });
    else if (
      !operation.keep &&
      operation.from.length === 1 &&
      !from.glob &&
      to.path !== from.path &&
      facts.existing.has(to.path) &&
      facts.trackedUnder.has(projectPath(to, facts) ?? '')
    )
      reports.push({
        message: `\`${operation.via}\` replaces ${shown(to, facts)} with ${shown(from, facts)}, destroying its content.`,
        alternative: 'Edit the file instead, or move to a new name.',
      });
  }
  return reports;
}

export const checkCommand: CheckCommand<Options> = (operations, _options, facts) => {
  const reports: RuleReport[] = [];
  const named = new Set<string>();
  const overwritten = new Set<string>();
  for (const operation of operations) {
    switch (operation.kind) {
      case 'delete':
        for (const target of operation.targets) {
          reports.push(...checkDeletion(target, operation.recursive, facts, operation.via, operation.bulk));
          if (
            !operation.recursive &&
            !target.glob &&
            target.path &&
            facts.trackedUnder.has(projectPath(target, facts) ?? '')
          )
            named.add(projectPath(target, facts)!);
        }
        break;
      case 'move':
        reports.push(...checkMove(operation, facts));
        break;
      case 'write': {
        const { target } = operation;
        if (operation.bulk && !target.path && operation.mode !== 'append' && operation.mode !== 'create')
          reports.push({
            message: `\`${operation.via}\` writes over \`${target.raw}\` once per item, a path only known when it runs.`,
            alternative: 'Name the files to edit literally.',
          });
        if (!target.path) break;
        if (operation.shared && !target.glob && facts.existing.has(target.path)) {
          const rel = projectPath(target, facts) ?? '';
          if (facts.trackedUnder.has(rel)) overwritten.add(rel);
        }
        const place = placeOf(target.path, facts);
        if (place === 'outside')
          reports.push({
            message: `\`${operation.via}\` writes ${target.path}, outside the project.`,
            alternative: 'Write inside the project or a temporary directory.',
          });
        else if (
          operation.from?.path &&
          operation.from.path !== target.path &&
          place !== 'temp' &&
          facts.existing.has(target.path) &&
          facts.trackedUnder.has(projectPath(target, facts) ?? '')
        )
          reports.push({
            message: `\`${operation.via}\` replaces ${shown(target, facts)} with ${shown(operation.from, facts)}, destroying its content.`,
            alternative: 'Edit the file instead, or copy to a new name.',
          });
        else if (target.glob && place !== 'temp' && (operation.mode === 'destroy' || operation.shared)) {
          // A glob names every file it matches: `truncate -s0 src/*.ts`, `sed -i d docs/*.md`,
          // `echo x | tee src/*`.
          const tracked = trackedFilesOf(target, facts);
          if (tracked.length)
            reports.push({
              message: `\`${operation.via}\` ${operation.mode === 'destroy' ? 'destroys the content of' : 'overwrites'} ${tracked.length} tracked file(s): ${list(tracked)}.`,
              alternative: 'Edit the files one by one instead.',
            });
        } else if (
          operation.mode === 'destroy' &&
          place !== 'temp' &&
          facts.existing.has(target.path) &&
          // Ignored output (`: > coverage/lcov.info`) is written again by the next run.
          !(facts.ignored.has(target.path) && regenerable(projectPath(target, facts) ?? ''))
        ) {
          reports.push({
            message: `\`${operation.via}\` destroys the content of ${shown(target, facts)}.`,
            alternative:
              'Edit the file instead, or restore it with `git checkout -- <file>` if that is the goal.',
          });
        }
        break;
      }
      case 'chmod':
        for (const target of operation.targets) {
          if (!operation.recursive || !target.path) continue;
          const place = placeOf(target.path, facts);
          if (place === 'project-root' || place === 'outside')
            reports.push({
              message: `\`${operation.via} -R\` changes the permissions of ${shown(target, facts)} and everything in it.`,
            });
        }
        break;
      case 'infra':
        reports.push({
          message: `\`${operation.what}\` deletes infrastructure, which cannot be undone.`,
          alternative: 'Ask a human to do it.',
        });
        break;
      case 'remote':
        for (const inner of operation.operations) {
          if (inner.kind === 'delete' && inner.recursive)
            reports.push({
              message: `\`ssh ${operation.host}\` runs a recursive deletion on another machine (${inner.targets.map((t) => t.raw).join(' ')}).`,
            });
        }
        break;
    }
  }
  if (overwritten.size >= 2)
    reports.push({
      message: `The command writes the same content over ${overwritten.size} tracked files: ${list([...overwritten])}.`,
      alternative: 'Edit the files one by one instead.',
    });
  if (named.size >= BULK)
    reports.push({
      message: `The command deletes ${named.size} tracked files: ${list([...named])}.`,
      alternative: 'Delete the files one by one with `git rm`, or ask a human.',
    });
  return reports;
};

export const commandExamples = {
  valid: ['rm -rf node_modules', 'rm -rf /tmp/build', 'rm notes.txt', 'echo hi > notes.txt', 'ls -la'],
  invalid: [
    'rm -rf /',
    'rm -rf ~',
    'rm -rf src',
    'find src -delete',
    '> src/index.ts',
    'kubectl delete namespace prod',
  ],
} satisfies { valid: string[]; invalid: string[] };
