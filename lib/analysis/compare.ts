/**
 * Compares two builds of the same model layer by layer (tactic, formats, precision, sparse or not, time) and
 * end to end with a stated rule for run-to-run noise, e.g. sparsity on vs off, or chw vs hwc8 IO.
 */
import { TensorRTError } from '../errors.js';
import type { BuildReport, LayerEstimate, LayerInfo, LayerProfile, LayerTactics, TimingStats } from '../types/index.js';
import { fmt, fmtMs, ioSpec, table } from './report/format.js';

/** One side of a comparison: a build report, or the plain pieces of one. */
export interface ComparableBuild {
  layers: LayerInfo[];
  /** Measured per-layer times; `averageMs` is used. */
  profile?: LayerProfile[];
  /** Tactic records; their chosen time is a fallback when there is no profile. */
  tactics?: LayerTactics[];
  /** Cost-model estimates (mock). */
  estimates?: LayerEstimate[];
  /** True when the times of this side are estimates (a mock build). */
  estimated?: boolean;
}

/** Options for {@link compareBuilds}. */
export interface CompareOptions {
  /**
   * End-to-end timing statistics of each side (`BenchmarkResult.gpuCompute`), used for the verdict; `estimated`
   * says they come from the mock's cost model (defaults to `false`).
   */
  noise?: { a?: TimingStats; b?: TimingStats; estimated?: boolean };
  /**
   * How the caller's users pass run statistics, named in the warning when there are none, e.g. `'--times'` for
   * the CLI. Defaults to `'noise.a, noise.b'`.
   */
  noiseOption?: string;
  /** Names for the two sides in the output. Defaults to `A` and `B`. */
  labels?: { a?: string; b?: string };
}

/** Where a layer time comes from. */
export interface LayerTiming {
  ms: number;
  /** `profile`: per-layer profiling; `estimate`: cost model; `builder-timing`: the builder's timing of the chosen tactic. */
  source: 'profile' | 'estimate' | 'builder-timing';
  estimated: boolean;
}

/** One field that differs between the two sides of a matched layer. */
export interface LayerChange {
  field: 'tactic' | 'formats' | 'precision' | 'sparse';
  a: string;
  b: string;
}

/** One row of the layer comparison. */
export interface LayerDiff {
  status: 'matched' | 'added' | 'removed';
  /** How a matched pair was found. */
  matchedBy?: 'name' | 'onnx-nodes';
  nameA?: string;
  nameB?: string;
  isReformat: boolean;
  changes: LayerChange[];
  timeA?: LayerTiming;
  timeB?: LayerTiming;
  /** timeB − timeA, ms, when both are known; for added/removed layers the whole time with its sign. */
  deltaMs?: number;
}

/** The end-to-end verdict of B against A. */
export interface EndToEndVerdict {
  /** What the times are: benchmark medians (`noise` given) or sums of layer times. */
  basis: 'benchmark-median' | 'layer-sum' | 'none';
  aMs?: number;
  bMs?: number;
  /** bMs − aMs. */
  deltaMs?: number;
  deltaPercent?: number;
  /** Differences at or below this are called within noise. */
  thresholdMs?: number;
  verdict: 'faster' | 'slower' | 'within-noise' | 'unknown';
  /** The rule applied, in words, with its numbers. */
  rule: string;
  estimated: boolean;
  warnings: string[];
}

/** Result of {@link compareBuilds}. */
export interface Comparison {
  labels: { a: string; b: string };
  layers: LayerDiff[];
  summary: {
    matched: number;
    /** Matched layers with at least one changed field. */
    changed: number;
    added: number;
    removed: number;
    /** Reformat layers, their summed time and how many of them have no time. */
    reformats: { a: { count: number; ms: number; untimed: number }; b: { count: number; ms: number; untimed: number } };
    sparseLayers: { a: number; b: number };
  };
  endToEnd: EndToEndVerdict;
  /** True when any time on either side is an estimate. */
  estimated: boolean;
}

