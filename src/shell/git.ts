// git's command line taken apart: global options before the subcommand (-C, -c k=v, --git-dir=,
// --no-pager...), aliases defined in the same command line, and the subcommand's own arguments.
// The rules read the result; this module only parses.
import { isAbsolute, resolve } from 'node:path';
import { type Context, resolveTarget } from './analyze.js';
import type { Operation } from './types.js';
import type { WordValue } from './words.js';

/** Global options that take the next word as their value. */
const VALUED = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--exec-path',
  '--super-prefix',
  '--config-env',
  '--list-cmds',
]);

/** Subcommands git has; anything else may be an alias. */
const BUILTINS = new Set(
  'add am annotate apply archive bisect blame branch bundle cat-file check-attr check-ignore checkout checkout-index cherry cherry-pick citool clean clone commit commit-tree config count-objects describe diff diff-files diff-index diff-tree difftool fetch filter-branch filter-repo format-patch fsck gc grep gui hash-object help init instaweb log ls-files ls-remote ls-tree maintenance merge merge-base merge-file mergetool mv notes prune pull push range-diff read-tree rebase reflog remote repack replace request-pull reset restore rev-list rev-parse revert rm send-email shortlog show show-branch show-ref sparse-checkout stash status submodule switch symbolic-ref tag update-index update-ref var verify-commit verify-tag whatchanged worktree write-tree'.split(
    ' ',
  ),
);

/** Aliases defined earlier in the command line (`git config alias.x ...`), kept per analysis. */
const aliasesKey = Symbol('git aliases');

export function analyzeGit(args: WordValue[], context: Context, env: Record<string, string>): Operation[] {
  const config: [string, string][] = [];
  let cwd = context.scope.cwd;
  let i = 0;
  for (; i < args.length; i++) {
    const text = args[i]!.text;
    if (!text.startsWith('-')) break;
    const [flag, inline] =
      text.includes('=') && text.startsWith('--')
        ? [text.slice(0, text.indexOf('=')), text.slice(text.indexOf('=') + 1)]
        : [text, undefined];
    const value = inline ?? (VALUED.has(flag) ? args[++i]?.text : undefined);
    if (flag === '-C' && value !== undefined) cwd = isAbsolute(value) ? value : resolve(cwd, value);
    if (flag === '-c' && value !== undefined) {
      const eq = value.indexOf('=');
      config.push(
        eq === -1 ? [value.toLowerCase(), 'true'] : [value.slice(0, eq).toLowerCase(), value.slice(eq + 1)],
      );
    }
  }
  let rest = args.slice(i).map((arg) => arg.text);
  const aliases = aliasTable(context);
  // An alias given with -c, or defined earlier in the line, is expanded as git would.
  for (let depth = 0; depth < 5 && rest[0] && !BUILTINS.has(rest[0]); depth++) {
    const alias =
      config.find(([key]) => key === `alias.${rest[0]!.toLowerCase()}`)?.[1] ?? aliases.get(rest[0]!);
    if (alias === undefined) break;
    if (alias.startsWith('!')) {
      return [
        { kind: 'git', args: rest, config, cwd, env, via: 'git' },
        { kind: 'opaque', reason: `the git alias ${rest[0]} runs a shell command (${alias.slice(1)})` },
      ];
    }
    rest = [...alias.split(/\s+/).filter(Boolean), ...rest.slice(1)];
  }
  if (rest[0] === 'config') recordAlias(rest, aliases);
  const operations: Operation[] = [{ kind: 'git', args: rest, config, cwd, env, via: 'git' }];
  // `git rm` deletes the files from the work tree too, unless --cached.
  if (rest[0] === 'rm' && !rest.includes('--cached')) {
    const recursive = rest.some((arg) => /^-[a-zA-Z]*r/.test(arg));
    const paths = rest.slice(1).filter((arg) => !arg.startsWith('-'));
    const targets = paths.map((path) =>
      resolveTarget({ text: path, dynamic: false, glob: /[*?[]/.test(path) }, cwd),
    );
    if (targets.length)
      operations.push({ kind: 'delete', targets, recursive, via: `git rm${recursive ? ' -r' : ''}` });
  }
  return operations;
}

function aliasTable(context: Context): Map<string, string> {
  const holder = context.functions as unknown as { [aliasesKey]?: Map<string, string> };
  holder[aliasesKey] ??= new Map();
  return holder[aliasesKey];
}

function recordAlias(args: string[], aliases: Map<string, string>): void {
  const positional = args.slice(1).filter((arg) => !arg.startsWith('-'));
  const [key, value] = positional;
  if (key?.toLowerCase().startsWith('alias.') && value !== undefined)
    aliases.set(key.slice('alias.'.length), value);
}
