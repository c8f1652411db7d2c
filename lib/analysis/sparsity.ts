/**
 * "Why did this layer not go sparse?" For every layer TensorRT found eligible for 2:4 sparse math (or whose
 * weights the inspector marks sparse), this puts together what the build left behind: whether a sparse kernel
 * was picked, the best sparse and best dense times the autotuner measured (over all format combinations and
 * under the one finally chosen), the tensor formats on each side, reformat copies around the layer, channel
 * counts, NVIDIA's rule of thumb (flagged as such), and one plain sentence. Nothing is guessed: where a figure
 * is missing, the explanation says so and names the capture that would supply it.
 */
import type { BuildReport, LayerInfo, LayerProfile, LayerTactics, LayerTensor, TacticCandidate } from '../types/index.js';
import { kernelIsSparse, layerInfoFromLog, readBuildLog, sameTactic, type ParsedBuildLog } from './parse/build-log.js';
import { inferLayerFormats } from './parse/layer-formats.js';
import { parseStrideTensor, splitTopLevel } from './parse/tensor-format.js';

/** Input to {@link explainSparsity}; give whatever you have, more sources give firmer answers. */
export interface SparsityExplainInput {
  /** This package's build report (sparsity lists, tactics, layers). */
  report?: BuildReport;
  /** A parsed TensorRT verbose build log. Defaults to reading the report's own `log`, when it has one. */
  log?: ParsedBuildLog;
  /** Engine layers (inspector JSON, normalised). Defaults to the report's layers. */
  layers?: LayerInfo[];
  /** Measured per-layer times (trtexec `--exportProfile`, `Engine.profile()`). */
  profile?: LayerProfile[];
}

/** Why a layer ended up sparse or dense, as far as the data shows. */
export type SparsityReason =
  | 'picked'
  | 'dense-faster'
  | 'sparse-faster-elsewhere'
  | 'no-sparse-timed'
  | 'tactics-unnamed'
  | 'no-timings'
  | 'not-eligible'
  | 'unknown';

/** Best sparse and best dense candidates over a set of timed tactics. */
export interface SparseDenseTiming {
  bestSparse?: TacticCandidate;
  bestDense?: TacticCandidate;
  /** Timed candidates known to be sparse / dense / of unknown kind (no kernel name). */
  sparseTimed: number;
  denseTimed: number;
  unknownTimed: number;
  /** `(bestSparse − bestDense) / bestDense × 100`: positive when dense was faster. */
  sparseSlowerByPercent?: number;
  /** True when any time here is a cost-model estimate. */
  estimated: boolean;
}

/** A tensor as the explanation reports it. */
export interface TensorFormatSummary {
  name: string;
  dimensions: number[];
  dataType: string;
  format: string;
  channelAlignment: number;
  formatText: string;
}

/** A reformat copy TensorRT inserted before or after a layer. */
export interface ReformatNote {
  layer: string;
  direction: 'input' | 'output';
  index: number;
  from?: TensorFormatSummary;
  to?: TensorFormatSummary;
  /** Measured average time per run, ms, when a profile was given. */
  timeMs?: number;
}

/** Channel counts and the GEMM view of a convolution. */
export interface ChannelFacts {
  cIn?: number;
  cOut?: number;
  kernel?: number[];
  groups?: number;
  /** Reduction length of the implicit GEMM, `C_in × R × S / groups`. */
  reductionK?: number;
  /** The implicit GEMM: M = N·P·Q (output positions), N = C_out, K = C_in·R·S/groups; where the dimensions are known. */
  gemm?: { m: number; n: number; k: number };
  /** Where the numbers come from. */
  source: 'inspector' | 'log-dimensions';
}

/** The explanation for one layer. */
export interface LayerSparsityExplanation {
  layer: string;
  /** `undefined` when no source says. */
  eligible: boolean | undefined;
  picked: boolean | undefined;
  /** How `eligible` and `picked` are known. */
  evidence: string[];
  /** The engine's kernel for this layer. */
  chosen?: { tactic?: string; kernelName?: string; implementation?: string; timeMs?: number | null; sparse?: boolean; formats?: string };
  /** Best sparse vs best dense over every timed format combination. */
  overall?: SparseDenseTiming;
  /** The same, restricted to the format combination of the chosen tactic. */
  underChosenFormats?: SparseDenseTiming & { formats: string };
  inputs: TensorFormatSummary[];
  outputs: TensorFormatSummary[];
  reformats: ReformatNote[];
  channels?: ChannelFacts;
  /** Heuristics, each labelled as such, with whether this layer's outcome agrees. */
  rulesOfThumb: string[];
  /** Measured average time per run, ms. */
  measuredMs?: number;
  /**
   * For `sparse-faster-elsewhere`: what TensorRT timed for the reformat copies the faster sparse kernel's formats
   * would need (each input from the chosen layout into the sparse one, each output back), from the log's reformat
   * timings. `missing` counts copies the log has no time for.
   */
  sparseReformatCost?: { totalMs: number; copies: { from: string; to: string; timeMs: number }[]; missing: number };
  reason: SparsityReason;
  /** One plain sentence. */
  sentence: string;
  /** What is not known for this layer. */
  missing: string[];
}

/** The whole explanation. */
export interface SparsityExplanation {
  layers: LayerSparsityExplanation[];
  /** Eligible layers that did not go sparse, in the eligible list's order. */
  eligibleNotPicked: string[];
  counts: { eligible: number; picked: number; eligibleNotPicked: number; byReason: Partial<Record<SparsityReason, number>> };
  /** Time saved per run by the sparse picks: best dense minus chosen sparse, summed over picked layers with both times. */
  savedMs?: { totalMs: number; layers: number; layersWithoutTimes: number; estimated: boolean };
  /** Short conclusions, each derived from the data above. */
  verdicts: string[];
  /** What to capture next, when something is missing. */
  nextSteps: string[];
  /** Disagreements between sources and other caveats. */
  warnings: string[];
  /** Which inputs were used. */
  sources: string[];
  /** True when any time comes from the mock backend's cost model. */
  estimated: boolean;
}

const RULE_CHANNELS = 256;
const RULE_OF_THUMB_NAME = `>=${RULE_CHANNELS}-channel heuristic`;

/**
 * Where the channel heuristic comes from. It is advice from NVIDIA maintainers in public issues, not a rule
 * TensorRT applies: the autotuner only compares measured times.
 */
