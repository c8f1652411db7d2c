/**
 * Readers against trtexec's real output (test/fixtures/real/trt10.6-h200 and trt8.6-h200: `--verbose` logs,
 * `--exportLayerInfo`, `--exportProfile`, `--exportTimes`, made on an H200 on 2026-12-02 with TensorRT 10.6.0 and
 * 8.6.1). Expected values are taken from TensorRT's and trtexec's own lines here, independently of the readers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  classifyKernel,
  explainSparsity,
  measuredLayerTimes,
  normalizeInspectorJson,
  parseBuildLog,
  parseTrtexecProfile,
  parseTrtexecTimes,
  readBuildLog,
} from '../../lib/analysis/index.js';
import { shareTensorFormats } from '../../lib/analysis/parse/layer-formats.js';
import { namedTacticLines } from '../support/log-lines.js';

const real = join(import.meta.dirname, '..', 'fixtures', 'real');
const CASES = [
  ['trt10.6-h200', 'seed003-default'],
  ['trt10.6-h200', 'seed003-hwc8'],
  ['trt10.6-h200', 'resnet-like-2of4'],
  ['trt10.6-h200', 'resnet18-2of4'],
  ['trt8.6-h200', 'seed003-default'],
  ['trt8.6-h200', 'seed003-hwc8'],
] as const;

const texts = new Map<string, string>();
function logText(version: string, name: string): string {
  const key = `${version}/${name}`;
  if (!texts.has(key)) texts.set(key, gunzipSync(readFileSync(join(real, version, name, 'trtexec-verbose.log.gz'))).toString('utf8'));
  return texts.get(key)!;
}
function json(version: string, name: string, file: string): unknown {
  return JSON.parse(readFileSync(join(real, version, name, file), 'utf8'));
}
/** The message of each log line, trtexec's `[date] [V] [TRT] ` / `[date] [I] ` prefix removed. */
function messages(version: string, name: string): string[] {
  return logText(version, name)
    .split('\n')
    .map((line) => line.replace(/^\[\d\d\/\d\d\/\d{4}-\d\d:\d\d:\d\d\] \[[VIWE]\] (?:\[TRT\] )?/, '').trim());
}
/** TensorRT's engine-level `(Sparsity)` line (not the ` (foreignNode) ` ones of Myelin subgraphs). */
function ownSparsityList(lines: string[], word: 'Found' | 'Chose'): { count: number; names: string[] } | undefined {
  const line = lines.find((text) => text.startsWith(`(Sparsity) ${word} `));
  if (!line) return undefined;
  const list = line.slice(line.indexOf('tactics:') + 'tactics:'.length).trim();
  return { count: Number(/(\d+) layer\(s\)/.exec(line)![1]), names: list === '' ? [] : list.split(', ') };
}

