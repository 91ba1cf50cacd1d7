import type * as v from 'valibot';
import type { Operation } from '../shell/types.js';
import type {
  ChangeSet,
  CommitMessage,
  GitEffect,
  RefUpdate,
  RuleId,
  RuleReport,
  Severity,
} from '../types.js';
import type { CommandFacts } from './command-facts.js';

/** The kinds of input a rule can judge; a rule implements a check for each kind it lists. */
export type RuleInput = 'change' | 'message' | 'push' | 'command' | 'session' | 'effect';

export interface RuleMeta<S extends v.GenericSchema = v.GenericSchema> {
  id: RuleId;
  description: string;
  defaultSeverity: Severity;
  inputs: RuleInput[];
  /** Options schema; every option has a default, so `v.parse(options, {})` gives the defaults. */
  options: S;
  /** What to do instead, shown with every finding. */
  hint: string;
}

/** Context for change-set checks: whether the set is a single commit or a whole range. */
export interface ChangeContext {
  scope: 'commit' | 'range';
}

export type CheckChange<O> = (change: ChangeSet, options: O, context: ChangeContext) => RuleReport[];
export type CheckMessage<O> = (message: CommitMessage, options: O) => RuleReport[];
export type CheckPush<O> = (updates: RefUpdate[], options: O) => RuleReport[];

/** For command checks: the operations of one command line and what is known about the repository. */
export type CheckCommand<O> = (operations: Operation[], options: O, facts: CommandFacts) => RuleReport[];

/** For session checks: an agent's tool call, judged by what is known of its session. */
export interface SessionFacts {
  /** Tokens in the context at the last assistant turn; absent when the transcript gave none. */
  contextTokens?: number;
  /** Why the transcript could not be read, when it could not. */
  transcriptProblem?: string;
  /** The tool call changes something other than the memory files (PROGRESS.md, PLAN.md). */
  changes: boolean;
  session?: string;
  /** Sessions seen in this repository, newest first: id, agent, last seen (ms since the epoch). */
  sessions: { id: string; agent: string; lastSeen: number }[];
  now: number;
}

/** A session check's answer: a block, a warning for the agent's context, or nothing. */
export interface SessionVerdict {
  block?: RuleReport;
  warn?: RuleReport;
}

export type CheckSession<O> = (facts: SessionFacts, options: O) => SessionVerdict;

/** For contained execution: what a command did to git's state, read after it ran. */
export type CheckEffect<O> = (effects: GitEffect[], options: O) => RuleReport[];
