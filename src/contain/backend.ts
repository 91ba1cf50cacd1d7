// The one interface between contained execution and the machine: a backend runs a command so that
// what it does to the project lands in a layer instead of the real tree, and holds the layer until
// it has been judged. Everything above it (reading effects, judging, applying) is the same on every
// backend; only Linux namespaces exist today, and a macOS backend would implement this alone.

/** Whether a backend can run here, and when not, why and what a human can do about it. */
export type Availability = { ok: true } | { ok: false; reason: string; fix: string };

export interface RunSpec {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Directories seen through a copy-on-write layer: the project's work tree and git directory. */
  layered: LayerPlace[];
  /** Directories outside the layers the command may write directly (temp folders, tool caches). */
  writable: string[];
  /** Directories the command must not see at all (where the layers live). */
  hidden: string[];
}

/** A real directory and the empty folders its layer uses, on the same file system. */
export interface LayerPlace {
  root: string;
  upper: string;
  work: string;
}

export interface HeldRun {
  /** The command's exit code: a signal's death as 128 + its number, as a shell reports it. */
  exitCode: number;
  /**
   * Where the tree after the command can be read while the run is held: `view(root)` is the
   * directory that shows `root` as the command left it.
   */
  view: (root: string) => string;
  /** Ends the hold: nothing can change the layers afterwards, and they can be applied or dropped. */
  release: () => Promise<void>;
}

export interface Backend {
  name: string;
  probe: (env: NodeJS.ProcessEnv) => Availability;
  /** Runs the command; resolves once it has ended (with everything it started) and is held. */
  run: (spec: RunSpec, signals: SignalRelay) => Promise<HeldRun>;
}

/** Signals the wrapper receives while the command runs, passed on to the command. */
export interface SignalRelay {
  on: (forward: (signal: NodeJS.Signals) => void) => () => void;
}

/** The entries of a layer: one per path the command created, replaced or removed. */
export type LayerEntry =
  | { path: string; kind: 'removed' }
  | { path: string; kind: 'file' | 'symlink' | 'other' }
  /** `opaque`: the directory replaces the one below entirely (it was removed and made again). */
  | { path: string; kind: 'dir'; opaque: boolean };
