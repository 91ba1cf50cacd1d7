// Whether a host runs the project's hooks at all. Codex and Gemini CLI skip project hooks in a
// folder a human has not trusted; their trust lives in the user's own settings, read here the way
// each host reads it:
// - Codex: `[projects."<path>"] trust_level = "trusted"` in $CODEX_HOME/config.toml (default
//   ~/.codex), looked up for the folder it starts in, the project root and the repository root (a
//   linked worktree's main checkout).
// - Gemini CLI: ~/.gemini/trustedFolders.json (or $GEMINI_CLI_TRUSTED_FOLDERS_PATH), path to
//   TRUST_FOLDER, TRUST_PARENT (the path's parent) or DO_NOT_TRUST, the longest matching path
//   deciding; folder trust is on unless `security.folderTrust.enabled` is false in
//   ~/.gemini/settings.json.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { AGENT_SETTINGS } from './install.js';
import type { AgentName } from './types.js';

export interface Trust {
  /** true: the host runs the hooks; false: it skips them; undefined: the host is not set up here. */
  trusted: boolean | undefined;
  detail: string;
  fix?: string;
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function within(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** JSON with // and /* comments, as Gemini CLI reads its settings. */
function parseJsonWithComments(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return JSON.parse(out);
}

/** Codex's trust for the project at `root` (`main`: the main checkout of a linked worktree). */
export async function codexTrust(root: string, main: string, env: NodeJS.ProcessEnv): Promise<Trust> {
  const codexHome = env.CODEX_HOME || join(home(env), '.codex');
  const file = join(codexHome, 'config.toml');
  const fix = `start Codex in ${root} and trust the project when it asks (or add [projects."${root}"] trust_level = "trusted" to ${file}), then review the hooks with /hooks`;
  if (!existsSync(codexHome))
    return {
      trusted: undefined,
      detail: `Codex is not set up on this machine (no ${codexHome}); it runs the hooks once the project is trusted`,
    };
  let config: Record<string, unknown> = {};
  if (existsSync(file)) {
    const { parse } = await import('smol-toml');
    try {
      config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      return {
        trusted: false,
        detail: `${file} does not parse (${(error as Error).message.split('\n')[0]}), so Codex trusts no project`,
        fix: `fix ${file}`,
      };
    }
  }
  const projects = (config.projects ?? {}) as Record<string, { trust_level?: unknown }>;
  for (const folder of new Set([root, real(root), main, real(main)])) {
    const level = projects[folder]?.trust_level;
    if (level === 'trusted') return { trusted: true, detail: `Codex trusts ${folder} (${file})` };
    if (level === 'untrusted')
      return {
        trusted: false,
        detail: `Codex is told not to trust ${folder} (${file}): it skips the hooks`,
        fix,
      };
  }
  return {
    trusted: false,
    detail: `Codex has not been told to trust ${root}: it skips the hooks until a human does`,
    fix,
  };
}

/** Gemini CLI's trust for the folder at `root`. */
export function geminiTrust(root: string, env: NodeJS.ProcessEnv): Trust {
  const geminiHome = join(home(env), '.gemini');
  const file = env.GEMINI_CLI_TRUSTED_FOLDERS_PATH || join(geminiHome, 'trustedFolders.json');
  const fix = `start Gemini CLI in ${root} and trust the folder when it asks (or add "${root}": "TRUST_FOLDER" to ${file})`;
  if (!existsSync(geminiHome) && !env.GEMINI_CLI_TRUSTED_FOLDERS_PATH)
    return {
      trusted: undefined,
      detail: `Gemini CLI is not set up on this machine (no ${geminiHome}); it runs the hooks once the folder is trusted`,
    };
  const read = (path: string): unknown => parseJsonWithComments(readFileSync(path, 'utf8'));
  const settingsFile = join(geminiHome, 'settings.json');
  try {
    const settings = existsSync(settingsFile) ? (read(settingsFile) as Record<string, unknown>) : {};
    const security = (settings.security ?? {}) as { folderTrust?: { enabled?: unknown } };
    if (security.folderTrust?.enabled === false)
      return {
        trusted: true,
        detail: `folder trust is off in ${settingsFile}: Gemini CLI runs project hooks everywhere`,
      };
  } catch (error) {
    return {
      trusted: false,
      detail: `${settingsFile} does not parse (${(error as Error).message})`,
      fix: `fix ${settingsFile}`,
    };
  }
  let rules: Record<string, unknown> = {};
  try {
    if (existsSync(file)) rules = read(file) as Record<string, unknown>;
  } catch (error) {
    return {
      trusted: false,
      detail: `${file} does not parse (${(error as Error).message}): Gemini CLI stops with an error`,
      fix: `fix ${file}`,
    };
  }
  const location = real(root);
  let longest = -1;
  let level: unknown;
  for (const [path, value] of Object.entries(rules)) {
    const folder = real(value === 'TRUST_PARENT' ? dirname(path) : path);
    if (within(location, folder) && path.length > longest) {
      longest = path.length;
      level = value;
    }
  }
  if (level === 'TRUST_FOLDER' || level === 'TRUST_PARENT')
    return { trusted: true, detail: `Gemini CLI trusts ${root} (${file})` };
  if (level === 'DO_NOT_TRUST')
    return {
      trusted: false,
      detail: `Gemini CLI is told not to trust ${root} (${file}): it skips the hooks`,
      fix,
    };
  return {
    trusted: false,
    detail: `Gemini CLI has not been told to trust ${root}: it skips the hooks until a human does`,
    fix,
  };
}

/** The hosts whose project settings here carry our hook and that need a human's trust first. */
export function hostsNeedingTrust(root: string): AgentName[] {
  return (['codex', 'gemini'] as const).filter((name) => {
    const path = join(root, AGENT_SETTINGS[name].path);
    try {
      return existsSync(path) && readFileSync(path, 'utf8').includes('agentpolicy agent-hook');
    } catch {
      return false;
    }
  });
}
