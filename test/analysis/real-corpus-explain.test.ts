/**
 * Why-not-sparse, tensor layouts and peaks on the real TensorRT 10.6 / H200 corpus (test/fixtures/real). Expected
 * values are read from TensorRT's own lines here, independently of the code under test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { explainSparsity, formatSparsityExplanation } from '../../lib/analysis/sparsity.js';
import { inferLayerFormats } from '../../lib/analysis/parse/layer-formats.js';
import { readBuildLog } from '../../lib/analysis/parse/build-log.js';
import { resolvePeaks } from '../../lib/analysis/peaks.js';
import type { BuildReport } from '../../lib/types/index.js';

const corpus = join(import.meta.dirname, '..', 'fixtures', 'real', 'trt10.6-h200');
const cache = new Map<string, BuildReport>();
function report(name: string): BuildReport {
  let value = cache.get(name);
  if (!value) cache.set(name, (value = JSON.parse(gunzipSync(readFileSync(join(corpus, name, 'trtn-report.json.gz'))).toString('utf8')) as BuildReport));
  return value;
}
const messages = (name: string) => report(name).log.map((line) => line.message.trim());

/** TensorRT's engine-level list after `prefix` (not the foreignNode lines). */
function ownList(lines: string[], prefix: RegExp): string[] {
  const line = lines.find((text) => prefix.test(text))!;
  const list = line.slice(line.indexOf('tactics:') + 'tactics:'.length).trim();
  return list === '' ? [] : list.split(', ');
}

/** Fastest sparse and dense `Tactic Name` line of each layer, walking the runner headers. */
function fastestNamed(lines: string[]): Map<string, { sparse?: number; dense?: number }> {
  const best = new Map<string, { sparse?: number; dense?: number }>();
  let layer = '';
  for (const line of lines) {
    const header = /^-+ Timing Runner: (.*) \([A-Za-z]+\[0x[0-9a-f]+\]\)$/.exec(line);
    if (header) layer = header[1];
    const named = /^Tactic Name: (\S+) .*Time: (\S+)/.exec(line);
    if (!named) continue;
    const kind = /sparse|sptensor/.test(named[1]) ? 'sparse' : 'dense';
    const entry = best.get(layer) ?? {};
    entry[kind] = Math.min(entry[kind] ?? Infinity, Number(named[2]));
    best.set(layer, entry);
  }
  return best;
}

describe('explainSparsity on the real resnet18 2:4 build (TensorRT 10.6, H200)', () => {
  const lines = messages('resnet18-2of4');
  const explanation = explainSparsity({ report: report('resnet18-2of4') });

  it('counts and names equal TensorRT\'s own (Sparsity) lines: 19 eligible, 1 chosen', () => {
    const eligible = ownList(lines, /^\(Sparsity\) Found \d+ layer\(s\) eligible/);
    const chosen = ownList(lines, /^\(Sparsity\) Chose \d+ layer\(s\)/);
    expect([eligible.length, chosen.length]).toEqual([19, 1]);
    expect(explanation.counts).toMatchObject({ eligible: 19, picked: 1, eligibleNotPicked: 18 });
    expect(explanation.layers.filter((entry) => entry.eligible).map((entry) => entry.layer)).toEqual(eligible);
    expect(explanation.layers.filter((entry) => entry.picked).map((entry) => entry.layer)).toEqual(chosen);
    expect(explanation.eligibleNotPicked).toEqual(eligible.filter((name) => !chosen.includes(name)));
    expect(formatSparsityExplanation(explanation)).toContain('1 of 19 eligible layer(s) went sparse; 18 stayed dense.');
  });

  it('each eligible layer\'s overall best sparse and best dense equal its fastest sparse and dense Tactic Name lines', () => {
    const fromLog = fastestNamed(lines);
    for (const entry of explanation.layers) {
      const expected = fromLog.get(entry.layer)!;
      expect(expected.sparse, entry.layer).toBeDefined();
      expect(entry.overall?.bestSparse?.timeMs, entry.layer).toBe(expected.sparse);
      expect(entry.overall?.bestDense?.timeMs, entry.layer).toBe(expected.dense);
      expect(entry.overall?.bestSparse?.kernelName).toMatch(/sparse/);
      expect(entry.overall?.bestDense?.kernelName).not.toMatch(/sparse|sptensor/);
    }
  });

  it('the chosen layer runs a sparse kernel; no layer running a sparse kernel is called dense, none is "without kernel names"', () => {
    const picked = explanation.layers.find((entry) => entry.picked)!;
    expect(picked.reason).toBe('picked');
    expect(picked.chosen?.kernelName).toMatch(/^sm(80_xmma_fprop_sparse_conv|90_xmma_sparse_fprop)/);
    for (const entry of explanation.layers) {
      expect(entry.sentence).not.toMatch(/without kernel names/);
      if (entry.chosen?.sparse) expect(entry.sentence).not.toMatch(/runs dense|stayed dense/);
      if (entry.picked === false) {
        expect(entry.chosen?.sparse).toBe(false);
        // A reason with its number, from the timings above.
        expect(['dense-faster', 'sparse-faster-elsewhere', 'no-sparse-timed']).toContain(entry.reason);
        expect(entry.sentence).toMatch(/\d+%/);
      }
    }
  });

  it('the chosen time is the engine tactic\'s own Tactic line under the combination the log pins down', () => {
    for (const entry of explanation.layers) {
      const { formats, tactic, timeMs } = entry.chosen ?? {};
      expect(formats, entry.layer).toBeDefined();
      let combination = '';
      let layer = '';
      const times: number[] = [];
      for (const line of lines) {
        const combo = /^\*+ Autotuning format combination: (.*?) \*+$/.exec(line);
        if (combo) combination = combo[1];
        const header = /^-+ Timing Runner: (.*) \([A-Za-z]+\[0x[0-9a-f]+\]\)$/.exec(line);
        if (header) layer = header[1];
        if (layer === entry.layer && combination === formats && line.includes(`Tactic: ${tactic} `)) times.push(Number(/Time: (\S+)/.exec(line)![1]));
      }
      expect(times, entry.layer).toEqual([timeMs]);
    }
  });
});

