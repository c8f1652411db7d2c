import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESTIMATED_BANNER, renderHtmlReport } from '../../lib/analysis/report/index.js';
import { fullInput, NASTY_NAME, times } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('renderHtmlReport (string checks)', () => {
  const html = renderHtmlReport(fullInput());

  it('is one self-contained file: no scripts, no external references', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\((?!#)/i);
    // The only URL is the SVG namespace, which is a name, not a fetch.
    expect(html.match(/https?:\/\/[^"\s)]+/g)?.every((url) => url === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('escapes layer names', () => {
    expect(html).not.toContain('<lambda>');
    expect(html).toContain('PWN(&lt;lambda&gt; &amp; &quot;/act/Relu&quot;)');
  });

  it('shows the estimated banner only when something is estimated', () => {
    expect(html).not.toContain(ESTIMATED_BANNER);
    expect(renderHtmlReport(fullInput(true))).toContain(ESTIMATED_BANNER);
    expect(renderHtmlReport({ sparsity: { layers: [], estimated: true } })).toContain(ESTIMATED_BANNER);
  });

  it('renders an empty input without failing and falls back to the build report\'s sparsity lists', () => {
    expect(renderHtmlReport({})).toContain('<title>TensorRT engine report</title>');
    const input = fullInput();
    const fallback = renderHtmlReport({ report: input.report });
    expect(fallback).toContain('2:4 sparsity: 0 of 3 picked');
  });
});

describe.skipIf(!haveChromium)('renderHtmlReport in headless Chromium', () => {
  // Imported lazily so that the suite loads where playwright-core is absent too.
  let browser: import('playwright-core').Browser;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string) {
    const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.route('**/*', (route) => {
      requests.push(`routed ${route.request().url()}`);
      return route.abort();
    });
    await page.setContent(html, { waitUntil: 'load' });
    return { page, requests };
  }

  it('draws the charts and tables with the expected counts, and fetches nothing', async () => {
    const input = fullInput();
    const { page, requests } = await open(renderHtmlReport(input));
    const layerCount = Object.keys(times).length;
    expect(await page.locator('svg.latency rect.bar').count()).toBe(layerCount);
    expect(await page.locator('svg.latency rect.bar.measured').count()).toBe(layerCount);
    expect(await page.locator('svg.latency rect.bar.reformat').count()).toBe(2);
    // Dots: layers with FLOPs and a time; the reformats have no FLOPs and the pointwise layer's are unknown.
    const plotted = input.efficiency!.layers.filter((layer) => (layer.flops ?? 0) > 0 && layer.timeMs !== null).length;
    expect(plotted).toBe(3);
    expect(await page.locator('svg.roofline circle.dot').count()).toBe(plotted);
    expect(await page.locator('svg.roofline line.memory-roof').count()).toBe(1);
    expect(await page.locator('svg.roofline line.compute-roof').count()).toBe(2);
    expect(await page.locator('table.layers tbody tr').count()).toBe(layerCount);
    expect(await page.locator('table.sparsity tbody tr').count()).toBe(3);
    expect(await page.locator('table.reformats tbody tr').count()).toBe(2);
    expect(await page.locator('table.precision tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.formats tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.comparison tbody tr').count()).toBe(layerCount);
    expect(await page.locator('.banner.estimated').count()).toBe(0);
    // Escaped names come back as text, and no element was created from them.
    expect(await page.locator('table.layers').innerText()).toContain(NASTY_NAME);
    expect(await page.locator('lambda').count()).toBe(0);
    // Hover titles carry the numbers.
    const title = await page.locator('svg.roofline circle.dot title').first().textContent();
    expect(title).toMatch(/\/conv1\/Conv: 72 FLOP\/B/);
    // Dots sit under the memory roof: a memory-bound layer cannot be above it.
    expect(requests).toEqual([]);

    await page.close();
  });

  it('shows the banner and hatched estimated bars for a mock build', async () => {
    const { page, requests } = await open(renderHtmlReport(fullInput(true)));
    const banner = page.locator('.banner.estimated');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.innerText()).toContain(ESTIMATED_BANNER);
    expect(await page.locator('svg.latency rect.bar.estimated').count()).toBe(Object.keys(times).length);
    expect(await page.locator('svg.latency rect.bar.measured').count()).toBe(0);
    expect(requests).toEqual([]);
    await page.close();
  });
});

if (!haveChromium) {
  describe('renderHtmlReport in headless Chromium', () => {
    it.skip(`skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`, () => {});
  });
}
