import { describe, expect, it } from 'vitest';
import { compareBuilds, formatComparison } from '../../lib/analysis/compare.js';
import type { LayerProfile, TimingStats } from '../../lib/types/index.js';
import { seed003Layers } from './efficiency.fixtures.js';

function profileOf(times: Record<string, number>): LayerProfile[] {
  return Object.entries(times).map(([name, ms]) => ({ name, timeMs: ms, averageMs: ms, medianMs: ms, percentage: 0 }));
}

function stats(median: number, stdDev: number): TimingStats {
  return { min: median - 2 * stdDev, max: median + 3 * stdDev, mean: median, median, p90: median + stdDev, p95: median + 2 * stdDev, p99: median + 3 * stdDev, stdDev, covPercent: (stdDev / median) * 100 };
}

const IN = 'Reformatting CopyNode for Input Tensor 0 to /conv1/Conv';
const OUT = 'Reformatting CopyNode for Output Tensor 0 to /conv3/Conv';

describe('compareBuilds: chw IO vs hwc8 IO (seed 003)', () => {
  const chw = { layers: seed003Layers('chw'), profile: profileOf({ [IN]: 1.05, '/conv1/Conv': 2.3, '/conv2/Conv': 2.3, '/conv3/Conv': 2.3, [OUT]: 1.05 }) };
  const hwc8 = { layers: seed003Layers('hwc8'), profile: profileOf({ '/conv1/Conv': 2.31, '/conv2/Conv': 2.29, '/conv3/Conv': 2.3 }) };
  const comparison = compareBuilds(chw, hwc8, { noise: { a: stats(8.979, 0.05), b: stats(6.93, 0.04) }, labels: { a: 'chw', b: 'hwc8' } });

  it('lists the two IO reformats as removed and matches the convs by name', () => {
    const removed = comparison.layers.filter((row) => row.status === 'removed');
    expect(removed.map((row) => row.nameA)).toEqual([IN, OUT]);
    expect(removed.every((row) => row.isReformat)).toBe(true);
    expect(removed.map((row) => row.deltaMs)).toEqual([-1.05, -1.05]);
    expect(comparison.summary).toMatchObject({ matched: 3, added: 0, removed: 2, reformats: { a: { count: 2, ms: 2.1 }, b: { count: 0, ms: 0 } } });
  });

  it('finds the convs themselves unchanged: they ran in hwc8 in both builds', () => {
    for (const name of ['/conv1/Conv', '/conv2/Conv', '/conv3/Conv']) expect(comparison.layers.find((row) => row.nameA === name)?.changes).toEqual([]);
    const conv2 = comparison.layers.find((row) => row.nameA === '/conv2/Conv');
    expect(conv2?.deltaMs).toBeCloseTo(-0.01, 9);
  });

  it('calls 2.05 ms faster beyond the noise and states the rule with its numbers', () => {
    const end = comparison.endToEnd;
    expect(end.basis).toBe('benchmark-median');
    expect(end.deltaMs).toBeCloseTo(6.93 - 8.979, 9);
    // max(2·√(0.05² + 0.04²), 1% of 8.979) = max(0.128, 0.0898).
    expect(end.thresholdMs).toBeCloseTo(2 * Math.sqrt(0.05 ** 2 + 0.04 ** 2), 9);
    expect(end.verdict).toBe('faster');
    const text = formatComparison(comparison);
    expect(text).toMatch(/Verdict: hwc8 is faster than chw/);
    expect(text).toContain(IN);
    expect(text).toMatch(/Reformats: chw 2 \(2\.100 ms\), hwc8 0/);
  });
});

