/**
 * Every figure the mock estimates says so in every output, and keeps saying so after an export and a re-import:
 * bench --exportTimes / --exportProfile, inspect --exportLayerInfo, then explain, report and compare.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

process.env.TRTN_BACKEND = 'mock';

let dir: string;
let engine: string;
let reportJson: string;
let layerInfo: string;
let profile: string;
let times: string;

async function ok(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const result = await runCli(args);
  expect(result.stderr.includes('ERR_') ? result.stderr : '').toBe('');
  expect(result.code).toBe(0);
  return result;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trtn-estimates-'));
  engine = join(dir, 'e.plan');
  reportJson = join(dir, 'r.json');
  layerInfo = join(dir, 'li.json');
  profile = join(dir, 'p.json');
  times = join(dir, 't.json');
  await ok(['build', 'examples/seed003.onnx', '--fp16', '--inputIOFormats', 'fp16:hwc8', '--saveEngine', engine, '--report', reportJson, '--no-progress']);
  await ok(['bench', engine, '--exportTimes', times, '--exportProfile', profile]);
  await ok(['inspect', engine, '--exportLayerInfo', layerInfo]);
});

describe('mock exports carry an estimate marker', () => {
  it('bench --exportTimes marks every record and --exportProfile marks its count record', async () => {
    const timeRecords = JSON.parse(await readFile(times, 'utf8')) as Record<string, unknown>[];
    expect(timeRecords.length).toBeGreaterThan(0);
    expect(timeRecords.every((record) => record.estimated === true && typeof record.computeMs === 'number')).toBe(true);
    const profileJson = JSON.parse(await readFile(profile, 'utf8')) as Record<string, unknown>[];
    expect(profileJson[0]).toMatchObject({ count: expect.any(Number), estimated: true, estimatedFor: 'h100-sxm' });
    expect(JSON.parse(await readFile(layerInfo, 'utf8'))).toMatchObject({ Estimated: true, EstimatedFor: 'h100-sxm' });
    expect(profileJson.slice(1).every((row) => typeof row.name === 'string' && typeof row.averageMs === 'number')).toBe(true);
  });

  it('inspect and explain --json read the exports back as estimated', async () => {
    expect(JSON.parse((await ok(['inspect', layerInfo, '--json'])).stdout).estimated).toBe(true);
    const explained = JSON.parse((await ok(['explain', layerInfo, profile, '--gpu', 'h100-sxm', '--json'])).stdout);
    expect(explained.estimated).toBe(true);
    expect(explained.efficiency.estimated).toBe(true);
    const timed = explained.efficiency.layers.filter((layer: { timeMs: number | null }) => layer.timeMs !== null);
    expect(timed.length).toBeGreaterThan(0);
    expect(timed.every((layer: { timeSource: string }) => layer.timeSource === 'estimated')).toBe(true);
  });
});

describe('explain never calls an estimate a measurement', () => {
  it('labels the layer time sum and the advice of a mock export pair as estimated', async () => {
    const { stdout } = await ok(['explain', layerInfo, profile, '--gpu', 'h100-sxm']);
    expect(stdout).toMatch(/Layer time sum [\d.]+ ms \(estimated\)/);
    expect(stdout).not.toMatch(/\(measured\)/);
    expect(stdout).not.toMatch(/ms measured/);
    expect(stdout).not.toMatch(/measured \(estimated\)/);
    expect(stdout).toMatch(/ms estimated vs [\d.]+ ms at the roofline/);
  });

  it('normalises a mock export pair against the device it was estimated for without --gpu, and warns for another', async () => {
    const { stdout } = await ok(['explain', layerInfo, profile]);
    expect(stdout).toMatch(/Device profile h100-sxm is the one the mock backend estimated against/);
    expect(stdout).toMatch(/Layer time sum [\d.]+ ms \(estimated\)/);
    const other = await ok(['explain', layerInfo, profile, '--gpu', 'rtx-3080']);
    expect(other.stderr).toMatch(/--gpu rtx-3080 overrides h100-sxm/);
  });

  it('keeps the label for a profile written without the marker when the layer information is from a mock engine', async () => {
    const unmarked = join(dir, 'p-unmarked.json');
    const profileJson = JSON.parse(await readFile(profile, 'utf8')) as Record<string, unknown>[];
    delete profileJson[0].estimated;
    await writeFile(unmarked, JSON.stringify(profileJson));
    const { stdout } = await ok(['explain', layerInfo, unmarked, '--gpu', 'h100-sxm']);
    expect(stdout).toMatch(/Layer time sum [\d.]+ ms \(estimated\)/);
    expect(stdout).not.toMatch(/\(measured\)/);
  });

  it('says nothing was measured on a mock build report', async () => {
    const { stdout } = await ok(['explain', reportJson]);
    expect(stdout).not.toMatch(/measured \(estimated\)|ms measured|\(measured\)/);
  });
});

describe('the HTML report of mock exports', () => {
  it('has the estimate banner, hatched bars only, and est. in the precision and format tables', async () => {
    const html = join(dir, 'r.html');
    await ok(['report', layerInfo, profile, '-o', html]);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('class="banner estimated"');
    expect(page).toMatch(/measured \(0\)/);
    expect(page).toMatch(/<rect class="bar( reformat)? estimated"/);
    expect(page).not.toMatch(/<rect class="bar( reformat)? measured"/);
    const breakdown = page.slice(page.indexOf('<h3>By precision</h3>'), page.indexOf('<h3>Reformats'));
    expect(breakdown).toMatch(/<td>float16<\/td><td class="num">3<\/td><td class="num">[\d.]+ <span class="est">est\.<\/span>/);
    expect(page.slice(page.indexOf('<h3>By output format</h3>'))).toMatch(/<span class="est">est\.<\/span>/);
  });

  it('has no estimate banner for trtexec exports from a real GPU', async () => {
    const html = join(dir, 'real.html');
    await ok(['report', 'test/fixtures/trtexec/seed000-layerinfo.json', 'test/fixtures/trtexec/seed000-profile.json', '-o', html]);
    const page = await readFile(html, 'utf8');
    expect(page).not.toContain('class="banner estimated"');
    expect(page).toMatch(/<rect class="bar( reformat)? measured"/);
  });
});

describe('compare on mock builds', () => {
  it('carries est. on the verdict line', async () => {
    const { stdout } = await ok(['compare', reportJson, reportJson]);
    const verdict = stdout.split('\n').find((line) => line.startsWith('Verdict:'));
    expect(verdict).toMatch(/A [\d.]+ ms est\., B [\d.]+ ms est\./);
    expect(stdout).toMatch(/--times/);
    expect(stdout).not.toMatch(/noise\.a/);
  });

  it('takes run statistics from --times a.json b.json (bench --exportTimes files)', async () => {
    const { stdout } = await ok(['compare', reportJson, reportJson, '--times', times, times]);
    const verdict = stdout.split('\n').find((line) => line.startsWith('Verdict:'));
    expect(verdict).toMatch(/\[estimated benchmark medians\]/);
    expect(verdict).toMatch(/est\./);
    expect(stdout).not.toMatch(/No run-to-run statistics/);
    const json = JSON.parse((await ok(['compare', reportJson, reportJson, '--times', times, times, '--json'])).stdout);
    expect(json.endToEnd.basis).toBe('benchmark-median');
    expect(json.endToEnd.estimated).toBe(true);
  });

  it('refuses --times with one file or with a file that holds no iteration times, naming --times', async () => {
    const one = await runCli(['compare', reportJson, reportJson, '--times', times]);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/ERR_INVALID_OPTION: Expected two files for --times/);
    const wrong = await runCli(['compare', reportJson, reportJson, '--times', times, profile]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/ERR_ANALYSIS_INPUT: --times .*p\.json holds no iteration times/);
  });
});

describe('--gpu and the device a report was estimated for', () => {
  it('without --gpu says which profile the mock estimated against and never "chosen explicitly"', async () => {
    const { stdout, stderr } = await ok(['explain', reportJson]);
    expect(stdout).toMatch(/Device profile h100-sxm is the one the mock backend estimated against/);
    expect(stdout).not.toMatch(/chosen explicitly/);
    expect(stderr).not.toMatch(/warning/);
  });

  it('warns when --gpu overrides the estimated device, on stderr and in the output', async () => {
    const { stdout, stderr } = await ok(['explain', reportJson, '--gpu', 'orin-agx-32gb-816mhz']);
    expect(stderr).toMatch(/trtn: warning: --gpu orin-agx-32gb-816mhz overrides h100-sxm, the device profile these times were estimated for/);
    expect(stdout).toMatch(/Warning: --gpu orin-agx-32gb-816mhz overrides h100-sxm/);
    expect(stdout).toMatch(/chosen with --gpu/);
    const html = join(dir, 'override.html');
    const report = await ok(['report', reportJson, '--gpu', 'orin-agx-32gb-816mhz', '-o', html]);
    expect(report.stderr).toMatch(/overrides h100-sxm/);
    expect(await readFile(html, 'utf8')).toMatch(/<ul class="warnings"><li>--gpu orin-agx-32gb-816mhz overrides h100-sxm/);
  });

  it('does not warn when --gpu names the device the report was estimated for', async () => {
    const { stderr } = await ok(['explain', reportJson, '--gpu', 'h100-sxm']);
    expect(stderr).not.toMatch(/warning/);
  });

  it('refuses an unknown --gpu in the flag name, with a suggestion', async () => {
    const { code, stderr } = await runCli(['explain', reportJson, '--gpu', 'h100-sx']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/ERR_INVALID_OPTION: Expected a device profile id for --gpu, got 'h100-sx'\. Did you mean 'h100-sxm'\?/);
    expect(stderr).not.toMatch(/deviceProfileId/);
  });
});

describe('explain and report on an ONNX model alone', () => {
  it('explains a mock build of the model, labelled as estimates', async () => {
    const { stdout } = await ok(['explain', 'examples/seed003.onnx', '--fp16', '--sparsity', 'enable']);
    expect(stdout.split('\n')[0]).toMatch(/^examples\/seed003\.onnx is a model, not an engine: explaining a MOCK build of it \(fp16 on, sparsity enable, device profile h100-sxm\)\. Every time below is an ESTIMATE/);
    expect(stdout).toMatch(/Layer time sum [\d.]+ ms \(estimated\)/);
    expect(stdout).not.toMatch(/\(measured\)|ms measured/);
  });

  it('estimates for the --gpu device, so there is nothing to warn about, and says so in JSON', async () => {
    const { stdout, stderr } = await ok(['explain', 'examples/seed003.onnx', '--gpu', 'orin-agx-32gb-816mhz', '--json']);
    expect(stderr).not.toMatch(/warning/);
    const json = JSON.parse(stdout);
    expect(json.estimated).toBe(true);
    expect(json.inputs[0].kind).toMatch(/mock build .*orin-agx-32gb-816mhz/);
    expect(json.efficiency.peaks.profile.id).toBe('orin-agx-32gb-816mhz');
    expect(json.efficiency.estimated).toBe(true);
  });

  it('writes a report of the model with the estimate banner', async () => {
    const html = join(dir, 'model.html');
    await ok(['report', 'examples/seed003.onnx', '-o', html]);
    expect(await readFile(html, 'utf8')).toContain('class="banner estimated"');
  });
});