const SPARSE_TACTIC = /sparse|sptensor/i;
/** Floor of the noise threshold as a fraction of the slower median: drift between separate runs that no within-run spread shows. */
const RUN_TO_RUN_FLOOR = 0.01;
/** Threshold used when no run statistics are given at all. */
const NO_STATS_FRACTION = 0.02;
/** trtexec 10's coefficient-of-variation warning level. */
const UNSTABLE_COV_PERCENT = 2.5;

/**
 * Compares build B against build A.
 *
 * Layers are matched by name, then (for the rest) by the set of ONNX nodes they implement; what is left is
 * listed as removed (only in A) or added (only in B), reformat layers included.
 *
 * Noise rule for the end-to-end verdict, with Δ = median(B) − median(A) and σ the per-iteration standard
 * deviations of the two runs: the difference is "within noise" when |Δ| ≤ max(2·√(σA² + σB²), 1% of the slower
 * median). The first term asks for a shift of two combined standard deviations, so that the two runs'
 * distributions are clearly apart; the 1% floor covers drift between separate runs (clocks, temperature,
 * placement) that the spread inside one run does not show. Without run statistics the layer-time sums are
 * compared with a 2% threshold and the verdict says so. A coefficient of variation above 2.5% on either side
 * adds a warning.
 *
 * @throws TensorRTError ERR_INVALID_ARGUMENT when either side has no `layers` array.
 */
export function compareBuilds(a: BuildReport | ComparableBuild, b: BuildReport | ComparableBuild, options: CompareOptions = {}): Comparison {
  for (const [side, build] of [['a', a], ['b', b]] as const) {
    if (!build || !Array.isArray(build.layers)) {
      throw new TensorRTError('ERR_INVALID_ARGUMENT', `Expected \`${side}\` to be a build report or { layers, profile?, tactics? }, got ${build === null ? 'null' : typeof build}.`);
    }
  }
  const labels = { a: options.labels?.a ?? 'A', b: options.labels?.b ?? 'B' };
  const timesA = layerTimes(a);
  const timesB = layerTimes(b);
  const chosenA = chosenTactics(a);
  const chosenB = chosenTactics(b);

  const unmatchedB = new Map(b.layers.map((layer) => [layer.name, layer]));
  const pairs = new Map<LayerInfo, { layer: LayerInfo; by: 'name' | 'onnx-nodes' }>();
  for (const layer of a.layers) {
    const same = unmatchedB.get(layer.name);
    if (same) {
      pairs.set(layer, { layer: same, by: 'name' });
      unmatchedB.delete(layer.name);
    }
  }
  const nodeKey = (layer: LayerInfo): string => [...layer.onnxNodes].sort().join('\u001e');
  const uniqueByKey = (layers: Iterable<LayerInfo>): Map<string, LayerInfo> => {
    const seen = new Map<string, LayerInfo | null>();
    for (const layer of layers) {
      if (layer.isReformat || layer.onnxNodes.length === 0) continue;
      const key = nodeKey(layer);
      seen.set(key, seen.has(key) ? null : layer);
    }
    return new Map([...seen].filter((entry): entry is [string, LayerInfo] => entry[1] !== null));
  };
  const restB = uniqueByKey(unmatchedB.values());
  const restA = uniqueByKey(a.layers.filter((layer) => !pairs.has(layer)));
  for (const [key, layer] of restA) {
    const other = restB.get(key);
    if (other) {
      pairs.set(layer, { layer: other, by: 'onnx-nodes' });
      unmatchedB.delete(other.name);
    }
  }

  const rows: LayerDiff[] = [];
  for (const layer of a.layers) {
    const pair = pairs.get(layer);
    const timeA = timesA.get(layer.name);
    if (!pair) {
      rows.push({ status: 'removed', nameA: layer.name, isReformat: layer.isReformat, changes: [], timeA, deltaMs: timeA ? -timeA.ms : undefined });
      continue;
    }
    const timeB = timesB.get(pair.layer.name);
    rows.push({
      status: 'matched',
      matchedBy: pair.by,
      nameA: layer.name,
      nameB: pair.layer.name,
      isReformat: layer.isReformat && pair.layer.isReformat,
      changes: layerChanges(layer, pair.layer, chosenA.get(layer.name), chosenB.get(pair.layer.name)),
      timeA,
      timeB,
      deltaMs: timeA && timeB ? timeB.ms - timeA.ms : undefined,
    });
  }
  for (const layer of unmatchedB.values()) {
    const timeB = timesB.get(layer.name);
    rows.push({ status: 'added', nameB: layer.name, isReformat: layer.isReformat, changes: [], timeB, deltaMs: timeB?.ms });
  }

  const reformatTotals = (build: ComparableBuild, times: Map<string, LayerTiming>): { count: number; ms: number; untimed: number } => {
    const reformats = build.layers.filter((layer) => layer.isReformat);
    return {
      count: reformats.length,
      ms: reformats.reduce((sum, layer) => sum + (times.get(layer.name)?.ms ?? 0), 0),
      untimed: reformats.filter((layer) => times.get(layer.name) === undefined).length,
    };
  };
  const sparseCount = (build: ComparableBuild, chosen: Map<string, LayerTactics['chosen']>): number =>
    build.layers.filter((layer) => isSparse(layer, chosen.get(layer.name))).length;
  const estimated = options.noise?.estimated === true || [...timesA.values(), ...timesB.values()].some((time) => time.estimated);

  return {
    labels,
    layers: rows,
    summary: {
      matched: rows.filter((row) => row.status === 'matched').length,
      changed: rows.filter((row) => row.status === 'matched' && row.changes.length > 0).length,
      added: rows.filter((row) => row.status === 'added').length,
      removed: rows.filter((row) => row.status === 'removed').length,
      reformats: { a: reformatTotals(a, timesA), b: reformatTotals(b, timesB) },
      sparseLayers: { a: sparseCount(a, chosenA), b: sparseCount(b, chosenB) },
    },
    endToEnd: verdict(a, b, timesA, timesB, options, estimated),
    estimated,
  };
}

