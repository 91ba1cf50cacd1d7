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

// The same command line as one CommonJS file, for the commands every agent tool call and every
// commit message run: one file loads faster than many modules, and bin/agentpolicy.cjs keeps V8's
// compiled code for it between runs. Commands that need the ESM-only execa or husky use dist/cli.js.
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
  legalComments: 'none',
  external: ['execa', 'husky', '@valibot/to-json-schema', 'yaml', 're2js'],
  define: { __AGENTPOLICY_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__agentpolicy_url' },
  banner: { js: "var __agentpolicy_url=require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};

// The policy loader is part of the hot bundle: a cold JSON policy loads in well under a
// millisecond with the validator compiled in, so no cache (a file an agent could write) stands
// between the committed policy and a verdict. The YAML parser and the regular expression engine
// stay external and load only for the policies that need them.
await build({ ...cjs, entryPoints: { hot: 'src/cli/hot.ts' } });

const { policyJsonSchema } = await import(new URL('dist/schema.js', root).href);
writeFileSync(new URL('schema.json', root), `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
