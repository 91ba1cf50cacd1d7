// doctor says whether Codex and Gemini CLI will run the installed hooks at all: both skip project
// hooks in a folder a human has not trusted, and keep that trust in the user's own settings.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { linkBinary } from '../helpers/project.js';
import { addWorktree, createRepo, type TestRepo } from '../helpers/repo.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

function setUp(): { repo: TestRepo; env: NodeJS.ProcessEnv; doctor: (cwd?: string) => Check[] } {
  const repo = createRepo();
  linkBinary(repo.dir);
  const env = { ...repo.env };
  delete env.CODEX_HOME;
  delete env.GEMINI_CLI_TRUSTED_FOLDERS_PATH;
  runCli(['init'], { cwd: repo.dir, env });
  for (const agent of ['codex', 'gemini']) runCli(['install-agent', agent], { cwd: repo.dir, env });
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'Set up agentpolicy with the Codex and Gemini hooks');
  const doctor = (cwd = repo.dir) => {
    const result = runCli(['doctor', '--format', 'json'], { cwd, env });
    const checks = (JSON.parse(result.stdout) as { checks: Check[] }).checks;
    return checks.filter((check) => check.name.endsWith(' trust'));
  };
  return { repo, env, doctor };
}

function put(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const byName = (checks: Check[]) => Object.fromEntries(checks.map((check) => [check.name, check]));

describe('doctor: trust of the hosts that skip untrusted project hooks', () => {
  it('says so when a host is not set up on this machine, and passes', () => {
    const { doctor } = setUp();
    const checks = byName(doctor());
    expect(checks['codex trust']).toMatchObject({ ok: true, detail: /Codex is not set up on this machine/ });
    expect(checks['gemini trust']).toMatchObject({ ok: true, detail: /Gemini CLI is not set up/ });
  });

  it('fails with a fix until a human trusts the project, in the form each host writes', () => {
    const { repo, doctor } = setUp();
    const codexConfig = join(repo.home, '.codex/config.toml');
    const trustedFolders = join(repo.home, '.gemini/trustedFolders.json');
    put(codexConfig, 'model = "gpt-5"\n\n[projects."/somewhere/else"]\ntrust_level = "trusted"\n');
    put(trustedFolders, JSON.stringify({ '/somewhere/else': 'TRUST_FOLDER' }));
    let checks = byName(doctor());
    expect(checks['codex trust']).toMatchObject({ ok: false, detail: /has not been told to trust/ });
    expect(checks['codex trust']?.fix).toContain(`[projects."${repo.dir}"] trust_level = "trusted"`);
    expect(checks['gemini trust']).toMatchObject({ ok: false, detail: /has not been told to trust/ });
    expect(checks['gemini trust']?.fix).toContain('TRUST_FOLDER');

    // Codex's own form; Gemini's trust of a parent folder, with a comment in the file.
    put(codexConfig, `[projects."${repo.dir}"]\ntrust_level = "trusted"\n`);
    put(trustedFolders, `{\n  // trusted from the dialog\n  "${join(repo.dir, 'sub')}": "TRUST_PARENT"\n}\n`);
    checks = byName(doctor());
    expect(checks['codex trust']).toMatchObject({ ok: true, detail: /Codex trusts/ });
    expect(checks['gemini trust']).toMatchObject({ ok: true, detail: /Gemini CLI trusts/ });

    // An inline table says the same; the longest matching folder decides for Gemini CLI.
    put(codexConfig, `[projects]\n"${repo.dir}" = { trust_level = "untrusted" }\n`);
    put(
      trustedFolders,
      JSON.stringify({ [join(repo.dir, '..')]: 'TRUST_FOLDER', [repo.dir]: 'DO_NOT_TRUST' }),
    );
    checks = byName(doctor());
    expect(checks['codex trust']).toMatchObject({ ok: false, detail: /told not to trust/ });
    expect(checks['gemini trust']).toMatchObject({ ok: false, detail: /told not to trust/ });

    // Folder trust switched off in Gemini CLI's settings: project hooks run everywhere.
    put(join(repo.home, '.gemini/settings.json'), '{ "security": { "folderTrust": { "enabled": false } } }');
    expect(byName(doctor())['gemini trust']).toMatchObject({ ok: true, detail: /folder trust is off/ });
  });

  it('reads a linked worktree as trusted through its main checkout, and fails on a broken file', () => {
    const { repo, doctor } = setUp();
    const worktree = addWorktree(repo, '../wt', 'topic');
    put(join(repo.home, '.codex/config.toml'), `[projects."${repo.dir}"]\ntrust_level = "trusted"\n`);
    expect(byName(doctor(worktree.dir))['codex trust']).toMatchObject({ ok: true });

    put(join(repo.home, '.codex/config.toml'), '[projects\ntrust_level = \n');
    const broken = byName(doctor())['codex trust'];
    expect(broken).toMatchObject({ ok: false, detail: /does not parse/ });
  });
});
