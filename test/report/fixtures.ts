/**
 * A realistic report input: seed 003's engine (3 × conv3x3 16 ch on 1x16x1920x1080, FP16, chw IO so two IO
 * reformats) on an H100, plus one layer whose name needs escaping. Times are illustrative: the convs use the
 * 0.262 ms that cuDNN took for this conv on the lent H100 (bench/results), the rest are made up.
 */
import { analyzeEfficiency } from '../../lib/analysis/efficiency.js';
import { compareBuilds } from '../../lib/analysis/compare.js';
import { resolvePeaks } from '../../lib/analysis/peaks.js';
import type { HtmlReportInput } from '../../lib/analysis/report/index.js';
import type { BenchmarkResult, BuildReport, EnvironmentInfo, LayerInfo, LayerProfile, TimingStats } from '../../lib/types/index.js';
import { seed003Layers, tensor } from '../analysis/efficiency.fixtures.js';

export const NASTY_NAME = 'PWN(<lambda> & "/act/Relu")';

export const environment: EnvironmentInfo = {
  host: { platform: 'linux', arch: 'x64', cpus: 16, node: 'v20.19.0' },
  gpu: { index: 0, name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0', smCount: 132, memoryBytes: 85520809984, memoryBusWidthBits: 5120, clocks: { smMHz: 1980, maxSmMHz: 1980, memoryMHz: 2619, maxMemoryMHz: 2619, locked: true } },
  driverVersion: '580.159.04',
  cudaRuntimeVersion: '13.0',
  tensorrtVersion: '10.16.0',
};

export function layers(): LayerInfo[] {
  const base = seed003Layers('chw');
  const out = base[base.length - 1];
  // An activation after the last conv that TensorRT did not fuse, with a name that must be escaped.
  const activation: LayerInfo = {
    name: NASTY_NAME,
    layerType: 'PointWiseV2',
    parameterType: 'PointWise',
    onnxNodes: ['/act/Relu'],
    inputs: [out.outputs[0]],
    outputs: [tensor('act_out', 16, 'chw')],
    isReformat: false,
    precision: 'float16',
  };
  return [...base, activation];
}

export const times: Record<string, number> = {
  'Reformatting CopyNode for Input Tensor 0 to /conv1/Conv': 0.061,
  '/conv1/Conv': 0.262,
  '/conv2/Conv': 0.262,
  '/conv3/Conv': 0.262,
  'Reformatting CopyNode for Output Tensor 0 to /conv3/Conv': 0.059,
  [NASTY_NAME]: 0.052,
};

export function profileOf(values: Record<string, number>): LayerProfile[] {
  const total = Object.values(values).reduce((sum, value) => sum + value, 0);
  return Object.entries(values).map(([name, ms]) => ({ name, timeMs: ms * 100, averageMs: ms, medianMs: ms, percentage: (ms / total) * 100 }));
}

function stats(median: number, stdDev: number): TimingStats {
  return { min: median - 1.5 * stdDev, max: median + 4 * stdDev, mean: median + 0.1 * stdDev, median, p90: median + stdDev, p95: median + 1.6 * stdDev, p99: median + 3 * stdDev, stdDev, covPercent: median > 0 ? (stdDev / median) * 100 : 0 };
}

export function buildReport(estimated = false): BuildReport {
  const engineLayers = layers();
  return {
    schemaVersion: 1,
    backend: estimated ? 'mock' : 'tensorrt',
    estimated,
    createdAt: '2026-11-21T18:00:00.000Z',
    versions: { tensorrtNode: '0.1.0', node: 'v20.19.0', tensorrt: '10.16.0' },
    environment: estimated ? { host: environment.host, deviceProfile: 'h100-sxm' } : environment,
    options: {
      fp16: true,
      sparsity: 'disable',
      inputIOFormats: [{ dataType: 'fp16', formats: ['chw'] }],
      outputIOFormats: [{ dataType: 'fp16', formats: ['chw'] }],
      shapes: {},
      memPoolSize: {},
      builderOptimizationLevel: 3,
      tacticSources: { enable: [], disable: [] },
      timingCacheProvided: false,
      profilingVerbosity: 'detailed',
      device: 0,
      avgTiming: 8,
      recordTactics: true,
      profileLayers: true,
      keepBuilder: false,
      replay: false,
      errorOnTimingCacheMiss: false,
      backend: estimated ? 'mock' : 'auto',
      mockDevice: 'h100-sxm',
    },
    model: { name: 'seed003', producer: 'pytorch', opset: 17, irVersion: 8, nodeCount: 4, inputs: [{ name: 'input', dataType: 'float16', shape: [1, 16, 1920, 1080] }], outputs: [{ name: 'act_out', dataType: 'float16', shape: [1, 16, 1920, 1080] }] },
    buildTimeMs: 21400,
    layers: engineLayers,
    tactics: [],
    sparsity: { eligible: ['/conv1/Conv', '/conv2/Conv', '/conv3/Conv'], picked: [] },
    estimates: estimated
      ? engineLayers.map((layer) => ({ layer: layer.name, estimated: true as const, flops: 0, bytes: 0, denseTimeMs: times[layer.name], chosenTimeMs: times[layer.name], bound: 'memory' as const }))
      : undefined,
    log: [],
    warnings: [],
  };
}

export function benchmark(estimated = false): BenchmarkResult {
  const gpuCompute = stats(0.972, 0.004);
  return {
    backend: estimated ? 'mock' : 'tensorrt',
    estimated,
    environment,
    options: { iterations: 10, duration: 3, warmUp: 200, useCudaGraph: true, useSpinWait: true, noDataTransfers: true, blockingEvents: 'waited', exportTimes: false, covThresholdPercent: 2.5, shapes: {} },
    mode: 'no transfers, CUDA graph, spin-wait',
    iterations: 3061,
    totalHostWalltimeMs: 3003,
    totalGpuComputeMs: 2975,
    throughput: 1019.3,
    gpuCompute,
    latency: gpuCompute,
    enqueue: stats(0.011, 0.001),
    h2d: stats(0, 0),
    d2h: stats(0, 0),
    warnings: [],
  };
}

/** A complete input: build report, efficiency, sparsity explanation (its shape), benchmark and a comparison. */
export function fullInput(estimated = false): HtmlReportInput {
  const report = buildReport(estimated);
  const peaks = resolvePeaks({ environment: report.environment, deviceProfileId: 'h100-sxm' });
  const profile = profileOf(times);
  const efficiency = analyzeEfficiency({
    layers: report.layers,
    profile: estimated ? undefined : profile,
    estimates: report.estimates,
    peaks,
    endToEndMs: estimated ? undefined : 0.972,
  });
  const hwc8 = seed003Layers('hwc8');
  const comparison = compareBuilds(
    { layers: report.layers, profile: estimated ? undefined : profile, estimates: report.estimates, estimated },
    { layers: hwc8, profile: profileOf({ '/conv1/Conv': 0.262, '/conv2/Conv': 0.261, '/conv3/Conv': 0.262 }), estimated },
    { noise: { a: stats(0.972, 0.004), b: stats(0.801, 0.004) }, labels: { a: 'fp16:chw IO', b: 'fp16:hwc8 IO' } },
  );
  const sparsity = {
    layers: ['/conv1/Conv', '/conv2/Conv', '/conv3/Conv'].map((layer) => ({
      layer,
      eligible: true,
      picked: false,
      reason: 'dense-faster',
      sentence: 'Eligible, but the best dense kernel was 9% faster than the best sparse one (C=16: too little work per weight for 2:4 to pay).',
    })),
    verdicts: ['0 of 3 eligible layers went sparse: each time the dense kernel was faster.'],
    estimated,
  };
  return { report, efficiency, sparsity, benchmark: benchmark(estimated), comparison, title: estimated ? undefined : 'seed 003: 3 × conv3x3, 16 channels, 1x16x1920x1080 (example, illustrative times)' };
}
