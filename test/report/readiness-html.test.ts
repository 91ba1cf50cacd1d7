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
