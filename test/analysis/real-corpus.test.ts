/**
 * Readers against real TensorRT 10.6 output (test/fixtures/real, made on an H200 by scripts/device/corpus.sh).
 * The expected values are read from TensorRT's own lines here, independently of the reader under test.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyKernel, parseBuildLog, readBuildLog } from '../../lib/analysis/parse/build-log.js';
import { namedTacticLines } from '../support/log-lines.js';

const corpus = join(import.meta.dirname, '..', 'fixtures', 'real', 'trt10.6-h200');
const cases = readdirSync(corpus).filter((name) => name !== 'models');

const reports = new Map<string, { log: { severity: string; message: string }[]; layers: { Name?: string; raw: Record<string, unknown> }[] }>();
function corpusReport(name: string) {
  let report = reports.get(name);
  if (!report) reports.set(name, (report = JSON.parse(gunzipSync(readFileSync(join(corpus, name, 'trtn-report.json.gz'))).toString('utf8'))));
  return report!;
}
function tensorrtLog(name: string): string[] {
  return corpusReport(name).log.map((line) => line.message);
}

const NUMBER = /^[0-9.eE+-]+$/;

/** TensorRT's own count and list from the engine-level (not foreignNode) line starting with `prefix`. */
function ownList(lines: string[], prefix: RegExp): { count: number; names: string[] } | undefined {
  const line = lines.map((text) => text.trim()).find((text) => prefix.test(text));
  if (!line) return undefined;
  const count = Number(/(\d+) layer\(s\)/.exec(line)?.[1]);
  const list = line.slice(line.indexOf('tactics:') + 'tactics:'.length).trim();
  return { count, names: list === '' ? [] : list.split(', ') };
}

describe('real TensorRT 10.6 build logs', () => {
  it('has the four corpus builds', () => {
    expect(cases.sort()).toEqual(['resnet-like-2of4', 'resnet18-2of4', 'seed003-default', 'seed003-hwc8']);
  });

  for (const name of cases) {
    it(`${name}: sparsity lists equal TensorRT's own (Sparsity) lines, foreignNode lines left out`, () => {
      const lines = tensorrtLog(name);
      const parsed = parseBuildLog(lines);
      const eligible = ownList(lines, /^\(Sparsity\) Found \d+ layer\(s\) eligible/);
      const picked = ownList(lines, /^\(Sparsity\) Chose \d+ layer\(s\)/);
      if (!eligible) {
        // Builds without --sparsity print no engine-level list.
        expect(parsed.sparsity.eligible).toEqual([]);
        return;
      }
      expect(parsed.sparsity.eligible).toHaveLength(eligible.count);
      expect(parsed.sparsity.eligible).toEqual(eligible.names);
      expect(parsed.sparsity.picked).toHaveLength(picked?.count ?? 0);
      expect(parsed.sparsity.picked).toEqual(picked?.names ?? []);
      for (const layer of parsed.sparsity.picked) expect(parsed.sparsity.eligible).toContain(layer);
    });
  }

  it('resnet18 2:4: 19 eligible, 1 chosen, as TensorRT printed on the H200', () => {
    const parsed = parseBuildLog(tensorrtLog('resnet18-2of4'));
    expect(parsed.sparsity.eligible.length).toBe(19);
    expect(parsed.sparsity.picked).toEqual(['/layer1/layer1.0/conv2/Conv + /layer1/layer1.0/Add + /layer1/layer1.0/relu_1/Relu']);
  });
});

