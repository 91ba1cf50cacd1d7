// doctor's checks of what runs at commit and push: in this worktree hook by hook, in every other
// worktree of the repository as one line each, the binary the hooks call, and how verification
// steps are kept together.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { HOOK_NAMES, hasHookBlock } from '../adapters/hook-scripts.js';
import { git } from '../git/exec.js';
import { launcher } from '../verify/processes.js';
import { stepEnvironment } from '../verify/step-env.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

interface Hooks {
  folder: string;
  hooksPath: string;
  origin: string;
}

/** Where git looks for the hooks of the worktree at `root`, and which config said so. */
function hooksFolder(root: string, env: NodeJS.ProcessEnv): Hooks {
  const line = git(['config', '--show-origin', '--get', 'core.hooksPath'], {
    cwd: root,
    env,
    okStatus: [1],
  }).stdout.trim();
  if (!line) {
    const folder = git(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], {
      cwd: root,
      env,
    }).stdout.trim();
    return { folder, hooksPath: '', origin: '' };
  }
  const [origin = '', hooksPath = ''] = line.split('\t');
  return { folder: isAbsolute(hooksPath) ? hooksPath : join(root, hooksPath), hooksPath, origin };
}

/** What is wrong with the `name` hook of the worktree at `root`, if anything. */
function hookProblem(root: string, hooks: Hooks, name: string): string | undefined {
  const runner = join(hooks.folder, name);
  const husky = hooks.hooksPath === '.husky/_';
  if (!existsSync(runner)) return husky ? 'husky is not set up here (.husky/_ is missing)' : 'missing';
  if (!isExecutable(runner)) return 'not executable, so git skips it';
  // The runners of linked worktrees call agentpolicy themselves; husky's call .husky/<name>.
  const script = husky ? join(root, '.husky', name) : runner;
  if (!existsSync(script)) return 'missing: husky exits 0 without it, so nothing is checked';
  if (!hasHookBlock(readFileSync(script, 'utf8'))) return 'does not call agentpolicy';
  return undefined;
}

/** The binary the hooks of `root` run: its own node_modules, else the main worktree's. */
function binaryFor(root: string, commonDir: string): string | undefined {
  for (const top of [root, dirname(commonDir)]) {
    const bin = join(top, 'node_modules', '.bin', 'agentpolicy');
    if (isExecutable(bin)) return bin;
  }
  return undefined;
}

function commonDirOf(root: string, env: NodeJS.ProcessEnv): string {
  return resolve(
    root,
    git(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, env }).stdout.trim(),
  );
}

/** This worktree: core.hooksPath not overridden from outside, each hook, the binary. */
export function checkHooks(root: string, env: NodeJS.ProcessEnv): Check[] {
  const clean = stepEnvironment(env);
  const hooks = hooksFolder(root, clean);
  const commonDir = commonDirOf(root, clean);
  const checks: Check[] = [];
  const origin = hooks.origin.replace(/^file:/, '');
  const fromRepository =
    origin === '.git/config' || (isAbsolute(origin) && !relative(commonDir, origin).startsWith('..'));
  if (hooks.hooksPath && !fromRepository) {
    checks.push({
      name: 'core.hooksPath',
      ok: false,
      detail: `set to ${hooks.hooksPath} in ${origin}, which overrides this repository's hooks`,
      fix: `git config --global --unset core.hooksPath (or remove it from ${origin}), then agentpolicy init --hooks`,
    });
  }
  for (const name of HOOK_NAMES) {
    const problem = hookProblem(root, hooks, name);
    const shown = (file: string) => relative(root, file) || file;
    const script = hooks.hooksPath === '.husky/_' ? join(root, '.husky', name) : join(hooks.folder, name);
    checks.push(
      problem
        ? {
            name: `hook ${name}`,
            ok: false,
            detail: `${shown(script)}: ${problem}`,
            fix: 'agentpolicy init --hooks',
          }
        : { name: `hook ${name}`, ok: true, detail: `${shown(script)} runs agentpolicy` },
    );
  }
  const bin = binaryFor(root, commonDir);
  checks.push(
    bin
      ? { name: 'binary', ok: true, detail: `${relative(root, bin) || bin} is installed` }
      : {
          name: 'binary',
          ok: false,
          detail: 'node_modules/.bin/agentpolicy is missing: every hook will block',
          fix: 'npm install --save-dev agentpolicy',
        },
  );
  return checks;
}

/** Every other worktree of the repository, one line each. */
export function checkWorktrees(root: string, env: NodeJS.ProcessEnv): Check[] {
  const clean = stepEnvironment(env);
  const commonDir = commonDirOf(root, clean);
  const out = git(['worktree', 'list', '--porcelain', '-z'], { cwd: root, env: clean }).stdout;
  const records = out.split('\0\0').map((record) => record.split('\0'));
  return records
    .filter((fields) => fields[0]?.startsWith('worktree ') && !fields.includes('bare'))
    .map((fields) => fields[0]!.slice('worktree '.length))
    .filter((path) => path !== root)
    .map((path): Check => {
      if (!existsSync(path))
        return {
          name: 'worktree',
          ok: false,
          detail: `${path} is gone but still registered`,
          fix: 'git worktree prune',
        };
      const hooks = hooksFolder(path, clean);
      for (const name of HOOK_NAMES) {
        const problem = hookProblem(path, hooks, name);
        if (problem)
          return {
            name: 'worktree',
            ok: false,
            detail: `${path} runs no ${name} hook (${relative(path, join(hooks.folder, name)) || name}: ${problem})`,
            fix: 'agentpolicy init --hooks',
          };
      }
      if (!binaryFor(path, commonDir))
        return {
          name: 'worktree',
          ok: false,
          detail: `${path}: no node_modules/.bin/agentpolicy there or in the main worktree, so its hooks block`,
          fix: 'npm install',
        };
      return { name: 'worktree', ok: true, detail: `${path} runs the hooks` };
    });
}

/** How a verification step's processes are kept together here (both ways work; one is stronger). */
export function checkIsolation(): Check {
  return launcher().isolation === 'pid-namespace'
    ? { name: 'verification', ok: true, detail: 'each step runs in its own PID namespace' }
    : {
        name: 'verification',
        ok: true,
        detail:
          'each step runs in its own process group (no PID namespaces here: a step that detaches a process and clears its environment can outlive the step)',
      };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
