// The agent guard's one door: a shell command or a file tool call in, a decision out, with the
// repository facts gathered only as far as the operations need them, a human's allow-once
// honoured, and every decision written to the audit log.
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { consumeAllowance } from '../audit/allow-once.js';
import { appendAudit, isoTime } from '../audit/log.js';
import { decide, evaluateOperations } from '../engine/decide.js';
import { gatherFacts } from '../git/repo-state.js';
import {
  analyzeArgv,
  analyzeCommand,
  analyzeScriptText,
  resolveTarget,
  shebangLanguage,
} from '../shell/analyze.js';
import { resolveOperations } from '../shell/links.js';
import { makeRecipes, packageScripts } from '../shell/tasks.js';
import type { Operation } from '../shell/types.js';
import type { Decision, ResolvedPolicy } from '../types.js';
import type { ToolCall } from './agents/types.js';

export interface GuardContext {
  policy: ResolvedPolicy;
  /** Top of the work tree, or the working directory outside a repository. */
  root: string;
  inRepository: boolean;
  /** Where our state lives (.git); absent outside a repository. */
  commonDir?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** os.tmpdir() as Node computes it on POSIX, without loading node:os on every tool call. */
function processTmpdir(): string {
  return process.env.TMPDIR || process.env.TMP || process.env.TEMP || '/tmp';
}

export function tempDirectories(policy: ResolvedPolicy, env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? '';
  const extra = policy.shell.tempDirs.map((dir) => (dir.startsWith('~') ? `${home}${dir.slice(1)}` : dir));
  return [
    ...new Set(
      ['/tmp', '/var/tmp', processTmpdir(), ...(env.TMPDIR ? [env.TMPDIR] : []), ...extra].map((dir) =>
        resolve(dir),
      ),
    ),
  ];
}

/** Variables the analysis may expand: only well-known ones, from the agent's own environment. */
function shellEnv(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return { HOME: env.HOME, TMPDIR: env.TMPDIR ?? '/tmp', USER: env.USER, TMP: env.TMP, TEMP: env.TEMP };
}

export function operationsOfToolCall(call: ToolCall, cwd: string, env: NodeJS.ProcessEnv): Operation[] {
  const target = (path: string) => resolveTarget({ text: path, dynamic: false, glob: false }, cwd);
  switch (call.kind) {
    case 'shell':
      return analyzeCommand(call.command, cwd, shellEnv(env)).operations;
    case 'write': {
      const t = target(call.path);
      return [
        {
          kind: 'write',
          target: t,
          mode: t.path && existsSync(t.path) ? 'overwrite' : 'create',
          via: 'Write',
          ...keysOf(call.path, call.content),
        },
      ];
    }
    case 'edit':
      return [
        {
          kind: 'write',
          target: target(call.path),
          mode: 'modify',
          via: 'Edit',
          ...keysOf(call.path, call.content),
        },
      ];
    case 'delete':
      return [{ kind: 'delete', targets: [target(call.path)], recursive: false, via: 'Delete' }];
    case 'move':
      return [{ kind: 'move', from: [target(call.from)], to: target(call.to), via: 'Move' }];
    case 'unseen':
      return [{ kind: 'opaque', reason: call.reason, unseen: true }];
    default:
      return [];
  }
}

/** A package.json write whose new text names the policy key sets it (`"agentpolicy": {...}`). */
function keysOf(path: string, content: string | undefined): { keys?: string[] } {
  return basename(path) === 'package.json' && content !== undefined && /["']agentpolicy["']\s*:/.test(content)
    ? { keys: ['agentpolicy'] }
    : {};
}

const MAX_SCRIPT_BYTES = 512 * 1024;
const MAX_SCRIPT_DEPTH = 3;

/**
 * Reads the scripts a command would run (`bash scripts/clean.sh`, `./deploy.sh`, `source env.sh`,
 * `python3 tool.py`) and adds what they do, so writing a script and then running it judges both.
 */
export function expandScripts(
  operations: Operation[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  depth = 0,
): Operation[] {
  const expanded: Operation[] = [];
  for (const operation of operations) {
    expanded.push(operation);
    if (operation.kind === 'task' && depth < MAX_SCRIPT_DEPTH) {
      expanded.push(...expandTask(operation, env, depth));
      continue;
    }
    if (operation.kind !== 'script' || !operation.target.path || depth >= MAX_SCRIPT_DEPTH) continue;
    // Installed packages are runners' code, like `npx x`: not the project's to judge line by line.
    if (operation.target.path.split(sep).includes('node_modules')) continue;
    let text: string;
    try {
      if (
        !statSync(operation.target.path).isFile() ||
        statSync(operation.target.path).size > MAX_SCRIPT_BYTES
      )
        continue;
      text = readFileSync(operation.target.path, 'utf8');
    } catch {
      continue; // not there: running it fails on its own
    }
    const language = operation.language === 'auto' ? shebangLanguage(text) : operation.language;
    if (!language) continue;
    expanded.push(
      ...expandScripts(analyzeScriptText(language, text, cwd, shellEnv(env)), cwd, env, depth + 1),
    );
  }
  return expanded;
}

/** What `npm run x` and `make x` run, read from package.json and the Makefile. */
function expandTask(
  operation: Extract<Operation, { kind: 'task' }>,
  env: NodeJS.ProcessEnv,
  depth: number,
): Operation[] {
  const file = operation.file.path;
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(
      operation.runner === 'make' && !existsSync(file)
        ? (['GNUmakefile', 'makefile'].map((name) => join(dirname(file), name)).find(existsSync) ?? file)
        : file,
      'utf8',
    );
  } catch {
    return []; // no package.json or Makefile: the runner fails on its own
  }
  const scripts =
    operation.runner === 'npm' ? packageScripts(text, operation.names) : makeRecipes(text, operation.names);
  if (scripts === undefined)
    return [
      {
        kind: 'opaque',
        reason: `${operation.via} runs scripts from ${file}, which cannot be read`,
        unseen: true,
      },
    ];
  const cwd = dirname(file);
  return expandScripts(
    scripts.flatMap((script) => analyzeCommand(script, cwd, shellEnv(env)).operations),
    cwd,
    env,
    depth + 1,
  );
}

/**
 * The path an effect on `path` reaches on disk: symbolic links in it followed (the last one only
 * when `followLast`), so a write through a link to the policy is a write to the policy.
 */
export function diskResolver(path: string, followLast: boolean): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  try {
    if (!followLast && rest.length === 0 && lstatSync(existing).isSymbolicLink())
      return join(realpathSync(dirname(existing)), basename(existing));
    return join(realpathSync(existing), ...rest);
  } catch {
    return path;
  }
}

/** Decides on operations: rules, shell patterns, what could not be analysed. */
export function decideOperations(found: Operation[], context: GuardContext): Decision {
  const root = realRoot(context.root);
  const operations = resolveOperations(expandScripts(found, context.cwd, context.env), (path, followLast) => {
    const real = diskResolver(path, followLast);
    // Keep paths in the project spelled from its root as given, when the root itself is a link.
    return real.startsWith(`${root}${sep}`) || real === root ? context.root + real.slice(root.length) : real;
  });
  const facts = gatherFacts(
    context.root,
    context.inRepository,
    operations,
    context.env,
    tempDirectories(context.policy, context.env),
  );
  return decide(evaluateOperations(context.policy, operations, facts), context.policy);
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

export function guardCommand(command: string, context: GuardContext): Decision {
  const { operations } = analyzeCommand(command, context.cwd, shellEnv(context.env));
  return decideOperations(operations, context);
}

export function guardArgv(argv: string[], context: GuardContext): Decision {
  return decideOperations(analyzeArgv(argv, context.cwd, shellEnv(context.env)).operations, context);
}

export function guardToolCalls(calls: ToolCall[], context: GuardContext): Decision {
  const operations = calls.flatMap((call) => operationsOfToolCall(call, context.cwd, context.env));
  return decideOperations(operations, context);
}

/** A deny that a human allowed once (`agentpolicy allow-once <rule>`) becomes an allow, once. */
export function applyAllowOnce(
  decision: Decision,
  context: GuardContext,
  command: string | undefined,
): Decision & { allowedOnce?: boolean } {
  if (decision.verdict === 'allow' || !decision.rule || !context.commonDir) return decision;
  if (!consumeAllowance(context.commonDir, decision.rule, command)) return decision;
  return { ...decision, verdict: 'allow', allowedOnce: true };
}

export function audit(
  context: GuardContext,
  entry: { agent: string; session?: string; tool: string; command?: string; paths?: string[] },
  decision: Decision & { allowedOnce?: boolean },
): void {
  if (!context.commonDir) return;
  try {
    appendAudit(context.commonDir, {
      time: isoTime(Date.now()),
      ...entry,
      cwd: context.cwd,
      decision: decision.verdict,
      ...(decision.rule ? { rule: decision.rule } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
      ...(decision.allowedOnce ? { allowedOnce: true } : {}),
    });
  } catch {
    // The decision stands whether or not it could be logged.
  }
}

export function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
