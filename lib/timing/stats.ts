/**
 * trtexec's timing statistics, reproduced in plain TypeScript so that the native backend, the mock and the
 * analysis code all summarise iterations the same way trtexec does (samples/common/sampleReporting.cpp).
 */
import { TensorRTError } from '../errors.js';
import type { BenchmarkOptions, LayerProfile, TimeRecord, TimingStats } from '../types/index.js';

/**
 * Index of the `percentile` value in an ascending array of `count` values, as trtexec picks it:
 * `max(count - 1 - floor((1 - p/100) * count), 0)`, no interpolation.
 *
 * trtexec does this arithmetic in 32-bit floats, and that changes the answer at round numbers (for 10 values
 * and p90, `(1 - 0.9) * 10` is 0.99999… in doubles but 1.0000002 in floats), so every step is rounded to float32
 * here too.
 */
export function percentileIndex(percentile: number, count: number): number {
  if (!(percentile >= 0 && percentile <= 100)) {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', `Expected a percentile in [0, 100], got ${String(percentile)}.`);
  }
  const fraction = Math.fround(Math.fround(percentile) / 100);
  const excluded = Math.trunc(Math.fround(Math.fround(1 - fraction) * Math.fround(count)));
  return Math.max(count - 1 - excluded, 0);
}

/** Median of an ascending array: the middle value, or the mean of the two middle values for an even count. */
function sortedMedian(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Summary statistics of timings in ms with trtexec's definitions: median is the mean of the two middle values
 * for an even count; p90/p95/p99 are sorted values at {@link percentileIndex} (no interpolation); `stdDev` is the
 * population standard deviation; `covPercent` is stdDev / mean × 100 (0 when every value is 0).
 *
 * @throws TensorRTError ERR_INVALID_ARGUMENT for an empty array or a value that is not a finite number.
 */
export function computeStats(valuesMs: readonly number[]): TimingStats {
  if (valuesMs.length === 0) {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', 'Expected at least one timing value to summarise, got an empty array.');
  }
  for (const value of valuesMs) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TensorRTError('ERR_INVALID_ARGUMENT', `Expected finite timing values in ms, got ${String(value)}.`);
    }
  }
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const count = sorted.length;
  // Identical values have no spread; summing them would invent a rounding-error one.
  const constant = sorted[0] === sorted[count - 1];
  const mean = constant ? sorted[0] : sorted.reduce((sum, value) => sum + value, 0) / count;
  const variance = constant ? 0 : sorted.reduce((sum, value) => sum + (value - mean) ** 2, 0) / count;
  const stdDev = Math.sqrt(variance);
  return {
    min: sorted[0],
    max: sorted[count - 1],
    mean,
    median: sortedMedian(sorted),
    p90: sorted[percentileIndex(90, count)],
    p95: sorted[percentileIndex(95, count)],
    p99: sorted[percentileIndex(99, count)],
    stdDev,
    // trtexec reports infinity for a zero mean; 0 keeps reports JSON-serialisable and means "no spread".
    covPercent: mean === 0 ? 0 : (stdDev / mean) * 100,
  };
}

/** Options for {@link summarizeIterations}. */
export interface SummarizeOptions {
  /** CoV of GPU compute time (%) above which the run is called unstable. Defaults to 2.5 (trtexec 10.x). */
  covThresholdPercent?: number;
  /** Whether the iterations were already run with CUDA graphs (changes the enqueue advice). Defaults to `false`. */
  useCudaGraph?: boolean;
  /** Whether spin-wait was on (changes the stability advice). Defaults to `false`. */
  useSpinWait?: boolean;
  /** Whether host-device copies were off (suppresses the transfer advice). Defaults to `false`. */
  noDataTransfers?: boolean;
}

/** What {@link summarizeIterations} returns. */
export interface IterationSummary {
  gpuCompute: TimingStats;
  latency: TimingStats;
  enqueue: TimingStats;
  h2d: TimingStats;
  d2h: TimingStats;
  /** Inferences per second: iterations / (last `endD2hMs` − first `startH2dMs`). */
  throughput: number;
  /** Wall time the throughput divides by, ms. */
  walltimeMs: number;
  /** Sum of GPU compute times, ms. */
  totalGpuComputeMs: number;
  /** trtexec's warnings, in this package's wording. */
  warnings: string[];
}

/**
 * Summarises kept (post-warm-up) iterations as trtexec's performance summary does, with its warnings:
 * enqueue median > 0.8 × compute median (enqueue-bound: try CUDA graphs); h2d or d2h median ≥ compute median
 * (transfer-bound: try noDataTransfers); GPU compute CoV above the threshold (unstable: lock clocks, spin-wait).
 *
 * @throws TensorRTError ERR_INVALID_ARGUMENT when `records` is empty.
 */
