import { describe, expect, it } from 'vitest';
import { analyzeEfficiency, formatEfficiency, convolutionFlops, paddedTensorBytes } from '../../lib/analysis/efficiency.js';
import { resolvePeaks } from '../../lib/analysis/peaks.js';
import type { NodeCost } from '../../lib/onnx/model.js';
import type { LayerInfo, LayerProfile } from '../../lib/types/index.js';
import { conv, H, seed003Layers, tensor, W } from './efficiency.fixtures.js';

/** Profile rows as trtexec --exportProfile gives them (one iteration: timeMs = averageMs = medianMs). */
function profileOf(times: Record<string, number>): LayerProfile[] {
  const total = Object.values(times).reduce((sum, value) => sum + value, 0);
  return Object.entries(times).map(([name, ms]) => ({ name, timeMs: ms, averageMs: ms, medianMs: ms, percentage: (ms / total) * 100 }));
}

// Seed 003 by hand, from the model definition alone.
const PIXELS = H * W;
const FLOPS_PER_CONV = PIXELS * 9 * 2 * 16 * 16; // 3x3 kernel, multiply-add = 2, 16 in, 16 out
const ACTIVATION_BYTES = 1 * 16 * PIXELS * 2; // fp16, hwc8 pads nothing at C=16
const WEIGHT_BYTES = (16 * 16 * 9 + 16) * 2; // weights + bias at fp16
const BYTES_PER_CONV = 2 * ACTIVATION_BYTES + WEIGHT_BYTES;

// Per-layer times for the H100 case: the convs use the 0.262 ms/layer that cuDNN took for this conv in NHWC FP16
// on the lent H100 (bench/results/2026-11-21-h100-torch-ceilings.json); the reformat times are illustrative.
const H100_TIMES = {
  'Reformatting CopyNode for Input Tensor 0 to /conv1/Conv': 0.061,
  '/conv1/Conv': 0.262,
  '/conv2/Conv': 0.262,
  '/conv3/Conv': 0.262,
  'Reformatting CopyNode for Output Tensor 0 to /conv3/Conv': 0.059,
};

