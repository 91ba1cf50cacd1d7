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

/** Hook folders and the agents' hook registrations: changing them switches the guard off. */
export const HOOK_FILES = [
  '.husky/**',
  '.githooks/**',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.codex/hooks.json',
  '.codex/config.toml',
  '.cursor/hooks.json',
  '.gemini/settings.json',
  '.github/hooks/**',
];

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
