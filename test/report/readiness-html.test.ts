/// <reference lib="dom" />
// The HTML readiness report, looked at in a real headless Chromium (the binary that the
// @sparticuz/chromium package ships, so `npm ci` brings it on any machine): it renders as one self-contained page, the verdict and the bars say what
// the data says, and nothing overflows at a phone's width.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import serverlessChromium from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReadinessHtml, type Readiness } from '../../src/report/readiness.js';
import { tempDir } from '../helpers/repo.js';

const blocked: Readiness = {
  generatedAt: '2026-11-28T12:00:00Z',
  subject: 'staged changes',
  budget: { used: 212, max: 150, files: 7 },
  rules: [
    {
      id: 'max-diff-lines',
      severity: 'error',
      findings: [
        {
          rule: 'max-diff-lines',
          severity: 'error',
          message: 'The change is 212 lines; at most 150 (max-diff-lines 212/150).',
        },
      ],
    },
    { id: 'no-deletions', severity: 'error', findings: [] },
    {
      id: 'no-new-suppressions',
      severity: 'warn',
      findings: [
        {
          rule: 'no-new-suppressions',
          severity: 'warn',
          message: 'Adds <script>alert(1)</script> @ts-ignore',
          file: 'src/a very/long/path/to/a-file-with-a-long-name.ts',
          line: 12,
        },
      ],
    },
  ],
  verification: {
    time: '2026-11-28T11:59:00Z',
    hook: 'pre-commit',
    results: [
      { name: 'npm test', status: 'failed', durationMs: 4200 },
      { name: 'tsc', status: 'passed', durationMs: 1500 },
    ],
  },
  plan: {
    done: 3,
    total: 4,
    items: [
      { text: 'Parse', done: true },
      { text: 'Check', done: true },
      { text: 'Report', done: true },
      { text: 'Ship', done: false },
    ],
  },
  progress: { exists: true, updated: false },
  live: { used: 120, max: 150, enforced: true },
  lastEdit: {
    time: '2026-11-28T11:58:00Z',
    hook: 'edit',
    results: [
      {
        name: 'npm run test:unit -- src/a-very-long-file-name-for-the-narrow-screen.ts',
        status: 'failed',
        durationMs: 900,
      },
    ],
  },
};

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? (await serverlessChromium.executablePath()),
    args: [
      // Its arguments are tuned for one page per process; these tests open several.
      ...serverlessChromium.args.filter((arg) => arg !== '--single-process'),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
});

async function open(data: Readiness, width: number) {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'report.html');
  writeFileSync(file, formatReadinessHtml(data));
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  await page.goto(`file://${file}`);
  return { page, requests, dir };
}