describe('tensor layouts from the real logs (the 10.6 inspector prints only "Half"/"Float")', () => {
  it('the corpus inspectors really do give no layout', () => {
    const words = new Set(['seed003-default', 'seed003-hwc8', 'resnet18-2of4', 'resnet-like-2of4'].flatMap((name) => report(name).layers.flatMap((layer) => [...layer.inputs, ...layer.outputs].map((tensor) => tensor.formatText))));
    expect([...words].sort()).toEqual(['Float', 'Half']);
  });

  it('seed003 default IO: float chw in and out, reformatted to and from hwc8 around three hwc8 convolutions', () => {
    const inference = inferLayerFormats(report('seed003-default').layers, readBuildLog(messages('seed003-default')).result);
    expect(inference.layers.map((layer) => [layer.name, layer.inputs.map((tensor) => tensor.format), layer.outputs.map((tensor) => tensor.format)])).toEqual([
      ['Reformatting CopyNode for Input Tensor 0 to /conv1/Conv', ['chw'], ['hwc8']],
      ['/conv1/Conv', ['hwc8'], ['hwc8']],
      ['/conv2/Conv', ['hwc8'], ['hwc8']],
      ['/conv3/Conv', ['hwc8'], ['hwc8']],
      ['Reformatting CopyNode for Output Tensor 0 to /conv3/Conv', ['hwc8'], ['chw']],
    ]);
    expect(inference.counts.unknown).toBe(0);
  });

  it('seed003 built with fp16:hwc8 IO: the network input and output read hwc8, as the build options asked', () => {
    const built = report('seed003-hwc8');
    expect(JSON.stringify(built.options.inputIOFormats)).toMatch(/hwc8/);
    const inference = inferLayerFormats(built.layers, readBuildLog(messages('seed003-hwc8')).result);
    const tensors = inference.layers.flatMap((layer) => [...layer.inputs, ...layer.outputs]);
    expect(tensors.find((tensor) => tensor.name === 'input')?.format).toBe('hwc8');
    expect(tensors.find((tensor) => tensor.name === 'output')?.format).toBe('hwc8');
    expect(tensors.every((tensor) => tensor.format === 'hwc8' && tensor.channelAlignment === 8)).toBe(true);
  });

  it('resnet18: every convolution activation gets a layout, each agreeing with the reformat lines TensorRT printed', () => {
    const log = readBuildLog(messages('resnet18-2of4')).result;
    const inference = inferLayerFormats(report('resnet18-2of4').layers, log);
    const convolutions = inference.layers.filter((layer) => layer.layerType === 'CaskConvolution');
    expect(convolutions.length).toBe(20);
    for (const layer of convolutions) expect(layer.inputs[0].formatText, layer.name).toMatch(/^Half\(/);
    const byName = new Map(inference.layers.flatMap((layer) => [...layer.inputs, ...layer.outputs].map((tensor) => [tensor.name, tensor.formatText] as const)));
    expect(log.addedReformats.length).toBeGreaterThan(10);
    for (const reformat of log.addedReformats) {
      const [copied, written] = reformat.name.startsWith('Reformatted Input') ? [reformat.tensor, reformat.name] : [reformat.name, reformat.tensor];
      expect(byName.get(copied)).toBe(reformat.from);
      expect(byName.get(written)).toBe(reformat.to);
    }
  });
});

describe('peaks for the H200 the corpus was built on', () => {
  it('a built-in H200 profile, labelled as spec-sheet figures', () => {
    const peaks = resolvePeaks({ environment: report('resnet18-2of4').environment });
    expect(peaks.source).toBe('datasheet');
    expect(peaks.profile).toMatchObject({ id: 'h200-sxm', measured: false, memoryBandwidthGBs: 4800 });
    expect(peaks.profile.sources.join(' ')).toMatch(/datasheet/);
    expect(peaks.warnings).toEqual([]);
  });

  it('an unknown GPU gets an approximate profile with a warning; on the H200\'s own figures it lands near the spec sheet', () => {
    const environment = report('resnet18-2of4').environment;
    const renamed = { ...environment, gpu: { ...environment.gpu!, name: 'NVIDIA H200 NVL' } };
    const peaks = resolvePeaks({ environment: renamed });
    expect(peaks.source).toBe('approximate');
    expect(peaks.warnings[0]).toMatch(/No built-in device profile matches the GPU "NVIDIA H200 NVL"/);
    expect(peaks.profile.name).toMatch(/approximate/);
    // Bus width and memory clock as the driver reported them on the H200 give its 4.8 TB/s within 1%.
    expect(Math.abs(peaks.profile.memoryBandwidthGBs / 4800 - 1)).toBeLessThan(0.01);
    // SMs × max clock × Hopper's rate: the 989 TFLOP/s datasheet figure assumes a lower tensor clock, so within 10%.
    expect(Math.abs(peaks.profile.fp16DenseTflops / 989.4 - 1)).toBeLessThan(0.1);
  });
});

describe('explainSparsity on the real resnet-like 2:4 build: sparse faster only in formats whose reformats cost more', () => {
  const lines = messages('resnet-like-2of4');
  const explanation = explainSparsity({ report: report('resnet-like-2of4') });

  it('follows TensorRT\'s lists (eligible, none chosen)', () => {
    expect(explanation.layers.filter((entry) => entry.eligible).map((entry) => entry.layer)).toEqual(ownList(lines, /^\(Sparsity\) Found \d+ layer\(s\) eligible/));
    expect(explanation.counts.picked).toBe(ownList(lines, /^\(Sparsity\) Chose \d+ layer\(s\)/).length);
  });

  it('prices each reformat copy at TensorRT\'s own fastest time for that from -> to pair', () => {
    // Every time TensorRT printed for a reformat pair: closing lines under "Autotuning Reformat" and cache hits.
    const printed = new Map<string, number[]>();
    let pair = '';
    const add = (key: string, time: number) => printed.set(key, [...(printed.get(key) ?? []), time]);
    for (const line of lines) {
      const header = /^\*+ Autotuning (?:Reformat|format combination): (.*?) \*+$/.exec(line);
      if (header) pair = header[1];
      const closing = /\(Reformat\[0x[0-9a-f]+\]\) profiling completed in \S+ seconds\. Fastest Tactic: \S+ Time: (\S+)$/.exec(line);
      if (closing) add(pair, Number(closing[1]));
      const hit = /\[(.*)\] got cached result: Reformat, tactic \S+, (\S+) ms$/.exec(line);
      if (hit) add(hit[1], Number(hit[2]));
    }
    const priced = explanation.layers.filter((entry) => entry.reason === 'sparse-faster-elsewhere');
    expect(priced.length).toBeGreaterThan(0);
    for (const entry of priced) {
      const cost = entry.sparseReformatCost!;
      expect(cost.missing, entry.layer).toBe(0);
      for (const copy of cost.copies) expect(copy.timeMs).toBe(Math.min(...printed.get(`${copy.from} -> ${copy.to}`)!));
      expect(entry.sentence).toMatch(/reformat cop(y|ies) into and out of the sparse kernel's formats timed/);
    }
  });
});
