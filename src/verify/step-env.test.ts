import { describe, expect, it } from 'vitest';
import { isGitRepositoryVariable, stepEnvironment } from './step-env.js';

describe('isGitRepositoryVariable', () => {
  it.each([
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_COMMON_DIR',
    'GIT_PREFIX',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_QUARANTINE_PATH',
    'GIT_CONFIG',
    'GIT_CONFIG_PARAMETERS',
    'GIT_CONFIG_COUNT',
    'GIT_CONFIG_KEY_0',
    'GIT_CONFIG_VALUE_0',
    'GIT_REFLOG_ACTION',
    'GIT_EDITOR',
    'GIT_SEQUENCE_EDITOR',
    'GIT_AUTHOR_DATE',
    'GIT_COMMITTER_DATE',
    'GIT_NAMESPACE',
    'GIT_SHALLOW_FILE',
    'GIT_GRAFT_FILE',
    'GIT_REPLACE_REF_BASE',
    'GIT_NO_REPLACE_OBJECTS',
    'GIT_IMPLICIT_WORK_TREE',
    'GIT_LITERAL_PATHSPECS',
    'GIT_ICASE_PATHSPECS',
    'GIT_OPTIONAL_LOCKS',
    'GIT_ATTR_SOURCE',
    'GIT_PUSH_OPTION_COUNT',
    'GIT_PUSH_OPTION_0',
    'GIT_PROTOCOL',
    'GIT_SOMETHING_NEW_TOMORROW',
  ])('strips %s', (name) => {
    expect(isGitRepositoryVariable(name)).toBe(true);
  });

  it.each([
    'PATH',
    'HOME',
    'GIT_AUTHOR_NAME',
    'GIT_COMMITTER_EMAIL',
    'GIT_CONFIG_GLOBAL',
    'GIT_CONFIG_NOSYSTEM',
    'GIT_SSH_COMMAND',
    'GIT_SSL_CAINFO',
    'GIT_TRACE2_EVENT',
    'GIT_TERMINAL_PROMPT',
    'GIT_EXEC_PATH',
    'GIT_CEILING_DIRECTORIES',
  ])('keeps %s', (name) => {
    expect(isGitRepositoryVariable(name)).toBe(false);
  });
});

describe('stepEnvironment', () => {
  it('drops the hook variables and the exec path git put first on PATH', () => {
    const env = stepEnvironment(
      {
        PATH: '/usr/lib/git-core:/usr/local/bin:/usr/bin',
        GIT_EXEC_PATH: '/usr/lib/git-core',
        GIT_DIR: '/repo/.git/worktrees/wt',
        GIT_INDEX_FILE: '/repo/.git/index.lock',
        GIT_SSH_COMMAND: 'ssh -i key',
        HOME: '/home/u',
      },
      { AGENTPOLICY_VERIFY: 'test' },
    );
    expect(env).toEqual({
      PATH: '/usr/local/bin:/usr/bin',
      GIT_EXEC_PATH: '/usr/lib/git-core',
      GIT_SSH_COMMAND: 'ssh -i key',
      HOME: '/home/u',
      AGENTPOLICY_VERIFY: 'test',
    });
  });

  it('leaves a PATH alone that git did not prefix', () => {
    expect(stepEnvironment({ PATH: '/usr/bin:/usr/lib/git-core' }).PATH).toBe('/usr/bin:/usr/lib/git-core');
    expect(stepEnvironment({ PATH: '/bin', GIT_EXEC_PATH: '/x' }).PATH).toBe('/bin');
  });
});
