#!/usr/bin/env node
// Renders docs/report-screenshot.png from a real run of this package (no invented figures): the seed-003 model
// built twice on the active backend (default IO, then fp16:hwc8 IO), benchmarked and profiled, compared, and
// rendered with `renderHtmlReport`; then photographed in headless Chromium. On the mock backend every number in
// the picture is an estimate and the report says so. Needs `npm run build:ts` and /usr/bin/chromium.
// Usage: node scripts/report-screenshot.mjs [out.png] [--device orin-agx-32gb-816mhz]
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { analysis, buildEngine } from '../dist/index.js';

const args = process.argv.slice(2);
const deviceFlag = args.indexOf('--device');
const mockDevice = deviceFlag >= 0 ? args[deviceFlag + 1] : 'h100-sxm';
const out = args.find((arg, index) => !arg.startsWith('--') && index !== deviceFlag + 1) ?? 'docs/report-screenshot.png';

async function run(options) {
  const { engine, report } = await buildEngine('examples/seed003.onnx', { fp16: true, mockDevice, ...options });
  try {
    const benchmark = await engine.benchmark({ iterations: 50, duration: 0 });
    const profile = await engine.profile({ iterations: 10, duration: 0 });
    return { report, benchmark, profile };
  } finally {
    engine.dispose();
  }
}

const chw = await run({});
const hwc8 = await run({ inputIOFormats: 'fp16:hwc8', outputIOFormats: 'fp16:hwc8' });
const peaks = analysis.resolvePeaks({ environment: hwc8.report.environment, deviceProfileId: mockDevice });
const efficiency = analysis.analyzeEfficiency({
  layers: chw.report.layers,
  profile: chw.profile.layers,
  profileEstimated: chw.profile.estimated,
  estimates: chw.report.estimates,
  peaks,
});
const comparison = analysis.compareBuilds(chw.report, hwc8.report, { noise: { a: chw.benchmark.gpuCompute, b: hwc8.benchmark.gpuCompute }, labels: { a: 'fp16 chw IO', b: 'fp16 hwc8 IO' } });
const html = analysis.renderHtmlReport({
  report: chw.report,
  efficiency,
  sparsity: analysis.explainSparsity({ report: chw.report }),
  benchmark: chw.benchmark,
  profile: chw.profile,
  comparison,
  title: `seed 003 (3 x conv3x3, 16 ch, 1x16x1920x1080), fp16, backend ${chw.report.backend}`,
});
writeFileSync(out.replace(/\.png$/, '.html'), html);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
  await page.setContent(html, { waitUntil: 'load' });
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
}
console.log(`wrote ${out} and ${out.replace(/\.png$/, '.html')} (backend ${chw.report.backend}${chw.report.estimated ? ', estimated figures' : ''})`);
