// The discipline live at the tool call, for hosts with the events (Claude Code, Codex): the session
// rules before a tool call (context-budget, max-sessions), verification after each file-changing
// tool call (`on: ["edit"]`) and when the agent tries to end its turn (`on: ["stop"]`).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { auditPath } from '../audit/log.js';
import { paint } from '../cli/io.js';
import { git } from '../git/exec.js';
import { rules } from '../rules/index.js';
import { matchesAny, matchesGlob } from '../rules/match.js';
import type { Options as ProgressOptions } from '../rules/progress-updated.js';
import type { SessionFacts, SessionVerdict } from '../rules/rule.js';
import type { Decision, ResolvedPolicy, RuleId } from '../types.js';
import type { GuardContext } from './guard.js';

/** The memory files: what an agent may still change once its context budget is spent. */
export const MEMORY_FILES = ['PROGRESS.md', 'PLAN.md'];
const SESSION_RULES = ['context-budget', 'max-sessions'] as const satisfies readonly RuleId[];

export interface SessionInput {
  session?: string;
  agent: string;
  transcriptPath?: string;
  /** Whether the tool call changes something other than the memory files (asked only when needed). */
  changes: () => boolean;
}

/** The session rules on a tool call: a deny, and warnings for the agent's context. */
export function judgeSession(
  context: GuardContext,
  input: SessionInput,
): { deny?: Decision; warnings: string[] } {
  const active = SESSION_RULES.filter((id) => context.policy.rules[id]);
  if (active.length === 0) return { warnings: [] };
  const facts: SessionFacts = {
    changes: context.policy.rules['context-budget'] ? input.changes() : true,
    sessions: context.commonDir ? recentSessions(context.commonDir, input) : [],
    now: Date.now(),
    ...(input.session ? { session: input.session } : {}),
    ...(context.policy.rules['context-budget'] ? transcriptFacts(input.transcriptPath) : {}),
  };
  const warnings: string[] = [];
  for (const id of active) {
    const setting = context.policy.rules[id]!;
    const check = rules[id].checkSession as (facts: SessionFacts, options: unknown) => SessionVerdict;
    const verdict = check(facts, setting.options);
    const block = verdict.block;
    if (block && setting.severity === 'error') {
      return {
        deny: {
          verdict: 'deny',
          rule: id,
          reason: block.message,
          ...(block.alternative ? { alternative: block.alternative } : {}),
          findings: [{ rule: id, severity: 'error', message: block.message }],
        },
        warnings,
      };
    }
    const warning = block ?? verdict.warn;
    if (warning) warnings.push(`agentpolicy (${id}): ${warning.message}`);
  }
  return { warnings };
}

/** Whether paths touched by a tool call are all memory files of the project. */
export function onlyMemoryFiles(paths: string[], root: string, cwd: string): boolean {
  return (
    paths.length > 0 &&
    paths.every((path) => {
      const inside = relative(root, isAbsolute(path) ? path : resolve(cwd, path));
      return MEMORY_FILES.includes(inside.split(sep).join('/'));
    })
  );
}

const TAIL_BYTES = 512 * 1024;

/** The last `bytes` of a file, from a line start. */
function tail(path: string, bytes = TAIL_BYTES): string {
  const size = statSync(path).size;
  const start = Math.max(0, size - bytes);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  const text = buffer.toString('utf8');
  return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
}

/**
 * Tokens in the context at the last assistant turn. Claude Code's transcript: the assistant
 * message's usage (input, cache creation and cache read tokens); Codex's: the last token_count
 * event's `last_token_usage.input_tokens` (cached tokens are part of it).
 */
