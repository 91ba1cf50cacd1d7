// The command table. Summaries live here so `--help` loads no command; each command's module is
// imported only when that command runs.
import { agentHookCommands, guardCommands } from './hot-commands.js';
import type { Io } from './io.js';

export interface Globals {
  debug: boolean;
}

export interface CommandModule {
  /** Full help text for `agentpolicy <command> --help`. */
  usage: string;
  run: (argv: string[], io: Io, globals: Globals) => Promise<number>;
}

export type CommandTable = Record<string, { summary: string; load: () => Promise<CommandModule> }>;

export const commands: CommandTable = {
  init: { summary: 'Write a policy and install the git hooks', load: () => import('./commands/init.js') },
  doctor: {
    summary: 'Check the policy, the hooks and the environment',
    load: () => import('./commands/doctor.js'),
  },
  check: {
    summary: 'Run the diff rules on staged changes, the work tree or a range',
    load: () => import('./commands/check.js'),
  },
  ci: {
    summary: 'The CI gate: every commit of a range, under the policy of its base',
    load: () => import('./commands/ci.js'),
  },
  ...guardCommands,
  ...agentHookCommands,
  hook: {
    summary: 'Run the policy for a git hook (called by the installed hooks)',
    load: () => import('./commands/hook.js'),
  },
  report: {
    summary: 'The readiness report: where the change stands against the policy',
    load: () => import('./commands/report.js'),
  },
  verify: {
    summary: 'Run the verification steps and print whether the change is ready',
    load: () => import('./commands/verify.js'),
  },
  'install-agent': {
    summary: "Add agentpolicy's hook to an agent's project settings",
    load: () => import('./commands/install-agent.js'),
  },
  'allow-once': {
    summary: 'For a human: let one denied action, or one change to guarded files, through',
    load: () => import('./commands/allow-once.js'),
  },
  profile: {
    summary: 'For a human: select a profile of the policy for the hooks, for a while',
    load: () => import('./commands/profile.js'),
  },
  log: { summary: "Show the guard's decisions from the audit log", load: () => import('./commands/log.js') },
  config: {
    summary: 'Print the resolved policy and where each value came from',
    load: () => import('./commands/config.js'),
  },
};
