import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { explainSparsity, formatSparsityExplanation, normalizeInspectorJson, parseBuildLog, parseTrtexecProfile } from '../../lib/analysis/index.js';
import type { BuildReport } from '../../lib/types/index.js';

const text = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const CONV_663 = 'Conv_663 + Add_664 + Relu_665';
const CONV_276 = 'Conv_276 + Add_277 + Relu_278';

describe('explainSparsity on the seed-000 data (TensorRT 8.5.2, Orin)', () => {
  const raw = text('logs/seed000-trt85.log');
  const log = parseBuildLog(raw);
  const layers = normalizeInspectorJson(JSON.parse(text('trtexec/seed000-layerinfo.json')));
  const profile = parseTrtexecProfile(JSON.parse(text('trtexec/seed000-profile.json')));

  test('eligible-but-not-picked is exactly the set difference of the two quoted lists', () => {
    // Independent of the parser: cut each list at its colon with a regex over the raw text.
    const list = (marker: RegExp) => raw.match(marker)![1].trim().split(', ');
    const eligible = list(/Layers eligible for sparse math: ([^\n]*)/);
    const picked = new Set(list(/picked sparse implementation for layers: ([^\n]*)/));
    const expected = eligible.filter((name) => !picked.has(name));
    const explanation = explainSparsity({ log });
    expect(explanation.eligibleNotPicked).toEqual(expected);
    expect(explanation.counts.eligibleNotPicked).toBe(expected.length);
    expect(expected).toContain(CONV_663);
    expect(expected).not.toContain(CONV_276);
  });

  test('from the log alone: Conv_663 dense on channel % 8 with reformats, Conv_276 sparse on % 16', () => {
    const explanation = explainSparsity({ log });
    const conv663 = explanation.layers.find((entry) => entry.layer === CONV_663)!;
    const conv276 = explanation.layers.find((entry) => entry.layer === CONV_276)!;
    expect([conv663.eligible, conv663.picked]).toEqual([true, false]);
    expect([conv276.eligible, conv276.picked]).toEqual([true, true]);
    expect(conv663.inputs.map((tensor) => tensor.channelAlignment)).toEqual([8, 8]);
    expect(conv276.inputs.map((tensor) => tensor.channelAlignment)).toEqual([16, 16]);
    expect(conv663.reformats.map((note) => [note.direction, note.index, note.from?.channelAlignment, note.to?.channelAlignment])).toEqual([
      ['input', 0, 16, 8],
      ['input', 1, 16, 8],
    ]);
    expect(conv663.channels).toMatchObject({ cIn: 288, cOut: 288, source: 'log-dimensions' });
  });

  test('with layer info and profile: channels from weights, no time guessed, the gap named', () => {
    const explanation = explainSparsity({ log, layers, profile });
    const conv663 = explanation.layers.find((entry) => entry.layer === CONV_663)!;
    const conv276 = explanation.layers.find((entry) => entry.layer === CONV_276)!;
    expect(conv663.channels).toMatchObject({ cIn: 288, cOut: 288, kernel: [1, 1], source: 'inspector', gemm: { m: 88 * 64, n: 288, k: 288 } });
    expect(conv276.channels).toMatchObject({ cIn: 160, cOut: 160 });
    expect(conv663.chosen?.sparse).toBe(false);
    expect(conv276.chosen?.sparse).toBe(true);
    // The 15 logged tactics are cuDNN ones without names: neither side is known, so no margin is invented.
    expect(conv663.reason).toBe('tactics-unnamed');
    expect(conv663.overall).toMatchObject({ sparseTimed: 0, denseTimed: 0, unknownTimed: 15 });
    expect(conv663.overall?.sparseSlowerByPercent).toBeUndefined();
    expect(conv663.measuredMs).toBe(0.102347);
    // The layer info shows one reformat (input 0); it and the log come from different builds.
    expect(conv663.reformats).toHaveLength(1);
    expect(explanation.warnings.some((warning) => warning.includes(CONV_663) && warning.includes('different builds'))).toBe(true);
    expect(conv663.sentence).toMatch(/288/);
    expect(conv663.sentence).toMatch(/channel % 8/);
    expect(conv663.sentence).toMatch(/reformat/);
    expect(conv663.sentence).not.toMatch(/beat|faster/);
    // The >= 256 heuristic predicts the opposite of what happened for both layers, and says so.
    expect(conv663.rulesOfThumb[0]).toMatch(/C_in 288, C_out 288 favours sparse; the outcome does not follow it/);
    expect(conv276.rulesOfThumb[0]).toMatch(/C_in 160, C_out 160 favours dense; the outcome does not follow it/);
    expect(explanation.nextSteps.join('\n')).toMatch(/--verbose .*--exportLayerInfo=.*--exportProfile=/);
    expect(explanation.savedMs).toBeUndefined();
  });

  test('the text form has the table, the sentences and the next steps', () => {
    const output = formatSparsityExplanation(explainSparsity({ log, layers, profile }), { width: 100 });
    expect(output).toMatch(/layer\s+kernel\s+C_in→C_out/);
    expect(output).toMatch(/288→288 1x1\s+%8/);
    expect(output).toMatch(/160→160 1x1\s+%16/);
    expect(output).toMatch(/Next steps:/);
    expect(output).toMatch(/other eligible layer\(s\) stayed dense/);
    const longest = Math.max(...output.split('\n').filter((line) => !/\S{60,}/.test(line)).map((line) => line.length));
    expect(longest).toBeLessThanOrEqual(100);
  });
});