describe('trtexec --verbose logs of TensorRT 10.6 and 8.6', () => {
  for (const [version, name] of CASES) {
    describe(`${version}/${name}`, () => {
      const lines = messages(version, name);
      const parsed = parseBuildLog(logText(version, name));

      it('reads the version and trtexec\'s device and summary sections', () => {
        const printed = lines.find((line) => line.startsWith('TensorRT version: '))!.slice('TensorRT version: '.length);
        expect(parsed.tensorrtVersion).toBe(printed);
        expect(printed).toBe(version === 'trt8.6-h200' ? '8.6.1' : '10.6.0');
        expect(parsed.trtexec?.device).toBe('NVIDIA H200');
        expect(parsed.trtexec?.computeCapability).toBe('9.0');
        expect(parsed.trtexec?.sparsity).toBe(name.endsWith('2of4') ? 'Enabled' : 'Disabled');
        const summary = lines.filter((line) => line.startsWith('GPU Compute Time: min = ')).at(-1)!;
        expect(parsed.trtexec?.gpuCompute?.median).toBe(Number(/median = ([0-9.]+) ms/.exec(summary)![1]));
        expect(parsed.trtexec?.gpuCompute?.mean).toBe(Number(/mean = ([0-9.]+) ms/.exec(summary)![1]));
        expect(parsed.trtexec?.gpuCompute?.percentiles['99']).toBe(Number(/percentile\(99%\) = ([0-9.]+) ms/.exec(summary)![1]));
        if (name === 'seed003-hwc8') {
          expect(parsed.trtexec?.inputFormats).toBe('fp16:+hwc8');
          expect(parsed.trtexec?.outputFormats).toBe('fp16:+hwc8');
        } else expect(parsed.trtexec?.inputFormats).toBe('fp32:CHW');
        expect(parsed.warnings.filter((warning) => warning.startsWith('Could not read'))).toEqual([]);
      });

      it('sparsity lists equal TensorRT\'s own (Sparsity) lines, foreignNode lines left out', () => {
        const eligible = ownSparsityList(lines, 'Found');
        const picked = ownSparsityList(lines, 'Chose');
        if (!name.endsWith('2of4')) {
          expect(eligible).toBeUndefined();
          expect(parsed.sparsityListsFound).toEqual({ eligible: false, picked: false });
          return;
        }
        expect(parsed.sparsity.eligible).toEqual(eligible!.names);
        expect(parsed.sparsity.eligible).toHaveLength(eligible!.count);
        expect(parsed.sparsity.picked).toEqual(picked!.names);
        expect(parsed.sparsity.picked).toHaveLength(picked!.count);
      });

      it('every "Tactic Name: … Tactic: 0x… Time: …" line is a named, timed candidate of its runner\'s layer', () => {
        const expected = namedTacticLines(lines);
        expect(expected.length).toBeGreaterThan(100);
        const candidates = parsed.tactics.flatMap((record) => record.candidates.filter((candidate) => candidate.kernelName && !candidate.cachedFrom).map((candidate) => ({ layer: record.layer, candidate })));
        expect(candidates).toHaveLength(expected.length);
        const keys = new Set(candidates.map(({ layer, candidate }) => `${layer}|${candidate.kernelName}|${candidate.tactic}|${candidate.timeMs}`));
        for (const line of expected) expect(keys.has(`${line.layer}|${line.kernel}|${line.tactic}|${line.timeMs}`)).toBe(true);
      });

      it('every unnamed "Tactic: 0x… Time: …" line (reformat runners) is a timed candidate too', () => {
        let runner = false;
        let expected = 0;
        for (const line of lines) {
          if (/^-+ Timing Runner: /.test(line)) runner = true;
          if (/^Tactic: 0x[0-9a-f]+ Time: [0-9.e+-]+/.test(line) && runner) expected += 1;
        }
        const unnamed = parsed.tactics.flatMap((record) => record.candidates.filter((candidate) => !candidate.kernelName && !candidate.cachedFrom && candidate.timeMs !== null));
        expect(unnamed).toHaveLength(expected);
        expect(expected).toBeGreaterThan(0);
      });

      it('each runner\'s "Chose Runner Type" / "Fastest Tactic" agrees with the engine\'s kernel of that layer', () => {
        // 8.6 and 10.6 both close a layer's format combination with `>>>>>>>>>>>>>>> Chose Runner Type: <runner> Tactic: 0x…`.
        const chose = lines.filter((line) => line.startsWith('>>>>>>>>>>>>>>> Chose Runner Type: '));
        expect(chose.length).toBeGreaterThan(0);
        const layers = normalizeInspectorJson(json(version, name, 'trtexec-layerinfo.json'));
        for (const layer of layers.filter((item) => item.layerType === 'CaskConvolution')) {
          const record = parsed.tactics.find((item) => item.layer === layer.name)!;
          expect(record.chosen?.tactic, layer.name).toBe(layer.tacticValue);
          expect(record.chosen?.kernelName, layer.name).toBe(layer.tacticName);
        }
      });

      it('each candidate carries the format combination of the header above it', () => {
        const headers = new Set(lines.map((line) => /^\*+ Autotuning (?:format combination|Reformat): (.*?) \*+$/.exec(line)?.[1]).filter((text) => text !== undefined));
        const used = new Set(parsed.tactics.flatMap((record) => record.candidates.map((candidate) => candidate.formats)));
        expect(used.has(undefined)).toBe(false);
        for (const formats of used) expect(headers.has(formats!)).toBe(true);
      });

      it('every timing-cache hit is read and followed to the layer that was timed', () => {
        const hits = lines.filter((line) => / got cached result: /.test(line));
        expect(parsed.cachedResults).toHaveLength(hits.length);
        // 8.6's log of this model has none; 10.6 reuses conv1's timings for conv2 and conv3 (identical layers).
        if (version === 'trt8.6-h200') expect(hits).toHaveLength(0);
        else expect(hits.length).toBeGreaterThan(0);
        for (const hit of parsed.cachedResults) expect(hit.source, `${hit.layer} [${hit.formats}]`).toBeDefined();
        if (name.startsWith('seed003') && version === 'trt10.6-h200') {
          const conv2 = parsed.cachedResults.filter((hit) => hit.layer === '/conv2/Conv');
          expect(conv2.length).toBeGreaterThan(0);
          for (const hit of conv2) expect(hit.source).toBe('/conv1/Conv');
        }
      });

      it('readBuildLog (the never-throwing reader of builds) reads the same from the log\'s lines one by one', () => {
        const reading = readBuildLog(logText(version, name).split('\n'));
        expect(reading.warnings).toEqual([]);
        expect(reading.result.sparsity).toEqual(parsed.sparsity);
        expect(reading.result.engineLayers.map((layer) => layer.name)).toEqual(parsed.engineLayers.map((layer) => layer.name));
        expect(reading.result.tactics.reduce((sum, record) => sum + record.candidates.length, 0)).toBe(parsed.tactics.reduce((sum, record) => sum + record.candidates.length, 0));
        expect(reading.result.trtexec).toEqual(parsed.trtexec);
      });

      it('counts 8.6\'s "Fast skip Tactic" lines and does not take them for timed tactics', () => {
        expect(parsed.fastSkipped).toBe(lines.filter((line) => line.startsWith('Fast skip Tactic:')).length);
      });

      it('one engine layer per name, with the formats and kernels of the same run\'s --exportLayerInfo', () => {
        const layers = normalizeInspectorJson(json(version, name, 'trtexec-layerinfo.json'));
        expect(parsed.engineLayers.map((layer) => layer.name)).toEqual(layers.map((layer) => layer.name));
        layers.forEach((layer, index) => {
          const line = parsed.engineLayers[index];
          expect(line.inputs.map((tensor) => [tensor.name, tensor.format, tensor.channelAlignment, tensor.dataType])).toEqual(layer.inputs.map((tensor) => [tensor.name, tensor.format, tensor.channelAlignment, tensor.dataType]));
          expect(line.outputs.map((tensor) => [tensor.name, tensor.format, tensor.channelAlignment])).toEqual(layer.outputs.map((tensor) => [tensor.name, tensor.format, tensor.channelAlignment]));
          if (layer.tacticName) expect(line.kernelName).toBe(layer.tacticName);
        });
      });

      it('the --dumpProfile table in the log is the --exportProfile JSON of the same run, rounded', () => {
        const exported = parseTrtexecProfile(json(version, name, 'trtexec-profile.json'));
        const table = parsed.trtexec!.profile!;
        // trtexec's table leaves out layers that took no time (NoOp reformats, constants); the export keeps them.
        const timed = exported.filter((row) => row.timeMs > 0);
        expect(table.map((row) => row.name)).toEqual(timed.map((row) => row.name));
        table.forEach((row, index) => expect(Math.abs(row.averageMs - timed[index].averageMs)).toBeLessThanOrEqual(0.00006));
        expect(parsed.trtexec!.profileIterations).toBe((json(version, name, 'trtexec-profile.json') as [{ count: number }])[0].count);
      });
    });
  }
});