export function summarizeIterations(records: readonly TimeRecord[], options: SummarizeOptions = {}): IterationSummary {
  if (records.length === 0) {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', 'Expected at least one iteration record to summarise, got none. Run more iterations or shorten the warm-up.');
  }
  const threshold = options.covThresholdPercent ?? 2.5;
  const gpuCompute = computeStats(records.map((record) => record.computeMs));
  const latency = computeStats(records.map((record) => record.latencyMs));
  const enqueue = computeStats(records.map((record) => record.endEnqMs - record.startEnqMs));
  const h2d = computeStats(records.map((record) => record.h2dMs));
  const d2h = computeStats(records.map((record) => record.d2hMs));
  const walltimeMs = records[records.length - 1].endD2hMs - records[0].startH2dMs;
  const throughput = walltimeMs > 0 ? (records.length / walltimeMs) * 1000 : 0;
  const totalGpuComputeMs = records.reduce((sum, record) => sum + record.computeMs, 0);

  const warnings: string[] = [];
  if (enqueue.median > 0.8 * gpuCompute.median) {
    warnings.push(
      `Enqueue time (median ${enqueue.median.toPrecision(4)} ms) is more than 80% of GPU compute time (median ${gpuCompute.median.toPrecision(4)} ms): throughput may be limited by the host and the GPU may sit idle.` +
        (options.useCudaGraph ? ' CUDA graphs are already on; reduce host work per inference.' : ' Try useCudaGraph: true.'),
    );
  }
  for (const [label, stats] of [['Host-to-device', h2d], ['Device-to-host', d2h]] as const) {
    if (!options.noDataTransfers && stats.median >= gpuCompute.median) {
      warnings.push(
        `${label} copy time (median ${stats.median.toPrecision(4)} ms) is at least the GPU compute time (median ${gpuCompute.median.toPrecision(4)} ms): throughput may be limited by transfers. Use noDataTransfers: true to time compute alone.`,
      );
    }
  }
  if (gpuCompute.covPercent > threshold) {
    warnings.push(
      `GPU compute time is unstable: coefficient of variation ${gpuCompute.covPercent.toFixed(2)}% exceeds ${threshold}%. Lock the GPU clocks (nvidia-smi -lgc, or nvpmodel/jetson_clocks on Jetson)` +
        (options.useSpinWait ? '.' : ' or use useSpinWait: true.'),
    );
  }
  return { gpuCompute, latency, enqueue, h2d, d2h, throughput, walltimeMs, totalGpuComputeMs, warnings };
}

/**
 * Drops warm-up iterations as trtexec does: every iteration before the first one whose `startComputeMs` is at
 * least `warmUpMs` after the first iteration's start (`startH2dMs`, or `startComputeMs` when copies are off
 * and both are equal). Times are GPU-clock ms.
 */
export function dropWarmUp<T extends TimeRecord>(records: readonly T[], warmUpMs: number): T[] {
  if (records.length === 0) return [];
  const origin = Math.min(records[0].startH2dMs, records[0].startComputeMs);
  const firstKept = records.findIndex((record) => record.startComputeMs >= origin + warmUpMs);
  return firstKept < 0 ? [] : records.slice(firstKept);
}

/**
 * trtexec's stopping rule: keep running until at least `iterations` iterations **and** at least `duration`
 * seconds have been timed after the warm-up.
 */
export function shouldContinue(iterationsDone: number, elapsedAfterWarmUpMs: number, options: Pick<Required<BenchmarkOptions>, 'iterations' | 'duration'>): boolean {
  return iterationsDone < options.iterations || elapsedAfterWarmUpMs < options.duration * 1000;
}

/**
 * Aggregates per-iteration layer times into trtexec's `--exportProfile` rows: total (sum) time, average over
 * iterations, median over iterations (mean of the two middle values for an even count) and percentage of the
 * total of all layers. Layer order is first appearance. Iterations where a layer is missing count for that layer
 * only where present.
 */
export function aggregateLayerProfile(perIteration: readonly (readonly { name: string; ms: number }[])[]): LayerProfile[] {
  const times = new Map<string, number[]>();
  for (const iteration of perIteration) {
    for (const { name, ms } of iteration) {
      let list = times.get(name);
      if (!list) times.set(name, (list = []));
      list.push(ms);
    }
  }
  const totals = [...times.values()].map((list) => list.reduce((sum, value) => sum + value, 0));
  const grandTotal = totals.reduce((sum, value) => sum + value, 0);
  return [...times.entries()].map(([name, list], index) => {
    const sorted = [...list].sort((a, b) => a - b);
    return {
      name,
      timeMs: totals[index],
      averageMs: totals[index] / list.length,
      medianMs: sortedMedian(sorted),
      percentage: grandTotal > 0 ? (totals[index] / grandTotal) * 100 : 0,
    };
  });
}

/**
 * The timing mode in words for {@link BenchmarkResult.mode}: copies, CUDA graph and sync style, and which
 * trtexec's defaults applied (11.x: graph, spin-wait and no copies unless asked; older: the opposite).
 */
export function describeTimingMode(
  options: Pick<Required<BenchmarkOptions>, 'noDataTransfers' | 'useCudaGraph' | 'useSpinWait'> & Pick<BenchmarkOptions, 'blockingEvents'>,
  tensorrtMajor?: number,
): string {
  const parts = [
    options.noDataTransfers ? 'no transfers' : 'transfers',
    options.useCudaGraph ? 'CUDA graph' : 'no CUDA graph',
    // trtexec records all six events with blocking sync; trtn by default only the one it waits on (see
    // BenchmarkOptions.blockingEvents): the mode says which, as the GPU figures of a small engine differ by it.
    options.useSpinWait ? 'spin-wait' : options.blockingEvents === 'all' ? 'blocking sync on every event (as trtexec)' : 'blocking sync on the awaited event',
  ];
  const defaults = tensorrtMajor === undefined ? '' : ` (unset options follow trtexec ${tensorrtMajor >= 11 ? '11' : '10 and older'})`;
  return `${parts.join(', ')}${defaults}`;
}
