// The environment a verification step runs with: the user's, without what git sets for its hooks.
// A hook inherits GIT_DIR (linked worktrees), GIT_INDEX_FILE (index.lock during `commit -a`,
// next-index-*.lock during `commit <path>`), GIT_PREFIX, GIT_EDITOR=:, GIT_AUTHOR_DATE,
// GIT_CONFIG_PARAMETERS (`git -c`), and git's exec path at the front of PATH. A step that runs git,
// or whose tests build scratch repositories, would otherwise act on the user's repository:
// `git init` in a temp folder with GIT_DIR set writes core.bare into the shared config.
// Kept are only the variables a user sets for git itself: transport, identity, global config,
// tracing. Every other GIT_* variable goes, known or not (git's own list of repository variables
// is `local_repo_env` in environment.c; hooks get more than that).

const KEPT = new Set([
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_ATTR_NOSYSTEM',
  'GIT_EXEC_PATH',
  'GIT_TEMPLATE_DIR',
  'GIT_DEFAULT_HASH',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_ASKPASS',
  'GIT_TERMINAL_PROMPT',
  'GIT_ALLOW_PROTOCOL',
  'GIT_PROTOCOL_FROM_USER',
  'GIT_PAGER',
  'GIT_REDACT_COOKIES',
]);

const KEPT_PREFIXES = [
  'GIT_SSH',
  'GIT_SSL_',
  'GIT_HTTP_',
  'GIT_CURL_',
  'GIT_PROXY_',
  'GIT_TRACE',
  'GIT_LFS_',
];

/** True for a variable git sets for hooks or that points git at a repository. */
export function isGitRepositoryVariable(name: string): boolean {
  if (!name.startsWith('GIT_')) return false;
  return !KEPT.has(name) && !KEPT_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The hook's environment without git's repository variables, and without the exec path git puts
 * at the front of PATH for its hooks (a plain shell does not have it there).
 */
export function stepEnvironment(env: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isGitRepositoryVariable(name)) clean[name] = value;
  }
  const path = clean.PATH;
  const execPath = env.GIT_EXEC_PATH;
  if (path && execPath) {
    const entries = path.split(':');
    if (entries[0] === execPath || entries[0] === `${execPath}/`) clean.PATH = entries.slice(1).join(':');
  }
  return { ...clean, ...extra };
}
