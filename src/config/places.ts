// Where a policy may live. Shared by the full loader (cosmiconfig) and the hot-path cache.

/** cosmiconfig's search order: the first file that holds a policy wins. */
export const SEARCH_PLACES = [
  'package.json',
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
