/**
 * The HTML report in a real browser (Debian's Chromium driven by
 * playwright-core): what the page shows, that the filter works on click, that
 * hostile strings from traffic stay text, and that the page raises no console
 * error (a blocked script or a CSP violation would). The JUnit XML is checked
 * for well-formedness by the same browser's XML parser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from './report-html.js';
import { renderJunit } from './report-junit.js';
import { buildReport, HOSTILE_BODY, HOSTILE_ROUTE } from './__testfixtures__/report-fixture.js';
import type { Report } from './report-model.js';

let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exw-report-html-'));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
});

async function open(report: Report, name: string): Promise<{ page: Page; problems: string[] }> {
  const file = join(dir, `${name}.html`);
  await writeFile(file, renderHtml(report));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`external request: ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  return { page, problems };
}

const visibleLedger = (page: Page) =>
  page.$$eval('#ledger tbody tr', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => r.querySelector('td')!.textContent));

describe('HTML report in Chromium', () => {
  it('shows the ledger, verdicts, diffs, charts; filters on click; stays safe and error-free', async () => {
    const { page, problems } = await open(buildReport(), 'full');

    // Ledger rows with their verdicts, hostile route as literal text.
    const rows = await page.$$eval('#ledger tbody tr', (trs) =>
      trs.map((tr) => ({ route: tr.querySelector('td.route')!.textContent, verdict: tr.querySelector('.verdict')!.textContent })),
    );
    expect(rows).toEqual([
      { route: 'GET /users/{id}', verdict: 'ready' },
      { route: 'GET /products', verdict: 'not ready' },
      { route: HOSTILE_ROUTE, verdict: 'not ready' },
      { route: 'POST /orders', verdict: 'not covered' },
    ]);
    expect(await page.textContent('#outcome')).toBe('FAIL');
    expect(await page.textContent('#failures')).toContain('parity 94.91% is below the minimum 100%');
    expect(await page.textContent('#ledger tbody tr:nth-child(2)')).toContain('88.88%');
    expect(await page.textContent('#ledger tbody tr:nth-child(2)')).toContain('2 (2 candidate)');

    // A difference with both values side by side and its field path highlighted.
    const first = page.locator('.diff').first();
    expect(await first.locator('mark').textContent()).toBe('/price');
    expect(await first.locator('.side.primary pre').textContent()).toBe('19.99');
    expect(await first.locator('.side.candidate pre').textContent()).toBe('21.5');
    expect(await page.locator('.redacted').first().textContent()).toBe('[REDACTED]');

    // The hostile body is shown as text; nothing from it became markup or ran.
    await page.click('#toggle-diffs');
    const hostile = page.locator('.diff[data-kind="text"] .side.primary pre');
    expect(await hostile.textContent()).toBe(`<p>Hello</p>${HOSTILE_BODY}`);
    expect(await hostile.isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval('script', (s) => s.length)).toBe(1);
    expect(await page.$$eval('img, svg[onload], main b', (e) => e.length)).toBe(0);
    expect(await page.locator('pre.unified .del').textContent()).toContain('</script><script>');

    // Charts are there, with one pair of bars per row.
    expect(await page.$$eval('#chart-throughput rect', (r) => r.length)).toBe(2 + 3 * 2);
    expect(await page.$$eval('#chart-latency rect', (r) => r.length)).toBe(2 + 3 * 6);

    // The filter works on click, for the ledger and the difference groups.
    await page.click('button[data-filter="not ready"]');
    expect(await visibleLedger(page)).toEqual(['GET /products', HOSTILE_ROUTE]);
    expect(await page.textContent('#shown-count')).toBe('2 of 4 routes shown');
    expect(await page.getAttribute('button[data-filter="not ready"]', 'aria-pressed')).toBe('true');
    await page.click('button[data-filter="not covered"]');
    expect(await visibleLedger(page)).toEqual(['POST /orders']);
    expect(await page.locator('details.route-diffs:visible').count()).toBe(0);
    await page.click('button[data-filter="all"]');
    await page.fill('#route-search', 'products');
    expect(await visibleLedger(page)).toEqual(['GET /products']);
    expect(await page.locator('details.route-diffs:visible').count()).toBe(1);
    await page.fill('#route-search', '');
    expect(await visibleLedger(page)).toHaveLength(4);

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    process.stdout.write(`HTML report screenshot: ${shot}\n`);

    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders a clean run without bench or differences', async () => {
    const report = buildReport({ differences: [], lost: [], skipped: [], trafficErrors: [] });
    delete report.bench;
    report.routes = report.routes.filter((r) => r.route === 'GET /users/{id}').map((r) => ({ ...r, latency: undefined, qpsRatio: undefined }));
    const { finaliseReport } = await import('./report-model.js');
    finaliseReport(report);
    const { page, problems } = await open(report, 'clean');
    expect(await page.textContent('#outcome')).toBe('PASS');
    expect(await page.isVisible('#no-bench')).toBe(true);
    expect(await page.isVisible('#no-differences')).toBe(true);
    expect(await page.$('#failures')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a difference seen in many requests once, with the requests listed', async () => {
    const report = buildReport();
    const price = report.differences[0]!;
    for (let i = 0; i < 11; i++) report.differences.push({ ...price, request: { id: `x-${i}`, method: 'GET', url: `/products?page=${10 + i}` } });
    const { page, problems } = await open(report, 'grouped');
    const card = page.locator('.diff', { has: page.locator('mark', { hasText: '/price' }) });
    expect(await card.count()).toBe(1);
    expect(await card.locator('.count').textContent()).toBe('in 12 requests');
    expect(await card.locator('.reqs .req').count()).toBe(8);
    expect(await card.locator('.more-reqs').textContent()).toBe('and 4 more');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('JUnit XML is well-formed for a real XML parser and keeps hostile text intact', async () => {
    const report = buildReport();
    report.differences[0]!.primary = 'bell\u0007 end';
    const xml = renderJunit(report);
    const page = await browser.newPage();
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'application/xml');
      const error = doc.querySelector('parsererror');
      return {
        error: error ? error.textContent : null,
        suites: Array.from(doc.querySelectorAll('testsuite')).map((s) => s.getAttribute('name')),
        failures: doc.documentElement.getAttribute('failures'),
        hostile: Array.from(doc.querySelectorAll('failure')).map((f) => f.textContent).find((t) => t!.includes('script')),
      };
    }, xml);
    await page.close();
    expect(parsed.error).toBeNull();
    expect(parsed.suites).toEqual(['GET /users/{id}', 'GET /products', HOSTILE_ROUTE, 'POST /orders', 'expressway']);
    expect(parsed.failures).toBe('8');
    expect(parsed.hostile).toContain(HOSTILE_BODY);
  });
});
