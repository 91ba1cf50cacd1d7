// The public API: load a policy, check changes and commands with it, and the shapes it works with.
export { type GuardContext, guardCommand, guardToolCalls } from './adapters/guard.js';
export { resolvePolicy } from './config/resolve.js';
export { policyJsonSchema } from './config/schema-json.js';
export { decide, evaluateOperations } from './engine/decide.js';
export { evaluateChange, evaluateMessage, evaluatePush } from './engine/evaluate.js';
export { AgentPolicyError, ConfigError, GitError, InternalError, UsageError } from './errors.js';
export { collectCommits, collectRange, collectStaged, collectWorktree } from './git/collect.js';
export { gatherFacts } from './git/repo-state.js';
export { rules } from './rules/index.js';
export { analyzeCommand } from './shell/analyze.js';
export type { Operation, Target } from './shell/types.js';
export type * from './types.js';
