import { describe, expect, it } from 'vitest';
import {
  aggregateLayerProfile,
  computeStats,
  dropWarmUp,
  isEstimatedExport,
  parseTrtexecProfileJson,
  parseTrtexecTimesJson,
  percentileIndex,
  shouldContinue,
  summarizeIterations,
  toTrtexecProfileJson,
  toTrtexecTimesJson,
} from '../../lib/timing/index.js';
import type { TimeRecord } from '../../lib/types/index.js';

/** A record for one iteration starting at `start` with the given phase lengths, back to back. */
function record(start: number, h2d: number, compute: number, d2h: number, enqueue = 0.01): TimeRecord {
  const startCompute = start + h2d;
  const startD2h = startCompute + compute;
  return {
    startEnqMs: start,
    endEnqMs: start + enqueue,
    startH2dMs: start,
    endH2dMs: startCompute,
    startComputeMs: startCompute,
    endComputeMs: startD2h,
    startD2hMs: startD2h,
    endD2hMs: startD2h + d2h,
    h2dMs: h2d,
    computeMs: compute,
    d2hMs: d2h,
    latencyMs: h2d + compute + d2h,
  };
}

describe('percentileIndex (trtexec float32 arithmetic)', () => {
  it('picks index 8 for p90 of 10 values: (1 - 0.9f) * 10 rounds to 1.0000002 in float32, so one value is excluded', () => {
    expect(percentileIndex(90, 10)).toBe(8);
  });
  it('picks the maximum for p95 and p99 of 10 values: 0.5 and 0.1 excluded values truncate to 0', () => {
    expect(percentileIndex(95, 10)).toBe(9);
    expect(percentileIndex(99, 10)).toBe(9);
  });
  it('for 100 values excludes 10 at p90, 5 at p95 and 0 at p99 (0.99f leaves 0.99999905 after * 100)', () => {
    expect(percentileIndex(90, 100)).toBe(89);
    expect(percentileIndex(95, 100)).toBe(94);
    expect(percentileIndex(99, 100)).toBe(99);
  });
  it('never goes below 0 and treats p0 as the minimum', () => {
    expect(percentileIndex(0, 7)).toBe(0);
    expect(percentileIndex(100, 7)).toBe(6);
    expect(percentileIndex(90, 1)).toBe(0);
  });
  it('rejects a percentile outside [0, 100]', () => {
    expect(() => percentileIndex(101, 10)).toThrow(/percentile/);
  });
});

