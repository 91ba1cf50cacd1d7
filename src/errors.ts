// The few error classes the tool raises on purpose. Each carries a stable code and the exit code
// the CLI uses for it; anything else that escapes is an internal error (exit 2, fail closed).

export type ErrorCode = 'CONFIG' | 'GIT' | 'USAGE' | 'INTERNAL';

export class AgentPolicyError extends Error {
  readonly code: ErrorCode;
  /** 2 for every error: usage, policy and internal errors all block. */
  readonly exitCode = 2;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The policy file cannot be found, read, parsed or validated. */
export class ConfigError extends AgentPolicyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

/** A git command failed. */
export class GitError extends AgentPolicyError {
  readonly args: readonly string[];
  readonly status: number | null;
  readonly stderr: string;

  constructor(args: readonly string[], status: number | null, stderr: string, options?: { cause?: unknown }) {
    const detail = stderr.trim().split('\n').slice(-3).join('\n');
    super(
      'GIT',
      `git ${args.join(' ')} failed (exit ${status ?? 'signal'})${detail ? `:\n${detail}` : ''}`,
      options,
    );
    this.args = args;
    this.status = status;
    this.stderr = stderr;
  }
}

/** The command line is wrong. */
export class UsageError extends AgentPolicyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}

/** Something that should not happen; still reported without a stack trace unless --debug. */
export class InternalError extends AgentPolicyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTERNAL', message, options);
  }
}

export function isAgentPolicyError(error: unknown): error is AgentPolicyError {
  return error instanceof AgentPolicyError;
}