describe('explainSparsity on TensorRT 11 editable-cache tables and inspector JSON', () => {
  const log = parseBuildLog(text('logs/trt11-editable-cache.log'));
  const layers = normalizeInspectorJson(JSON.parse(text('trtexec/trt11-layerinfo.json')));
  const explanation = explainSparsity({ log, layers });

  test('matches Myelin layer names to autotuner op names and classifies each layer', () => {
    const reasons = Object.fromEntries(explanation.layers.map((entry) => [entry.layer, entry.reason]));
    expect(reasons).toEqual({ '/backbone/conv1/Conv': 'picked', '/backbone/conv2/Conv': 'dense-faster', '/head/fc/MatMul_myl0_3': 'no-sparse-timed' });
    const conv1 = explanation.layers[0];
    expect(conv1.channels).toMatchObject({ cIn: 512, cOut: 512, kernel: [3, 3], reductionK: 4608 });
    expect(explanation.savedMs?.totalMs).toBeCloseTo(0.02877 - 0.02113, 6);
    expect(explanation.warnings).toEqual([]);
  });
});

describe('explainSparsity on a mock build report', () => {
  const report = {
    schemaVersion: 1,
    backend: 'mock',
    estimated: true,
    options: { sparsity: 'enable' },
    layers: [],
    tactics: [
      {
        layer: 'gemm_0',
        source: 'mock',
        candidates: [
          { tactic: '0x01', kernelName: 'mock_fp16_chw_gemm_dense', timeMs: 0.01, sparse: false, estimated: true },
          { tactic: '0x02', kernelName: 'mock_fp16_sparse_gemm', timeMs: 0.012, sparse: true, estimated: true },
        ],
        chosen: { tactic: '0x01', kernelName: 'mock_fp16_chw_gemm_dense', timeMs: 0.01, sparse: false, estimated: true },
      },
    ],
    sparsity: { eligible: ['gemm_0'], picked: [] },
    log: [],
    warnings: [],
  } as unknown as BuildReport;

  test('estimated times are labelled', () => {
    const explanation = explainSparsity({ report });
    expect(explanation.estimated).toBe(true);
    expect(explanation.layers[0].reason).toBe('dense-faster');
    expect(explanation.layers[0].sentence).toContain('(estimated)');
    expect(formatSparsityExplanation(explanation)).toMatch(/ESTIMATED/);
  });

  test('no sparsity information at all says where it comes from', () => {
    const explanation = explainSparsity({ layers: [] });
    expect(explanation.layers).toEqual([]);
    expect(explanation.warnings[0]).toMatch(/--sparsity=enable/);
  });
});
