// Replaced at build time with the version from package.json.
declare const __AGENTPOLICY_VERSION__: string | undefined;
export const VERSION = typeof __AGENTPOLICY_VERSION__ === 'string' ? __AGENTPOLICY_VERSION__ : '0.0.0-dev';