describe('--exportLayerInfo of TensorRT 10.6 and 8.6: the inspector\'s Format/Datatype sentences', () => {
  // What each sentence in the corpus means (TensorRT's TensorFormat docs); read here, not by the parser.
  const MEANING: Record<string, [string, number, string]> = {
    'Row major linear FP32': ['chw', 1, 'float32'],
    'Row major linear FP16 format': ['chw', 1, 'float16'],
    'Channel major FP16 format where channel % 8 == 0': ['hwc8', 8, 'float16'],
    'Channel major FP16 format where channel % 16 == 0': ['hwc16', 16, 'float16'],
    // An internal 4-wide channel-last layout (first convolution, C=3): TensorRT's public enum has no name for it.
    'Channel major FP16 format where channel % 4 == 0': ['unknown', 4, 'float16'],
    // Myelin layers print only the type word.
    Half: ['unknown', 1, 'float16'],
    Float: ['unknown', 1, 'float32'],
  };
  for (const [version, name] of CASES) {
    it(`${version}/${name}: every tensor's sentence read as TensorRT means it`, () => {
      const raw = json(version, name, 'trtexec-layerinfo.json') as { Layers: { Inputs: { 'Format/Datatype': string }[]; Outputs: { 'Format/Datatype': string }[] }[] };
      const layers = normalizeInspectorJson(raw);
      raw.Layers.forEach((layer, index) => {
        for (const [side, tensors] of [['inputs', layer.Inputs], ['outputs', layer.Outputs]] as const) {
          tensors.forEach((tensor, position) => {
            const meaning = MEANING[tensor['Format/Datatype']];
            expect(meaning, tensor['Format/Datatype']).toBeDefined();
            const parsed = layers[index][side][position];
            expect([parsed.format, parsed.channelAlignment, parsed.dataType]).toEqual(meaning);
          });
        }
      });
    });
  }

  it('8.6 and 10.6 give seed-003 the same layers and layouts, with different kernels', () => {
    for (const name of ['seed003-default', 'seed003-hwc8']) {
      const a = normalizeInspectorJson(json('trt8.6-h200', name, 'trtexec-layerinfo.json'));
      const b = normalizeInspectorJson(json('trt10.6-h200', name, 'trtexec-layerinfo.json'));
      const shape = (layers: typeof a) => layers.map((layer) => [layer.name, layer.inputs.map((tensor) => tensor.format), layer.outputs.map((tensor) => tensor.format)]);
      expect(shape(a)).toEqual(shape(b));
      expect(a.find((layer) => layer.name === '/conv1/Conv')!.tacticName).not.toBe(b.find((layer) => layer.name === '/conv1/Conv')!.tacticName);
    }
  });

  it('resnet18: Myelin tensors that only say "Half" take the layout their producer or consumer states', () => {
    const layers = normalizeInspectorJson(json('trt10.6-h200', 'resnet18-2of4', 'trtexec-layerinfo.json'));
    const unknown = (list: typeof layers) => list.flatMap((layer) => [...layer.inputs, ...layer.outputs]).filter((tensor) => tensor.format === 'unknown').length;
    const shared = shareTensorFormats(layers);
    expect(shared.filled).toBeGreaterThan(0);
    expect(unknown(shared.layers)).toBeLessThan(unknown(layers));
    // __myl_Mov_myl8_0 copies the Constant's output (Row major linear FP16) into the convolution's bias input (Row major linear FP16).
    const move = shared.layers.find((layer) => layer.name === '__myl_Mov_myl8_0')!;
    expect(move.inputs[0].format).toBe('chw');
    expect(move.outputs[0].format).toBe('chw');
    // GlobalAveragePool writes [1,512,1,1] hwc8; the Myelin GEMM reads it as [512,1]: different shapes, not matched.
    const gemm = shared.layers.find((layer) => layer.name === '__myl_MulSumAddCas_myl63_1')!;
    expect(gemm.inputs[2].format).toBe('unknown');
  });
});