describe('compareBuilds: sparsity off vs on', () => {
  const dense = { layers: seed003Layers('hwc8'), profile: profileOf({ '/conv1/Conv': 0.262, '/conv2/Conv': 0.262, '/conv3/Conv': 0.262 }) };
  const sparse = { layers: seed003Layers('hwc8', { sparse: true }), profile: profileOf({ '/conv1/Conv': 0.261, '/conv2/Conv': 0.262, '/conv3/Conv': 0.261 }) };

  it('shows tactic and sparse changes per layer and calls a 2 µs difference within noise', () => {
    const comparison = compareBuilds(dense, sparse, { noise: { a: stats(0.786, 0.004), b: stats(0.784, 0.005) } });
    for (const row of comparison.layers) {
      expect(row.changes.map((change) => change.field)).toEqual(['tactic', 'sparse']);
      expect(row.changes[1]).toEqual({ field: 'sparse', a: 'dense', b: 'sparse' });
    }
    expect(comparison.summary.sparseLayers).toEqual({ a: 0, b: 3 });
    expect(comparison.endToEnd.verdict).toBe('within-noise');
    expect(formatComparison(comparison)).toMatch(/differ by less than the noise/);
  });

  it('applies the 1% floor when the runs are very steady', () => {
    // 2·√2·0.0005 = 0.0014 ms < |Δ| = 0.005 ms < 1% of 0.786 = 0.00786 ms → within noise by the floor.
    const steady = compareBuilds(dense, sparse, { noise: { a: stats(0.786, 0.0005), b: stats(0.781, 0.0005) } });
    expect(steady.endToEnd.thresholdMs).toBeCloseTo(0.00786, 9);
    expect(steady.endToEnd.verdict).toBe('within-noise');
    const clear = compareBuilds(dense, sparse, { noise: { a: stats(0.786, 0.0005), b: stats(0.70, 0.0005) } });
    expect(clear.endToEnd.verdict).toBe('faster');
  });

  it('warns about unstable runs and falls back to layer sums with a stated 2% rule', () => {
    const unstable = compareBuilds(dense, sparse, { noise: { a: stats(0.786, 0.05), b: stats(0.784, 0.004) } });
    expect(unstable.endToEnd.warnings.join(' ')).toMatch(/Run A is unstable/);
    const noStats = compareBuilds(dense, sparse);
    expect(noStats.endToEnd.basis).toBe('layer-sum');
    expect(noStats.endToEnd.aMs).toBeCloseTo(0.786, 9);
    expect(noStats.endToEnd.bMs).toBeCloseTo(0.784, 9);
    expect(noStats.endToEnd.verdict).toBe('within-noise');
    expect(noStats.endToEnd.warnings.join(' ')).toMatch(/rough allowance/);
  });
});

describe('compareBuilds: matching and labelling', () => {
  it('matches renamed layers by their ONNX nodes and labels estimated times', () => {
    const a = seed003Layers('hwc8');
    const b = seed003Layers('hwc8').map((layer) => ({ ...layer, name: `${layer.name}_myl0` }));
    const estimates = (names: string[], ms: number) => names.map((layer) => ({ layer, estimated: true as const, flops: 0, bytes: 0, denseTimeMs: ms, chosenTimeMs: ms, bound: 'memory' as const }));
    const comparison = compareBuilds({ layers: a, estimates: estimates(a.map((layer) => layer.name), 0.3) }, { layers: b, estimates: estimates(b.map((layer) => layer.name), 0.2), estimated: true });
    expect(comparison.layers.every((row) => row.status === 'matched' && row.matchedBy === 'onnx-nodes')).toBe(true);
    expect(comparison.estimated).toBe(true);
    expect(comparison.endToEnd.verdict).toBe('faster');
    const text = formatComparison(comparison);
    expect(text).toMatch(/^ESTIMATED/);
    expect(text).toContain('/conv1/Conv ⇄ /conv1/Conv_myl0');
    expect(text).toContain('0.300 (est)');
  });

  it('reports format and precision changes of a matched layer', () => {
    const a = seed003Layers('hwc8');
    const b = seed003Layers('hwc8');
    b[1] = { ...b[1], precision: 'float32', inputs: [{ ...b[1].inputs[0], format: 'chw', dataType: 'float32', channelAlignment: 1 }] };
    const row = compareBuilds({ layers: a }, { layers: b }).layers[1];
    expect(row.changes).toEqual([
      { field: 'formats', a: 'fp16:hwc8 → fp16:hwc8', b: 'fp32:chw → fp16:hwc8' },
      { field: 'precision', a: 'float16', b: 'float32' },
    ]);
  });

  it('uses the builder\'s chosen-tactic timing when there is no profile, and rejects bad input', () => {
    const layers = seed003Layers('hwc8');
    const tactics = (ms: number) => layers.map((layer) => ({ layer: layer.name, chosen: { tactic: '0x1', timeMs: ms }, candidates: [], source: 'verbose-log' as const }));
    const comparison = compareBuilds({ layers, tactics: tactics(0.3) }, { layers, tactics: tactics(0.3) });
    expect(comparison.layers[0].timeA).toEqual({ ms: 0.3, source: 'builder-timing', estimated: false });
    expect(comparison.endToEnd.verdict).toBe('within-noise');
    expect(() => compareBuilds({} as never, { layers })).toThrow(/Expected `a`/);
    expect(compareBuilds({ layers }, { layers }).endToEnd.verdict).toBe('unknown');
  });
});