describe('analyzeEfficiency: seed 003 (3 × conv3x3, 16 ch, 1x16x1920x1080, FP16)', () => {
  const peaks = resolvePeaks({ deviceProfileId: 'h100-sxm' });
  const report = analyzeEfficiency({ layers: seed003Layers('chw'), profile: profileOf(H100_TIMES), peaks });
  const convs = report.layers.filter((layer) => !layer.isReformat);

  it('counts the FLOPs the user counted: 0.0287 TFLOP for the three convs, multiply-add = 2', () => {
    expect(FLOPS_PER_CONV * 3).toBeCloseTo(0.02866e12, -8);
    for (const layer of convs) {
      expect(layer.flops).toBe(FLOPS_PER_CONV);
      expect(layer.flopsSource).toBe('inspector');
    }
    expect(report.totals.flops).toBe(3 * FLOPS_PER_CONV);
    expect(report.conventions.join(' ')).toMatch(/multiply-add as 2/);
  });

  it('moves 66.4 MB in and out per conv, ~72 FLOP/B, below the H100 ridge of ~295 → memory-bound', () => {
    expect(ACTIVATION_BYTES / 1e6).toBeCloseTo(66.36, 2);
    const ridge = (989.4e12) / (3350e9);
    expect(ridge).toBeGreaterThan(290);
    for (const layer of convs) {
      expect(layer.bytes?.activationsIn).toBe(ACTIVATION_BYTES);
      expect(layer.bytes?.activationsOut).toBe(ACTIVATION_BYTES);
      expect(layer.bytes?.weights).toBe(WEIGHT_BYTES);
      expect(layer.intensity).toBeCloseTo(FLOPS_PER_CONV / BYTES_PER_CONV, 6);
      expect(layer.intensity).toBeGreaterThan(71.9);
      expect(layer.intensity).toBeLessThan(72.1);
      expect(layer.ridgePoint).toBeCloseTo(ridge, 6);
      expect(layer.bound).toBe('memory');
      // Bound time = bytes / bandwidth, as the layer is memory-bound.
      const boundMs = (BYTES_PER_CONV / 3350e9) * 1e3;
      expect(layer.boundTimeMs).toBeCloseTo(boundMs, 9);
      expect(layer.percentOfRoofline).toBeCloseTo((boundMs / 0.262) * 100, 6);
      const achievedTflops = FLOPS_PER_CONV / 0.262e-3 / 1e12;
      expect(layer.achievedTflops).toBeCloseTo(achievedTflops, 6);
      expect(layer.percentOfPeak).toBeCloseTo((achievedTflops / 989.4) * 100, 6);
      expect(layer.timeSource).toBe('measured');
    }
  });

  it('counts reformats as pure traffic and reports their share of the time', () => {
    const reformats = report.layers.filter((layer) => layer.isReformat);
    expect(reformats).toHaveLength(2);
    for (const layer of reformats) {
      expect(layer.flops).toBe(0);
      expect(layer.bytes?.total).toBe(2 * ACTIVATION_BYTES);
      expect(layer.bound).toBe('memory');
    }
    const sumMs = 0.061 + 0.262 * 3 + 0.059;
    expect(report.totals.layerTimeSumMs).toBeCloseTo(sumMs, 9);
    expect(report.totals.reformatTimeMs).toBeCloseTo(0.12, 9);
    expect(report.totals.reformatPercent).toBeCloseTo((0.12 / sumMs) * 100, 6);
  });

  it('advises hwc8 IO with the reformats\' time as the gain', () => {
    const item = report.advice.find((advice) => advice.kind === 'io-reformats');
    expect(item).toBeDefined();
    expect(item?.message).toContain("inputIOFormats: 'fp16:hwc8'");
    expect(item?.message).toContain("outputIOFormats: 'fp16:hwc8'");
    expect(item?.message).toContain('--inputIOFormats=fp16:hwc8');
    expect(item?.message).toContain('--inputIOFormats=hwc8');
    expect(item?.expectedGainMs).toBeCloseTo(0.12, 9);
    expect(item?.message).toContain('0.120 ms');
  });

  it('says the convs are memory-bound, that % of peak is the wrong yardstick, and the gap to the roof', () => {
    const item = report.advice.find((advice) => advice.kind === 'memory-bound');
    expect(item?.layers).toEqual(['/conv1/Conv', '/conv2/Conv', '/conv3/Conv']);
    expect(item?.message).toMatch(/wrong yardstick/);
    const boundMs = (3 * BYTES_PER_CONV / 3350e9) * 1e3;
    expect(item?.expectedGainMs).toBeCloseTo(3 * 0.262 - boundMs, 9);
    // At 72 FLOP/B the roof is 72 × 3350 GB/s ≈ 241 TFLOP/s ≈ 24% of the dense peak.
    expect(item?.message).toMatch(/roof is 241 TFLOP\/s = 24\.4% of the peak/);
    // Widening: intensity at C=64 is ~4× and the ridge (~295) needs about C=66, i.e. 72 as a multiple of 8.
    const intensity64 = (PIXELS * 9 * 2 * 64 * 64) / (2 * 64 * PIXELS * 2 + (64 * 64 * 9 + 64) * 2);
    expect(item?.message).toContain(`${Number(intensity64.toPrecision(3))} FLOP/B`);
    expect(item?.message).toMatch(/C=72 as a multiple of 8/);
  });

  it('emits no channel-alignment item: 16 is a multiple of 8', () => {
    expect(report.advice.some((advice) => advice.kind === 'channel-alignment')).toBe(false);
  });

  it('formats a table with every layer and the conventions', () => {
    const text = formatEfficiency(report);
    for (const name of Object.keys(H100_TIMES)) expect(text).toContain(name.slice(0, 47));
    expect(text).toMatch(/multiply-add as 2/);
    expect(text).toMatch(/Advice:/);
    expect(text).not.toMatch(/ESTIMATED/);
  });
});