describe('--exportProfile and --exportTimes', () => {
  for (const [version, name] of CASES) {
    it(`${version}/${name}: the profile names the engine's layers and its percentages add up to 100`, () => {
      const profile = parseTrtexecProfile(json(version, name, 'trtexec-profile.json'));
      const layers = normalizeInspectorJson(json(version, name, 'trtexec-layerinfo.json'));
      expect(profile.map((row) => row.name)).toEqual(layers.map((layer) => layer.name));
      expect(profile.reduce((sum, row) => sum + row.percentage, 0)).toBeCloseTo(100, 0);
      const times = parseTrtexecTimes(json(version, name, 'trtexec-times-first200.json'));
      expect(times).toHaveLength(200);
      for (const record of times) expect(record.computeMs).toBeGreaterThan(0);
    });
  }

  it('seed-003: hwc8 IO runs faster than the default IO in trtexec\'s own records (10.6 and 8.6)', () => {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    for (const version of ['trt10.6-h200', 'trt8.6-h200']) {
      const compute = (name: string) => median(parseTrtexecTimes(json(version, name, 'trtexec-times-first200.json')).map((record) => record.computeMs));
      expect(compute('seed003-hwc8')).toBeLessThan(compute('seed003-default') * 0.85);
    }
    // The log's summary of the 10.6 runs: 0.485 ms (min, default) vs 0.373 ms (min, hwc8).
    expect(parseBuildLog(logText('trt10.6-h200', 'seed003-default')).trtexec?.gpuCompute?.min).toBe(0.484985);
    expect(parseBuildLog(logText('trt10.6-h200', 'seed003-hwc8')).trtexec?.gpuCompute?.min).toBe(0.373199);
  });

  it('seed-003 default: measured times name the two IO reformats and advise fp16:hwc8', () => {
    const profile = parseTrtexecProfile(json('trt10.6-h200', 'seed003-default', 'trtexec-profile.json'));
    const layers = normalizeInspectorJson(json('trt10.6-h200', 'seed003-default', 'trtexec-layerinfo.json'));
    const times = measuredLayerTimes({ profile, layers, source: 'test' });
    expect(times.measured).toBe(true);
    expect(times.ioReformats.map((item) => [item.name, item.direction, item.kernelFormat, item.averageMs])).toEqual([
      ['Reformatting CopyNode for Input Tensor 0 to /conv1/Conv', 'input', 'fp16:hwc8', 0.0604149],
      ['Reformatting CopyNode for Output Tensor 0 to /conv3/Conv', 'output', 'fp16:hwc8', 0.0548129],
    ]);
    expect(times.reformats.sharePercent).toBeGreaterThan(20);
    expect(times.advice.join(' ')).toContain('--inputIOFormats=fp16:hwc8 --outputIOFormats=fp16:hwc8');
    const hwc8 = measuredLayerTimes({ profile: parseTrtexecProfile(json('trt10.6-h200', 'seed003-hwc8', 'trtexec-profile.json')), layers: normalizeInspectorJson(json('trt10.6-h200', 'seed003-hwc8', 'trtexec-layerinfo.json')), source: 'test' });
    expect(hwc8.reformats.count).toBe(0);
    expect(hwc8.advice).toEqual([]);
  });
});

