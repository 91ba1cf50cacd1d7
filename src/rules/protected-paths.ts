import { isAbsolute, relative, sep } from 'node:path';
import * as v from 'valibot';
import { globReaches } from '../shell/glob.js';
import type { Target } from '../shell/types.js';
import type { ChangeSet, RuleReport } from '../types.js';
import { type CommandFacts, placeOf, shown, trackedFilesOf } from './command-facts.js';
import { changedFile } from './examples.js';
import {
  CI_FILES,
  GIT_VIEW_FILES,
  HOOK_FILES,
  NOT_SETTINGS,
  POLICY_FILES,
  SCRIPT_SETTINGS,
} from './globs.js';
import { matchesAny } from './match.js';
import { scriptClosure } from './package-scripts.js';
import type { CheckChange, CheckCommand, RuleMeta } from './rule.js';

const isProtected = (path: string, paths: readonly string[]) =>
  matchesAny(path, paths) && !matchesAny(path, NOT_SETTINGS);

export const checkChange: CheckChange<Options> = (change, options) => {
  const reports: RuleReport[] = change.files
    .filter(
      (file) =>
        isProtected(file.path, options.paths) ||
        (file.oldPath !== undefined && isProtected(file.oldPath, options.paths)),
    )
    .map((file) => ({
      message: `${file.oldPath && isProtected(file.oldPath, options.paths) ? file.oldPath : file.path} is protected and must not change.`,
      file: file.path,
    }));
  const manifest = change.packageScripts;
  if (manifest && options.scripts.length) {
    for (const name of scriptClosure(options.scripts, manifest.before, manifest.after)) {
      if (manifest.before[name] === manifest.after[name]) continue;
      reports.push({
        message: `package.json: the script "${name}" ${manifest.after[name] === undefined ? 'is removed' : manifest.before[name] === undefined ? 'is added' : 'changes'}, and the verification steps run it.`,
        file: 'package.json',
        hint: 'The scripts verification runs are for humans to change: a changed test script changes what "passing" means.',
      });
    }
  }
  return reports;
};

const file = changedFile;

export const changeExamples: { valid: ChangeSet[]; invalid: ChangeSet[] } = {
  valid: [{ source: 'staged', files: [file('src/a.ts')] }],
  invalid: [
    { source: 'staged', files: [file('.agentpolicyrc')] },
    { source: 'staged', files: [file('.husky/pre-commit', { status: 'deleted' })] },
    { source: 'staged', files: [file('ci.yml', { status: 'renamed', oldPath: '.github/workflows/ci.yml' })] },
    { source: 'staged', files: [file('.claude/agents/reviewer.md')] },
  ],
};

export const meta = {
  id: 'protected-paths',
  description: 'Files matching these globs must not change at all: by default the policy, the hooks and CI.',
  defaultSeverity: 'error',
  inputs: ['change', 'command'],
  options: v.strictObject({
    /** Globs of files that must not change. The policy's own sources are always added. */
    paths: v.optional(v.array(v.string()), [
      ...POLICY_FILES,
      ...HOOK_FILES,
      ...CI_FILES,
      ...GIT_VIEW_FILES,
      ...SCRIPT_SETTINGS,
    ]),
    /** package.json scripts that must not change; the scripts the verification steps run are always added. */
    scripts: v.optional(v.array(v.string()), []),
  }),
  hint: 'These files are for humans to change. Ask for the change instead of making it.',
} satisfies RuleMeta;

export type Options = v.InferOutput<typeof meta.options>;

/**
 * Never writable by a command other than git: git's own state as a whole (its hooks, its
 * configuration, the refs written as files, the objects, our state under .git/agentpolicy/); git
 * commands change it through git, which the other rules judge. `.git` itself too: in a linked
 * worktree it is the file naming the git directory. Lock files git left behind may be removed.
 */
const ALWAYS = ['.git', '.git/**'];
const GIT_LOCKS = ['.git/**/*.lock', '.git/*.lock'];

/** The guard's own installed code: writing into it would change what judges the next command. */
const OWN_CODE = [
  'node_modules/agentpolicy/**',
  'node_modules/.bin/agentpolicy',
  'node_modules/.bin/agentpolicy-sh',
];

/**
 * Whether a write to `rel` (relative to the project) concerns this rule at all: contained
 * execution reads what a command wrote in git-ignored folders only where a path is protected.
 */
export function protects(rel: string, options: Options, ignored: boolean): boolean {
  // git reads no attributes inside a folder it ignores: `.gitattributes` there changes nothing.
  if (ignored && matchesAny(rel, GIT_VIEW_FILES)) return false;
  return matchesAny(rel, options.paths) || matchesAny(rel, ALWAYS) || matchesAny(rel, OWN_CODE);
}