function layerTimes(build: ComparableBuild): Map<string, LayerTiming> {
  const times = new Map<string, LayerTiming>();
  const estimated = build.estimated === true;
  for (const record of build.tactics ?? []) {
    let chosen = record.chosen;
    // TensorRT 10.6's algorithm selector reports the chosen algorithm with a 0 ms timing: take the time the same
    // tactic was timed with under the same formats, or call it missing.
    if (chosen && chosen.timeMs === 0 && record.source === 'algorithm-selector') {
      chosen = record.candidates.find((candidate) => candidate.tactic === chosen!.tactic && candidate.formats === chosen!.formats && typeof candidate.timeMs === 'number' && candidate.timeMs > 0);
    }
    if (chosen?.timeMs !== null && chosen?.timeMs !== undefined) {
      times.set(record.layer, { ms: chosen.timeMs, source: 'builder-timing', estimated: estimated || chosen.estimated === true });
    }
  }
  for (const estimate of build.estimates ?? []) times.set(estimate.layer, { ms: estimate.chosenTimeMs, source: 'estimate', estimated: true });
  for (const row of build.profile ?? []) times.set(row.name, { ms: row.averageMs, source: 'profile', estimated });
  return times;
}

function chosenTactics(build: ComparableBuild): Map<string, LayerTactics['chosen']> {
  return new Map((build.tactics ?? []).map((record) => [record.layer, record.chosen]));
}

function isSparse(layer: LayerInfo, chosen: LayerTactics['chosen']): boolean {
  return chosen?.sparse === true || SPARSE_TACTIC.test(layer.tacticName ?? chosen?.kernelName ?? '');
}

function tacticText(layer: LayerInfo, chosen: LayerTactics['chosen']): string {
  return layer.tacticName ?? chosen?.kernelName ?? layer.tacticValue ?? chosen?.tactic ?? '-';
}

function formatsText(layer: LayerInfo): string {
  const side = (tensors: LayerInfo['inputs']): string => tensors.map(ioSpec).join('+') || '-';
  return `${side(layer.inputs)} → ${side(layer.outputs)}`;
}