describe('kernel classifier on every kernel name in the trtexec corpus', () => {
  const names = new Set<string>();
  for (const [version, name] of CASES) {
    for (const line of namedTacticLines(messages(version, name))) names.add(line.kernel);
    for (const layer of normalizeInspectorJson(json(version, name, 'trtexec-layerinfo.json'))) if (layer.tacticName) names.add(layer.tacticName);
  }

  it('covers a few hundred distinct names, Hopper and Ampere sparse ones among them', () => {
    expect(names.size).toBeGreaterThan(200);
    expect([...names].some((kernel) => kernel.startsWith('sm90_xmma_sparse_fprop_'))).toBe(true);
    expect([...names].some((kernel) => kernel.startsWith('sm80_xmma_fprop_sparse_conv_'))).toBe(true);
  });

  it('every name is sparse when it says sparse/sptensor, unknown only for Myelin\'s __myl_ kernels, dense otherwise', () => {
    for (const kernel of names) {
      const expected = /sparse|sptensor/.test(kernel) ? 'sparse' : kernel.startsWith('__myl_') ? 'unknown' : 'dense';
      expect(classifyKernel(kernel), kernel).toBe(expected);
    }
  });

  it('seed-003 (sparsity disabled) timed no sparse kernel; the 2:4 builds did', () => {
    for (const [version, name] of CASES) {
      const sparse = namedTacticLines(messages(version, name)).filter((line) => classifyKernel(line.kernel) === 'sparse');
      if (name.endsWith('2of4')) expect(sparse.length, name).toBeGreaterThan(0);
      else expect(sparse, name).toEqual([]);
    }
  });

  it('the engine\'s kernels agree with TensorRT\'s lists: chosen layers run a sparse kernel, eligible-not-chosen ones dense', () => {
    for (const name of ['resnet-like-2of4', 'resnet18-2of4']) {
      const lines = messages('trt10.6-h200', name);
      const eligible = ownSparsityList(lines, 'Found')!.names;
      const chosen = ownSparsityList(lines, 'Chose')!.names;
      const layers = normalizeInspectorJson(json('trt10.6-h200', name, 'trtexec-layerinfo.json'));
      for (const layerName of eligible) {
        const layer = layers.find((item) => item.name === layerName)!;
        expect(classifyKernel(layer.tacticName), layerName).toBe(chosen.includes(layerName) ? 'sparse' : 'dense');
      }
    }
  });
});

