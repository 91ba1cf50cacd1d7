// Builds dist/ with esbuild: one ESM bundle split per command, so each command loads only its own
// code, and writes schema.json from the policy schema.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

rmSync(new URL('dist', root), { recursive: true, force: true });
await build({
  absWorkingDir: root.pathname,
  entryPoints: { cli: 'src/cli/entry.ts', index: 'src/index.ts', schema: 'src/config/schema-json.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  sourcemap: false,
  // Heavy modules used only off the hot paths stay external and load from node_modules on demand.
  external: ['execa', 'husky', '@valibot/to-json-schema', 'yaml', 're2js'],
  define: { __AGENTPOLICY_VERSION__: JSON.stringify(pkg.version) },
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS code calls require(); give it one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});

// The hot commands as CommonJS files of their own: `agent-hook` (every agent tool call) in
// dist/agent-hook.cjs, the shell wrapper, check-command and the commit-msg hook in dist/hot.cjs.
// One file loads faster than many modules, and bin/agentpolicy.cjs keeps V8's compiled code for
// each between runs. What a process pays for scales with the bytes it reads and the code V8
// deserializes, so each file carries only its commands, local names are shortened, and the file
// is already the function bin/agentpolicy.cjs calls (no copy to wrap it) and plain ASCII (read
// without decoding UTF-8). Commands that need the ESM-only execa or husky use dist/cli.js.
const WRAPPER = '(function (exports, require, module, __filename, __dirname) {';
const cjs = {
  absWorkingDir: root.pathname,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  minifyIdentifiers: true,
  charset: 'ascii',
  legalComments: 'none',
  external: ['execa', 'husky', '@valibot/to-json-schema', 'yaml', 're2js'],
  define: { __AGENTPOLICY_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__agentpolicy_url' },
  banner: { js: `${WRAPPER}var __agentpolicy_url=require('node:url').pathToFileURL(__filename).href;` },
  footer: { js: '\n})' },
  logLevel: 'warning',
};

// The policy loader is part of the hot bundles: a cold JSON policy loads in well under a
// millisecond with the validator compiled in, so no cache (a file an agent could write) stands
// between the committed policy and a verdict. The YAML parser and the regular expression engine
// stay external and load only for the policies that need them.
await build({ ...cjs, entryPoints: { hot: 'src/cli/hot.ts', 'agent-hook': 'src/cli/hot-agent.ts' } });
for (const name of ['hot.cjs', 'agent-hook.cjs']) {
  const bytes = readFileSync(new URL(`dist/${name}`, root));
  if (bytes.some((byte) => byte > 0x7f))
    throw new Error(`dist/${name} is not ASCII: the launcher reads it as latin1`);
}

const { policyJsonSchema } = await import(new URL('dist/schema.js', root).href);
writeFileSync(new URL('schema.json', root), `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