describe('readiness report in a browser', () => {
  it('shows a blocked change as blocked, with bars that match the data', async () => {
    const { page, requests, dir } = await open(blocked, 1024);
    expect(requests).toEqual([]); // self-contained
    await expect(page.locator('#verdict h1').textContent()).resolves.toMatch(/Not ready/);
    const verdictBorder = await page
      .locator('#verdict')
      .evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(verdictBorder).toBe('rgb(207, 34, 46)');
    const budgetFill = await page
      .locator('#budget .fill')
      .evaluate((el) => (el as HTMLElement).offsetWidth / (el.parentElement as HTMLElement).offsetWidth);
    expect(budgetFill).toBeCloseTo(1, 2); // over budget: full and red
    const planFill = await page
      .locator('#plan .fill')
      .evaluate((el) => (el as HTMLElement).offsetWidth / (el.parentElement as HTMLElement).offsetWidth);
    expect(planFill).toBeCloseTo(0.75, 2);
    const liveFill = await page
      .locator('#live .fill')
      .evaluate((el) => (el as HTMLElement).offsetWidth / (el.parentElement as HTMLElement).offsetWidth);
    expect(liveFill).toBeCloseTo(0.8, 2); // 120 of 150 lines uncommitted
    await expect(page.locator('#last-edit li.failed').count()).resolves.toBe(1);
    await expect(page.locator('#rules tr.fail').count()).resolves.toBe(1);
    await expect(page.locator('#rules tr.pass').count()).resolves.toBe(1);
    await expect(page.locator('script').count()).resolves.toBe(0); // the finding text was escaped
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    await page.close();
  });

  it('fits a phone-width screen without horizontal scrolling', async () => {
    const { page } = await open(blocked, 360);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('shows a clean change as ready', async () => {
    const clean: Readiness = {
      ...blocked,
      budget: { used: 40, max: 150, files: 2 },
      rules: [{ id: 'no-deletions', severity: 'error', findings: [] }],
      verification: { ...blocked.verification!, results: [{ name: 'tsc', status: 'passed', durationMs: 1 }] },
    };
    const { page } = await open(clean, 1024);
    await expect(page.locator('#verdict h1').textContent()).resolves.toMatch(/^Ready/);
    const color = await page.locator('#budget .fill').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(color).toBe('rgb(26, 127, 55)');
    await page.close();
  });
});

describe('a range report in a browser', () => {
  const ids = Array.from(
    { length: 200 },
    (_, i) => `${(i + 1).toString(16).padStart(8, '0')}${'ab'.repeat(16)}`,
  );
  const range: Readiness = {
    generatedAt: '2026-11-28T12:00:00Z',
    subject: `${ids[0]!.slice(0, 12)}..${ids[199]!.slice(0, 12)}`,
    commits: ids.map((id, i) => ({
      id,
      subject:
        i % 7 === 0 ? `A subject with a very-long-unbroken-word-${'x'.repeat(80)}` : `Change step ${i}`,
    })),
    rules: [
      {
        id: 'max-diff-lines',
        severity: 'error',
        findings: [
          ...ids.map((commit) => ({
            rule: 'max-diff-lines',
            severity: 'error' as const,
            message: 'The change is 212 lines; at most 150 (max-diff-lines 212/150).',
            commit,
          })),
          { rule: 'max-diff-lines', severity: 'error', message: 'The range is 42,400 lines; at most 1000.' },
        ],
      },
      {
        id: 'commit-message',
        severity: 'warn',
        findings: ids.slice(0, 50).map((commit) => ({
          rule: 'commit-message',
          severity: 'warn' as const,
          message: 'The subject is short.',
          file: `src/${'deep/'.repeat(12)}file.ts`,
          commit,
        })),
      },
    ],
  };

  for (const width of [390, 1280]) {
    it(`groups the findings by commit, with ids, collapsed, readable at ${width} px`, async () => {
      const { page } = await open(range, width);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      // What is wider than its box, to say where an overflow comes from.
      const wide = await page.evaluate(() =>
        Array.from(document.querySelectorAll('body *'))
          .filter((element) => element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
          .map((element) => `${element.tagName}.${element.className}`)
          .slice(0, 5),
      );
      expect(overflow, wide.join(' ')).toBeLessThanOrEqual(0);
      await expect(page.locator('details.commit').count()).resolves.toBe(201);
      for (const id of [ids[0]!, ids[123]!, ids[199]!])
        await expect(page.locator(`#c-${id.slice(0, 12)} summary`).textContent()).resolves.toContain(
          id.slice(0, 12),
        );
      // Collapsed until opened: the findings of a commit show when its summary is clicked.
      const finding = page.locator(`#c-${ids[3]!.slice(0, 12)} li`).filter({ hasText: 'commit-message' });
      await expect(finding.isVisible()).resolves.toBe(false);
      await page.locator(`#c-${ids[3]!.slice(0, 12)} summary`).click();
      await expect(finding.isVisible()).resolves.toBe(true);
      await expect(finding.textContent()).resolves.toMatch(/commit-message.*deep\/.*short/);
      // The rules table shows a few findings per rule, each linking to its commit.
      await expect(page.locator('#rules tr').first().locator('li a.commit-id').count()).resolves.toBe(5);
      await expect(page.locator('#rules li.more').first().textContent()).resolves.toMatch(/\+196 more/);
      await page.close();
    });
  }
});