describe('why-not-sparse on the trtexec logs of the 2:4 builds', () => {
  for (const name of ['resnet-like-2of4', 'resnet18-2of4']) {
    it(`${name}: counts are TensorRT's, and each eligible-not-chosen layer's best sparse and dense times are its fastest Tactic Name lines`, () => {
      const lines = messages('trt10.6-h200', name);
      const explanation = explainSparsity({ log: parseBuildLog(logText('trt10.6-h200', name)) });
      expect(explanation.counts.eligible).toBe(ownSparsityList(lines, 'Found')!.count);
      expect(explanation.counts.picked).toBe(ownSparsityList(lines, 'Chose')!.count);
      const tactics = namedTacticLines(lines);
      let checked = 0;
      for (const layerName of explanation.eligibleNotPicked) {
        const own = tactics.filter((line) => line.layer === layerName);
        if (own.length === 0) continue; // timed once for an identical layer: a cached result
        const best = (sparse: boolean) => Math.min(...own.filter((line) => /sparse|sptensor/.test(line.kernel) === sparse).map((line) => line.timeMs));
        const entry = explanation.layers.find((layer) => layer.layer === layerName)!;
        expect(entry.overall?.bestDense?.timeMs, layerName).toBe(best(false));
        if (own.some((line) => /sparse|sptensor/.test(line.kernel))) expect(entry.overall?.bestSparse?.timeMs, layerName).toBe(best(true));
        checked += 1;
      }
      expect(checked).toBeGreaterThan(0);
      // Layers TensorRT did not time itself (identical to one already timed: `got cached result`) get the times of
      // the layer they reuse; resnet18's layer1.1 convolutions reuse layer1.0's.
      for (const layerName of explanation.eligibleNotPicked.filter((item) => !tactics.some((line) => line.layer === item))) {
        const hits = lines.filter((line) => line.startsWith(`${layerName} [`) && line.includes('] got cached result: '));
        expect(hits.length, layerName).toBeGreaterThan(0);
        const entry = explanation.layers.find((layer) => layer.layer === layerName)!;
        const source = parseBuildLog(logText('trt10.6-h200', name)).tactics.find((record) => record.layer === layerName)!.candidates[0].cachedFrom!;
        const own = tactics.filter((line) => line.layer === source);
        expect(own.length, source).toBeGreaterThan(0);
        expect(entry.overall?.bestDense?.timeMs).toBe(Math.min(...own.filter((line) => !/sparse|sptensor/.test(line.kernel)).map((line) => line.timeMs)));
        expect(entry.overall?.bestSparse?.timeMs).toBe(Math.min(...own.filter((line) => /sparse|sptensor/.test(line.kernel)).map((line) => line.timeMs)));
      }
      if (name === 'resnet18-2of4') {
        const cachedLayers = explanation.eligibleNotPicked.filter((item) => !tactics.some((line) => line.layer === item));
        expect(cachedLayers).toEqual(['/layer1/layer1.1/conv1/Conv + /layer1/layer1.1/relu/Relu', '/layer1/layer1.1/conv2/Conv + /layer1/layer1.1/Add + /layer1/layer1.1/relu_1/Relu']);
      }
    });
  }
});