describe('analyzeEfficiency: seed 003 on the Jetson AGX Orin 32GB at 816 MHz, with the user\'s own numbers', () => {
  const peaks = resolvePeaks({ deviceProfileId: 'orin-agx-32gb-816mhz' });
  // trtexec's median GPU compute time from the seed; the per-layer split is illustrative (sums to 9 ms).
  const times = {
    'Reformatting CopyNode for Input Tensor 0 to /conv1/Conv': 1.05,
    '/conv1/Conv': 2.3,
    '/conv2/Conv': 2.3,
    '/conv3/Conv': 2.3,
    'Reformatting CopyNode for Output Tensor 0 to /conv3/Conv': 1.05,
  };
  const report = analyzeEfficiency({ layers: seed003Layers('chw'), profile: profileOf(times), peaks, endToEndMs: 8.97861, userPeakTflops: 47.3 });

  it('flags the sparse peak the user divided by and recomputes their figure', () => {
    const item = report.advice.find((advice) => advice.kind === 'peak-choice');
    expect(item?.message).toMatch(/2:4 sparse FP16 peak/);
    expect(item?.message).toMatch(/no layer of this engine runs a sparse tactic/);
    // 0.02866 TFLOP / (8.97861 ms × 47.3 TFLOP/s) = 6.75% (the seed's 5.46% does not follow from its own inputs);
    // against the dense 23.7 TFLOP/s it is twice that.
    const userPercent = (3 * FLOPS_PER_CONV) / 8.97861e-3 / 47.3e12 * 100;
    const densePercent = (3 * FLOPS_PER_CONV) / 8.97861e-3 / 23.7e12 * 100;
    expect(userPercent).toBeCloseTo(6.75, 2);
    expect(item?.message).toContain(`${Number(userPercent.toPrecision(3))}% of 47.3 TFLOP/s`);
    expect(item?.message).toContain(`${Number(densePercent.toPrecision(3))}% of the dense FP16 peak`);
  });

  it('is memory-bound against Orin\'s ridge (~116 FLOP/B) and reports % of roofline over all five layers', () => {
    const ridge = 23.7e12 / 204.8e9;
    for (const layer of report.layers.filter((candidate) => !candidate.isReformat)) {
      expect(layer.ridgePoint).toBeCloseTo(ridge, 6);
      expect(layer.bound).toBe('memory');
    }
    // Roofline: 3 convs + 2 reformats, all bandwidth-bound at 204.8 GB/s.
    const boundMs = ((3 * BYTES_PER_CONV + 2 * 2 * ACTIVATION_BYTES) / 204.8e9) * 1e3;
    expect(report.totals.boundTimeMs).toBeCloseTo(boundMs, 9);
    expect(report.totals.percentOfRoofline).toBeCloseTo((boundMs / 9) * 100, 6);
    expect(report.totals.endToEndMs).toBe(8.97861);
    expect(report.totals.percentOfDenseFp16Peak).toBeCloseTo((3 * FLOPS_PER_CONV) / 8.97861e-3 / 23.7e12 * 100, 6);
    // Orin's lower ridge: wider convs reach it from fewer channels than on the H100.
    expect(report.advice.find((advice) => advice.kind === 'memory-bound')?.message).toMatch(/C=32 as a multiple of 8/);
  });

  it('notes the sum of layer times against the end-to-end time', () => {
    expect(report.notes.join(' ')).toMatch(/Sum of layer times 9\.000 ms vs end-to-end 8\.979 ms/);
  });
});

