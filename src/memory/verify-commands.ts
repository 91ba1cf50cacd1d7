// The commands VERIFY.md starts with: what the project really has (its test, typecheck and lint
// scripts, `tsc --noEmit` where TypeScript is set up, the test runners of other ecosystems), never a
// command that cannot pass on the first commit (npm's placeholder test script, a tool not installed).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface VerifyCommands {
  /** The command lines, in the order they run: cheapest feedback first. */
  commands: string[];
  /** What each command was found from, for init's report. */
  found: string[];
  /** What was seen and left out, with the reason. */
  skipped: string[];
}

interface Manifest {
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

// npm init's test script: it always fails.
const PLACEHOLDER_TEST = /no test specified/i;
const TYPECHECK_SCRIPTS = ['typecheck', 'type-check', 'types', 'check-types', 'tsc'];
const LINT_SCRIPTS = ['lint'];

export function verifyCommands(root: string): VerifyCommands {
  const result: VerifyCommands = { commands: [], found: [], skipped: [] };
  const manifest = readManifest(root, result);
  if (manifest) nodeCommands(root, manifest, result);
  else otherEcosystems(root, result);
  return result;
}

function readManifest(root: string, result: VerifyCommands): Manifest | undefined {
  const path = join(root, 'package.json');
  if (!existsSync(path)) return undefined;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (data && typeof data === 'object' && !Array.isArray(data)) return data as Manifest;
  } catch {
    // Reported below; the other ecosystems are not guessed for a project with a broken package.json.
  }
  result.skipped.push('package.json does not parse, so its scripts were not read');
  return {};
}

/** `npm run x` in the package manager the lock file names. */
function runner(root: string): { run: (script: string) => string; test: string } {
  const manager = existsSync(join(root, 'pnpm-lock.yaml'))
    ? 'pnpm'
    : existsSync(join(root, 'yarn.lock'))
      ? 'yarn'
      : existsSync(join(root, 'bun.lock')) || existsSync(join(root, 'bun.lockb'))
        ? 'bun'
        : 'npm';
  return { run: (script) => `${manager} run ${script}`, test: `${manager} test` };
}

function nodeCommands(root: string, manifest: Manifest, result: VerifyCommands): void {
  const scripts = manifest.scripts && typeof manifest.scripts === 'object' ? manifest.scripts : {};
  const script = (name: string) =>
    typeof scripts[name] === 'string' ? (scripts[name] as string) : undefined;
  const { run, test } = runner(root);
  const testScript = script('test');
  // A script the test script already runs is not run twice.
  const ranByTest = (name: string) =>
    testScript !== undefined && new RegExp(`\\brun(?:-script)?\\s+${name}\\b`).test(testScript);

  const typecheck = TYPECHECK_SCRIPTS.find((name) => script(name) !== undefined);
  if (typecheck && ranByTest(typecheck)) {
    result.skipped.push(`the "${typecheck}" script: the test script already runs it`);
  } else if (typecheck) {
    result.commands.push(run(typecheck));
    result.found.push(`the "${typecheck}" script`);
  } else if (existsSync(join(root, 'tsconfig.json'))) {
    const installed =
      hasDependency(manifest, 'typescript') || existsSync(join(root, 'node_modules/.bin/tsc'));
    if (installed) {
      result.commands.push('npx tsc --noEmit');
      result.found.push('tsconfig.json');
    } else {
      result.skipped.push('tsconfig.json: typescript is not a dependency, so `tsc --noEmit` could not run');
    }
  }

  const lint = LINT_SCRIPTS.find((name) => script(name) !== undefined);
  if (lint && ranByTest(lint)) result.skipped.push(`the "${lint}" script: the test script already runs it`);
  else if (lint) {
    result.commands.push(run(lint));
    result.found.push(`the "${lint}" script`);
  }

  if (testScript === undefined) {
    result.skipped.push('no "test" script in package.json');
  } else if (PLACEHOLDER_TEST.test(testScript)) {
    result.skipped.push(`the "test" script is npm's placeholder (${testScript}), which always fails`);
  } else {
    result.commands.push(test);
    result.found.push('the "test" script');
  }
}

function hasDependency(manifest: Manifest, name: string): boolean {
  return [manifest.dependencies, manifest.devDependencies].some(
    (group) => group !== null && typeof group === 'object' && Object.hasOwn(group, name),
  );
}

function otherEcosystems(root: string, result: VerifyCommands): void {
  const has = (name: string) => existsSync(join(root, name));
  const read = (name: string) => readFileSync(join(root, name), 'utf8');
  if (has('Cargo.toml')) {
    result.commands.push('cargo test');
    result.found.push('Cargo.toml');
  } else if (has('go.mod')) {
    result.commands.push('go vet ./...', 'go test ./...');
    result.found.push('go.mod');
  } else if (has('pytest.ini') || (has('pyproject.toml') && /\bpytest\b/.test(read('pyproject.toml')))) {
    result.commands.push('python3 -m pytest');
    result.found.push(has('pytest.ini') ? 'pytest.ini' : 'pytest in pyproject.toml');
  } else if (has('Makefile') && /^test\s*:/m.test(read('Makefile'))) {
    result.commands.push('make test');
    result.found.push('the Makefile\'s "test" target');
  }
}

/** VERIFY.md with the commands found, or with none and a word on what to write. */
export function verifyMarkdown(found: VerifyCommands): string {
  const intro = `# VERIFY.md

The exact commands to run before moving on. agentpolicy runs every command in the shell blocks below
before each commit (\`verify.from\` in .agentpolicyrc); run them yourself with \`npx agentpolicy verify\`.
`;
  if (found.commands.length === 0) {
    return `${intro}
No test, typecheck or lint command was found in this project. Write the commands that check it in a
fenced \`sh\` block here, one per line; until then every commit is blocked, because nothing verifies it.
`;
  }
  return `${intro}
\`\`\`sh
${found.commands.join('\n')}
\`\`\`
`;
}
