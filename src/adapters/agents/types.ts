// What every agent adapter turns its host's hook payload into, and what it answers with.
import type { Decision } from '../../types.js';

export type ToolCall =
  | { kind: 'shell'; command: string }
  /** A file tool writing a whole file: creates it when it does not exist. */
  | { kind: 'write'; path: string; content?: string }
  /** A file tool changing part of an existing file; `content` is the new text, when sent. */
  | { kind: 'edit'; path: string; content?: string }
  | { kind: 'delete'; path: string }
  /** A move or rename by a file tool (apply_patch's "Move to"). */
  | { kind: 'move'; from: string; to: string }
  /** A tool that runs code the guard cannot read (PowerShell): never a plain allow. */
  | { kind: 'unseen'; reason: string }
  /** Tools that change nothing we guard (reads, searches, MCP tools): let through. */
  | { kind: 'other' };

export interface AgentRequest {
  agent: AgentName;
  /** The host's event, where one host has several (Cursor). */
  event?: string;
  tool: string;
  session?: string;
  /** Absolute directory the tool runs in. */
  cwd: string;
  /** One tool call can touch several files (MultiEdit, apply_patch). */
  calls: ToolCall[];
  /** The host runs this call's command through contained execution (see forHost). */
  contained?: boolean;
}

export const AGENT_NAMES = ['claude', 'codex', 'cursor', 'gemini', 'copilot'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

/** What the process must do to answer the host. */
export interface HostAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface AgentAdapter {
  name: AgentName;
  /** Reads the host's JSON payload; throws a plain Error with what is wrong. */
  parse: (payload: unknown, fallbackCwd: string) => AgentRequest;
  /** Answers a decision on a request so that the host enforces it. */
  answer: (decision: Decision, request: AgentRequest) => HostAnswer;
  /** Answers an error (bad payload, broken policy, internal error) so that the host blocks. */
  fail: (message: string) => HostAnswer;
}

export function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is missing or not a string`);
  return value;
}

export function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The reason shown to the agent: what happened, why, and what to do instead. */
export function reasonOf(decision: Decision): string {
  const parts = [decision.reason ?? 'Blocked by the project policy.'];
  if (decision.alternative) parts.push(`Instead: ${decision.alternative}`);
  if (decision.rule)
    parts.push(
      `(agentpolicy rule ${decision.rule}; a human can allow it once with \`agentpolicy allow-once ${decision.rule}\`)`,
    );
  return parts.join(' ');
}

/** Hosts without "ask" get a deny that says a human must approve. */
export function askAsDeny(decision: Decision): Decision {
  if (decision.verdict !== 'ask') return decision;
  return {
    ...decision,
    verdict: 'deny',
    reason: `Needs a human's approval: ${decision.reason ?? 'the policy asks before this runs.'}`,
  };
}

/**
 * What a host is told about a command that may run only where its effects are judged
 * (`contain`). Where the host's commands run through contained execution (`contained`: Claude
 * Code's Bash with agentpolicy-sh as its shell prefix, on a system where containment runs), it
 * goes on: agentpolicy-sh judges what it does before it lands. Elsewhere, the strictest answer
 * the host enforces: "ask" where it enforces ask, else a deny that says what a human can do. The
 * one place that maps `contain` for every host.
 */
export function forHost(decision: Decision, host: { ask: boolean; contained?: boolean }): Decision {
  if (decision.verdict === 'contain' && host.contained)
    return { verdict: 'allow', findings: decision.findings };
  const verdict = decision.verdict === 'contain' ? 'ask' : decision.verdict;
  const routed: Decision =
    decision.verdict === 'contain'
      ? {
          ...decision,
          verdict,
          reason: `${decision.reason ?? ''} A human can run it, or approve it.`.trim(),
        }
      : decision;
  return host.ask ? routed : askAsDeny(routed);
}