export function transcriptFacts(
  path: string | undefined,
): Pick<SessionFacts, 'contextTokens' | 'transcriptProblem'> {
  // A host without a transcript (Codex may send null) gives nothing to judge, and nothing to warn of.
  if (!path) return {};
  let text: string;
  try {
    text = tail(path);
  } catch (error) {
    return {
      transcriptProblem: `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.includes('usage')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const tokens = claudeTokens(entry) ?? codexTokens(entry);
    if (tokens !== undefined) return { contextTokens: tokens };
  }
  return {}; // a session's first turn: no usage recorded yet
}

function numberAt(value: unknown, key: string): number {
  const found = (value as Record<string, unknown> | undefined)?.[key];
  return typeof found === 'number' && Number.isFinite(found) ? found : 0;
}

function claudeTokens(entry: Record<string, unknown>): number | undefined {
  if (entry.type !== 'assistant') return undefined;
  const usage = (entry.message as Record<string, unknown> | undefined)?.usage;
  if (!usage || typeof usage !== 'object') return undefined;
  return (
    numberAt(usage, 'input_tokens') +
    numberAt(usage, 'cache_creation_input_tokens') +
    numberAt(usage, 'cache_read_input_tokens')
  );
}

function codexTokens(entry: Record<string, unknown>): number | undefined {
  const payload = entry.payload as Record<string, unknown> | undefined;
  if (entry.type !== 'event_msg' || payload?.type !== 'token_count') return undefined;
  const last = (payload.info as Record<string, unknown> | undefined)?.last_token_usage;
  if (!last || typeof last !== 'object') return undefined;
  return numberAt(last, 'input_tokens');
}

/** Sessions in the audit log's tail, newest first, with the current one as seen now. */
function recentSessions(commonDir: string, input: SessionInput): SessionFacts['sessions'] {
  const seen = new Map<string, { id: string; agent: string; lastSeen: number }>();
  let text = '';
  try {
    text = tail(auditPath(commonDir));
  } catch {
    // No log yet: no other session.
  }
  // Fields read by pattern, not JSON.parse: the tail can hold thousands of entries per call.
  for (const line of text.split('\n')) {
    const session = /"session":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    const time = Date.parse(/^\{"time":"([^"]+)"/.exec(line)?.[1] ?? '');
    // A session turned away for the number of sessions never became active.
    if (!session || Number.isNaN(time) || line.includes('"rule":"max-sessions"')) continue;
    const agent = /"agent":"([^"]*)"/.exec(line)?.[1] ?? 'agent';
    seen.set(session, { id: session, agent, lastSeen: time });
  }
  if (input.session) seen.delete(input.session);
  return [...seen.values()].sort((a, b) => b.lastSeen - a.lastSeen);
}

export interface LiveVerdict {
  /** The reason fed back to the agent; absent when every step passed or none applied. */
  block?: string;
}

const TAIL_LINES = 20;

/**
 * Runs the steps for `edit` (only those whose `when` globs match the touched files) or `stop` on
 * the work tree as the agent left it, with the committed policy's steps.
 */
export async function verifyLive(
  context: GuardContext,
  occasion: 'edit' | 'stop',
  changedPaths: string[] | undefined,
): Promise<LiveVerdict> {
  const { policy, root, commonDir } = context;
  if (!commonDir) return {};
  // Most tool calls touch nothing a step watches: decided here, before verification is loaded.
  const fromFile = policy.verifyFrom !== undefined && policy.verifyFromSettings?.on.includes(occasion);
  const candidates = [
    ...policy.verify.filter((step) => step.on.includes(occasion)),
    ...(fromFile ? (policy.verifyFromSteps ?? []) : []),
  ].filter(
    (step) =>
      !changedPaths ||
      step.when.length === 0 ||
      changedPaths.some((path) => step.when.some((glob) => matchesGlob(path, glob))),
  );
  if (candidates.length === 0 && !(fromFile && !policy.verifyFromSteps?.length)) return {};
  const { stepsFor, verify } = await import('../verify/verify.js');
  const { problem } = stepsFor(policy, occasion, root);
  if (problem) return { block: problem };
  const gitDir = git(['rev-parse', '--absolute-git-dir'], { cwd: root, env: context.env }).stdout.trim();
  const outcome = await verify(policy, occasion, {
    root,
    gitDir,
    commonDir,
    env: context.env,
    mode: 'worktree',
    reuse: true,
    ...(changedPaths ? { changedPaths } : {}),
    write: () => {},
    paint: paint(false),
    live: false,
  });
  if (outcome.ok) return {};
  if (outcome.problem && outcome.results.every((result) => result.status !== 'failed'))
    return { block: outcome.problem };
  const failed = outcome.results.filter(
    (result) => result.status === 'failed' || result.status === 'timed-out',
  );
  const parts = failed.map((result) => {
    const lines = result.tail.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
    const how = result.status === 'timed-out' ? 'timed out' : `failed (exit ${result.exitCode ?? '?'})`;
    return `\`${result.run}\` ${how}${lines ? `:\n${lines}` : '.'}${result.log ? `\nFull log: ${result.log}` : ''}`;
  });
  const when = occasion === 'edit' ? 'after this edit' : 'before the turn may end';
  return { block: `Verification ${when}: ${parts.join('\n\n')}\nFix it before moving on.` };
}

/**
 * The stop gate beyond the steps: with `progress-updated` on, code changed (against HEAD) without
 * PROGRESS.md moving keeps the turn going.
 */
export function progressGate(
  policy: ResolvedPolicy,
  root: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const setting = policy.rules['progress-updated'];
  if (setting?.severity !== 'error') return undefined;
  const options = setting.options as ProgressOptions;
  const changed = git(['status', '--porcelain', '-z', '--untracked-files=all', '--no-renames'], {
    cwd: root,
    env,
  })
    .stdout.split('\0')
    .filter((entry) => /^.. ./s.test(entry))
    .map((entry) => entry.slice(3));
  if (changed.includes(options.file)) return undefined;
  const code = changed.filter((path) => matchesAny(path, options.code) && !matchesAny(path, options.ignore));
  if (code.length === 0) return undefined;
  return `${code.length} changed file(s) (${code.slice(0, 3).join(', ')}${code.length > 3 ? ', ...' : ''}) and ${options.file} did not move: write what changed, what failed and the next step in ${options.file} before ending the turn (progress-updated).`;
}
