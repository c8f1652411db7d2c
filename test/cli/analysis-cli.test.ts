import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

process.env.TRTN_BACKEND = 'mock';


const seedLog = 'test/fixtures/logs/seed000-trt85.log';
const seedLayers = 'test/fixtures/trtexec/seed000-layerinfo.json';
const seedProfile = 'test/fixtures/trtexec/seed000-profile.json';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trtn-analysis-cli-'));
});

describe('trtn explain on seed 000', () => {
  it('says for the 288x288 and 160x160 1x1 convolutions whether they went sparse and why', async () => {
    const { code, stdout } = await runCli(['explain', seedLog, seedLayers, seedProfile]);
    expect(code).toBe(0);
    const line663 = stdout.split('\n').find((line) => line.startsWith('- Conv_663 + Add_664 + Relu_665'));
    const line276 = stdout.split('\n').find((line) => line.startsWith('- Conv_276 + Add_277 + Relu_278'));
    expect(line276).toMatch(/C_in 160, C_out 160, 1x1\) went sparse/);
    expect(line663).toMatch(/C_in 288, C_out 288, 1x1\) is eligible but runs dense/);
    // The why: format % 8 vs % 16 and the reformat copy, read from the user's own exports.
    const block663 = stdout.slice(stdout.indexOf('- Conv_663 + Add_664 + Relu_665'));
    expect(block663).toMatch(/channel % 8 inputs/);
    expect(block663).toMatch(/reformat copy before it \(channel % 16 to channel % 8\)/);
    expect(stdout).toMatch(/without --gpu|add --gpu|--gpu <profile>/);
  });

  it('adds per-layer efficiency when told which GPU the numbers came from', async () => {
    const { code, stdout } = await runCli(['explain', seedLog, seedLayers, seedProfile, '--gpu', 'orin-agx-32gb-816mhz']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/multiply-add as 2/);
    expect(stdout).toMatch(/Conv_663 \+ Add_664 \+ Relu_665\s+CaskConvolution/);
  });

  it('emits JSON with the same verdicts', async () => {
    const { code, stdout } = await runCli(['explain', seedLog, seedLayers, '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    const names = parsed.sparsity.eligibleNotPicked.map((entry: { name?: string; layer?: string } | string) => (typeof entry === 'string' ? entry : entry.name ?? entry.layer));
    expect(names).toContain('Conv_663 + Add_664 + Relu_665');
    expect(names).not.toContain('Conv_276 + Add_277 + Relu_278');
  });

  it('refuses input it cannot read with a coded error', async () => {
    const { code, stderr } = await runCli(['explain', 'package.json']);
    expect(code).toBe(1);
    expect(stderr).toContain('ERR_ANALYSIS_INPUT');
  });
});

describe('trtn report and compare on mock builds', () => {
  it('writes a self-contained HTML report that says the figures are estimates', async () => {
    const reportJson = join(dir, 'build.json');
    expect((await runCli(['build', 'examples/seed003.onnx', '--fp16', '--report', reportJson, '--no-progress'])).code).toBe(0);
    const html = join(dir, 'report.html');
    const { code } = await runCli(['report', reportJson, '-o', html]);
    expect(code).toBe(0);
    const text = await readFile(html, 'utf8');
    expect(text).toMatch(/<svg/);
    expect(text).toMatch(/not measured/i);
    expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });

  it('compares default IO with fp16:hwc8 IO and finds the reformats gone', async () => {
    const chw = join(dir, 'chw.json');
    const hwc8 = join(dir, 'hwc8.json');
    expect((await runCli(['build', 'examples/seed003.onnx', '--fp16', '--report', chw, '--no-progress'])).code).toBe(0);
    expect((await runCli(['build', 'examples/seed003.onnx', '--fp16', '--inputIOFormats', 'fp16:hwc8', '--outputIOFormats', 'fp16:hwc8', '--report', hwc8, '--no-progress'])).code).toBe(0);
    const before = JSON.parse(await readFile(chw, 'utf8'));
    const after = JSON.parse(await readFile(hwc8, 'utf8'));
    expect(before.layers.filter((layer: { isReformat: boolean }) => layer.isReformat).length).toBeGreaterThan(0);
    expect(after.layers.filter((layer: { isReformat: boolean }) => layer.isReformat)).toHaveLength(0);
    const { code, stdout } = await runCli(['compare', chw, hwc8]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Reformatting CopyNode/);
  });
});