export const SPARSITY_RULE_OF_THUMB =
  `Heuristic, not a TensorRT rule (NVIDIA maintainers in TensorRT issues #3849 and #4065): sparse kernels tend to beat dense ones only when C_in and C_out are both >= ${RULE_CHANNELS}; a k x k kernel counts like k² × C_in. TensorRT itself just keeps whichever kernel timed fastest.`;

function fmt(ms: number): string {
  if (ms === 0) return '0';
  const digits = ms >= 100 ? 1 : ms >= 1 ? 3 : 4;
  return Number(ms.toPrecision(Math.max(digits, 3))).toString();
}

function percent(value: number): string {
  return `${Math.round(value)}%`;
}

function summarize(tensor: LayerTensor): TensorFormatSummary {
  return {
    name: tensor.name,
    dimensions: tensor.dimensions,
    dataType: tensor.dataType,
    format: tensor.format,
    channelAlignment: tensor.channelAlignment,
    formatText: tensor.formatText,
  };
}

function alignmentText(all: TensorFormatSummary[]): string | undefined {
  // Activations only: a convolution's bias and scale inputs are 1-D and always linear.
  const tensors = all.filter((tensor) => tensor.dimensions.length >= 3);
  if (tensors.length === 0) return undefined;
  const widths = [...new Set(tensors.map((tensor) => tensor.channelAlignment))];
  if (widths.length === 1) return widths[0] > 1 ? `channel % ${widths[0]}` : 'unvectorised channels';
  return widths.map((width) => (width > 1 ? `% ${width}` : 'unvectorised')).join(' / ');
}

function timing(candidates: TacticCandidate[]): SparseDenseTiming {
  const timed = candidates.filter((candidate) => typeof candidate.timeMs === 'number' && Number.isFinite(candidate.timeMs));
  const best = (list: TacticCandidate[]) => list.slice().sort((a, b) => (a.timeMs as number) - (b.timeMs as number))[0];
  const sparse = timed.filter((candidate) => candidate.sparse === true);
  const dense = timed.filter((candidate) => candidate.sparse === false);
  const result: SparseDenseTiming = {
    sparseTimed: sparse.length,
    denseTimed: dense.length,
    unknownTimed: timed.length - sparse.length - dense.length,
    estimated: timed.some((candidate) => candidate.estimated === true),
  };
  const bestSparse = best(sparse);
  const bestDense = best(dense);
  if (bestSparse) result.bestSparse = bestSparse;
  if (bestDense) result.bestDense = bestDense;
  if (bestSparse && bestDense && (bestDense.timeMs as number) > 0) {
    result.sparseSlowerByPercent = (((bestSparse.timeMs as number) - (bestDense.timeMs as number)) / (bestDense.timeMs as number)) * 100;
  }
  return result;
}

function reformatTarget(name: string): { direction: 'input' | 'output'; index: number; target: string } | undefined {
  const match = /^Reformatting CopyNode for (Input|Output) Tensor (\d+) to (.*)$/.exec(name);
  if (!match) return undefined;
  return { direction: match[1] === 'Input' ? 'input' : 'output', index: Number(match[2]), target: match[3] };
}

/** Tactic records for one engine layer: exact name, or an editable-cache op whose layer is `<op>_myl…`. */
function tacticsFor(records: LayerTactics[], layer: string): LayerTactics[] {
  const exact = records.filter((record) => record.layer === layer);
  if (exact.length > 0) return exact;
  return records.filter((record) => record.source === 'editable-timing-cache' && layer.startsWith(`${record.layer}_myl`));
}

function channelsOf(info: LayerInfo | undefined, inputs: TensorFormatSummary[], outputs: TensorFormatSummary[]): ChannelFacts | undefined {
  const conv = info?.convolution;
  if (conv && conv.outMaps > 0) {
    const area = conv.kernel.reduce((product, size) => product * size, 1) || 1;
    const groups = conv.groups || 1;
    let cIn: number | undefined;
    if (conv.weights && conv.weights.count > 0) {
      const value = (conv.weights.count * groups) / (conv.outMaps * area);
      if (Number.isInteger(value)) cIn = value;
    }
    cIn ??= inputs[0]?.dimensions[1];
    const facts: ChannelFacts = { cIn, cOut: conv.outMaps, kernel: conv.kernel, groups, source: 'inspector' };
    if (cIn !== undefined) facts.reductionK = (cIn * area) / groups;
    const out = outputs[0]?.dimensions;
    if (facts.reductionK !== undefined && out && out.length >= 3 && out.every((dim) => dim > 0)) {
      facts.gemm = { m: out[0] * out.slice(2).reduce((product, dim) => product * dim, 1), n: conv.outMaps, k: facts.reductionK };
    }
    return facts;
  }
  const cIn = inputs[0]?.dimensions.length >= 3 ? inputs[0].dimensions[1] : undefined;
  const cOut = outputs[0]?.dimensions.length >= 3 ? outputs[0].dimensions[1] : undefined;
  if (cIn === undefined && cOut === undefined) return undefined;
  return { cIn, cOut, source: 'log-dimensions' };
}

function kernelText(kernel: number[] | undefined): string {
  return kernel && kernel.length > 0 ? kernel.join('x') : '';
}

/**
 * Explains, per eligible layer, whether 2:4 sparse math was used and why not.
 *
 * @param input - a build report, a parsed verbose log, inspector layers and/or a profile; any subset
 * @returns per-layer explanations with one sentence each, verdicts, time saved and what to capture next
 */
