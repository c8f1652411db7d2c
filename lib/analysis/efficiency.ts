/**
 * Per-layer efficiency against a roofline: FLOPs, bytes actually moved (at the tensors' real types and padded
 * vector formats), arithmetic intensity, the roofline-bound time, and how far each layer is from it. Then
 * advice, each item quantified and emitted only where it applies.
 *
 * Conventions: a multiply-add counts as 2 FLOPs; bytes and bandwidths are decimal (1 GB = 10^9 B).
 */
import { TensorRTError } from '../errors.js';
import type { NodeCost } from '../onnx/model.js';
import type { DataTypeName, LayerEstimate, LayerInfo, LayerProfile, LayerTensor, TensorFormatName } from '../types/index.js';
import { dataTypeFacts, formatFacts, product } from '../tensors/facts.js';
import type { ResolvedPeaks } from './peaks.js';
import { describeTensor, fmt, fmtBytes, fmtFlops, fmtMs, ioSpec, table } from './report/format.js';

/** Input to {@link analyzeEfficiency}. */
export interface EfficiencyInput {
  /** Engine layers (normalised inspector output). */
  layers: LayerInfo[];
  /** Measured per-layer times (`Engine.profile()` or trtexec `--exportProfile`). `averageMs` is used. */
  profile?: LayerProfile[];
  /** Set when `profile` came from the mock backend, so its times are labelled estimated. Defaults to `false`. */
  profileEstimated?: boolean;
  /** Cost-model estimates per layer (mock backend); used for layers the profile does not time, labelled estimated. */
  estimates?: LayerEstimate[];
  /** Peaks to normalise against (see `resolvePeaks`). */
  peaks: ResolvedPeaks;
  /** ONNX node costs keyed by node name, for FLOPs of fused layers and of layers the inspector cannot describe. */
  costs?: NodeCost[];
  /** End-to-end GPU compute time of one inference (median), ms, when benchmarked. */
  endToEndMs?: number;
  /** Set when `endToEndMs` is an estimate. Defaults to `false`. */
  endToEndEstimated?: boolean;
  /** The peak TFLOP/s a user divided by to get their own efficiency figure; checked against dense and sparse peaks. */
  userPeakTflops?: number;
}

/** Where a layer's FLOP count comes from. */
export type FlopsSource = 'onnx-costs' | 'inspector' | 'data-movement' | 'unknown';

/** Where a layer's time comes from. */
export type TimeSource = 'measured' | 'estimated' | 'none';

/** Bytes one layer moves, split by kind. Padding is included in the activation figures and also shown alone. */
export interface LayerBytes {
  activationsIn: number;
  weights: number;
  activationsOut: number;
  /** Part of the activation bytes that is channel padding of vectorised formats (real traffic, no information). */
  padding: number;
  total: number;
}

/** Efficiency of one engine layer. Fields are `null` where they cannot be computed; `notes` says why. */
export interface LayerEfficiency {
  name: string;
  layerType: string;
  precision: string;
  isReformat: boolean;
  /** True when the chosen tactic uses 2:4 sparse math (judged from its name). */
  sparse: boolean;
  /** FLOPs of one inference, multiply-add = 2. */
  flops: number | null;
  flopsSource: FlopsSource;
  bytes: LayerBytes | null;
  /** FLOPs per byte. */
  intensity: number | null;
  /** Compute roof for this layer's precision and sparsity, TFLOP/s; `null` when this profile has no figure for it. */
  peakTflops: number | null;
  /** Intensity where this layer's roofline turns from memory- to compute-bound, FLOP/B. */
  ridgePoint: number | null;
  /** Time the roofline allows at best: max(FLOPs / peak, bytes / bandwidth), ms. */
  boundTimeMs: number | null;
  /** True when `boundTimeMs` includes the compute side (false: bytes/bandwidth only, FLOPs unknown). */
  boundComplete: boolean;
  bound: 'memory' | 'compute' | null;
  timeMs: number | null;
  timeSource: TimeSource;
  achievedTflops: number | null;
  /** Achieved FLOP/s as % of `peakTflops`. */
  percentOfPeak: number | null;
  achievedGBs: number | null;
  percentOfBandwidth: number | null;
  /** boundTimeMs / timeMs × 100: how close the layer gets to what the roofline allows. */
  percentOfRoofline: number | null;
  notes: string[];
}

/** One piece of advice, with the numbers behind it. */
export interface EfficiencyAdvice {
  kind: 'io-reformats' | 'internal-reformats' | 'channel-alignment' | 'memory-bound' | 'peak-choice' | 'unknown-flops';
  /** What to do and why, with numbers. */
  message: string;
  /** Layers concerned. */
  layers: string[];
  /** Time this item could save, ms; absent when it cannot be computed. An upper bound when `gainIsUpperBound`. */
  expectedGainMs?: number;
  gainIsUpperBound: boolean;
  /** True when the numbers rest on estimated times. */
  estimated: boolean;
}

/** Engine totals. */
export interface EfficiencyTotals {
  layerCount: number;
  /** FLOPs of layers with known FLOPs. */
  flops: number;
  /** Layers whose FLOPs are unknown (they are left out of `flops`). */
  unknownFlopsLayers: string[];
  bytes: number;
  paddingBytes: number;
  /** Sum of per-layer times, ms (layers without a time are left out). */
  layerTimeSumMs: number;
  timeSource: 'measured' | 'estimated' | 'mixed' | 'none';
  endToEndMs?: number;
  endToEndEstimated?: boolean;
  /** Sum of per-layer roofline bounds, ms. */
  boundTimeMs: number;
  /** boundTimeMs / layerTimeSumMs × 100. */
  percentOfRoofline: number | null;
  /** FLOPs / (end-to-end time, else the layer sum) in TFLOP/s. */
  achievedTflops: number | null;
  /** `achievedTflops` as % of the dense FP16 peak. */
  percentOfDenseFp16Peak: number | null;
  reformatCount: number;
  reformatTimeMs: number;
  /** Reformat time as % of the layer time sum. */
  reformatPercent: number | null;
  memoryBoundTimeMs: number;
  computeBoundTimeMs: number;
}