describe('computeStats', () => {
  it('summarises 10 shuffled values 1..10', () => {
    const stats = computeStats([7, 3, 10, 1, 9, 2, 8, 4, 6, 5]);
    expect(stats.min).toBe(1);
    expect(stats.max).toBe(10);
    expect(stats.mean).toBe(5.5);
    // even count: mean of the 5th and 6th sorted values
    expect(stats.median).toBe(5.5);
    expect(stats.p90).toBe(9);
    expect(stats.p95).toBe(10);
    expect(stats.p99).toBe(10);
    // population variance of 1..10 is (10^2 - 1) / 12 = 8.25
    expect(stats.stdDev).toBeCloseTo(Math.sqrt(8.25), 12);
    expect(stats.covPercent).toBeCloseTo((Math.sqrt(8.25) / 5.5) * 100, 10);
  });
  it('uses the middle value for an odd count and does not interpolate percentiles', () => {
    const stats = computeStats([0.5, 0.1, 0.3]);
    expect(stats.median).toBe(0.3);
    expect(stats.p90).toBe(0.5);
  });
  it('reports zero spread for constant values', () => {
    const stats = computeStats([2, 2, 2, 2]);
    expect(stats.stdDev).toBe(0);
    expect(stats.covPercent).toBe(0);
  });
  it('rejects empty input and non-finite values', () => {
    expect(() => computeStats([])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => computeStats([1, Number.NaN])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('summarizeIterations', () => {
  it('computes throughput from the first h2d start to the last d2h end', () => {
    // 4 iterations, each 0.1 + 1 + 0.1 ms, back to back starting at 10 ms: wall time 4.8 ms
    const records = [0, 1, 2, 3].map((index) => record(10 + index * 1.2, 0.1, 1, 0.1));
    const summary = summarizeIterations(records);
    expect(summary.walltimeMs).toBeCloseTo(4.8, 10);
    expect(summary.throughput).toBeCloseTo(4 / 4.8e-3, 6);
    expect(summary.totalGpuComputeMs).toBeCloseTo(4, 12);
    expect(summary.latency.mean).toBeCloseTo(1.2, 12);
    expect(summary.warnings).toEqual([]);
  });
  it('warns when the enqueue median exceeds 0.8 x the compute median', () => {
    const bound = summarizeIterations([record(0, 0, 1, 0, 0.81), record(2, 0, 1, 0, 0.81)], { noDataTransfers: true });
    expect(bound.warnings.join('\n')).toMatch(/useCudaGraph/);
    const fine = summarizeIterations([record(0, 0, 1, 0, 0.79), record(2, 0, 1, 0, 0.79)], { noDataTransfers: true });
    expect(fine.warnings).toEqual([]);
  });
  it('warns when h2d or d2h median is at least the compute median', () => {
    const summary = summarizeIterations([record(0, 1, 1, 0.2), record(3, 1, 1, 0.2)]);
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toMatch(/Host-to-device.*noDataTransfers/);
    const both = summarizeIterations([record(0, 1, 1, 1), record(3, 1, 1, 1)]);
    expect(both.warnings).toHaveLength(2);
  });
  it('warns about instability above the CoV threshold only', () => {
    // compute 1.0 and 1.06: mean 1.03, population std 0.03, CoV 2.91 %
    const records = [record(0, 0.01, 1.0, 0.01), record(2, 0.01, 1.06, 0.01)];
    expect(summarizeIterations(records).warnings.join()).toMatch(/unstable.*2\.91%/);
    expect(summarizeIterations(records, { covThresholdPercent: 3 }).warnings).toEqual([]);
  });
});

describe('dropWarmUp and shouldContinue', () => {
  it('drops iterations whose compute starts within the warm-up window', () => {
    const records = [0, 1, 2, 3, 4].map((index) => record(100 + index * 10, 1, 8, 1));
    // compute starts at 101, 111, 121, 131, 141; warm-up 20 ms from 100 keeps those at >= 120
    expect(dropWarmUp(records, 20).map((item) => item.startComputeMs)).toEqual([121, 131, 141]);
    expect(dropWarmUp(records, 0)).toHaveLength(5);
    expect(dropWarmUp(records, 1000)).toEqual([]);
  });
  it('runs until both the iteration count and the duration are reached', () => {
    expect(shouldContinue(5, 5000, { iterations: 10, duration: 3 })).toBe(true);
    expect(shouldContinue(20, 2000, { iterations: 10, duration: 3 })).toBe(true);
    expect(shouldContinue(10, 3000, { iterations: 10, duration: 3 })).toBe(false);
  });
});

describe('layer profile', () => {
  const iterations = [
    [{ name: 'conv', ms: 1 }, { name: 'relu', ms: 0.5 }],
    [{ name: 'conv', ms: 3 }, { name: 'relu', ms: 0.5 }],
    [{ name: 'conv', ms: 2 }, { name: 'relu', ms: 2.5 }],
    [{ name: 'conv', ms: 10 }, { name: 'relu', ms: 0.5 }],
  ];
  it('sums, averages, takes the median and the share of the total', () => {
    const [conv, relu] = aggregateLayerProfile(iterations);
    expect(conv).toEqual({ name: 'conv', timeMs: 16, averageMs: 4, medianMs: 2.5, percentage: 80 });
    expect(relu).toEqual({ name: 'relu', timeMs: 4, averageMs: 1, medianMs: 0.5, percentage: 20 });
  });
  it('writes trtexec --exportProfile JSON and reads it back', () => {
    const layers = aggregateLayerProfile(iterations);
    const json = toTrtexecProfileJson({ iterations: 4, layers });
    expect(json[0]).toEqual({ count: 4 });
    expect(Object.keys(json[1])).toEqual(['name', 'timeMs', 'averageMs', 'medianMs', 'percentage']);
    const back = parseTrtexecProfileJson(JSON.stringify(json));
    expect(back).toEqual({ iterations: 4, layers });
  });
  it('marks a mock profile on its count record, which trtexec readers ignore', () => {
    const layers = aggregateLayerProfile(iterations);
    const json = toTrtexecProfileJson({ iterations: 4, layers, estimated: true });
    expect(json[0]).toEqual({ count: 4, estimated: true });
    expect(isEstimatedExport(JSON.parse(JSON.stringify(json)))).toBe(true);
    expect(isEstimatedExport(toTrtexecProfileJson({ iterations: 4, layers }))).toBe(false);
    expect(parseTrtexecProfileJson(JSON.stringify(json))).toEqual({ iterations: 4, layers });
  });
  it('reads a trtexec file without medianMs (older versions) and rejects other JSON', () => {
    const text = '[\n  { "count" : 2 }\n, { "name" : "a", "timeMs" : 2, "averageMs" : 1, "percentage" : 100 }\n]\n';
    expect(parseTrtexecProfileJson(text).layers[0].medianMs).toBe(1);
    expect(() => parseTrtexecProfileJson('{"Layers": []}')).toThrow(expect.objectContaining({ code: 'ERR_ANALYSIS_INPUT' }));
    expect(() => parseTrtexecProfileJson('[{')).toThrow(expect.objectContaining({ code: 'ERR_ANALYSIS_INPUT' }));
  });
});

describe('--exportTimes JSON', () => {
  it('writes trtexec keys in trtexec order and round-trips', () => {
    const records = [record(0, 0.1, 1, 0.1), record(1.5, 0.1, 1.1, 0.1)];
    const json = toTrtexecTimesJson(records);
    expect(Object.keys(json[0])).toEqual([
      'startEnqMs', 'endEnqMs', 'startH2dMs', 'endH2dMs', 'startComputeMs', 'endComputeMs',
      'startD2hMs', 'endD2hMs', 'h2dMs', 'computeMs', 'd2hMs', 'latencyMs',
    ]);
    expect(parseTrtexecTimesJson(JSON.stringify(json))).toEqual(records);
  });
  it('marks every record of mock times and still round-trips the trtexec keys', () => {
    const records = [record(0, 0.1, 1, 0.1), record(1.5, 0.1, 1.1, 0.1)];
    const json = toTrtexecTimesJson(records, { estimated: true });
    expect(json.every((entry) => entry.estimated === true)).toBe(true);
    expect(isEstimatedExport(json)).toBe(true);
    expect(isEstimatedExport(toTrtexecTimesJson(records))).toBe(false);
    expect(parseTrtexecTimesJson(JSON.stringify(json))).toEqual(records);
  });
  it('reads trtexec spacing and rejects records with missing keys', () => {
    const text = '[\n  { "startEnqMs" : 1, "endEnqMs" : 2, "startH2dMs" : 1, "endH2dMs" : 1.5, "startComputeMs" : 1.5, "endComputeMs" : 3, "startD2hMs" : 3, "endD2hMs" : 3.5, "h2dMs" : 0.5, "computeMs" : 1.5, "d2hMs" : 0.5, "latencyMs" : 2.5 }\n]\n';
    expect(parseTrtexecTimesJson(text)[0].computeMs).toBe(1.5);
    expect(() => parseTrtexecTimesJson('[{"startEnqMs": 1}]')).toThrow(/computeMs|endEnqMs/);
  });
});

describe('benchmark defaults follow the runtime major (trtexec 10 vs 11)', () => {
  it('10.x: transfers, no graph, blocking sync; 11.x: no transfers, graph, spin-wait; explicit options win', async () => {
    const { resolveBenchmarkOptions } = await import('../../lib/options.js');
    const { describeTimingMode } = await import('../../lib/timing/index.js');
    const ten = resolveBenchmarkOptions({}, 10);
    expect([ten.noDataTransfers, ten.useCudaGraph, ten.useSpinWait]).toEqual([false, false, false]);
    const eleven = resolveBenchmarkOptions({}, 11);
    expect([eleven.noDataTransfers, eleven.useCudaGraph, eleven.useSpinWait]).toEqual([true, true, true]);
    const explicit = resolveBenchmarkOptions({ noDataTransfers: false, useCudaGraph: false }, 11);
    expect([explicit.noDataTransfers, explicit.useCudaGraph, explicit.useSpinWait]).toEqual([false, false, true]);
    expect(describeTimingMode(eleven, 11)).toBe('no transfers, CUDA graph, spin-wait (unset options follow trtexec 11)');
    expect(describeTimingMode(ten)).toBe('transfers, no CUDA graph, blocking sync on the awaited event');
    expect(describeTimingMode(resolveBenchmarkOptions({ blockingEvents: 'all' }, 10))).toBe('transfers, no CUDA graph, blocking sync on every event (as trtexec)');
    // Spinning has no blocking-sync events, whichever were asked for.
    expect(describeTimingMode(resolveBenchmarkOptions({ blockingEvents: 'all', useSpinWait: true }, 10))).toContain('spin-wait');
  });
});