describe('analyzeEfficiency: bytes, padding, FLOP sources', () => {
  const peaks = resolvePeaks({ deviceProfileId: 'h100-sxm' });

  it('pads channels to the format vector: C=3 in hwc8 moves 8 channels, chw32 pads 16 to 32', () => {
    const rgb = tensor('image', 3, 'hwc8', 'float16', 4, 4);
    expect(paddedTensorBytes(rgb)).toEqual({ bytes: 8 * 16 * 2, padding: 5 * 16 * 2 });
    const wide = tensor('x', 16, 'chw32', 'float16', 4, 4);
    expect(paddedTensorBytes(wide)).toEqual({ bytes: 32 * 16 * 2, padding: 16 * 16 * 2 });
    expect(paddedTensorBytes(tensor('y', 16, 'chw', 'float32', 4, 4))).toEqual({ bytes: 16 * 16 * 4, padding: 0 });
    expect(paddedTensorBytes({ ...rgb, dimensions: [-1, 3, 4, 4] })).toBeNull();
  });

  it('advises aligned channel counts with the padding overhead', () => {
    const layer = conv('first', tensor('image', 3, 'hwc8'), tensor('f', 20, 'hwc8'));
    const report = analyzeEfficiency({ layers: [layer], profile: profileOf({ first: 0.5 }), peaks });
    const item = report.advice.find((advice) => advice.kind === 'channel-alignment');
    expect(item?.message).toContain('C=3 → use 8');
    expect(item?.message).toContain('K=20 → use 24');
    // MACs padded: 8·24 vs 3·20 → +220%.
    expect(item?.message).toContain(`${Number(((8 * 24) / (3 * 20) - 1) * 100).toPrecision(3)}% extra MACs`);
    // Padding traffic: input 5 of 8 channels, output 4 of 24, no padding in weights.
    const eff = report.layers[0];
    expect(eff.bytes?.padding).toBe((5 + 4) * PIXELS * 2);
    expect(item?.expectedGainMs).toBeCloseTo(0.5 * ((eff.bytes?.padding ?? 0) / (eff.bytes?.total ?? 1)), 9);
  });

  it('prefers ONNX costs for fused layers, and says when FLOPs are unknown', () => {
    const fused: LayerInfo = {
      name: 'matmul_0 + add_0 + relu_0',
      layerType: 'CaskGemmMatrixMultiply',
      parameterType: 'MatrixMultiply',
      onnxNodes: ['matmul_0', 'add_0', 'relu_0'],
      inputs: [{ name: 'a', dimensions: [64, 256], formatText: 'Row major linear FP16 format', dataType: 'float16', format: 'chw', channelAlignment: 1 }],
      outputs: [{ name: 'b', dimensions: [64, 512], formatText: 'Row major linear FP16 format', dataType: 'float16', format: 'chw', channelAlignment: 1 }],
      isReformat: false,
      precision: 'float16',
    };
    const cost = (node: string, flops: number, weights = 0): NodeCost => ({
      node,
      opType: 'x',
      flops,
      macs: flops / 2,
      bytes: { activationsIn: 0, weights, activationsOut: 0, total: weights },
      elementBytes: 4,
    });
    const costs = [cost('matmul_0', 2 * 64 * 256 * 512, 256 * 512 * 4), cost('add_0', 64 * 512), cost('relu_0', 64 * 512)];
    const withCosts = analyzeEfficiency({ layers: [fused], peaks, costs });
    expect(withCosts.layers[0].flops).toBe(2 * 64 * 256 * 512 + 2 * 64 * 512);
    expect(withCosts.layers[0].flopsSource).toBe('onnx-costs');
    // FP32 ONNX weights, FP16 kernel: weights counted at 2 bytes.
    expect(withCosts.layers[0].bytes?.weights).toBe(256 * 512 * 2);

    const partial = analyzeEfficiency({ layers: [fused], peaks, costs: costs.slice(0, 2) });
    expect(partial.layers[0].flops).toBeNull();
    expect(partial.layers[0].flopsSource).toBe('unknown');
    expect(partial.totals.unknownFlopsLayers).toEqual([fused.name]);
    expect(partial.advice.find((advice) => advice.kind === 'unknown-flops')?.message).toContain(fused.name);
    expect(formatEfficiency(partial)).toContain('unknown');
  });

  it('derives grouped and depthwise conv FLOPs from the inspector fields', () => {
    const depthwise = conv('dw', tensor('a', 32, 'hwc8', 'float16', 10, 10), tensor('b', 32, 'hwc8', 'float16', 5, 5));
    depthwise.convolution = { ...depthwise.convolution!, groups: 32, weights: { type: 'Half', count: 32 * 9 }, stride: [2, 2] };
    // 32 outputs × 25 pixels × 9 taps, ×2.
    expect(convolutionFlops(depthwise)).toBe(2 * 32 * 25 * 9);
    delete depthwise.convolution!.weights;
    expect(convolutionFlops(depthwise)).toBe(2 * 32 * 25 * 9);
  });

  it('labels estimated times and uses the sparse peak for sparse tactics', () => {
    const layers = seed003Layers('hwc8', { sparse: true });
    const report = analyzeEfficiency({
      layers,
      estimates: layers.map((layer) => ({ layer: layer.name, estimated: true as const, flops: 0, bytes: 0, denseTimeMs: 0.3, sparseTimeMs: 0.28, chosenTimeMs: 0.28, bound: 'memory' as const })),
      peaks,
    });
    expect(report.estimated).toBe(true);
    expect(report.layers.every((layer) => layer.timeSource === 'estimated' && layer.sparse)).toBe(true);
    expect(report.layers[0].peakTflops).toBe(1978.9);
    expect(report.advice.find((advice) => advice.kind === 'memory-bound')?.estimated).toBe(true);
    expect(formatEfficiency(report)).toMatch(/^ESTIMATED/);
    expect(formatEfficiency(report)).toContain('0.280 (est)');
    expect(report.advice.some((advice) => advice.kind === 'io-reformats')).toBe(false);
  });

  it('rejects input without layers or peaks', () => {
    expect(() => analyzeEfficiency({ layers: undefined as unknown as LayerInfo[], peaks })).toThrow(/layers/);
    expect(() => analyzeEfficiency({ layers: [], peaks: undefined as never })).toThrow(/peaks/);
  });
});