/** Result of {@link analyzeEfficiency}. */
export interface EfficiencyReport {
  /** True when any time in the report is an estimate. */
  estimated: boolean;
  peaks: ResolvedPeaks;
  /** Memory bandwidth used for the memory roof, GB/s. */
  bandwidthGBs: number;
  /** The counting conventions, in words, for every output to repeat. */
  conventions: string[];
  layers: LayerEfficiency[];
  totals: EfficiencyTotals;
  advice: EfficiencyAdvice[];
  notes: string[];
}

/** Layer types that only move data. */
const DATA_MOVEMENT_TYPES = /^(reformat|shuffle|noop|slice|concatenation|copy|gather|identity|padding)$/i;
const SPARSE_TACTIC = /sparse|sptensor/i;

/**
 * Analyses per-layer efficiency against the roofline of `input.peaks`.
 *
 * FLOPs come from the ONNX costs of the layer's fused nodes when every node has a cost, else from the
 * inspector's convolution fields (N·K·P·Q·(C/G)·R·S multiply-adds, bias and activations not counted), else 0 for
 * data-movement layers, else they are reported unknown. Bytes are every input and output activation once at its
 * actual type, with the channel dimension padded for vectorised formats, plus weights and bias sized at the
 * layer's compute precision (the inspector's weight type is the network's, not the kernel's).
 *
 * @throws TensorRTError ERR_INVALID_ARGUMENT when `layers` is not an array or the peaks are not positive.
 */
export function analyzeEfficiency(input: EfficiencyInput): EfficiencyReport {
  if (!input || !Array.isArray(input.layers)) {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', 'Expected `layers` to be an array of engine layers (from Engine.inspect() or normalizeInspectorJson()).');
  }
  const profile = input.peaks?.profile;
  if (!profile || !(profile.memoryBandwidthGBs > 0) || !(profile.fp16DenseTflops > 0)) {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', 'Expected `peaks` from resolvePeaks() with positive bandwidth and FP16 peak.');
  }
  const bandwidthGBs = profile.memoryBandwidthGBs;
  const notes: string[] = [];
  const costByNode = new Map((input.costs ?? []).map((cost) => [cost.node, cost]));
  const timeByLayer = indexTimes(input, notes);

  const layers = input.layers.map((layer) => analyzeLayer(layer, input, costByNode, timeByLayer));
  const totals = computeTotals(layers, input);
  const estimated = layers.some((layer) => layer.timeSource === 'estimated') || (input.endToEndMs !== undefined && input.endToEndEstimated === true);
  const conventions = [
    'FLOPs count a multiply-add as 2 (the datasheet convention); bias additions and activations are not counted.',
    'Bytes: each input and output activation once at its actual type, channels padded to the format vector (hwc8 to 8, chw16 to 16, chw32 to 32), plus weights at the compute precision. 1 GB = 10^9 B.',
    `Roofline: bound time = max(FLOPs / peak, bytes / ${fmt(bandwidthGBs, 4)} GB/s); peaks are ${input.peaks.source === 'calibrated' ? 'measured on this GPU (calibration)' : input.peaks.source === 'approximate' ? 'APPROXIMATE figures computed from the GPU configuration (no built-in profile; real kernels reach less)' : 'datasheet figures (real kernels reach less)'}.`,
  ];
  if (totals.endToEndMs !== undefined && totals.layerTimeSumMs > 0) {
    const gap = totals.endToEndMs - totals.layerTimeSumMs;
    notes.push(
      `Sum of layer times ${fmtMs(totals.layerTimeSumMs)} vs end-to-end ${fmtMs(totals.endToEndMs)}${input.endToEndEstimated ? ' (estimated)' : ''}: ${gap >= 0 ? `${fmtMs(gap)} is spent outside the layers (launch gaps, synchronisation)` : `the per-layer profile adds ${fmtMs(-gap)} of profiling overhead`}.`,
    );
  }
  const report: EfficiencyReport = { estimated, peaks: input.peaks, bandwidthGBs, conventions, layers, totals, advice: [], notes };
  report.advice = buildAdvice(report, input);
  return report;
}

function indexTimes(input: EfficiencyInput, notes: string[]): Map<string, { ms: number; source: TimeSource }> {
  const times = new Map<string, { ms: number; source: TimeSource }>();
  const known = new Set(input.layers.map((layer) => layer.name));
  for (const estimate of input.estimates ?? []) times.set(estimate.layer, { ms: estimate.chosenTimeMs, source: 'estimated' });
  const unmatched: string[] = [];
  for (const row of input.profile ?? []) {
    const name = known.has(row.name) ? row.name : [...known].find((layer) => layer.trim() === row.name.trim());
    if (name === undefined) {
      unmatched.push(row.name);
      continue;
    }
    // averageMs: per-layer averages add up to the average inference, medians do not add up to anything.
    times.set(name, { ms: row.averageMs, source: input.profileEstimated ? 'estimated' : 'measured' });
  }
  if (unmatched.length > 0) {
    const total = unmatched.reduce((sum, name) => sum + (input.profile?.find((row) => row.name === name)?.averageMs ?? 0), 0);
    notes.push(`${unmatched.length} profiled layer(s) have no matching engine layer (${fmtMs(total)} in all), e.g. "${unmatched[0]}".`);
  }
  return times;
}

