// Plain data shared by every layer. No imports, no behaviour: adapters turn the world into these
// shapes, rules and the engine turn them into findings and decisions.

export type Severity = 'warn' | 'error';
export type SeverityOrOff = Severity | 'off';

/** The ids of the built-in rules. Kebab-case, as in ESLint. */
export type RuleId =
  | 'commit-message'
  | 'context-budget'
  | 'edit-only'
  | 'forbidden-content'
  | 'max-diff-lines'
  | 'max-sessions'
  | 'no-branch-deletion'
  | 'no-deletions'
  | 'no-destructive-git'
  | 'no-force-push'
  | 'no-hook-bypass'
  | 'no-mass-deletion'
  | 'no-new-suppressions'
  | 'no-test-tampering'
  | 'plan-item'
  | 'progress-updated'
  | 'protected-paths'
  | 'scope';

/** One finding of one rule. `line` is a line of the new file for content findings. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  hint?: string;
  /** For commands: a safer way to reach the same goal. */
  alternative?: string;
  /** The commit the finding belongs to, for range checks. */
  commit?: string;
}

/** What a rule's check returns; the engine adds the rule id and the configured severity. */
export interface RuleReport {
  message: string;
  file?: string;
  line?: number;
  /** Overrides the rule's default fix hint. */
  hint?: string;
  /** For commands: a safer way to reach the same goal. */
  alternative?: string;
}

// ---------------------------------------------------------------------------------------------
// The resolved policy

export interface RuleSetting {
  severity: Severity;
  options: Record<string, unknown>;
}

/**
 * When steps run: before a commit or push lands, in CI, after each file-changing tool call of an
 * agent (`edit`), and when an agent tries to end its turn (`stop`).
 */
export type VerifyHook = 'pre-commit' | 'pre-push' | 'ci' | 'edit' | 'stop';

export interface VerifyStep {
  name: string;
  run: string;
  on: VerifyHook[];
  /** Globs: the step runs only when a changed path matches one. Empty: always. */
  when: string[];
  /** Milliseconds. */
  timeout: number;
  parallel: boolean;
  /** 'staged' runs on a copy of exactly what is being committed; 'worktree' in the work tree. */
  mode: 'staged' | 'worktree';
  /** Environment variables the result depends on (a final `*` matches a prefix): part of its once-per-tree key. */
  env?: string[];
  /** false: run every time, never reuse a pass recorded on the same tree. */
  once?: boolean;
}

export interface ShellPattern {
  /** argv prefix; each element is a literal or a list of alternatives; '*' matches any one word. */
  pattern: (string | string[])[];
  reason: string;
  examples: { match: string[]; notMatch: string[] };
}

export interface ShellSettings {
  deny: ShellPattern[];
  allow: ShellPattern[];
  /** What a command that cannot be analysed gets. */
  onError: 'deny' | 'ask';
  /** Extra directories (absolute, ~ allowed) where deletion is always fine. */
  tempDirs: string[];
  /**
   * Contained execution for `exec` and `sh`: `auto` where it can run (elsewhere the static pass
   * alone), `required` (block with the fix where it cannot), `off`.
   */
  contain: 'auto' | 'required' | 'off';
}

export interface ResolvedPolicy {
  /** Only the rules that are on. */
  rules: Partial<Record<RuleId, RuleSetting>>;
  verify: VerifyStep[];
  /** Set when the steps come from VERIFY.md: the file to read them from, relative to the root. */
  verifyFrom?: string;
  /** Settings for the steps read from `verifyFrom`. */
  verifyFromSettings?: Pick<VerifyStep, 'on' | 'timeout' | 'mode' | 'env' | 'once'>;
  /** The steps of `verifyFrom`, read from the same commit as the policy; absent when the file is missing. */
  verifyFromSteps?: VerifyStep[];
  /** Repository paths the policy was read from: the policy file, files it extends, `verifyFrom`. */
  repoSources?: string[];
  shell: ShellSettings;
  /** Files the policy came from, in load order (presets as `agentpolicy:<name>`). */
  sources: string[];
  /** Selected profile, if any. */
  profile?: string;
}

// ---------------------------------------------------------------------------------------------
// Change sets (from git)

export type FileStatus =
  | 'added'
  | 'modified'
  | 'deleted'
  | 'renamed'
  | 'copied'
  | 'type-changed'
  | 'unmerged';