export function explainSparsity(input: SparsityExplainInput): SparsityExplanation {
  const { report, profile } = input;
  const warnings: string[] = [];
  let log = input.log;
  let logFromReport = false;
  if (!log && report && Array.isArray(report.log) && report.log.length > 0) {
    const reading = readBuildLog(report.log.map((line) => line.message));
    if (reading.result.recognisedLines > 0) {
      log = reading.result;
      logFromReport = true;
      // The mock's log prints its cost-model estimates as times; keep them labelled.
      if (report.estimated) {
        for (const record of log.tactics) {
          record.candidates = record.candidates.map((candidate) => ({ ...candidate, estimated: true }));
          if (record.chosen) record.chosen = { ...record.chosen, estimated: true };
        }
      }
    }
  }
  let layers = input.layers ?? report?.layers ?? [];
  // A 10.x log alone still lists the engine's layers (kernels, convolution parameters) after `Layers:`.
  const layersFromLog = layers.length === 0 && log !== undefined && log.engineLayers.some((line) => line.kernelName !== undefined || line.convolution !== undefined);
  if (layersFromLog) layers = layerInfoFromLog(log!);
  // The engine tactic's format combination per layer, and layouts the 10.x inspector leaves out.
  let chosenFormats: Record<string, string> = {};
  if (log && layers.length > 0) {
    const inference = inferLayerFormats(layers, log);
    chosenFormats = inference.chosenFormats;
    layers = inference.layers;
  }
  const sources: string[] = [];
  if (report) sources.push(`build report (${report.backend}${report.estimated ? ', estimated' : ''})`);
  if (log) sources.push(`verbose build log${log.tensorrtVersion ? ` (TensorRT ${log.tensorrtVersion})` : ''}${logFromReport ? ', the report\'s own' : ''}`);
  if (input.layers) sources.push('engine layer information');
  if (layersFromLog) sources.push('the log\'s layer information');
  if (profile) sources.push('per-layer profile');

  const eligibleList: string[] = [];
  const pickedList: string[] = [];
  const addAll = (target: string[], names: string[]) => {
    for (const name of names) if (!target.includes(name)) target.push(name);
  };
  if (log) {
    addAll(eligibleList, log.sparsity.eligible);
    addAll(pickedList, log.sparsity.picked);
  }
  if (report) {
    addAll(eligibleList, report.sparsity.eligible);
    addAll(pickedList, report.sparsity.picked);
  }
  const listsKnown = Boolean((log && log.sparsityListsFound.eligible) || (report && report.options?.sparsity !== 'disable' && report.sparsity));
  // TensorRT printed its eligible list (in the log, or carried into a report): it outranks HasSparseWeights.
  const tensorrtListed = Boolean(log?.sparsityListsFound.eligible) || (report?.sparsity?.eligible?.length ?? 0) > 0;
  const pickedListKnown = Boolean((log && (log.sparsityListsFound.picked || log.sparsityListsFound.eligible)) || report);

  const layerByName = new Map(layers.map((layer) => [layer.name, layer]));
  // Fastest timed reformat per `from -> to` pair (stride notation fixes the shape too), from the log.
  const reformatTimes = new Map<string, number>();
  const noteReformat = (formats: string | undefined, timeMs: number | null | undefined) => {
    if (!formats || typeof timeMs !== 'number' || splitTopLevel(formats.split(' -> ')[0]).length !== 1) return;
    reformatTimes.set(formats, Math.min(reformatTimes.get(formats) ?? Infinity, timeMs));
  };
  for (const entry of log?.fastest ?? []) if (/Reformat/.test(entry.implementation)) noteReformat(entry.formats, entry.timeMs);
  for (const record of log?.tactics ?? []) for (const candidate of record.candidates) if (/Reformat/.test(candidate.implementation ?? '')) noteReformat(candidate.formats, candidate.timeMs);
  const tacticRecords = [...(report?.tactics ?? []), ...(log?.tactics ?? [])];
  // Kernel names by tactic id, for records that carry ids only (the algorithm selector's): from the log's named
  // candidates and the inspector's chosen kernels; an id seen with two names is left out.
  const nameByTactic = new Map<string, string | null>();
  const noteName = (tactic: string | undefined, kernelName: string | undefined) => {
    if (!tactic || !kernelName) return;
    const key = tactic.toLowerCase();
    const previous = nameByTactic.get(key);
    if (previous === undefined) nameByTactic.set(key, kernelName);
    else if (previous !== null && previous !== kernelName) nameByTactic.set(key, null);
  };
  for (const record of log?.tactics ?? []) for (const candidate of record.candidates) noteName(candidate.tactic, candidate.kernelName);
  for (const layer of layers) noteName(layer.tacticValue, layer.tacticName);
  const withName = (candidate: TacticCandidate): TacticCandidate => {
    if (candidate.kernelName) return candidate;
    const kernelName = nameByTactic.get(candidate.tactic.toLowerCase());
    return kernelName ? { ...candidate, kernelName, sparse: kernelIsSparse(kernelName) } : candidate;
  };
  const profileByName = new Map((profile ?? []).map((entry) => [entry.name, entry]));

  const names: string[] = [...eligibleList];
  for (const name of pickedList) if (!names.includes(name)) names.push(name);
  for (const layer of layers) if (layer.convolution?.hasSparseWeights && !names.includes(layer.name)) names.push(layer.name);

  // Reformat copies, from the inspector and from the log's engine lines.
  const reformatLayers: { name: string; inputs: LayerTensor[]; outputs: LayerTensor[] }[] = [];
  for (const layer of layers) if (reformatTarget(layer.name)) reformatLayers.push(layer);
  for (const line of log?.engineLayers ?? []) {
    if (reformatTarget(line.name) && !reformatLayers.some((layer) => layer.name === line.name)) reformatLayers.push(line);
  }

  const explanations: LayerSparsityExplanation[] = [];
  for (const name of names) {
    const info = layerByName.get(name);
    const evidence: string[] = [];
    const missing: string[] = [];
    const inEligible = eligibleList.includes(name);
    const inPicked = pickedList.includes(name);
    let eligible: boolean | undefined = inEligible ? true : undefined;
    if (inEligible) evidence.push('in TensorRT\'s "eligible for sparse math" list');
    if (info?.convolution?.hasSparseWeights) {
      // TensorRT's own list is the answer when the log has it: on 10.6 a layer can report 2:4 weights and still
      // be left out of it (resnet-like's /b2/conv on the H200: HasSparseWeights 1, no sparse tactic timed).
      if (tensorrtListed && !inEligible) evidence.push('inspector: HasSparseWeights = 1, but TensorRT did not list the layer as eligible');
      else {
        eligible = true;
        evidence.push('inspector: HasSparseWeights = 1');
      }
    }
    if (eligible === undefined && listsKnown) eligible = false;

    // The chosen kernel, from every source that names it. The log's own timings win when it has named ones: the
    // report's algorithm-selector records repeat them with ids only.
    const logRecords = log ? tacticsFor(log.tactics, name) : [];
    const logNamed = logRecords.some((record) => record.candidates.some((candidate) => candidate.kernelName));
    const records = (logNamed ? logRecords : tacticsFor(tacticRecords, name)).map((record) => ({
      ...record,
      candidates: record.candidates.map(withName),
      ...(record.chosen ? { chosen: withName(record.chosen) } : {}),
    }));
    const candidates = records.flatMap((record) => record.candidates);
    const recordChoice = records.map((record) => record.chosen).find((choice) => choice !== undefined);
    const logLine = log?.engineLayers.find((line) => line.name === name);
    const chosen: LayerSparsityExplanation['chosen'] = {};
    if (info?.tacticValue) chosen.tactic = info.tacticValue;
    if (info?.tacticName) chosen.kernelName = info.tacticName;
    if (info && info.layerType !== 'unknown') chosen.implementation = info.layerType;
    if (recordChoice) {
      chosen.tactic ??= recordChoice.tactic;
      chosen.kernelName ??= recordChoice.kernelName;
      chosen.implementation ??= recordChoice.implementation;
      if (recordChoice.timeMs !== undefined && (!info?.tacticValue || sameTactic(info.tacticValue, recordChoice.tactic))) chosen.timeMs = recordChoice.timeMs;
    }
    if (logLine) {
      chosen.tactic ??= logLine.tactic;
      chosen.implementation ??= logLine.layerType;
      if (info?.tacticValue && !sameTactic(info.tacticValue, logLine.tactic)) {
        warnings.push(
          `${name}: the log's engine line says tactic ${logLine.tactic}, the layer information says ${info.tacticValue}. They come from different builds, so the log's timings may not describe the engine the layer information describes.`,
        );
      }
    }
    const kernelSparse = kernelIsSparse(chosen.kernelName);
    if (kernelSparse !== undefined) chosen.sparse = kernelSparse;

    let picked: boolean | undefined;
    if (inPicked) {
      picked = true;
      evidence.push('in TensorRT\'s "picked sparse implementation" list');
    } else if (pickedListKnown && (log?.sparsityListsFound.picked || report || log?.sparsityListsFound.eligible)) {
      picked = false;
      evidence.push('not in the "picked sparse implementation" list');
    }
    if (kernelSparse !== undefined) {
      evidence.push(`chosen kernel ${kernelSparse ? 'is' : 'is not'} a sparse kernel (its name ${kernelSparse ? 'contains' : 'lacks'} "sparse"/"sptensor")`);
      // The engine's kernel is what runs: it decides over a list that may describe another build (or be empty
      // because an older reader missed TensorRT's wording).
      if (picked !== undefined && picked !== kernelSparse) {
        warnings.push(`${name}: the sparsity list says ${picked ? 'picked' : 'not picked'} but the chosen kernel ${chosen.kernelName} is ${kernelSparse ? 'sparse' : 'dense'}; going by the kernel. The sources probably come from different builds.`);
      }
      picked = kernelSparse;
    }
    if (Object.keys(chosen).length === 0) missing.push('which kernel the engine uses (layer information with detailed profiling verbosity)');

    // Timings.
    const overall = candidates.length > 0 ? timing(candidates) : undefined;
    // The combination the engine runs under, when the log pins it down; else the first one its tactic was timed in.
    const pinned = chosenFormats[name];
    const chosenCandidate = chosen.tactic
      ? ((pinned ? candidates.find((candidate) => sameTactic(candidate.tactic, chosen.tactic) && candidate.formats === pinned) : undefined) ??
        candidates.find((candidate) => sameTactic(candidate.tactic, chosen.tactic) && candidate.formats))
      : undefined;
    const underChosenFormats = chosenCandidate?.formats ? { ...timing(candidates.filter((candidate) => candidate.formats === chosenCandidate.formats)), formats: chosenCandidate.formats } : undefined;
    if (chosenCandidate && (chosen.timeMs === undefined || chosen.timeMs === null || (pinned !== undefined && chosenCandidate.formats === pinned))) chosen.timeMs = chosenCandidate.timeMs;
    if (chosenCandidate?.cachedFrom) evidence.push(`timings reused from ${chosenCandidate.cachedFrom} (TensorRT's timing cache: "got cached result")`);
    if (chosenCandidate?.formats) chosen.formats = chosenCandidate.formats;

    // Formats.
    const fromLayer = info && info.inputs.length + info.outputs.length > 0 ? info : undefined;
    const fromLog = log?.formatsByLayer[name];
    const inputs = (fromLayer?.inputs ?? fromLog?.inputs ?? []).map(summarize);
    const outputs = (fromLayer?.outputs ?? fromLog?.outputs ?? []).map(summarize);
    if (inputs.length === 0 && outputs.length === 0) missing.push('tensor formats (engine layer information or the log\'s engine layer lines)');

    const reformats: ReformatNote[] = [];
    // One source per layer: the inspector and the log may describe different builds.
    const inspectorReformats = reformatLayers.filter((layer) => layerByName.has(layer.name) && reformatTarget(layer.name)!.target === name);
    const reformatSource = inspectorReformats.length > 0 ? inspectorReformats : reformatLayers.filter((layer) => reformatTarget(layer.name)!.target === name);
    for (const layer of reformatSource) {
      const target = reformatTarget(layer.name)!;
      const note: ReformatNote = { layer: layer.name, direction: target.direction, index: target.index };
      if (layer.inputs[0]) note.from = summarize(layer.inputs[0]);
      if (layer.outputs[0]) note.to = summarize(layer.outputs[0]);
      const measured = profileByName.get(layer.name);
      if (measured) note.timeMs = measured.averageMs;
      reformats.push(note);
    }
    reformats.sort((a, b) => (a.direction === b.direction ? a.index - b.index : a.direction === 'input' ? -1 : 1));

    const channels = channelsOf(info, inputs, outputs);
    const rulesOfThumb: string[] = [];
    if (channels?.cIn !== undefined && channels.cOut !== undefined) {
      const reduction = channels.reductionK ?? channels.cIn;
      const favourable = reduction >= RULE_CHANNELS && channels.cOut >= RULE_CHANNELS;
      const area = channels.kernel ? channels.kernel.reduce((product, size) => product * size, 1) : 1;
      const effective = area > 1 ? ` (× kernel area ${area} = ${reduction})` : '';
      const agrees = picked === undefined ? '' : favourable === picked ? '; the outcome agrees' : '; the outcome does not follow it, so channel count is not the explanation here';
      rulesOfThumb.push(`${RULE_OF_THUMB_NAME}: C_in ${channels.cIn}${effective}, C_out ${channels.cOut} ${favourable ? 'favours sparse' : 'favours dense'}${agrees}.`);
    } else {
      missing.push('channel counts (layer information with detailed verbosity, or the log\'s engine layer lines)');
    }

    const sparseReformatCost = reformatCostFor(chosenCandidate?.formats, overall?.bestSparse?.formats, reformatTimes);
    const measured = profileByName.get(name);
    const measuredMs = measured?.averageMs;

    // Reason.
    let reason: SparsityReason;
    if (eligible === false && !inPicked) reason = 'not-eligible';
    else if (picked === true) reason = 'picked';
    else if (picked === false) {
      const scope = underChosenFormats?.bestDense && underChosenFormats.bestSparse ? underChosenFormats : overall;
      const chosenMs = typeof chosen.timeMs === 'number' ? chosen.timeMs : undefined;
      const fasterSparse = overall?.bestSparse && chosenMs !== undefined && (overall.bestSparse.timeMs as number) < chosenMs;
      if (fasterSparse) reason = 'sparse-faster-elsewhere';
      else if (scope?.bestDense && scope.bestSparse) reason = 'dense-faster';
      else if (overall && overall.denseTimed > 0 && overall.sparseTimed === 0 && overall.unknownTimed === 0) reason = 'no-sparse-timed';
      else if (overall && overall.unknownTimed > 0) reason = 'tactics-unnamed';
      else reason = 'no-timings';
    } else reason = 'unknown';

    if (picked === false && reason !== 'dense-faster' && reason !== 'sparse-faster-elsewhere' && reason !== 'no-sparse-timed') {
      missing.push('per-tactic sparse and dense times for this layer');
    }

    const explanation: LayerSparsityExplanation = {
      layer: name,
      eligible,
      picked,
      evidence,
      ...(Object.keys(chosen).length > 0 ? { chosen } : {}),
      ...(overall ? { overall } : {}),
      ...(underChosenFormats ? { underChosenFormats } : {}),
      inputs,
      outputs,
      reformats,
      ...(channels ? { channels } : {}),
      rulesOfThumb,
      ...(measuredMs !== undefined ? { measuredMs } : {}),
      ...(reason === 'sparse-faster-elsewhere' && sparseReformatCost ? { sparseReformatCost } : {}),
      reason,
      sentence: '',
      missing,
    };
    explanation.sentence = sentenceFor(explanation, candidates, report?.backend === 'mock');
    explanations.push(explanation);
  }

  const eligibleNotPicked = explanations.filter((entry) => entry.eligible === true && entry.picked === false).map((entry) => entry.layer);
  const byReason: Partial<Record<SparsityReason, number>> = {};
  for (const entry of explanations) byReason[entry.reason] = (byReason[entry.reason] ?? 0) + 1;

  // Time saved by the sparse picks.
  let savedMs: SparsityExplanation['savedMs'];
  const pickedEntries = explanations.filter((entry) => entry.picked === true);
  if (pickedEntries.length > 0) {
    let total = 0;
    let counted = 0;
    let estimated = false;
    for (const entry of pickedEntries) {
      const sparseMs = typeof entry.chosen?.timeMs === 'number' ? entry.chosen.timeMs : entry.overall?.bestSparse?.timeMs;
      const denseMs = entry.overall?.bestDense?.timeMs;
      if (typeof sparseMs === 'number' && typeof denseMs === 'number') {
        total += denseMs - sparseMs;
        counted += 1;
        estimated ||= entry.overall?.estimated ?? false;
      }
    }
    if (counted > 0) savedMs = { totalMs: total, layers: counted, layersWithoutTimes: pickedEntries.length - counted, estimated };
  }

  const estimated = Boolean(report?.estimated) || explanations.some((entry) => entry.overall?.estimated);
  const verdicts = verdictsFor(explanations, eligibleNotPicked, savedMs, estimated);
  const nextSteps = nextStepsFor(explanations, { log, report, layers: input.layers ?? report?.layers, profile });
  if (!tensorrtListed && explanations.some((entry) => entry.eligible === true)) {
    // Only the inspector's flag to go on: TensorRT's own list can be shorter (resnet-like on the H200 with 10.6:
    // three layers report 2:4 weights, TensorRT listed two).
    warnings.push(
      'Without TensorRT\'s "(Sparsity)" lines, "eligible" here means the layer information reports 2:4 weights (HasSparseWeights = 1); TensorRT\'s own eligible list can be shorter. Add the verbose build log (trtexec --verbose) for TensorRT\'s list.',
    );
  }
  if (names.length === 0) {
    warnings.push(
      (report?.options?.sparsity === 'disable' || log?.trtexec?.sparsity === 'Disabled') && !log?.sparsityListsFound.eligible
        ? `This build did not enable sparsity (${log?.trtexec?.sparsity === 'Disabled' ? 'trtexec printed "Sparsity: Disabled"' : 'sparsity: "disable"'}), so TensorRT considered no sparse kernels; build with \`--sparsity enable\` (trtexec --sparsity=enable) to see which layers are eligible and why they went sparse or not.`
        : listsKnown
        ? `${report?.backend === 'mock' ? 'The mock builder found' : 'TensorRT reported'} no layer eligible for sparse math: weights must be 2:4 sparse (two non-zeros in every four along the input channels), the build must allow FP16 or INT8, and sparsity must be enabled.`
        : 'No sparsity information in the inputs: the "(Sparsity)" lines appear in a build log only when sparsity is enabled (trtexec --sparsity=enable).',
    );
  }
  return {
    layers: explanations,
    eligibleNotPicked,
    counts: { eligible: explanations.filter((entry) => entry.eligible === true).length, picked: pickedEntries.length, eligibleNotPicked: eligibleNotPicked.length, byReason },
    ...(savedMs ? { savedMs } : {}),
    verdicts,
    nextSteps,
    warnings,
    sources,
    estimated,
  };
}

