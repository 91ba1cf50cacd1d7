// What the shell analysis turns a command line into: plain operations the command rules judge.
import type { GlobOptions } from './glob.js';

/** A path an operation touches, as far as the analysis could resolve it. */
export interface Target {
  /** The word as written (after quote removal). */
  raw: string;
  /** Absolute and normalised; absent when the word could not be resolved. */
  path?: string;
  /** The word has an unexpanded glob (`*`, `?`, `[...]`). */
  glob: boolean;
  /** How the glob is matched when not bash's defaults (dotglob, globstar, a program's own flavour). */
  globOptions?: GlobOptions;
  /** Part of the word comes from something the analysis cannot know ($VAR, $(...)). */
  dynamic: boolean;
}

export type Operation =
  /** Every simple command that would run, after wrappers are taken off. */
  | { kind: 'exec'; argv: string[]; cwd: string }
  /** `bulk`: one of many deletes (a loop, xargs), so a computed target may be any file. */
  | { kind: 'delete'; targets: Target[]; recursive: boolean; via: string; bulk?: boolean }
  /** A write to a file: create or overwrite (`>`, cp), append, edit in place, or destroy its content. */
  | {
      kind: 'write';
      target: Target;
      mode: 'overwrite' | 'append' | 'modify' | 'destroy' | 'create';
      via: string;
      /** Top-level JSON keys the write sets, when known (`npm pkg set agentpolicy.x=y`). */
      keys?: string[];
      /** The file whose content replaces the target's (`cp a b`). */
      from?: Target;
      /** One stream written to several files at once (`tee a b`, a glob): each gets the same content. */
      shared?: boolean;
      /** One of many writes to a path only known when it runs (a loop, xargs). */
      bulk?: boolean;
    }
  /** `keep`: an existing destination is left as it is (`mv -n`). */
  | { kind: 'move'; from: Target[]; to: Target; via: string; keep?: boolean }
  | { kind: 'chmod'; targets: Target[]; recursive: boolean; removesExecute: boolean; via: string }
  /** A git command: global options taken apart, `args` starting at the subcommand. */
  | {
      kind: 'git';
      args: string[];
      config: [string, string][];
      cwd: string;
      env: Record<string, string>;
      via: string;
    }
  /** A variable set for the commands that follow or for one command (HUSKY=0 ...). */
  | { kind: 'env'; name: string; value: string; via: string }
  /** Runs something on another machine. */
  | { kind: 'remote'; host: string; operations: Operation[] }
  /** An irreversible deletion of infrastructure (kubectl delete namespace, terraform destroy...). */
  | { kind: 'infra'; what: string }
  /** A script file that will run: the adapter reads it and its operations are judged too. */
  | { kind: 'script'; target: Target; language: string }
  /** A package script or make target that will run: the adapter reads its text from `file`. */
  | { kind: 'task'; runner: 'npm' | 'make'; file: Target; names: string[]; via: string }
  /**
   * Something the static pass cannot see through. `unseen`: code runs whose effects are only known
   * when it runs (a command name from a substitution, an interpreter's computed call, a script that
   * is not there to read): contained execution can judge it. Otherwise the command itself cannot be
   * read (it does not parse, it nests too deep).
   */
  | {
      kind: 'opaque';
      reason: string;
      unseen?: boolean;
      /** Code fetched over the network: nothing can read it first, nor undo what it does there. */
      remote?: boolean;
    };

export interface Analysis {
  operations: Operation[];
  /** The directory the command line starts in. */
  cwd: string;
}
