// Changes to what judges: a change set that touches a policy source (a policy file, a file it
// extends, VERIFY.md when the steps come from it, an "agentpolicy" key in package.json) is judged
// by the policy before it and reported as policy-changed. A human lets one such change through with
// a permission bound to the change itself: its parent commit and the exact blobs of the guarded
// files, so the same permission holds at commit time and at push, and nothing else can reuse it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findChangePermission } from '../audit/allow-once.js';
import { POLICY_FILES } from '../config/places.js';
import { git } from '../git/exec.js';
import { sha1 } from '../git/sha1.js';
import type { ChangeSet, Finding, ResolvedPolicy } from '../types.js';

/** Repository paths whose change changes the policy. */
export function policySources(policy: ResolvedPolicy): string[] {
  return [...new Set([...POLICY_FILES, ...(policy.repoSources ?? [])])];
}

/** A revision of package.json's content: a commit, the index (`:`), or text already read. */
export type Side =
  | { commit: string }
  | { index: true }
  | { worktree: true }
  | { absent: true }
  | { text: string | undefined };

interface Manifest {
  scripts: Record<string, string>;
  /** package.json's "agentpolicy" key, as JSON text; '' when absent. */
  key: string;
}

function readManifest(root: string, side: Side, env: NodeJS.ProcessEnv | undefined): Manifest {
  const empty = { scripts: {}, key: '' };
  if ('absent' in side) return empty;
  if ('text' in side) return side.text === undefined ? empty : manifestOf(side.text);
  if ('worktree' in side) {
    try {
      return manifestOf(readFileSync(join(root, 'package.json'), 'utf8'));
    } catch {
      return empty;
    }
  }
  const spec = 'index' in side ? ':package.json' : `${side.commit}:package.json`;
  const result = git(['--no-replace-objects', 'cat-file', 'blob', spec], {
    cwd: root,
    okStatus: [128],
    ...(env ? { env } : {}),
  });
  if (result.status !== 0) return empty;
  return manifestOf(result.stdout);
}

function manifestOf(text: string): Manifest {
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    const scripts: Record<string, string> = {};
    if (data.scripts && typeof data.scripts === 'object' && !Array.isArray(data.scripts))
      for (const [name, body] of Object.entries(data.scripts)) scripts[name] = String(body);
    return { scripts, key: data.agentpolicy === undefined ? '' : JSON.stringify(data.agentpolicy) };
  } catch {
    // Not JSON: every script counts as changed, so a broken manifest cannot hide a changed one.
    return { scripts: { '\0unreadable': text }, key: '\0unreadable' };
  }
}

/**
 * Adds package.json's scripts before and after to a change set that touches package.json, and
 * says whether its "agentpolicy" key changed.
 */
export function withPackageManifest(
  change: ChangeSet,
  root: string,
  before: Side,
  after: Side,
  env?: NodeJS.ProcessEnv,
): { keyChanged: boolean } {
  if (!change.files.some((file) => file.path === 'package.json' || file.oldPath === 'package.json'))
    return { keyChanged: false };
  const old = readManifest(root, before, env);
  const now = readManifest(root, after, env);
  change.packageScripts = { before: old.scripts, after: now.scripts };
  return { keyChanged: old.key !== now.key };
}

/** policy-changed findings for the policy sources a change set touches. */
export function policyChangeFindings(
  change: ChangeSet,
  policy: ResolvedPolicy,
  packageKeyChanged: boolean,
  commit?: string,
): Finding[] {
  const sources = new Set(policySources(policy));
  const touched = new Set<string>();
  for (const file of change.files)
    for (const path of [file.path, file.oldPath])
      if (path !== undefined && sources.has(path)) touched.add(path);
  if (packageKeyChanged) touched.add('package.json');
  return [...touched].map((path) => ({
    rule: 'policy-changed',
    severity: 'error',
    file: path,
    message:
      path === 'package.json'
        ? 'package.json changes its "agentpolicy" key, which is not a policy source: the policy lives in .agentpolicyrc only.'
        : `${path} changes the policy. The change is judged by the policy before it, not by itself.`,
    hint: 'A human lets a policy change through with the command below; an agent asks for it.',
    ...(commit ? { commit } : {}),
  }));
}