function layerChanges(a: LayerInfo, b: LayerInfo, chosenA: LayerTactics['chosen'], chosenB: LayerTactics['chosen']): LayerChange[] {
  const changes: LayerChange[] = [];
  const tacticA = tacticText(a, chosenA);
  const tacticB = tacticText(b, chosenB);
  if (tacticA !== tacticB) changes.push({ field: 'tactic', a: tacticA, b: tacticB });
  const formatsA = formatsText(a);
  const formatsB = formatsText(b);
  if (formatsA !== formatsB) changes.push({ field: 'formats', a: formatsA, b: formatsB });
  if (a.precision !== b.precision) changes.push({ field: 'precision', a: a.precision, b: b.precision });
  const sparseA = isSparse(a, chosenA);
  const sparseB = isSparse(b, chosenB);
  if (sparseA !== sparseB) changes.push({ field: 'sparse', a: sparseA ? 'sparse' : 'dense', b: sparseB ? 'sparse' : 'dense' });
  return changes;
}

function verdict(a: ComparableBuild, b: ComparableBuild, timesA: Map<string, LayerTiming>, timesB: Map<string, LayerTiming>, options: CompareOptions, estimated: boolean): EndToEndVerdict {
  const warnings: string[] = [];
  const statsA = options.noise?.a;
  const statsB = options.noise?.b;
  if (statsA && statsB) {
    for (const [label, stats] of [['A', statsA], ['B', statsB]] as const) {
      if (stats.covPercent > UNSTABLE_COV_PERCENT) {
        warnings.push(`Run ${label} is unstable (coefficient of variation ${fmt(stats.covPercent, 3)}% > ${UNSTABLE_COV_PERCENT}%): lock the GPU clocks before trusting small differences.`);
      }
    }
    const delta = statsB.median - statsA.median;
    const spread = 2 * Math.sqrt(statsA.stdDev ** 2 + statsB.stdDev ** 2);
    const floor = RUN_TO_RUN_FLOOR * Math.max(statsA.median, statsB.median);
    const threshold = Math.max(spread, floor);
    return {
      basis: 'benchmark-median',
      aMs: statsA.median,
      bMs: statsB.median,
      deltaMs: delta,
      deltaPercent: (delta / statsA.median) * 100,
      thresholdMs: threshold,
      verdict: Math.abs(delta) <= threshold ? 'within-noise' : delta < 0 ? 'faster' : 'slower',
      rule: `|Δmedian| = ${fmtMs(Math.abs(delta))} vs threshold max(2·√(σA²+σB²) = ${fmtMs(spread)}, 1% of the slower median = ${fmtMs(floor)}) = ${fmtMs(threshold)}`,
      estimated,
      warnings,
    };
  }
  if (statsA || statsB) warnings.push('Run statistics were given for one side only; comparing layer-time sums instead.');
  const sumOf = (build: ComparableBuild, times: Map<string, LayerTiming>): number | undefined => {
    const known = build.layers.map((layer) => times.get(layer.name)?.ms);
    return known.some((ms) => ms !== undefined) ? known.reduce((sum: number, ms) => sum + (ms ?? 0), 0) : undefined;
  };
  const aMs = sumOf(a, timesA);
  const bMs = sumOf(b, timesB);
  if (aMs === undefined || bMs === undefined) {
    return { basis: 'none', aMs, bMs, verdict: 'unknown', rule: 'No times on one or both sides: pass profiles, tactic records or run statistics.', estimated, warnings };
  }
  const delta = bMs - aMs;
  const threshold = NO_STATS_FRACTION * Math.max(aMs, bMs);
  warnings.push(`No run-to-run statistics given: the 2% threshold is a rough allowance. Pass benchmark statistics (${options.noiseOption ?? 'noise.a, noise.b'}) for a real verdict.`);
  return {
    basis: 'layer-sum',
    aMs,
    bMs,
    deltaMs: delta,
    deltaPercent: aMs > 0 ? (delta / aMs) * 100 : undefined,
    thresholdMs: threshold,
    verdict: Math.abs(delta) <= threshold ? 'within-noise' : delta < 0 ? 'faster' : 'slower',
    rule: `|Δ layer sum| = ${fmtMs(Math.abs(delta))} vs 2% of the slower sum = ${fmtMs(threshold)}`,
    estimated,
    warnings,
  };
}