function analyzeLayer(layer: LayerInfo, input: EfficiencyInput, costByNode: Map<string, NodeCost>, times: Map<string, { ms: number; source: TimeSource }>): LayerEfficiency {
  const profile = input.peaks.profile;
  const notes: string[] = [];
  const sparse = SPARSE_TACTIC.test(layer.tacticName ?? '');
  const computeType = computeDataType(layer);
  const valueBytes = computeType ? dataTypeFacts(computeType)?.bytes : undefined;

  // FLOPs.
  let flops: number | null = null;
  let flopsSource: FlopsSource = 'unknown';
  const costs = layer.onnxNodes.map((node) => costByNode.get(node));
  if (layer.onnxNodes.length > 0 && costs.every((cost) => cost !== undefined)) {
    flops = costs.reduce((sum, cost) => sum + (cost as NodeCost).flops, 0);
    flopsSource = 'onnx-costs';
  } else {
    const fromInspector = convolutionFlops(layer);
    if (fromInspector !== null) {
      flops = fromInspector;
      flopsSource = 'inspector';
    } else if (layer.isReformat || DATA_MOVEMENT_TYPES.test(layer.parameterType ?? layer.layerType) || DATA_MOVEMENT_TYPES.test(layer.layerType)) {
      flops = 0;
      flopsSource = 'data-movement';
    } else {
      notes.push('FLOPs unknown: no ONNX costs for its nodes and the inspector does not describe the computation.');
    }
  }

  // Bytes.
  let bytes: LayerBytes | null = null;
  const inBytes = sumTensors(layer.inputs);
  const outBytes = sumTensors(layer.outputs);
  if (inBytes && outBytes) {
    let weights = 0;
    const conv = layer.convolution;
    if (conv?.weights && valueBytes !== undefined) {
      weights = (conv.weights.count + (conv.bias?.count ?? 0)) * valueBytes;
    } else if (flopsSource === 'onnx-costs' && valueBytes !== undefined) {
      weights = costs.reduce((sum, cost) => sum + ((cost as NodeCost).bytes.weights / Math.max((cost as NodeCost).elementBytes, 0.5)) * valueBytes, 0);
    }
    bytes = {
      activationsIn: inBytes.bytes,
      weights,
      activationsOut: outBytes.bytes,
      padding: inBytes.padding + outBytes.padding,
      total: inBytes.bytes + weights + outBytes.bytes,
    };
  } else {
    notes.push('Bytes unknown: a tensor has a dynamic or unknown dimension or type.');
  }

  // Roofline.
  const peakTflops = computePeak(computeType, sparse, profile, notes);
  const intensity = flops !== null && bytes && bytes.total > 0 ? flops / bytes.total : null;
  const ridgePoint = peakTflops !== null ? (peakTflops * 1e12) / (profile.memoryBandwidthGBs * 1e9) : null;
  const memoryTimeMs = bytes ? (bytes.total / (profile.memoryBandwidthGBs * 1e9)) * 1e3 : null;
  const computeTimeMs = flops !== null && peakTflops !== null ? (flops / (peakTflops * 1e12)) * 1e3 : flops === 0 ? 0 : null;
  let boundTimeMs: number | null = null;
  let bound: 'memory' | 'compute' | null = null;
  let boundComplete = false;
  if (memoryTimeMs !== null && computeTimeMs !== null) {
    boundTimeMs = Math.max(memoryTimeMs, computeTimeMs);
    bound = memoryTimeMs >= computeTimeMs ? 'memory' : 'compute';
    boundComplete = true;
  } else if (memoryTimeMs !== null) {
    boundTimeMs = memoryTimeMs;
  } else if (computeTimeMs !== null) {
    boundTimeMs = computeTimeMs;
  }

  const timed = times.get(layer.name);
  const timeMs = timed ? timed.ms : null;
  const timeSource: TimeSource = timed ? timed.source : 'none';
  const seconds = timeMs !== null && timeMs > 0 ? timeMs / 1e3 : null;
  const achievedTflops = seconds !== null && flops !== null ? flops / seconds / 1e12 : null;
  const achievedGBs = seconds !== null && bytes ? bytes.total / seconds / 1e9 : null;
  if (sparse && layer.convolution && !layer.convolution.hasSparseWeights) notes.push('Tactic name says sparse but the inspector reports no sparse weights.');
  return {
    name: layer.name,
    layerType: layer.layerType,
    precision: layer.precision,
    isReformat: layer.isReformat,
    sparse,
    flops,
    flopsSource,
    bytes,
    intensity,
    peakTflops,
    ridgePoint,
    boundTimeMs,
    boundComplete,
    bound,
    timeMs,
    timeSource,
    achievedTflops,
    percentOfPeak: achievedTflops !== null && peakTflops !== null && flops !== 0 ? (achievedTflops / peakTflops) * 100 : null,
    achievedGBs,
    percentOfBandwidth: achievedGBs !== null ? (achievedGBs / profile.memoryBandwidthGBs) * 100 : null,
    percentOfRoofline: seconds !== null && boundTimeMs !== null ? (boundTimeMs / (timeMs as number)) * 100 : null,
    notes,
  };
}

/** Multiply-adds × 2 of a convolution or deconvolution from the inspector's fields, or `null`. */
export function convolutionFlops(layer: LayerInfo): number | null {
  const conv = layer.convolution;
  if (!conv) return null;
  const input = layer.inputs[0]?.dimensions;
  const output = layer.outputs[0]?.dimensions;
  if (!input || !output || input.length < 3 || output.length < 3 || [...input, ...output].some((dim) => !(dim > 0))) return null;
  const kernelVolume = conv.kernel.reduce((product, size) => product * size, 1);
  const groups = conv.groups > 0 ? conv.groups : 1;
  const batch = output[0];
  const deconvolution = /deconvolution/i.test(layer.parameterType ?? layer.layerType);
  // Deconvolution scatters each input pixel through the kernel, so its MACs follow the input's spatial size.
  const spatial = (deconvolution ? input : output).slice(2).reduce((product, size) => product * size, 1);
  const inChannels = input[1];
  const outChannels = conv.outMaps > 0 ? conv.outMaps : output[1];
  const weightsPerPixel = deconvolution ? inChannels * (outChannels / groups) * kernelVolume : outChannels * (inChannels / groups) * kernelVolume;
  // Weights.Count is the exact per-pixel MAC count when present (it already reflects groups).
  const macsPerPixel = conv.weights && conv.weights.count > 0 ? conv.weights.count : weightsPerPixel;
  return 2 * batch * spatial * macsPerPixel;
}

function computeDataType(layer: LayerInfo): DataTypeName | undefined {
  if (layer.precision !== 'mixed') return layer.precision;
  const types = layer.inputs.map((tensor) => tensor.dataType);
  for (const preferred of ['int8', 'fp8', 'float16', 'bfloat16', 'float32'] as const) if (types.includes(preferred)) return preferred;
  return undefined;
}

