// The public API: load a policy, and the shapes it works with.
export { resolvePolicy } from './config/resolve.js';
export { policyJsonSchema } from './config/schema-json.js';
export { AgentPolicyError, ConfigError, GitError, InternalError, UsageError } from './errors.js';
export { rules } from './rules/index.js';
export type * from './types.js';
