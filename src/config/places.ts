// Where a policy may live: only the `.agentpolicyrc` files, so no other file can outrank the policy.

/** The policy file in every form it may take; exactly one may exist. */
export const POLICY_FILES = [
  '.agentpolicyrc',
  '.agentpolicyrc.json',
  '.agentpolicyrc.yaml',
  '.agentpolicyrc.yml',
] as const;

/** Configs we refuse: code could compute a laxer policy, or run anything, when the policy loads. */
export const CODE_PLACES = [
  '.agentpolicyrc.js',
  '.agentpolicyrc.cjs',
  '.agentpolicyrc.mjs',
  '.agentpolicyrc.ts',
  '.agentpolicyrc.cts',
  '.agentpolicyrc.mts',
  'agentpolicy.config.js',
  'agentpolicy.config.cjs',
  'agentpolicy.config.mjs',
  'agentpolicy.config.ts',
] as const;

/** package.json's "agentpolicy" key is not a policy source: its presence is an error, never obeyed. */
export const PACKAGE_KEY = 'agentpolicy';
