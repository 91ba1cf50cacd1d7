// The arguments of one git subcommand, for the command rules: long options, short options
// (bundles like `-fd` taken apart), and the positional words.
import type { Operation } from '../shell/types.js';

export type GitOperation = Extract<Operation, { kind: 'git' }>;

export interface GitArgs {
  command: string;
  long: Map<string, string | true>;
  short: Set<string>;
  positional: string[];
  /** Words after `--`. */
  paths: string[];
  /** The arguments after the subcommand, as given. */
  raw: string[];
}

/**
 * `valued` lists the short options that take a value, so `-m "msg"` and the rest of a bundle
 * after such a letter (`-mfix`) are values, not flags: in `git commit -nm x`, n is a flag and m's
 * value is x; in `git commit -mn`, the message is "n".
 */
export function parseGitArgs(operation: GitOperation, valued = ''): GitArgs {
  const [command = '', ...rest] = operation.args;
  const parsed: GitArgs = {
    command,
    long: new Map(),
    short: new Set(),
    positional: [],
    paths: [],
    raw: rest,
  };
  const judged = JUDGED[command] ?? [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      parsed.paths = rest.slice(i + 1);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const value = eq === -1 ? true : arg.slice(eq + 1);
      parsed.long.set(name, value);
      // git takes a unique prefix of a long option for the option (`--no-verif`, `--har`, `--forc`);
      // a prefix of several is refused by git, so reading it as each of them only errs to safety.
      if (!judged.includes(name) && name.length >= 2)
        for (const option of judged) if (option.startsWith(name)) parsed.long.set(option, value);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        parsed.short.add(letter);
        if (valued.includes(letter)) {
          if (j === arg.length - 1) i++;
          break;
        }
      }
    } else parsed.positional.push(arg);
  }
  return parsed;
}

/**
 * The long options the command rules judge, per subcommand, that a prefix can stand for. Options
 * that make a command harmless (`--dry-run`) are honoured only when spelled out.
 */
const JUDGED: Record<string, string[]> = {
  reset: ['hard', 'merge', 'keep'],
  checkout: ['force', 'merge', 'no-verify'],
  restore: ['worktree', 'source', 'overlay'],
  switch: ['discard-changes', 'force', 'force-create', 'no-verify'],
  clean: ['force'],
  push: ['force', 'mirror', 'delete', 'prune', 'force-with-lease', 'no-verify'],
  commit: ['no-verify', 'amend'],
  merge: ['no-verify'],
  rebase: ['no-verify', 'exec'],
  am: ['no-verify'],
  'cherry-pick': ['no-verify'],
  revert: ['no-verify'],
  pull: ['no-verify', 'force'],
  branch: ['delete', 'force', 'move', 'copy'],
  gc: ['prune'],
  'update-ref': ['delete', 'stdin'],
  worktree: ['force'],
  'checkout-index': ['force', 'all'],
  'read-tree': ['reset'],
  stash: [],
  fetch: ['force', 'prune', 'prune-tags', 'update-head-ok'],
  config: ['remove-section', 'rename-section', 'unset', 'unset-all', 'replace-all', 'add', 'edit'],
};

export function gitOperations(operations: Operation[]): GitOperation[] {
  return operations.filter((operation): operation is GitOperation => operation.kind === 'git');
}

const CONFIG_ACTIONS = [
  'get',
  'get-all',
  'get-regexp',
  'get-urlmatch',
  'get-color',
  'get-colorbool',
  'list',
  'edit',
  'unset',
  'unset-all',
  'remove-section',
  'rename-section',
];

/** What a `git config` command line does: the action, key and value (`git config k v`, `git config set k v`). */
export function configWrite(args: string[]): { key: string; value?: string; action: string } | undefined {
  const positional: string[] = [];
  let action = 'set';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (/^--(file|blob|type|default|comment|value)$/.test(arg) || arg === '-f') {
      i++;
      continue;
    }
    const long = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : undefined;
    if (long !== undefined) {
      // Actions may be abbreviated like any long option (`--remove-sec`, `--unset-a`).
      const actions = CONFIG_ACTIONS.filter((name) => name === long || name.startsWith(long));
      if (actions.length) action = actions.includes(long) ? long : actions[0]!;
      continue;
    }
    if (arg.startsWith('-')) {
      if (arg === '-l') action = 'list';
      if (arg === '-e') action = 'edit';
      continue;
    }
    positional.push(arg);
  }
  const verbs = ['set', 'unset', 'get', 'list', 'edit', 'remove-section', 'rename-section'];
  if (action === 'set' && verbs.includes(positional[0] ?? '')) action = positional.shift()!;
  const [key, value] = positional;
  if (key === undefined) return action === 'edit' ? { key: '', action } : undefined;
  return { key: key.toLowerCase(), ...(value !== undefined ? { value } : {}), action };
}

/** Config keys whose value git runs as a shell command (lower case). */
const COMMAND_KEYS = [
  /^core\.(pager|editor|sshcommand|fsmonitor|askpass|alternaterefscommand|gitproxy)$/,
  /^pager\..+$/,
  /^sequence\.editor$/,
  /^diff\.(external|.+\.(command|textconv))$/,
  /^difftool\..+\.cmd$/,
  /^mergetool\..+\.cmd$/,
  /^merge\..+\.driver$/,
  /^filter\..+\.(clean|smudge|process)$/,
  /^credential\.(.+\.)?helper$/,
  /^gpg\.(.+\.)?program$/,
  /^remote\..+\.(receivepack|uploadpack)$/,
  /^uploadpack\.packobjectshook$/,
  /^sendemail\.(smtpserver|tocmd|cccmd)$/,
];

export function isCommandKey(key: string): boolean {
  return COMMAND_KEYS.some((pattern) => pattern.test(key.toLowerCase()));
}