export const checkCommand: CheckCommand<Options> = (operations, options, facts) => {
  const reports = [];
  const touched = (target: Target, deleting: boolean) => {
    if (!target.path) return undefined;
    const gitRel = inGitDirectory(target.path, facts);
    if (gitRel !== undefined) return deleting && matchesAny(gitRel, GIT_LOCKS) ? undefined : gitRel;
    const place = placeOf(target.path, facts);
    if (place !== 'project' && place !== 'git-dir') return undefined;
    const rel = shown(target, facts);
    if (deleting && matchesAny(rel, GIT_LOCKS)) return undefined;
    if (isProtected(rel, options.paths) || matchesAny(rel, ALWAYS)) return rel;
    // Deleting node_modules as a whole is fine (the hooks then block until it is reinstalled).
    if (!deleting && matchesAny(rel, OWN_CODE)) return rel;
    if (!target.glob && !deleting) return undefined;
    // A glob (`rm -rf .*`) or a folder being removed (`rm -rf .github`) reaches a protected file
    // when a tracked one is in it, or when a protected name (not one that may sit in any folder,
    // like `**/.gitattributes`) is in it.
    const tracked = trackedFilesOf(target, facts).find(
      (file) => isProtected(file, options.paths) || matchesAny(file, ALWAYS),
    );
    if (tracked) return target.glob || tracked !== rel ? `${tracked} (through ${rel})` : rel;
    const reaches = (glob: string) => {
      if (glob.startsWith('**')) return false;
      const sample = glob.replace(/\*\*.*$/, 'x').replace(/\*/g, 'x');
      return target.glob ? globReaches(sample, rel, target.globOptions) : sample.startsWith(`${rel}/`);
    };
    const reached = [...options.paths, ...ALWAYS].find(reaches);
    return reached ? `${reached.replace(/\/\*\*$/, '')} (through ${rel})` : undefined;
  };
  for (const operation of operations) {
    // `git reset --soft old`, `git checkout old`: the policy in force is HEAD's, so moving HEAD to a
    // commit with another policy changes the policy as surely as editing it.
    if (operation.kind === 'git' && ['reset', 'checkout', 'switch'].includes(operation.args[0] ?? '')) {
      const moved = operation.args.slice(1).find((arg) => facts.policyMoves?.has(arg));
      if (moved)
        reports.push({
          message: `\`git ${operation.args.join(' ')}\` moves HEAD to ${moved}, whose committed policy differs from the one in force.`,
          alternative: 'The policy is for humans to change: ask a human to switch, or stay on this commit.',
        });
    }
    // `agentpolicy allow-once`, `agentpolicy profile`: a human's permission, from any folder.
    if (operation.kind === 'write' && /^agentpolicy (allow-once|profile|<dynamic>)$/.test(operation.via)) {
      reports.push({
        message: `\`${operation.via}\` gives a human's permission, which an agent cannot give itself.`,
        alternative: 'Ask the human to run it in their terminal.',
      });
      continue;
    }
    // `npm pkg set agentpolicy.rules.x=off`, an Edit adding "agentpolicy" to package.json: the
    // policy key is a policy source wherever it is written.
    if (operation.kind === 'write' && operation.keys?.includes('agentpolicy') && operation.target.path)
      reports.push({
        message: `\`${operation.via}\` changes the agentpolicy key of ${shown(operation.target, facts)}, a policy source, which is protected.`,
        alternative: 'The policy is for humans to change: ask for the change instead.',
      });
    const targets =
      operation.kind === 'write'
        ? [operation.target]
        : operation.kind === 'delete' || operation.kind === 'chmod'
          ? operation.targets
          : operation.kind === 'move'
            ? [...operation.from, operation.to]
            : [];
    const deleting = operation.kind === 'delete' || operation.kind === 'move';
    for (const target of targets) {
      const rel = touched(target, deleting && !(operation.kind === 'move' && target === operation.to));
      if (rel)
        reports.push({
          message: `\`${'via' in operation ? operation.via : 'the command'}\` changes ${rel}, which is protected.`,
          alternative: 'These files are for humans to change: ask for the change instead.',
        });
    }
  }
  return reports;
};

/** `.git/<path>` when `path` is inside the repository's common git directory (a linked worktree's is elsewhere). */
function inGitDirectory(path: string, facts: CommandFacts): string | undefined {
  if (!facts.gitDir) return undefined;
  const rel = relative(facts.gitDir, path);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel ? `.git/${rel.split(sep).join('/')}` : '.git';
}

export const commandExamples = {
  valid: ['cat .agentpolicyrc', 'echo x >> NOTES.md', 'rm -rf node_modules', 'rm -rf src/old'],
  // .git/info/attributes is never committed, so only the guard can stop an agent writing it.
  invalid: [
    'rm .agentpolicyrc',
    "echo '{}' > .claude/settings.json",
    'sed -i s/a/b/ .husky/pre-commit',
    'agentpolicy allow-once no-force-push',
    'cd src && npx agentpolicy allow-once protected-paths',
    'agentpolicy --debug profile human',
    'script -qec "npx agentpolicy profile human" /dev/null',
    'rm -rf .claude',
    'mv .github elsewhere',
    'echo "module.exports = {}" > node_modules/agentpolicy/dist/hot.cjs',
    "echo '* -diff' >> .git/info/attributes",
    "echo '*.ts -diff' >> .gitattributes",
    'git rev-parse HEAD~1 > .git/refs/heads/main',
    "echo 'script-shell=true' >> .npmrc",
    'touch .cursor/rules/new.mdc',
    "echo '{}' > .github/copilot/settings.json",
  ],
} satisfies { valid: string[]; invalid: string[] };