/** Rules whose findings on files a change permission covers. */
const GUARDED_RULES = new Set(['policy-changed', 'protected-paths']);

/** The files of findings that a change permission can cover. */
export function guardedFiles(findings: Finding[]): string[] {
  return [
    ...new Set(
      findings
        .filter((finding) => finding.severity === 'error' && GUARDED_RULES.has(finding.rule) && finding.file)
        .map((finding) => finding.file!),
    ),
  ].sort();
}

/** Where a change sits: the staged index on HEAD, or a commit on its first parent. */
export type ChangePlace = { staged: true; parent: string | null } | { commit: string };

/**
 * The id of the change to `files`: the parent commit and each file's blob before and after. The same
 * commit gets the same id when it is staged and when it is pushed.
 */
export function changeId(root: string, place: ChangePlace, files: string[], env?: NodeJS.ProcessEnv): string {
  const options = { cwd: root, ...(env ? { env } : {}) };
  let parent: string | null;
  let raw: string;
  if ('staged' in place) {
    parent = place.parent;
    const against = parent ?? emptyTreeOf(root, env);
    raw = git(
      ['diff-index', '--cached', '--raw', '-z', '--no-renames', '--no-abbrev', against, '--', ...files],
      options,
    ).stdout;
  } else {
    const parents = git(['rev-list', '--parents', '-n', '1', place.commit], options).stdout.trim().split(' ');
    parent = parents[1] ?? null;
    raw = git(
      [
        'diff-tree',
        '-r',
        '--raw',
        '-z',
        '--no-renames',
        '--no-abbrev',
        parent ?? '--root',
        place.commit,
        '--',
        ...files,
      ],
      options,
    ).stdout;
  }
  // --raw -z: ":<old mode> <new mode> <old blob> <new blob> <status>\0<path>\0" per file.
  const fields = raw.split('\0');
  const entries: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i]!.replace(/^:/, '').split(' ');
    if (meta.length < 5) continue;
    entries.push(`${fields[i + 1]} ${meta[2]} ${meta[3]}`);
  }
  entries.sort();
  return sha1(`agentpolicy change\n${parent ?? 'root'}\n${entries.join('\n')}`).slice(0, 16);
}

function emptyTreeOf(root: string, env?: NodeJS.ProcessEnv): string {
  return git(['hash-object', '-t', 'tree', '--stdin'], {
    cwd: root,
    input: '',
    ...(env ? { env } : {}),
  }).stdout.trim();
}

/**
 * Lets through the guarded findings of a change a human allowed. Returns what is left and the
 * permission's id when one applied; when none did, the findings say the one command that would.
 */
export function applyChangePermission(
  findings: Finding[],
  commonDir: string,
  root: string,
  place: ChangePlace,
  env?: NodeJS.ProcessEnv,
): { findings: Finding[]; permitted?: string } {
  const files = guardedFiles(findings);
  if (files.length === 0) return { findings };
  const id = changeId(root, place, files, env);
  const permission = findChangePermission(commonDir, id);
  const commit = 'commit' in place ? place.commit : undefined;
  if (permission && (!permission.pinned || permission.pinned === commit)) {
    const covered = new Set(files);
    return {
      findings: findings.filter(
        (finding) => !(GUARDED_RULES.has(finding.rule) && finding.file && covered.has(finding.file)),
      ),
      permitted: id,
    };
  }
  const command = `agentpolicy allow-once --change ${id}`;
  return {
    findings: findings.map((finding) =>
      GUARDED_RULES.has(finding.rule) && finding.file && files.includes(finding.file)
        ? {
            ...finding,
            hint: `If you are a human making this change, run \`${command}\` in a terminal, then try again. It lets exactly this change through, at commit and at push. An agent asks a human instead.`,
          }
        : finding,
    ),
  };
}