function computePeak(type: DataTypeName | undefined, sparse: boolean, profile: ResolvedPeaks['profile'], notes: string[]): number | null {
  const fp16 = sparse ? profile.fp16SparseTflops : profile.fp16DenseTflops;
  switch (type) {
    case 'float16':
    case 'bfloat16':
      return fp16;
    case 'int8':
      notes.push('INT8 Tensor Core peak taken as 2× FP16 (true for Turing, Ampere, Ada and Hopper).');
      return 2 * fp16;
    case 'fp8':
      if (Number.parseFloat(profile.computeCapability) >= 8.9) {
        notes.push('FP8 Tensor Core peak taken as 2× FP16 (Ada and Hopper).');
        return 2 * fp16;
      }
      notes.push('No FP8 peak for this GPU.');
      return null;
    case 'float32':
      notes.push('FP32 peak is the non-Tensor-Core figure; TF32 kernels can exceed it.');
      return profile.fp32Tflops > 0 ? profile.fp32Tflops : null;
    default:
      return null;
  }
}

/** Bytes of one tensor with the channel dimension padded for vectorised formats, or `null` when unknown. */
export function paddedTensorBytes(tensor: LayerTensor): { bytes: number; padding: number } | null {
  const valueBytes = dataTypeFacts(tensor.dataType)?.bytes;
  const dims = tensor.dimensions;
  if (valueBytes === undefined || !Array.isArray(dims) || dims.some((dim) => !(dim >= 0))) return null;
  const elements = product(dims);
  const alignment = tensorAlignment(tensor);
  const channelIndex = dims.length - (formatFacts(tensor.format)?.spatialDims === 3 ? 4 : 3);
  if (alignment <= 1 || channelIndex < 0 || dims[channelIndex] === 0) return { bytes: elements * valueBytes, padding: 0 };
  const channels = dims[channelIndex];
  const padded = Math.ceil(channels / alignment) * alignment;
  const paddedElements = (elements / channels) * padded;
  return { bytes: paddedElements * valueBytes, padding: (paddedElements - elements) * valueBytes };
}

function tensorAlignment(tensor: LayerTensor): number {
  return Math.max(tensor.channelAlignment > 0 ? tensor.channelAlignment : 1, formatFacts(tensor.format)?.vectorWidth ?? 1);
}

function sumTensors(tensors: LayerTensor[]): { bytes: number; padding: number } | null {
  let bytes = 0;
  let padding = 0;
  for (const tensor of tensors) {
    const size = paddedTensorBytes(tensor);
    if (!size) return null;
    bytes += size.bytes;
    padding += size.padding;
  }
  return { bytes, padding };
}