describe('reading every autotuning line of the real 10.6 logs', () => {
  for (const name of cases) {
    it(`${name}: every "Tactic Name: <kernel> … Tactic: 0x… Time: <ms>" line becomes a named, timed candidate of its runner's layer`, () => {
      const lines = tensorrtLog(name).map((line) => line.trim());
      const parsed = parseBuildLog(lines);
      // Independently of the reader: walk the lines, remember the runner header, collect (layer, kernel, tactic, time).
      const expected: string[] = [];
      for (const line of namedTacticLines(lines)) {
        expect(line.timeText).toMatch(NUMBER);
        expected.push(`${line.layer}|${line.kernel}|${line.tactic}|${line.timeMs}`);
      }
      expect(expected.length).toBeGreaterThan(0);
      const read = parsed.tactics.flatMap((entry) => entry.candidates.filter((candidate) => candidate.kernelName && candidate.cachedFrom === undefined).map((candidate) => `${entry.layer}|${candidate.kernelName}|${candidate.tactic}|${candidate.timeMs}`));
      expect(read.sort()).toEqual(expected.sort());
      // Runner names lose their id suffix; no timed CaskConvolution candidate lacks a kernel name.
      const cask = parsed.tactics.flatMap((entry) => entry.candidates).filter((candidate) => candidate.implementation?.startsWith('Cask'));
      expect(cask.length).toBeGreaterThan(0);
      expect(cask.every((candidate) => candidate.kernelName !== undefined)).toBe(true);
    });

    it(`${name}: every "got cached result" hit is followed to an earlier timing with the same runner, formats and tactic`, () => {
      const lines = tensorrtLog(name).map((line) => line.trim());
      const hits = lines.filter((line) => / got cached result: /.test(line));
      const parsed = parseBuildLog(lines);
      expect(parsed.cachedResults).toHaveLength(hits.length);
      for (const hit of parsed.cachedResults) {
        expect(hit.source, `${hit.layer} [${hit.formats}]`).toBeDefined();
        // The source really was timed with that tactic under that combination, at that time unless TensorRT printed 0 ms.
        const timed = [...parsed.tactics.flatMap((entry) => (entry.layer === hit.source ? entry.candidates : [])), ...parsed.fastest.filter((entry) => entry.layer === hit.source)]
          .filter((candidate) => 'formats' in candidate && candidate.formats === hit.formats && candidate.tactic === hit.tactic && !('cachedFrom' in candidate && candidate.cachedFrom));
        expect(timed.length, `${hit.layer} -> ${hit.source}`).toBeGreaterThan(0);
        if (hit.timeMatches) expect(timed.some((candidate) => candidate.timeMs === hit.timeMs)).toBe(true);
        else expect(hit.timeMs).toBe(0);
      }
    });

    it(`${name}: the one-line layer information equals the engine inspector's layers (names, types, tactics)`, () => {
      const parsed = parseBuildLog(tensorrtLog(name));
      const inspector = corpusReport(name).layers.map((layer) => layer.raw);
      // The log prints the engine's layers once more for Myelin subgraphs; the last block is the engine's.
      const lastBlock = parsed.engineLayers.slice(-inspector.length);
      expect(lastBlock.map((layer) => layer.name)).toEqual(inspector.map((layer) => layer.Name));
      expect(lastBlock.map((layer) => layer.layerType)).toEqual(inspector.map((layer) => layer.LayerType));
      expect(lastBlock.map((layer) => layer.tactic)).toEqual(inspector.map((layer) => (typeof layer.TacticValue === 'string' ? layer.TacticValue.toLowerCase() : undefined)));
      expect(lastBlock.map((layer) => layer.inputs.map((tensor) => tensor.dimensions))).toEqual(inspector.map((layer) => (layer.Inputs as { Dimensions: number[] }[]).map((tensor) => tensor.Dimensions)));
    });
  }

  it('reads the "Adding reformat layer" lines of seed003 (default IO) with both formats', () => {
    const parsed = parseBuildLog(tensorrtLog('seed003-default'));
    expect(parsed.addedReformats).toEqual([
      { name: 'Reformatted Input Tensor 0 to /conv1/Conv', tensor: 'input', from: 'Float(33177600,2073600,1080,1)', to: 'Half(4147200,1:8,2160,2)' },
      { name: 'Reformatted Output Tensor 0 to /conv3/Conv', tensor: 'output', from: 'Half(4147200,1:8,2160,2)', to: 'Float(33177600,2073600,1080,1)' },
    ]);
  });

  it('readBuildLog never throws: a non-verbose log, garbage and non-text come back with warnings', () => {
    const infoOnly = corpusReport('resnet18-2of4').log.filter((line) => line.severity !== 'verbose').map((line) => line.message);
    const partial = readBuildLog(infoOnly);
    // kINFO still carries the sparsity lists; everything per-tactic is missing and nothing throws.
    expect(partial.result.sparsity.eligible).toHaveLength(19);
    expect(partial.result.tactics.every((entry) => entry.candidates.length === 0)).toBe(true);
    for (const value of ['hello\nworld', 42, null, [1, 2], undefined]) {
      const reading = readBuildLog(value);
      expect(reading.warnings.length).toBeGreaterThan(0);
      expect(reading.result.tactics).toEqual([]);
    }
    expect(readBuildLog(tensorrtLog('seed003-hwc8')).warnings).toEqual([]);
  });
});

describe('kernel-name classifier on every kernel name in the corpus', () => {
  const names = new Set<string>();
  for (const name of cases) {
    for (const line of tensorrtLog(name)) {
      const named = /^Tactic Name: (\S+)/.exec(line.trim());
      if (named) names.add(named[1]);
    }
    for (const layer of corpusReport(name).layers) if (typeof layer.raw.TacticName === 'string' && layer.raw.TacticName !== '') names.add(layer.raw.TacticName);
  }

  it('finds both Hopper and Ampere sparse kernels among them', () => {
    const sparse = [...names].filter((kernel) => classifyKernel(kernel) === 'sparse');
    expect(sparse.some((kernel) => kernel.startsWith('sm90_xmma_sparse_fprop_implicit_gemm_'))).toBe(true);
    expect(sparse.some((kernel) => kernel.startsWith('sm80_xmma_fprop_sparse_conv_') && kernel.includes('sptensor16x8x32'))).toBe(true);
  });

  it('classifies each one consistently with what its name says', () => {
    expect(names.size).toBeGreaterThan(500);
    for (const kernel of names) {
      const kind = classifyKernel(kernel);
      const marked = /sparse|sptensor/i.test(kernel);
      if (marked) expect(kind, kernel).toBe('sparse');
      else if (/^sm\d+_/.test(kernel)) expect(kind, kernel).toBe('dense');
      else expect(kind, kernel).toBe('unknown');
    }
  });

  it('has nothing to say about names without a family (Myelin, empty)', () => {
    expect(classifyKernel('__myl_MulSumAddCas_0x2ca2fdb17a747f3f2437ab436dd8aef1')).toBe('unknown');
    expect(classifyKernel('')).toBe('unknown');
    expect(classifyKernel(undefined)).toBe('unknown');
  });
});
