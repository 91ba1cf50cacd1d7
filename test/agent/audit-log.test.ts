// Many agents write the audit log at once: no line lost or torn.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { appendAudit, auditPath, readAudit } from '../../src/audit/log.js';
import { tempDir } from '../helpers/repo.js';

async function bundleWriter(dir: string): Promise<string> {
  const entry = join(dir, 'writer.ts');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    entry,
    `import { appendAudit } from ${JSON.stringify(join(process.cwd(), 'src/audit/log.ts'))};
const [commonDir, writer, count] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  appendAudit(commonDir, { time: new Date().toISOString(), agent: 'writer-' + writer, cwd: '/x', tool: 'Bash', command: 'echo ' + 'x'.repeat(200 + (i % 7) * 300) + ' ' + i, decision: i % 3 ? 'allow' : 'deny', rule: 'no-destructive-git', reason: 'r'.repeat(i % 500) });
}`,
  );
  const out = join(dir, 'writer.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

describe('audit log', () => {
  it('keeps every line whole with 8 processes writing 400 entries each at once', async () => {
    const dir = tempDir();
    const commonDir = join(dir, '.git');
    mkdirSync(commonDir);
    const writer = await bundleWriter(dir);
    const writers = 8;
    const count = 400;
    await Promise.all(
      Array.from(
        { length: writers },
        (_, n) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, [writer, commonDir, String(n), String(count)], {
              stdio: 'inherit',
            });
            child.on('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`writer ${n} exited ${code}`)),
            );
          }),
      ),
    );
    const lines = readFileSync(auditPath(commonDir), 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(writers * count);
    const entries = lines.map((line) => JSON.parse(line)); // a torn line would not parse
    for (let n = 0; n < writers; n++) {
      const mine = entries
        .filter((entry) => entry.agent === `writer-${n}`)
        .map((entry) => Number(entry.command.split(' ').pop()));
      expect(mine).toEqual(Array.from({ length: count }, (_, i) => i)); // each writer's lines in order
    }
  });

  it('cuts very long commands so an entry stays one write', () => {
    const commonDir = join(tempDir(), '.git');
    appendAudit(commonDir, {
      time: new Date().toISOString(),
      agent: 'claude',
      cwd: '/',
      tool: 'Bash',
      command: 'x'.repeat(100_000),
      decision: 'allow',
    });
    const [entry] = readAudit(commonDir).entries;
    expect(entry?.command?.length).toBeLessThan(5000);
    expect(entry?.command).toMatch(/\(100000 characters\)$/);
  });
});