export interface ChangedLine {
  /** Line number in the new file for added lines, in the old file for removed lines. */
  line: number;
  text: string;
}

export interface FileChange {
  status: FileStatus;
  path: string;
  /** Source path of a rename or copy. */
  oldPath?: string;
  /** Rename or copy similarity, 0-100. */
  similarity?: number;
  added: number;
  deleted: number;
  binary: boolean;
  oldMode?: string;
  newMode?: string;
  /** The blob ids before and after, when git names them (not for a work tree file). */
  oldOid?: string;
  newOid?: string;
  symlink: boolean;
  submodule: boolean;
  /**
   * Marked linguist-vendored, linguist-generated or -diff by the committed .gitattributes: left out
   * of the size and suppression rules.
   */
  generated?: boolean;
  /** Present when a content rule asked for hunks. */
  addedLines?: ChangedLine[];
  removedLines?: ChangedLine[];
  /**
   * The text of the file's hunks as the patch holds them (every added and removed line is part of
   * it), when the lines come from one: a rule that needs a literal no part holds skips the lines.
   * Not enumerable.
   */
  readonly patchText?: string;
}

export interface ChangeSet {
  source: 'staged' | 'worktree' | 'commit' | 'range';
  /** For commits: the commit id; for ranges: `base..head`. */
  id?: string;
  files: FileChange[];
  /** package.json's scripts before and after, when the change touches package.json. */
  packageScripts?: { before: Record<string, string>; after: Record<string, string> };
}

// ---------------------------------------------------------------------------------------------
// Commit messages and pushes

export interface CommitMessage {
  /** The message with comment lines and the scissors part removed. */
  text: string;
  /** What kind of commit git is making, when known. */
  kind: 'normal' | 'merge' | 'revert' | 'fixup' | 'squash' | 'amend';
  /** The PLAN.md checklist items, read by the adapter when the plan-item rule is on. */
  planItems?: string[];
}

export interface RefUpdate {
  localRef: string;
  localOid: string;
  remoteRef: string;
  remoteOid: string;
  /** The ref is being deleted on the remote. */
  deletion: boolean;
  /** A non-fast-forward update of an existing remote ref. */
  force: boolean;
  /** The remote ref does not exist yet. */
  creation: boolean;
}

// ---------------------------------------------------------------------------------------------
// Decisions (the agent guard)

/**
 * `contain`: the command runs code whose effects the static pass cannot see; it may run only where
 * its effects are judged before they land (contained execution), and is never a plain allow.
 */
export type Verdict = 'allow' | 'deny' | 'ask' | 'contain';

export interface Decision {
  verdict: Verdict;
  /** The rule that decided; absent when allowed. */
  rule?: string;
  reason?: string;
  /** A safer way to reach the same goal. */
  alternative?: string;
  findings: Finding[];
}

// ---------------------------------------------------------------------------------------------
// Effects (contained execution): what a command did, read from its layer after it ran

/** A change to git's state, found by comparing the repository before and after a command. */
export type GitEffect =
  /**
   * A branch, tag or detached HEAD moved or was deleted (`to` absent). `lost`: commits no longer
   * reachable from any ref; `kept`: their work is still there (rebased, amended, or left in the
   * index and work tree by a soft reset).
   */
  | { kind: 'ref-moved'; ref: string; from: string; to?: string; lost: number; kept: boolean }
  /** Uncommitted changes overwritten with stored content, or bulk removal of untracked files. */
  | { kind: 'work-discarded'; paths: string[]; untracked: boolean }
  /** Stash entries removed without their changes being applied. */
  | { kind: 'stash-dropped'; count: number }
  /** Entries removed from a ref's reflog (recovery points of lost commits). */
  | { kind: 'reflog-cut'; ref: string; entries: number }
  /** Recent objects deleted from the object store for good. */
  | { kind: 'objects-pruned'; count: number }
  /** Loose objects or packs rewritten in place (their names are their contents' hashes). */
  | { kind: 'objects-rewritten'; count: number }
  /** A replace ref added or changed: git shows another object in place of the one it names. */
  | { kind: 'object-replaced'; ref: string }
  /** A git config value set or removed (`value` absent); keys are lower case. */
  | { kind: 'config-changed'; key: string; value?: string }
  /** A file in the repository's hooks folder added, changed or removed. */
  | { kind: 'hook-changed'; name: string; change: 'added' | 'changed' | 'removed' };
