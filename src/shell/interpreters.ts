// Interpreter one-liners (python -c, node -e, perl -e, ruby -e, and heredocs fed to them): the
// calls that delete files or run shell commands, read from the code. Printing a string that looks
// like a command is data; calling os.system on it is not.
import type { Context } from './analyze.js';
import { resolveTarget } from './analyze.js';
import type { Operation } from './types.js';

export interface Language {
  codeFlags: string[];
  /** Calls that delete the path in their first string argument; the boolean marks recursive ones. */
  deletes: [RegExp, boolean][];
  /** Calls that run their first string argument as a shell command. */
  shells: RegExp[];
}

const STRING = `(?:'([^']*)'|"([^"]*)"|\`([^\`]*)\`)`;

function call(name: string): RegExp {
  return new RegExp(`${name}\\s*\\(\\s*(?:${STRING})?`, 'g');
}

const PYTHON: Language = {
  codeFlags: ['-c'],
  deletes: [
    [call('os\\.(?:remove|unlink|rmdir)'), false],
    [call('shutil\\.rmtree'), true],
    [call('os\\.removedirs'), true],
    [call('(?:Path|pathlib\\.Path)\\([^)]*\\)\\.(?:unlink|rmdir)'), false],
  ],
  shells: [call('os\\.(?:system|popen)'), call('subprocess\\.(?:run|call|check_call|check_output|Popen)')],
};

const NODE: Language = {
  codeFlags: ['-e', '--eval', '-p', '--print'],
  deletes: [
    [call('(?:fs\\.|fsp\\.|promises\\.)?(?:rmSync|rm|rmdirSync|rmdir)'), true],
    [call('(?:fs\\.|fsp\\.|promises\\.)?(?:unlinkSync|unlink)'), false],
  ],
  shells: [call('(?:child_process\\.|cp\\.)?(?:execSync|exec|spawnSync|spawn|execFileSync|execFile)')],
};

const PERL: Language = {
  codeFlags: ['-e', '-E'],
  deletes: [
    [/\bunlink\s*\(?\s*(?:'([^']*)'|"([^"]*)"|glob\s*\(\s*(?:'([^']*)'|"([^"]*)"))?/g, false],
    [/\b(?:rmtree|remove_tree)\s*\(?\s*(?:'([^']*)'|"([^"]*)")?/g, true],
  ],
  shells: [/\b(?:system|exec)\s*\(?\s*(?:'([^']*)'|"([^"]*)")?/g, /`([^`]*)`/g],
};

const RUBY: Language = {
  codeFlags: ['-e'],
  deletes: [
    [/FileUtils\.(?:rm_rf|rm_r|remove_dir|rmtree)\s*\(?\s*(?:'([^']*)'|"([^"]*)")?/g, true],
    [/(?:File\.(?:delete|unlink)|FileUtils\.(?:rm|rm_f))\s*\(?\s*(?:'([^']*)'|"([^"]*)")?/g, false],
  ],
  shells: [/\b(?:system|exec|spawn)\s*\(?\s*(?:'([^']*)'|"([^"]*)")?/g, /`([^`]*)`/g, /%x\{([^}]*)\}/g],
};

export const INTERPRETERS = new Map<string, Language>([
  ['python', PYTHON],
  ['python2', PYTHON],
  ['python3', PYTHON],
  ['pypy', PYTHON],
  ['pypy3', PYTHON],
  ['node', NODE],
  ['nodejs', NODE],
  ['bun', NODE],
  ['deno', NODE],
  ['perl', PERL],
  ['ruby', RUBY],
]);

function firstString(match: RegExpExecArray): string | undefined {
  return match.slice(1).find((group) => group !== undefined);
}

type Nested = (text: string, context: Context, via: string) => void;

export function analyzeInterpreterCode(
  language: Language,
  code: string,
  context: Context,
  nested: Nested,
): Operation[] {
  const operations: Operation[] = [];
  for (const [pattern, recursive] of language.deletes) {
    for (const match of code.matchAll(new RegExp(pattern.source, pattern.flags))) {
      const path = firstString(match);
      const target =
        path === undefined
          ? { raw: '<computed path>', glob: false, dynamic: true }
          : resolveTarget({ text: path, dynamic: false, glob: /[*?[]/.test(path) }, context.scope.cwd);
      operations.push({
        kind: 'delete',
        targets: [target],
        recursive: recursive || target.glob,
        via: `interpreter ${match[0].split('(')[0]!.trim()}`,
      });
    }
  }
  for (const pattern of language.shells) {
    for (const match of code.matchAll(new RegExp(pattern.source, pattern.flags))) {
      const command = firstString(match);
      if (command === undefined)
        operations.push({ kind: 'opaque', reason: `${match[0].trim()} runs a command built at run time` });
      else nested(command, { ...context, operations }, 'interpreter');
    }
  }
  return operations;
}