/** Reformats between two format combinations of one layer: inputs from `chosen` to `other`, outputs back. */
function reformatCostFor(chosen: string | undefined, other: string | undefined, times: Map<string, number>): LayerSparsityExplanation['sparseReformatCost'] {
  if (!chosen || !other || chosen === other) return undefined;
  const [chosenIn, chosenOut = ''] = chosen.split(' -> ');
  const [otherIn, otherOut = ''] = other.split(' -> ');
  const a = [splitTopLevel(chosenIn), splitTopLevel(chosenOut)];
  const b = [splitTopLevel(otherIn), splitTopLevel(otherOut)];
  if (a[0].length !== b[0].length || a[1].length !== b[1].length) return undefined;
  const pairs = [...a[0].map((from, index) => [from, b[0][index]]), ...a[1].map((to, index) => [b[1][index], to])].filter(([from, to]) => from !== to);
  const copies: { from: string; to: string; timeMs: number }[] = [];
  let missing = 0;
  for (const [from, to] of pairs) {
    const time = times.get(`${from} -> ${to}`);
    if (time === undefined) missing += 1;
    else copies.push({ from, to, timeMs: time });
  }
  return { totalMs: copies.reduce((sum, copy) => sum + copy.timeMs, 0), copies, missing };
}

/** The first input's layout of a format combination (`hwc8`, `channel % 4`), for sentences. */
function layoutOf(combination: string | undefined): string | undefined {
  const first = combination ? splitTopLevel(combination.split(' -> ')[0])[0] : undefined;
  const facts = first ? parseStrideTensor(first) : undefined;
  if (!facts) return undefined;
  return facts.format !== 'unknown' ? facts.format : facts.channelAlignment > 1 ? `channel % ${facts.channelAlignment}` : undefined;
}

