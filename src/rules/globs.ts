// Default glob lists shared by several rules and presets.

/** Files whose size says nothing about the work: lock files and snapshots. */
export const GENERATED_FILES = [
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/bun.lock',
  '**/bun.lockb',
  '**/Cargo.lock',
  '**/Gemfile.lock',
  '**/composer.lock',
  '**/poetry.lock',
  '**/uv.lock',
  '**/Pipfile.lock',
  '**/go.sum',
  '**/flake.lock',
  '**/__snapshots__/**',
  '**/*.snap',
];

/** The policy file in every form the loader reads. */
export const POLICY_FILES = [
  '.agentpolicyrc',
  '.agentpolicyrc.json',
  '.agentpolicyrc.yaml',
  '.agentpolicyrc.yml',
];

/**
 * Hook folders and every agent's settings folder as a whole: the agents' hook registrations,
 * permissions and sandbox settings live there, and changing them switches the guard off.
 */
export const HOOK_FILES = [
  '.husky/**',
  '.githooks/**',
  '.claude/**',
  '.cursor/**',
  '.codex/**',
  '.gemini/**',
  '.github/hooks/**',
  '.github/copilot/**',
];

/** Folders inside an agent's settings folder that are not settings: the work trees agents create. */
export const NOT_SETTINGS = ['.claude/worktrees/**'];

/** Package manager settings that change what a package script runs (`script-shell`, `ignore-scripts`). */
export const SCRIPT_SETTINGS = ['.npmrc', '.yarnrc', '.yarnrc.yml', '.pnpmfile.cjs'];

export const CI_FILES = ['.github/workflows/**', '.gitlab-ci.yml', '.ci/**'];

/** Files that change how git shows changes: `* -diff` would hide every line from the content rules. */
export const GIT_VIEW_FILES = ['.gitattributes', '**/.gitattributes'];

export const TEST_FILES = [
  '**/*.test.*',
  '**/*.spec.*',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/*_test.go',
  '**/test_*.py',
  '**/*_test.py',
];

/** The agent memory files. */
export const MEMORY_FILES = ['AGENTS.md', 'PLAN.md', 'PROGRESS.md', 'VERIFY.md', 'CLAUDE.md'];