function computeTotals(layers: LayerEfficiency[], input: EfficiencyInput): EfficiencyTotals {
  const timed = layers.filter((layer) => layer.timeMs !== null);
  const sources = new Set(timed.map((layer) => layer.timeSource));
  const layerTimeSumMs = sum(timed.map((layer) => layer.timeMs as number));
  const flops = sum(layers.map((layer) => layer.flops ?? 0));
  const reformats = layers.filter((layer) => layer.isReformat);
  const reformatTimeMs = sum(reformats.map((layer) => layer.timeMs ?? 0));
  const boundTimeMs = sum(timed.map((layer) => layer.boundTimeMs ?? 0));
  const wallMs = input.endToEndMs ?? (layerTimeSumMs > 0 ? layerTimeSumMs : undefined);
  const achievedTflops = wallMs !== undefined && wallMs > 0 ? flops / (wallMs / 1e3) / 1e12 : null;
  return {
    layerCount: layers.length,
    flops,
    unknownFlopsLayers: layers.filter((layer) => layer.flops === null).map((layer) => layer.name),
    bytes: sum(layers.map((layer) => layer.bytes?.total ?? 0)),
    paddingBytes: sum(layers.map((layer) => layer.bytes?.padding ?? 0)),
    layerTimeSumMs,
    timeSource: sources.size === 0 ? 'none' : sources.size > 1 ? 'mixed' : (timed[0].timeSource as 'measured' | 'estimated'),
    endToEndMs: input.endToEndMs,
    endToEndEstimated: input.endToEndMs !== undefined ? input.endToEndEstimated === true : undefined,
    boundTimeMs,
    percentOfRoofline: layerTimeSumMs > 0 ? (boundTimeMs / layerTimeSumMs) * 100 : null,
    achievedTflops,
    percentOfDenseFp16Peak: achievedTflops !== null ? (achievedTflops / input.peaks.profile.fp16DenseTflops) * 100 : null,
    reformatCount: reformats.length,
    reformatTimeMs,
    reformatPercent: layerTimeSumMs > 0 ? (reformatTimeMs / layerTimeSumMs) * 100 : null,
    memoryBoundTimeMs: sum(timed.filter((layer) => layer.bound === 'memory').map((layer) => layer.timeMs as number)),
    computeBoundTimeMs: sum(timed.filter((layer) => layer.bound === 'compute').map((layer) => layer.timeMs as number)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Advice

function buildAdvice(report: EfficiencyReport, input: EfficiencyInput): EfficiencyAdvice[] {
  const advice: EfficiencyAdvice[] = [];
  const byName = new Map(report.layers.map((layer) => [layer.name, layer]));
  const total = report.totals.layerTimeSumMs;
  const share = (ms: number): string => (total > 0 ? `${fmt((ms / total) * 100, 3)}% of the layer time sum (${fmtMs(total)})` : 'untimed');

  // (a) Reformats at the network IO, and (a') reformats between layers.
  const { inputs: networkInputs, outputs: networkOutputs } = engineNetworkIO(input.layers);
  const ioInputSpecs: string[] = [];
  const ioOutputSpecs: string[] = [];
  const ioLayers: LayerInfo[] = [];
  const unnamedIo: LayerInfo[] = [];
  const internal: LayerInfo[] = [];
  for (const layer of input.layers.filter((candidate) => candidate.isReformat)) {
    const atInput = layer.inputs.some((tensor) => networkInputs.has(tensor.name));
    const atOutput = layer.outputs.some((tensor) => networkOutputs.has(tensor.name));
    // Only a layout with a TensorRT format name can be asked for as an IO format.
    if (atInput && layer.outputs[0] && layer.outputs[0].format !== 'unknown') ioInputSpecs.push(ioSpec(layer.outputs[0]));
    if (atOutput && layer.inputs[0] && layer.inputs[0].format !== 'unknown') ioOutputSpecs.push(ioSpec(layer.inputs[0]));
    if ((atInput && layer.outputs[0]?.format === 'unknown') || (atOutput && layer.inputs[0]?.format === 'unknown')) unnamedIo.push(layer);
    (atInput || atOutput ? ioLayers : internal).push(layer);
  }
  if (ioLayers.length > 0 && ioInputSpecs.length === 0 && ioOutputSpecs.length === 0) {
    // e.g. resnet18's first convolution (C=3) reads a 4-wide channel-last layout: no IO format names it.
    const times = ioLayers.map((layer) => byName.get(layer.name)?.timeMs ?? null);
    const ms = sum(times.map((time) => time ?? 0));
    const known = times.every((time) => time !== null);
    advice.push({
      kind: 'io-reformats',
      message:
        `${ioLayers.length} IO reformat layer(s) (${ioLayers.map((layer) => layer.name).join('; ')}) convert into a layout TensorRT has no IO format name for ` +
        `(${unnamedIo.map((layer) => (layer.outputs[0]?.format === 'unknown' ? layer.outputs[0] : layer.inputs[0])?.formatText).filter(Boolean).join('; ')}), so no --inputIOFormats/--outputIOFormats removes them; they took ${known ? `${fmtMs(ms)} = ${share(ms)}` : 'an unmeasured time'}.`,
      layers: ioLayers.map((layer) => layer.name),
      gainIsUpperBound: true,
      estimated: ioLayers.some((layer) => byName.get(layer.name)?.timeSource === 'estimated'),
    });
  } else if (ioLayers.length > 0) {
    const times = ioLayers.map((layer) => byName.get(layer.name)?.timeMs ?? null);
    const known = times.every((time) => time !== null);
    const ms = sum(times.map((time) => time ?? 0));
    const estimated = ioLayers.some((layer) => byName.get(layer.name)?.timeSource === 'estimated');
    const inputSpec = uniqueSpec(ioInputSpecs);
    const outputSpec = uniqueSpec(ioOutputSpecs);
    const options = [inputSpec && `inputIOFormats: '${inputSpec}'`, outputSpec && `outputIOFormats: '${outputSpec}'`].filter(Boolean).join(' and ');
    const flags = [inputSpec && `--inputIOFormats=${inputSpec}`, outputSpec && `--outputIOFormats=${outputSpec}`].filter(Boolean).join(' ');
    const trt11 = [inputSpec && `--inputIOFormats=${stripType(inputSpec)}`, outputSpec && `--outputIOFormats=${stripType(outputSpec)}`].filter(Boolean).join(' ');
    const padding = sum(ioLayers.map((layer) => byName.get(layer.name)?.bytes?.padding ?? 0));
    advice.push({
      kind: 'io-reformats',
      message:
        `Set ${options} (trtexec ${flags}; TensorRT 11 spells it ${trt11}). ` +
        `These ${ioLayers.length} IO reformat layer(s) only convert between your layout and the kernels' layout; they took ${known ? `${fmtMs(ms)} = ${share(ms)}` : 'an unmeasured time'}` +
        `${estimated ? ' (estimated)' : ''}. The application must then supply and read the vectorised layout (NHWC with channels padded to the vector width)` +
        `${padding > 0 ? `; note ${fmtBytes(padding)} of that traffic is channel padding` : ''}; if it cannot, the conversion moves to your side rather than disappearing.`,
      layers: ioLayers.map((layer) => layer.name),
      expectedGainMs: known ? ms : undefined,
      gainIsUpperBound: true,
      estimated,
    });
  }
  if (internal.length > 0) {
    const rows = internal.map((layer) => ({ layer, time: byName.get(layer.name)?.timeMs ?? null }));
    const ms = sum(rows.map((row) => row.time ?? 0));
    const top = [...rows].sort((a, b) => (b.time ?? 0) - (a.time ?? 0)).slice(0, 3);
    advice.push({
      kind: 'internal-reformats',
      message:
        `${internal.length} reformat layer(s) between layers took ${fmtMs(ms)} = ${share(ms)}: ` +
        top.map((row) => `"${row.layer.name}" ${describeTensor(row.layer.inputs[0])} → ${describeTensor(row.layer.outputs[0])}${row.time !== null ? ` ${fmtMs(row.time)}` : ''}`).join('; ') +
        '. They appear where neighbouring layers have no kernel for a common format: aligning channel counts (below) or changing the layer between them usually removes them.',
      layers: internal.map((layer) => layer.name),
      expectedGainMs: rows.every((row) => row.time !== null) ? ms : undefined,
      gainIsUpperBound: true,
      estimated: internal.some((layer) => byName.get(layer.name)?.timeSource === 'estimated'),
    });
  }

  // (b) Channel counts that Tensor Core kernels pad.
  const alignmentItems: string[] = [];
  const alignmentLayers: string[] = [];
  let alignmentGain = 0;
  let alignmentGainKnown = true;
  for (const layer of input.layers) {
    const conv = layer.convolution;
    const efficiency = byName.get(layer.name);
    if (!conv || !efficiency) continue;
    const required = requiredAlignment(computeDataType(layer));
    if (!required) continue;
    const inChannels = layer.inputs[0]?.dimensions?.[1];
    const outChannels = conv.outMaps > 0 ? conv.outMaps : layer.outputs[0]?.dimensions?.[1];
    if (!(inChannels > 0) || !(outChannels > 0)) continue;
    const paddedIn = roundUp(inChannels, required.alignment);
    const paddedOut = roundUp(outChannels, required.alignment);
    if (paddedIn === inChannels && paddedOut === outChannels) continue;
    const computeOverhead = ((paddedIn * paddedOut) / (inChannels * outChannels) - 1) * 100;
    const parts: string[] = [];
    if (paddedIn !== inChannels) parts.push(`C=${inChannels} → use ${paddedIn}`);
    if (paddedOut !== outChannels) parts.push(`K=${outChannels} → use ${paddedOut}`);
    const trafficShare = efficiency.bytes && efficiency.bytes.total > 0 ? efficiency.bytes.padding / efficiency.bytes.total : 0;
    const wasteShare = efficiency.bound === 'compute' ? 1 - (inChannels * outChannels) / (paddedIn * paddedOut) : trafficShare;
    const cost = efficiency.timeMs !== null ? efficiency.timeMs * wasteShare : null;
    if (cost === null) alignmentGainKnown = false;
    else alignmentGain += cost;
    alignmentLayers.push(layer.name);
    alignmentItems.push(
      `"${layer.name}" (${required.label}, multiple of ${required.alignment}): ${parts.join(', ')}; padding costs ${fmt(computeOverhead, 3)}% extra MACs` +
        `${trafficShare > 0 ? ` and ${fmt(trafficShare * 100, 3)}% of its traffic is padding` : ''}${cost !== null ? ` (≈ ${fmtMs(cost)} of its ${fmtMs(efficiency.timeMs as number)})` : ''}`,
    );
  }
  if (alignmentItems.length > 0) {
    advice.push({
      kind: 'channel-alignment',
      message: `Channel counts that are not multiples of the Tensor Core vector width are padded, and the padding is computed and moved like real data: ${alignmentItems.join('; ')}. Rounding up to the aligned count makes the padded work useful (same time, more features); rounding down saves it.`,
      layers: alignmentLayers,
      expectedGainMs: alignmentGainKnown ? alignmentGain : undefined,
      gainIsUpperBound: true,
      estimated: alignmentLayers.some((name) => byName.get(name)?.timeSource === 'estimated'),
    });
  }

  // (c) Memory-bound compute layers: the yardstick is bandwidth.
  const memoryBound = report.layers.filter((layer) => layer.bound === 'memory' && !layer.isReformat && (layer.flops ?? 0) > 0 && layer.timeMs !== null && layer.timeMs > 0);
  if (memoryBound.length > 0) {
    const time = sum(memoryBound.map((layer) => layer.timeMs as number));
    const boundTime = sum(memoryBound.map((layer) => layer.boundTimeMs as number));
    const flops = sum(memoryBound.map((layer) => layer.flops as number));
    const bytes = sum(memoryBound.map((layer) => layer.bytes?.total ?? 0));
    const intensity = flops / bytes;
    const peak = memoryBound[0].peakTflops as number;
    const ridge = memoryBound[0].ridgePoint as number;
    const attainableTflops = (intensity * report.bandwidthGBs * 1e9) / 1e12;
    const achievedTflops = flops / (time / 1e3) / 1e12;
    const achievedGBs = bytes / (time / 1e3) / 1e9;
    let message =
      `${memoryBound.length} compute layer(s) are memory-bound: intensity ${fmt(intensity, 3)} FLOP/B is below the ridge point ${fmt(ridge, 3)} FLOP/B ` +
      `(${fmt(peak, 4)} TFLOP/s ÷ ${fmt(report.bandwidthGBs, 4)} GB/s), so bandwidth is the limit and "% of Tensor Core peak" is the wrong yardstick: ` +
      `at this intensity the roof is ${fmt(attainableTflops, 3)} TFLOP/s = ${fmt((attainableTflops / peak) * 100, 3)}% of the peak, the most these layers can reach. ` +
      `They achieve ${fmt(achievedTflops, 3)} TFLOP/s (${fmt((achievedTflops / peak) * 100, 3)}% of peak) and ${fmt(achievedGBs, 4)} GB/s = ${fmt((achievedGBs / report.bandwidthGBs) * 100, 3)}% of bandwidth; ` +
      `${fmtMs(time)} ${timeWord(memoryBound)} vs ${fmtMs(boundTime)} at the roofline = ${fmt((boundTime / time) * 100, 3)}% of roofline.`;
    const widening = wideningAdvice(input.layers.filter((layer) => memoryBound.some((bound) => bound.name === layer.name)), report, ridge);
    if (widening) message += ` ${widening}`;
    advice.push({
      kind: 'memory-bound',
      message,
      layers: memoryBound.map((layer) => layer.name),
      expectedGainMs: Math.max(time - boundTime, 0),
      gainIsUpperBound: true,
      estimated: memoryBound.some((layer) => layer.timeSource === 'estimated'),
    });
  }

  // (d) Which peak the user divided by.
  const userPeak = input.userPeakTflops;
  if (userPeak !== undefined && userPeak > 0) {
    const profile = report.peaks.profile;
    const anySparse = report.layers.some((layer) => layer.sparse);
    const wall = report.totals.endToEndMs ?? (total > 0 ? total : undefined);
    const flops = report.totals.flops;
    const userFigure = wall !== undefined ? (flops / (wall / 1e3) / 1e12 / userPeak) * 100 : undefined;
    const denseFigure = wall !== undefined ? (flops / (wall / 1e3) / 1e12 / profile.fp16DenseTflops) * 100 : undefined;
    const near = (a: number, b: number): boolean => Math.abs(a / b - 1) <= 0.03;
    const parts: string[] = [];
    if (near(userPeak, profile.fp16SparseTflops) && !anySparse) {
      parts.push(
        `${fmt(userPeak, 4)} TFLOP/s is the 2:4 sparse FP16 peak of ${profile.name}, but no layer of this engine runs a sparse tactic: the dense peak is ${fmt(profile.fp16DenseTflops, 4)} TFLOP/s, half of it.`,
      );
    } else if (near(userPeak, 2 * profile.fp16DenseTflops) && !anySparse) {
      parts.push(`${fmt(userPeak, 4)} TFLOP/s is twice the dense FP16 peak (${fmt(profile.fp16DenseTflops, 4)}), i.e. a sparse figure, and no layer runs a sparse tactic.`);
    }
    if (userFigure !== undefined && denseFigure !== undefined) {
      const roof = report.totals.percentOfRoofline;
      parts.push(
        `${fmtFlops(flops)} in ${fmtMs(wall as number)} is ${fmt(userFigure, 3)}% of ${fmt(userPeak, 4)} TFLOP/s and ${fmt(denseFigure, 3)}% of the dense FP16 peak` +
          `${roof !== null ? `; against the roofline (bandwidth for memory-bound layers) the layers run at ${fmt(roof, 3)}%` : ''}.`,
      );
    }
    if (parts.length > 0) {
      advice.push({ kind: 'peak-choice', message: parts.join(' '), layers: [], gainIsUpperBound: false, estimated: report.estimated });
    }
  }

  // Unknown FLOPs: said plainly rather than guessed.
  const unknown = report.totals.unknownFlopsLayers;
  if (unknown.length > 0) {
    const ms = sum(unknown.map((name) => byName.get(name)?.timeMs ?? 0));
    advice.push({
      kind: 'unknown-flops',
      message: `FLOPs of ${unknown.length} layer(s) are unknown (${fmtMs(ms)} of time), so they are left out of the FLOP totals and % of peak: ${unknown.slice(0, 5).map((name) => `"${name}"`).join(', ')}${unknown.length > 5 ? ', …' : ''}. Pass the ONNX node costs (onnx cost model) to count them.`,
      layers: unknown,
      gainIsUpperBound: false,
      estimated: false,
    });
  }
  return advice;
}

/**
 * For memory-bound convolutions: how arithmetic intensity grows with the channel count, which count reaches the
 * ridge point, and what a wider-but-shallower network would cost for the same FLOPs.
 */
function wideningAdvice(convs: LayerInfo[], report: EfficiencyReport, ridge: number): string | undefined {
  const candidates = convs.filter((layer) => layer.convolution && layer.inputs[0]?.dimensions?.length === 4 && layer.outputs[0]?.dimensions?.length === 4);
  if (candidates.length === 0) return undefined;
  const layer = candidates[0];
  const intensityAt = (factor: number): number | undefined => scaledConvIntensity(layer, factor);
  const current = intensityAt(1);
  if (current === undefined) return undefined;
  const inChannels = layer.inputs[0].dimensions[1];
  const outChannels = layer.convolution?.outMaps || layer.outputs[0].dimensions[1];
  // Smallest input channel count (same C:K ratio) whose intensity reaches the ridge, searched channel by channel.
  let reachChannels: number | undefined;
  for (let channels = inChannels + 1; channels <= inChannels * 64; channels += 1) {
    const intensity = intensityAt(channels / inChannels);
    if (intensity !== undefined && intensity >= ridge) {
      reachChannels = channels;
      break;
    }
  }
  const x4 = intensityAt(4);
  if (x4 === undefined) return undefined;
  const bandwidth = report.bandwidthGBs * 1e9;
  const layers = report.layers.filter((efficiency) => candidates.some((candidate) => candidate.name === efficiency.name));
  const flops = sum(layers.map((efficiency) => efficiency.flops ?? 0));
  const bytes = sum(layers.map((efficiency) => efficiency.bytes?.total ?? 0));
  const peak = (layers[0]?.peakTflops ?? report.peaks.profile.fp16DenseTflops) * 1e12;
  const roofNow = Math.max(flops / peak, bytes / bandwidth) * 1e3;
  const roofWide = Math.max(flops / peak, flops / x4 / bandwidth) * 1e3;
  const same = inChannels === outChannels ? `C=${inChannels}` : `C=${inChannels}, K=${outChannels}`;
  const wide = inChannels === outChannels ? `C=${inChannels * 4}` : `C=${inChannels * 4}, K=${outChannels * 4}`;
  return (
    `Wider channels raise intensity about linearly (FLOPs grow with C×K, activation bytes with C+K): "${layer.name}" at ${same} has ${fmt(current, 3)} FLOP/B; at ${wide} it would have ${fmt(x4, 3)} FLOP/B` +
    `${reachChannels !== undefined ? `; the ridge (${fmt(ridge, 3)} FLOP/B) is reached from C=${reachChannels} (C=${roundUp(reachChannels, 8)} as a multiple of 8)` : ''}. ` +
    `One ${wide} layer does 16× the FLOPs of a ${same} layer for ~4× the traffic, so 1/4 of the layers at 4× the channels do 4× the FLOPs in the same bytes; for the same FLOPs (1/16 of the layers) the roofline time of these layers would fall from ${fmtMs(roofNow)} to ${fmtMs(roofWide)}.`
  );
}

/** Intensity of a 4-D conv layer if both channel counts were multiplied by `factor` (same types and formats). */
function scaledConvIntensity(layer: LayerInfo, factor: number): number | undefined {
  const conv = layer.convolution;
  if (!conv) return undefined;
  const scaleChannels = (tensor: LayerTensor): LayerTensor => ({ ...tensor, dimensions: tensor.dimensions.map((dim, index) => (index === 1 ? Math.round(dim * factor) : dim)) });
  const scaled: LayerInfo = {
    ...layer,
    inputs: layer.inputs.slice(0, 1).map(scaleChannels),
    outputs: layer.outputs.slice(0, 1).map(scaleChannels),
    convolution: {
      ...conv,
      outMaps: Math.round((conv.outMaps || layer.outputs[0].dimensions[1]) * factor),
      weights: conv.weights ? { ...conv.weights, count: Math.round(conv.weights.count * factor * factor) } : undefined,
      bias: conv.bias ? { ...conv.bias, count: Math.round(conv.bias.count * factor) } : undefined,
    },
  };
  const flops = convolutionFlops(scaled);
  const input = paddedTensorBytes(scaled.inputs[0]);
  const output = paddedTensorBytes(scaled.outputs[0]);
  const type = computeDataType(layer);
  const valueBytes = type ? dataTypeFacts(type)?.bytes : undefined;
  if (flops === null || !input || !output || valueBytes === undefined) return undefined;
  const weights = ((scaled.convolution?.weights?.count ?? 0) + (scaled.convolution?.bias?.count ?? 0)) * valueBytes;
  return flops / (input.bytes + output.bytes + weights);
}

function requiredAlignment(type: DataTypeName | undefined): { alignment: number; label: string } | undefined {
  if (type === 'float16' || type === 'bfloat16') return { alignment: 8, label: type === 'float16' ? 'FP16' : 'BF16' };
  if (type === 'int8' || type === 'fp8') return { alignment: 16, label: type === 'int8' ? 'INT8' : 'FP8' };
  return undefined;
}

/** Tensors consumed but never produced (network inputs) and produced but never consumed (network outputs). */
export function engineNetworkIO(layers: LayerInfo[]): { inputs: Set<string>; outputs: Set<string> } {
  const produced = new Set<string>();
  const consumed = new Set<string>();
  for (const layer of layers) {
    for (const tensor of layer.outputs) produced.add(tensor.name);
    for (const tensor of layer.inputs) consumed.add(tensor.name);
  }
  return {
    inputs: new Set([...consumed].filter((name) => !produced.has(name))),
    outputs: new Set([...produced].filter((name) => !consumed.has(name))),
  };
}

function uniqueSpec(specs: string[]): string | undefined {
  const unique = [...new Set(specs)];
  return unique.length === 0 ? undefined : unique.join(',');
}

function stripType(spec: string): string {
  return spec
    .split(',')
    .map((part) => part.split(':').pop())
    .join(',');
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

/**
 * Plain-text rendering of an {@link EfficiencyReport}: conventions, peaks, one row per layer, totals and advice.
 * Estimated times carry an `(est)` mark and the header says so.
 */
export function formatEfficiency(report: EfficiencyReport): string {
  const lines: string[] = [];
  const profile = report.peaks.profile;
  if (report.estimated) lines.push('ESTIMATED: some times below come from a cost model (mock backend), not from a GPU.');
  lines.push(
    `Peaks (${report.peaks.source}): ${profile.name}: FP16 dense ${fmt(profile.fp16DenseTflops, 4)} TFLOP/s, FP16 2:4 sparse ${fmt(profile.fp16SparseTflops, 4)} TFLOP/s, memory ${fmt(report.bandwidthGBs, 4)} GB/s; ridge point (FP16 dense) ${fmt((profile.fp16DenseTflops * 1e12) / (report.bandwidthGBs * 1e9), 3)} FLOP/B.`,
  );
  for (const convention of report.conventions) lines.push(`- ${convention}`);
  lines.push('');
  const header = ['layer', 'type', 'prec', 'FLOPs', 'bytes', 'FLOP/B', 'bound', 'time', 'roofline', '%peak', '%roof'];
  const rows = report.layers.map((layer) => [
    truncate(layer.name, 48),
    truncate(layer.layerType, 18),
    shortPrecision(layer.precision) + (layer.sparse ? ' 2:4' : ''),
    layer.flops === null ? 'unknown' : layer.flops === 0 ? '0' : fmtFlops(layer.flops),
    layer.bytes ? fmtBytes(layer.bytes.total) : 'unknown',
    layer.intensity === null ? '-' : fmt(layer.intensity, 3),
    layer.bound ?? '-',
    layer.timeMs === null ? '-' : `${layer.timeMs.toFixed(3)}${layer.timeSource === 'estimated' ? ' (est)' : ''}`,
    layer.boundTimeMs === null ? '-' : `${layer.boundTimeMs.toFixed(3)}${layer.boundComplete ? '' : '+'}`,
    layer.percentOfPeak === null ? '-' : `${fmt(layer.percentOfPeak, 3)}%`,
    layer.percentOfRoofline === null ? '-' : `${fmt(layer.percentOfRoofline, 3)}%`,
  ]);
  lines.push(...table(header, rows, new Set([3, 4, 5, 7, 8, 9, 10])));
  lines.push('Times in ms. "+": FLOPs unknown, the roofline time counts bytes only.');
  lines.push('');
  const totals = report.totals;
  lines.push(
    `Total: ${fmtFlops(totals.flops)}${totals.unknownFlopsLayers.length > 0 ? ` (+ ${totals.unknownFlopsLayers.length} layer(s) unknown)` : ''}, ${fmtBytes(totals.bytes)} moved (${fmtBytes(totals.paddingBytes)} padding).`,
  );
  if (totals.timeSource !== 'none') {
    lines.push(
      `Layer time sum ${fmtMs(totals.layerTimeSumMs)} (${totals.timeSource}); roofline bound ${fmtMs(totals.boundTimeMs)} = ${totals.percentOfRoofline === null ? '-' : `${fmt(totals.percentOfRoofline, 3)}%`} of roofline; memory-bound layers ${fmtMs(totals.memoryBoundTimeMs)}, compute-bound ${fmtMs(totals.computeBoundTimeMs)}.`,
    );
  }
  if (totals.endToEndMs !== undefined) lines.push(`End-to-end ${fmtMs(totals.endToEndMs)}${totals.endToEndEstimated ? ' (estimated)' : ''}.`);
  if (totals.achievedTflops !== null) {
    lines.push(`Achieved ${fmt(totals.achievedTflops, 3)} TFLOP/s = ${fmt(totals.percentOfDenseFp16Peak ?? 0, 3)}% of the dense FP16 peak (over ${totals.endToEndMs !== undefined ? 'end-to-end time' : 'the layer time sum'}).`);
  }
  if (totals.reformatCount > 0) {
    lines.push(`Reformats: ${totals.reformatCount} layer(s), ${fmtMs(totals.reformatTimeMs)}${totals.reformatPercent !== null ? ` = ${fmt(totals.reformatPercent, 3)}% of the layer time sum` : ''}.`);
  }
  for (const warning of report.peaks.warnings ?? []) lines.push(`Warning: ${warning}`);
  for (const note of [...report.peaks.notes, ...report.notes]) lines.push(`Note: ${note}`);
  if (report.advice.length > 0) {
    lines.push('', 'Advice:');
    report.advice.forEach((item, index) => {
      const gain = item.expectedGainMs !== undefined ? ` [expected gain ${item.gainIsUpperBound ? 'up to ' : ''}${fmtMs(item.expectedGainMs)}${item.estimated ? ', estimated' : ''}]` : '';
      lines.push(`${index + 1}. (${item.kind}) ${item.message}${gain}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** How a set of layer times was obtained, in one word for prose: never "measured" for an estimate. */
function timeWord(layers: readonly { timeSource: TimeSource }[]): string {
  const estimated = layers.filter((layer) => layer.timeSource === 'estimated').length;
  if (estimated === 0) return 'measured';
  return estimated === layers.length ? 'estimated' : 'partly measured, partly estimated';
}

/** trtexec's word for a precision (`fp16`); types trtexec has no word for keep their name. */
function shortPrecision(precision: string): string {
  return dataTypeFacts(precision)?.ioType ?? precision;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