function candidateText(candidate: TacticCandidate): string {
  return `${fmt(candidate.timeMs as number)} ms${candidate.estimated ? ' (estimated)' : ''}`;
}

/**
 * One sentence per layer. On the mock backend the "autotuner" is a cost model: its choices and times are worded as
 * estimates, never as TensorRT's.
 */
function sentenceFor(entry: LayerSparsityExplanation, candidates: TacticCandidate[], mock: boolean): string {
  const name = entry.layer;
  const channelText = entry.channels?.cIn !== undefined && entry.channels.cOut !== undefined ? ` (C_in ${entry.channels.cIn}, C_out ${entry.channels.cOut}${entry.channels.kernel ? `, ${kernelText(entry.channels.kernel)}` : ''})` : '';
  const formatText = alignmentText(entry.inputs);
  const onFormats = formatText ? ` on ${formatText} inputs` : '';
  const reformatIn = entry.reformats.filter((note) => note.direction === 'input');
  const reformatText =
    reformatIn.length > 0
      ? `; TensorRT inserted ${reformatIn.length} reformat cop${reformatIn.length === 1 ? 'y' : 'ies'} before it${reformatIn[0].from && reformatIn[0].to ? ` (${alignmentWords(reformatIn[0].from.channelAlignment)} to ${alignmentWords(reformatIn[0].to.channelAlignment)})` : ''}`
      : '';
  const kernel = entry.chosen?.kernelName ? ` kernel ${entry.chosen.kernelName}` : entry.chosen?.tactic ? ` tactic ${entry.chosen.tactic}${entry.chosen.implementation ? ` (${entry.chosen.implementation})` : ''}` : '';
  switch (entry.reason) {
    case 'not-eligible':
      return `${name}${channelText} is not eligible for sparse math, so TensorRT never considered sparse kernels for it.`;
    case 'picked': {
      const dense = entry.overall?.bestDense;
      const sparseMs = typeof entry.chosen?.timeMs === 'number' ? entry.chosen.timeMs : entry.overall?.bestSparse?.timeMs;
      const versus = dense && typeof sparseMs === 'number' ? `; it timed ${fmt(sparseMs)} ms against ${candidateText(dense)} for the best dense kernel in any format combination` : '';
      return `${name}${channelText} went sparse: ${mock ? 'the mock builder' : 'TensorRT'} chose sparse${kernel || ' math'}${onFormats}${versus}.`;
    }
    case 'dense-faster': {
      const scope = entry.underChosenFormats?.bestDense && entry.underChosenFormats.bestSparse ? entry.underChosenFormats : entry.overall!;
      const where = scope === entry.underChosenFormats ? ' under the format combination it ended up with' : '';
      if (scope !== entry.underChosenFormats && entry.underChosenFormats && !entry.underChosenFormats.bestSparse) {
        const chosenLayout = layoutOf(entry.underChosenFormats.formats);
        const sparseLayout = layoutOf(scope.bestSparse!.formats);
        return `${name}${channelText} stayed dense: no sparse kernel was timed under the formats it runs in${chosenLayout ? ` (${chosenLayout})` : ''}, and where one was${sparseLayout ? ` (${sparseLayout})` : ''} the best sparse ${candidateText(scope.bestSparse!)} lost to the best dense ${candidateText(scope.bestDense!)} by ${percent(scope.sparseSlowerByPercent!)}${reformatText}.`;
      }
      return `${name}${channelText} stayed dense because the dense kernel was faster when ${mock ? 'the mock cost model estimated' : 'TensorRT timed'} both${where}: dense ${candidateText(scope.bestDense!)} beat the best sparse ${candidateText(scope.bestSparse!)} by ${percent(scope.sparseSlowerByPercent!)}${reformatText}.`;
    }
    case 'sparse-faster-elsewhere': {
      const best = entry.overall!.bestSparse!;
      const chosenMs = entry.chosen!.timeMs as number;
      const gain = ((chosenMs - (best.timeMs as number)) / chosenMs) * 100;
      const cost = entry.sparseReformatCost;
      const saved = chosenMs - (best.timeMs as number);
      const costText =
        cost && cost.missing === 0 && cost.copies.length > 0
          ? ` The ${cost.copies.length} reformat cop${cost.copies.length === 1 ? 'y' : 'ies'} into and out of the sparse kernel's formats timed ${fmt(cost.totalMs)} ms in this build, ${cost.totalMs > saved ? `more than the ${fmt(saved)} ms the sparse kernel saves` : `less than the ${fmt(saved)} ms it saves, so neighbouring layers' formats decided`}.`
          : '';
      return `${name}${channelText} stayed dense although a sparse kernel timed ${percent(gain)} faster in isolation (${candidateText(best)}${best.formats ? ` with formats ${best.formats}` : ''} vs the chosen dense ${fmt(chosenMs)} ms${entry.chosen!.formats ? ` with ${entry.chosen!.formats}` : ''}): TensorRT picks formats for the whole graph, reformat copies included, and kept the combination where it runs dense${onFormats}${reformatText}.${costText}`;
    }
    case 'no-sparse-timed':
      return `${name}${channelText} stayed dense because no sparse kernel was timed for this layer's shape and format (${entry.overall!.denseTimed} dense tactics timed, fastest ${candidateText(entry.overall!.bestDense!)}): TensorRT had nothing sparse to pick${reformatText}.`;
    case 'tactics-unnamed': {
      const timed = candidates.filter((candidate) => typeof candidate.timeMs === 'number');
      const unnamed = timed.filter((candidate) => candidate.sparse === undefined);
      const runners = [...new Set(unnamed.map((candidate) => candidate.implementation ?? 'unknown runner'))];
      const fastest = timed.slice().sort((a, b) => (a.timeMs as number) - (b.timeMs as number))[0];
      const chosenTimed = entry.chosen?.tactic ? timed.some((candidate) => sameTactic(candidate.tactic, entry.chosen?.tactic)) : false;
      const chosenNote = entry.chosen?.tactic && !chosenTimed ? ', and the chosen kernel is not among them' : '';
      const types = [...new Set(timed.flatMap((candidate) => [...(candidate.formats ?? '').matchAll(/\b([A-Za-z0-9]+)\(/g)].map((match) => match[1])))];
      const typeNote = types.length > 0 ? ` under ${types.join('/')} format combinations` : '';
      // Only a kernel known to be dense is called dense.
      const runs = entry.chosen?.sparse === false ? `runs dense${kernel}` : `did not go sparse${kernel ? ` (engine kernel${kernel})` : ''}`;
      return `${name}${channelText} is eligible but ${runs}${onFormats}${reformatText}; ${unnamed.length} of its ${timed.length} timed tactic(s) (${runners.join(', ')}${typeNote}) have no kernel name that says sparse or dense (fastest ${fmt(fastest.timeMs as number)} ms)${chosenNote}, so how a sparse kernel compared cannot be read from them.`;
    }
    case 'no-timings':
      return `${name}${channelText} is eligible but did not go sparse${kernel ? `; it runs${entry.chosen?.sparse === false ? ' dense' : ''}${kernel}` : ''}${onFormats}${reformatText}; the inputs have no per-tactic times for it, so whether a sparse kernel was slower or was never timed is unknown.`;
    default:
      return `${name}${channelText}: whether it went sparse is unknown from these inputs.`;
  }
}

function verdictsFor(entries: LayerSparsityExplanation[], eligibleNotPicked: string[], savedMs: SparsityExplanation['savedMs'], estimated: boolean): string[] {
  const verdicts: string[] = [];
  const eligible = entries.filter((entry) => entry.eligible === true);
  const picked = entries.filter((entry) => entry.picked === true);
  if (entries.length > 0) verdicts.push(`${picked.length} of ${eligible.length} eligible layer(s) went sparse; ${eligibleNotPicked.length} stayed dense.`);
  const count = (reason: SparsityReason) => entries.filter((entry) => entry.reason === reason).length;
  if (count('dense-faster') > 0) verdicts.push(`${count('dense-faster')} stayed dense because the dense kernel timed faster (the autotuner keeps the fastest; sparse is not always faster).`);
  if (count('sparse-faster-elsewhere') > 0) verdicts.push(`${count('sparse-faster-elsewhere')} had a faster sparse kernel in another format combination that TensorRT did not choose for the graph.`);
  if (count('no-sparse-timed') > 0) verdicts.push(`${count('no-sparse-timed')} had no sparse kernel timed at all for their shape and format.`);
  const unexplained = count('tactics-unnamed') + count('no-timings');
  if (unexplained > 0) verdicts.push(`${unexplained} cannot be explained from these inputs: their sparse and dense times are not in them (see next steps).`);

  // Formats of the two groups, where known.
  const alignmentsOf = (group: LayerSparsityExplanation[]) => group.flatMap((entry) => (entry.inputs[0] ? [entry.inputs[0].channelAlignment] : []));
  const pickedAlign = alignmentsOf(picked);
  const denseAlign = alignmentsOf(entries.filter((entry) => entry.eligible === true && entry.picked === false));
  const histogram = (values: number[]) =>
    [...new Set(values)]
      .sort((a, b) => b - a)
      .map((value) => `${value > 1 ? `channel % ${value}` : 'unvectorised'} x${values.filter((item) => item === value).length}`)
      .join(', ');
  if (pickedAlign.length > 0 && denseAlign.length > 0) {
    verdicts.push(`Input formats: sparse layers ${histogram(pickedAlign)}; eligible dense layers ${histogram(denseAlign)}.`);
  }
  const withReformat = entries.filter((entry) => entry.eligible === true && entry.picked === false && entry.reformats.some((note) => note.direction === 'input'));
  if (withReformat.length > 0) verdicts.push(`${withReformat.length} eligible dense layer(s) have a reformat copy inserted before them: ${withReformat.map((entry) => entry.layer).join(', ')}.`);

  const rated = entries.filter((entry) => entry.picked !== undefined && entry.channels?.cIn !== undefined && entry.channels.cOut !== undefined);
  if (rated.length > 0) {
    const agree = rated.filter((entry) => {
      const reduction = entry.channels!.reductionK ?? entry.channels!.cIn!;
      return (reduction >= RULE_CHANNELS && entry.channels!.cOut! >= RULE_CHANNELS) === entry.picked;
    }).length;
    verdicts.push(`The >= ${RULE_CHANNELS}-channel rule of thumb (a heuristic) matches ${agree} of ${rated.length} layer(s) with known channel counts${agree < rated.length ? `; where it does not, the autotuner's ${estimated ? 'estimated' : 'measured'} times and the formats are the better explanation` : ''}.`);
  }
  if (savedMs) {
    verdicts.push(
      `Sparse picks save ${fmt(savedMs.totalMs)} ms per run${savedMs.estimated || estimated ? ' (estimated)' : ''} against the best dense kernels of the same layers, over ${savedMs.layers} layer(s) with both times${savedMs.layersWithoutTimes > 0 ? ` (${savedMs.layersWithoutTimes} picked layer(s) lack a dense time)` : ''}; autotuner times are per layer in isolation, so confirm end to end with a dense build (--sparsity=disable) and \`trtn compare\`.`,
    );
  }
  return verdicts;
}

function nextStepsFor(
  entries: LayerSparsityExplanation[],
  have: { log?: ParsedBuildLog; report?: BuildReport; layers?: LayerInfo[]; profile?: LayerProfile[] },
): string[] {
  const steps: string[] = [];
  const needTimes = entries.filter((entry) => entry.reason === 'tactics-unnamed' || entry.reason === 'no-timings');
  if (needTimes.length > 0) {
    const version = have.log?.tensorrtVersion ?? have.report?.versions?.tensorrt;
    const major = version ? Number(version.split('.')[0]) : undefined;
    const names = needTimes.slice(0, 3).map((entry) => `"${entry.layer}"`).join(', ');
    steps.push(
      `For ${names}${needTimes.length > 3 ? ` and ${needTimes.length - 3} more` : ''}: keep the complete verbose log, not an excerpt — run \`trtexec --onnx=model.onnx --fp16 --sparsity=enable --verbose --profilingVerbosity=detailed --exportLayerInfo=layers.json --exportProfile=profile.json --separateProfileRun > build.log 2>&1\` and pass build.log, layers.json and profile.json to \`trtn explain\`. The layer's "Timing Runner: <layer> (CaskConvolution)" blocks hold the sparse and dense kernel times${major !== undefined && major < 10 ? ', each kernel named on a preceding "Set Tactic Name" line' : ''}.`,
    );
    steps.push(
      'Or build with this package, which records every timed candidate with its kernel name: `buildEngine(model, { fp16: true, sparsity: "enable", recordTactics: true })` then `explainSparsity({ report: result.report })`, or `trtn build model.onnx --fp16 --sparsity enable --report report.json && trtn explain report.json`. On TensorRT 10.8+ and 11 it uses the editable timing cache log ("Autotuning op …" tables).',
    );
  }
  if (!have.layers && entries.length > 0) steps.push('Add the engine layer information (`trtexec … --profilingVerbosity=detailed --exportLayerInfo=layers.json`) for kernel names, formats and channel counts.');
  if (!have.profile && entries.length > 0) steps.push('Add a per-layer profile (`trtexec … --exportProfile=profile.json --separateProfileRun`) for measured layer and reformat times.');
  if (entries.some((entry) => entry.eligible && entry.picked === false)) {
    steps.push('To measure what sparsity buys end to end, build the same model with --sparsity=disable and compare the two engines with `trtn compare`.');
  }
  return steps;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

function wrap(text: string, width: number, indent = ''): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current !== '' && (indent + current + ' ' + word).length > width) {
      lines.push(indent + current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') lines.push(indent + current);
  return lines;
}

/**
 * Renders an explanation as plain text for `trtn explain`: a table of eligible layers, then one sentence per
 * layer, verdicts, warnings and next steps.
 *
 * @param expl - from {@link explainSparsity}
 * @param options.width - line width to wrap at. Defaults to 120.
 */
export function formatSparsityExplanation(expl: SparsityExplanation, options: { width?: number } = {}): string {
  const width = Math.max(60, options.width ?? 120);
  const out: string[] = [];
  out.push(`2:4 sparsity${expl.estimated ? ' (ESTIMATED times from the mock cost model)' : ''} — sources: ${expl.sources.join(', ') || 'none'}`);
  if (expl.layers.length > 0) {
    const rows = expl.layers.map((entry) => {
      const scope = entry.underChosenFormats?.bestSparse || entry.underChosenFormats?.bestDense ? entry.underChosenFormats : entry.overall;
      return [
        entry.layer,
        entry.picked === true ? 'sparse' : entry.picked === false ? 'dense' : '?',
        entry.channels?.cIn !== undefined ? `${entry.channels.cIn}→${entry.channels.cOut ?? '?'}${entry.channels.kernel ? ` ${kernelText(entry.channels.kernel)}` : ''}` : '',
        entry.inputs[0] ? (entry.inputs[0].channelAlignment > 1 ? `%${entry.inputs[0].channelAlignment}` : 'lin') : '',
        scope?.bestSparse ? fmt(scope.bestSparse.timeMs as number) : '',
        scope?.bestDense ? fmt(scope.bestDense.timeMs as number) : '',
        entry.measuredMs !== undefined ? fmt(entry.measuredMs) : '',
        entry.reformats.length > 0 ? String(entry.reformats.length) : '',
        entry.reason,
      ];
    });
    const header = ['layer', 'kernel', 'C_in→C_out', 'fmt', 'sparse ms*', 'dense ms*', expl.estimated ? 'est. ms' : 'measured', 'reformats', 'why'];
    const fixed = header.slice(1).map((title, index) => Math.max(title.length, ...rows.map((row) => row[index + 1].length)));
    const nameWidth = Math.max(10, Math.min(Math.max(...rows.map((row) => row[0].length), 5), width - fixed.reduce((sum, value) => sum + value + 2, 0) - 2));
    const widths = [nameWidth, ...fixed];
    const line = (cells: string[]) => cells.map((cell, index) => pad(index === 0 ? truncate(cell, nameWidth) : cell, widths[index])).join('  ').trimEnd();
    out.push('');
    out.push(line(header));
    for (const row of rows) out.push(line(row));
    out.push(...wrap(expl.estimated
      ? '* ESTIMATED by the mock cost model for the chosen kernel\'s format combination (all combinations when unknown); est. ms = estimated profile average. Nothing here was timed on a GPU.'
      : '* best timed by the autotuner under the chosen kernel\'s format combination (all combinations when unknown); measured = profile average.', width));
    out.push('');
    // Layers the inputs say nothing more about than their list membership are grouped, not sentenced one by one.
    const bare = (entry: LayerSparsityExplanation) => !entry.overall && !entry.chosen && entry.inputs.length === 0 && !entry.channels && entry.measuredMs === undefined;
    for (const entry of expl.layers) if (!bare(entry)) out.push(...wrap(`- ${entry.sentence}`, width));
    const barePicked = expl.layers.filter((entry) => bare(entry) && entry.reason === 'picked');
    const bareDense = expl.layers.filter((entry) => bare(entry) && entry.reason !== 'picked');
    if (barePicked.length > 0) out.push(...wrap(`- ${barePicked.length} other layer(s) went sparse (in TensorRT's picked list); the inputs hold nothing else about them.`, width));
    if (bareDense.length > 0) out.push(...wrap(`- ${bareDense.length} other eligible layer(s) stayed dense; the inputs have no kernel, format or timing for them: ${bareDense.map((entry) => entry.layer).join(', ')}.`, width));
  }
  if (expl.verdicts.length > 0) {
    out.push('');
    out.push('Verdict:');
    for (const verdict of expl.verdicts) out.push(...wrap(`- ${verdict}`, width, ''));
  }
  const rules = expl.layers.flatMap((entry) => entry.rulesOfThumb.map((rule) => `${entry.layer}: ${rule}`));
  if (rules.length > 0) {
    out.push('');
    out.push(...wrap(SPARSITY_RULE_OF_THUMB, width));
    for (const rule of rules.slice(0, 12)) out.push(...wrap(`- ${rule}`, width));
    if (rules.length > 12) out.push(`- … ${rules.length - 12} more in the JSON output.`);
  }
  if (expl.warnings.length > 0) {
    out.push('');
    out.push('Warnings:');
    for (const warning of expl.warnings) out.push(...wrap(`- ${warning}`, width));
  }
  if (expl.nextSteps.length > 0) {
    out.push('');
    out.push('Next steps:');
    for (const step of expl.nextSteps) out.push(...wrap(`- ${step}`, width));
  }
  return out.join('\n');
}

/** "channel % 8", or "linear" for unvectorised formats. */
function alignmentWords(alignment: number): string {
  return alignment > 1 ? `channel % ${alignment}` : 'linear';
}