function reformatText(totals: { count: number; ms: number; untimed: number }): string {
  if (totals.count === 0) return fmtMs(0);
  if (totals.untimed === totals.count) return 'no times';
  return `${fmtMs(totals.ms)}${totals.untimed > 0 ? `, ${totals.untimed} without a time` : ''}`;
}

/** Plain-text rendering of a {@link Comparison}: verdict, summary, then every layer that differs. */
export function formatComparison(comparison: Comparison): string {
  const { a, b } = comparison.labels;
  const end = comparison.endToEnd;
  const lines: string[] = [];
  if (comparison.estimated) lines.push('ESTIMATED: some times below come from a cost model (mock backend), not from a GPU.');
  const verdictText = {
    faster: `${b} is faster than ${a}`,
    slower: `${b} is slower than ${a}`,
    'within-noise': `${b} and ${a} differ by less than the noise`,
    unknown: 'no verdict',
  }[end.verdict];
  const est = end.estimated ? ' est.' : '';
  if (end.aMs !== undefined && end.bMs !== undefined && end.deltaMs !== undefined) {
    lines.push(
      `Verdict: ${verdictText}: ${a} ${fmtMs(end.aMs)}${est}, ${b} ${fmtMs(end.bMs)}${est}, Δ ${end.deltaMs >= 0 ? '+' : ''}${fmtMs(end.deltaMs)}${end.deltaPercent !== undefined ? ` (${end.deltaPercent >= 0 ? '+' : ''}${fmt(end.deltaPercent, 3)}%)` : ''} [${end.estimated ? 'estimated ' : ''}${end.basis === 'benchmark-median' ? 'benchmark medians' : 'sums of layer times'}].`,
    );
  } else {
    lines.push(`Verdict: ${verdictText}.`);
  }
  lines.push(`Rule: ${end.rule}.`);
  for (const warning of end.warnings) lines.push(`Warning: ${warning}`);
  const summary = comparison.summary;
  lines.push(
    `Layers: ${summary.matched} matched (${summary.changed} changed), ${summary.removed} only in ${a}, ${summary.added} only in ${b}. ` +
      `Reformats: ${a} ${summary.reformats.a.count} (${reformatText(summary.reformats.a)}), ${b} ${summary.reformats.b.count} (${reformatText(summary.reformats.b)}). ` +
      `Sparse layers: ${a} ${summary.sparseLayers.a}, ${b} ${summary.sparseLayers.b}.`,
  );
  const interesting = comparison.layers.filter((row) => row.status !== 'matched' || row.changes.length > 0 || (row.deltaMs !== undefined && row.deltaMs !== 0));
  if (interesting.length > 0) {
    lines.push('');
    const time = (timing: LayerTiming | undefined): string => (timing ? `${timing.ms.toFixed(3)}${timing.estimated ? ' (est)' : ''}` : '-');
    const rows = interesting.map((row) => [
      row.status === 'matched' ? (row.matchedBy === 'name' ? '=' : '~') : row.status === 'added' ? '+' : '-',
      row.status === 'matched' && row.nameA !== row.nameB ? `${row.nameA} ⇄ ${row.nameB}` : (row.nameA ?? row.nameB ?? ''),
      time(row.timeA),
      time(row.timeB),
      row.deltaMs === undefined ? '-' : `${row.deltaMs >= 0 ? '+' : ''}${row.deltaMs.toFixed(3)}`,
      row.changes.map((change) => `${change.field}: ${change.a} → ${change.b}`).join('; ') || (row.status === 'matched' ? '' : row.isReformat ? 'reformat' : ''),
    ]);
    lines.push(...table(['', 'layer', `${a} ms`, `${b} ms`, 'Δ ms', 'changes'], rows, new Set([2, 3, 4])));
    lines.push(`= matched by name, ~ matched by ONNX nodes, - only in ${a}, + only in ${b}.`);
  }
  return `${lines.join('\n')}\n`;
}
