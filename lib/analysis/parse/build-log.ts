/**
 * Reader for TensorRT's verbose builder log (8.5 to 11): the sparsity report, every timed tactic per layer (the
 * classic autotuner of 8.x-10.x and the editable-timing-cache tables of 10.8+/11), and the final engine layer
 * lines with their tensor formats. Accepts trtexec's `[date] [V] [TRT] ` prefixes, bare messages, CRLF, and
 * long lines that a terminal or a forum post wrapped.
 */
import { TensorRTError } from '../../errors.js';
import type { LayerInfo, LayerProfile, LayerTactics, LayerTensor, SparsitySummary, TacticCandidate } from '../../types/index.js';
import { dataTypeFromWord, parseBracketTensor, parseFormatText, splitTopLevel } from './tensor-format.js';

/**
 * A layer as the log's engine summary prints it: 8.x `Layer(CaskConvolution): name, Tactic: 0x…, in (Half[…]) -> out
 * (…)`, or 10.x's one-line layer information after `Layers:` (`Name: …, LayerType: …, Inputs: [ { … } ], …,
 * TacticName: …, TacticValue: 0x…`), whose tensors carry only a type word (`Half`), no layout.
 */
export interface EngineLayerLine {
  name: string;
  layerType: string;
  /** `undefined` for 10.x layers without a `TacticValue` (Myelin kernels). */
  tactic?: string;
  /** 10.x `TacticName`, when the line has one. */
  kernelName?: string;
  /** 10.x `ParameterType` (`Convolution`, `Reformat`, …). */
  parameterType?: string;
  /** 10.x convolution parameters, as the inspector gives them. */
  convolution?: LayerInfo['convolution'];
  inputs: LayerTensor[];
  outputs: LayerTensor[];
}

/**
 * A timing-cache hit: a layer identical to one already timed prints `<layer> [<formats>] got cached result:
 * <runner>, tactic 0x…, <ms> ms` instead of its candidates. {@link CachedResult.source} is the layer whose timing
 * was reused, found as the earlier candidate with the same runner, tactic, format combination and time.
 */
export interface CachedResult {
  layer: string;
  /** Format combination, TensorRT's stride notation (`Half(…) -> Half(…)`). */
  formats: string;
  implementation: string;
  tactic: string;
  timeMs: number | null;
  /** The layer (or reformat runner) that was timed, when found. */
  source?: string;
  /**
   * False when the source was matched on runner, tactic and formats but timed differently (TensorRT prints 0 ms
   * for some hits of same-format reformats); absent when no source was found.
   */
  timeMatches?: boolean;
}

/** A reformat layer TensorRT added to the graph (`Adding reformat layer: Reformatted Input Tensor 0 to L (t) from A to B`). */
export interface AddedReformat {
  /** The reformat layer's own name (`Reformatted Input Tensor 0 to <layer>`). */
  name: string;
  /** The network tensor on the far side (the input that is copied, or the output that is written). */
  tensor: string;
  /** Format before and after, stride notation. */
  from: string;
  to: string;
}

/** An implementation the autotuner tried and found nothing for (`X has no valid tactics for this config, skipping`). */
export interface SkippedRunner {
  layer: string;
  implementation: string;
  /** Format combination it was tried under, TensorRT's notation. */
  formats?: string;
  reason: string;
}

/** The fastest tactic of one runner under one format combination (`Fastest Tactic: …`). */
export interface RunnerFastest {
  layer: string;
  implementation: string;
  formats?: string;
  tactic: string;
  timeMs: number | null;
}

/** GPU compute statistics from trtexec's `=== Performance summary ===` (`GPU Compute Time: min = … ms, …`), in ms. */
export interface TrtexecComputeTime {
  min: number;
  max: number;
  mean: number;
  median: number;
  /** `percentile(99%)` and the other percentiles trtexec printed, by percent. */
  percentiles: Record<string, number>;
}

/**
 * What trtexec itself (not TensorRT) printed around the build: its `[I]` option and device sections, the
 * performance summary and the `--dumpProfile` table. Times here are MEASURED by trtexec on the GPU it names.
 */
export interface TrtexecLogSummary {
  /** `Selected Device: NVIDIA H200`. */
  device?: string;
  /** `Compute Capability: 9.0`. */
  computeCapability?: string;
  /** `Sparsity: Enabled` / `Disabled`. */
  sparsity?: string;
  /** `Precision: FP32+FP16`. */
  precision?: string;
  /** 10.x `Input(s) format: fp16:hwc8`, 8.x `Input(s)s format: fp32:CHW`, as printed. */
  inputFormats?: string;
  outputFormats?: string;
  /** The performance summary's GPU compute time (the last summary when there are several). */
  gpuCompute?: TrtexecComputeTime;
  /** The `=== Profile (N iterations ) ===` table of `--dumpProfile`, `Total` row left out. */
  profile?: LayerProfile[];
  profileIterations?: number;
}

/** Everything {@link parseBuildLog} found. */
export interface ParsedBuildLog {
  /** TensorRT version, when a line reveals it (`TensorRT version: 8.5.2`, `[TensorRT v100800]`). */
  tensorrtVersion?: string;
  /** The two sparsity lists; empty when the log has none (see {@link ParsedBuildLog.sparsityListsFound}). */
  sparsity: SparsitySummary;
  /** Whether each sparsity line was present (absent is not the same as empty). */
  sparsityListsFound: { eligible: boolean; picked: boolean };
  /** Per layer (classic log) or per op (editable timing cache): every timed candidate and the choice. */
  tactics: LayerTactics[];
  /** Engine layer lines, in log order. */
  engineLayers: EngineLayerLine[];
  /** Input and output tensors of each engine layer, by layer name. */
  formatsByLayer: Record<string, { inputs: LayerTensor[]; outputs: LayerTensor[] }>;
  /** Runners that had no valid tactic for a format combination. */
  skippedRunners: SkippedRunner[];
  /** Timing-cache hits, each followed to the layer whose timing was reused where the log shows it. */
  cachedResults: CachedResult[];
  /** Reformat layers the builder added, with both formats (10.x prints these before the layer information). */
  addedReformats: AddedReformat[];
  /** Per-runner fastest tactics as the log states them. */
  fastest: RunnerFastest[];
  /** Reasons the log (the mock's, or TensorRT's own) gives for a layer not being eligible for sparse math. */
  ineligible: Record<string, string>;
  /** trtexec's own sections, when the log is trtexec's (absent for a logger's log). */
  trtexec?: TrtexecLogSummary;
  /** Tactics TensorRT 8.6 skipped before timing (`Fast skip Tactic:0x… which exceed time limit during pre-run`). */
  fastSkipped: number;
  /** Things the reader noticed but could not use. */
  warnings: string[];
  /** Logical lines (after joining wrapped lines). */
  lineCount: number;
  /** Lines that matched one of the patterns above. */
  recognisedLines: number;
  /** Lines that matched nothing (most of a verbose log is unrelated to tactics; this is not an error). */
  unparsedLines: number;
}

// trtexec writes `[date] [V] [TRT] `, the Python logger `[date] [TRT] [V] `, TensorRT 7 `[TensorRT] VERBOSE: `.
const PREFIX = /^(?:\[\d{2}\/\d{2}\/\d{4}-\d{2}:\d{2}:\d{2}\]\s*)?(?:\[(?:TRT|TensorRT|V|I|W|E|F|VERBOSE|INFO|WARNING|ERROR)\]\s*)*(?:(?:VERBOSE|INFO|WARNING|ERROR|INTERNAL_ERROR):\s+)?/;
const HAS_PREFIX = /^(?:\[\d{2}\/\d{2}\/\d{4}-\d{2}:\d{2}:\d{2}\]|\[(?:V|I|W|E|F)\]|\[TRT\]|\[TensorRT\])/;

const ELIGIBLE = /^\(Sparsity\) Layers eligible for sparse math:\s*(.*)$/;
const PICKED = /^\(Sparsity\) TRT inference plan picked sparse implementation for layers:\s*(.*)$/;
const NO_ELIGIBLE = /^\(Sparsity\) No layer is eligible/;
// TensorRT 10.x wording (seen on 10.6, test/fixtures/real): a count, then the list. The same lines prefixed
// `(foreignNode)` describe Myelin subgraphs and are not the engine's lists, so the anchor leaves them out.
const ELIGIBLE_10 = /^\(Sparsity\) Found \d+ layer\(s\) eligible to use sparse tactics:\s*(.*)$/;
const PICKED_10 = /^\(Sparsity\) Chose \d+ layer\(s\) using sparse tactics:\s*(.*)$/;
const COMPUTING = /^=+ Computing costs for\s*(.*)$/;
const FORMAT_COMBO = /^\*+ Autotuning format combination:\s*(.*?)\s*\*+$/;
// 10.x appends the runner's id: `Timing Runner: /conv1/Conv (CaskConvolution[0x80000009])`; 8.x does not.
const RUNNER = /^-+ Timing Runner:\s*(.*) \(([A-Za-z0-9_]+)(?:\[(0x[0-9a-fA-F]+)\])?\)\s*$/;
// 10.x: `Tactic Name: <kernel> Tactic: 0x… Time: 0.01 AlgorithmIndex: 3`; GEMM runners put `numSplitK: -1
// numBuffers: 0 numKernels: 1` between the name and the id; reformat runners print no name.
const TACTIC = /^(?:Tactic Name:\s*(\S+)\s+(?:[A-Za-z]+:\s*-?\d+\s+)*)?Tactic:?\s*(0x[0-9a-fA-F]+|-?\d+)\s+[Tt]ime:?\s*([0-9.eE+-]+|inf|nan)(?:\s.*)?$/;
// 10.x closes each runner with one line: `<layer> (Reformat[0x80000006]) profiling completed in 0.005 seconds. Fastest Tactic: 0x… Time: 0.007`.
const PROFILING_DONE = /^(.*) \(([A-Za-z0-9_]+)(?:\[0x[0-9a-fA-F]+\])?\) profiling completed in [0-9.eE+-]+ seconds\. Fastest Tactic:\s*(0x[0-9a-fA-F]+|-?\d+)\s+Time:\s*([0-9.eE+-]+|inf|nan)/;
const CACHED = /^(.*?) \[(.*)\] got cached result: ([A-Za-z0-9_]+), tactic (0x[0-9a-fA-F]+|-?\d+), ([0-9.eE+-]+|inf|nan) ms\s*$/;
// 10.x: `Skipping CaskFlattenConvolution: No valid tactics for /conv1/Conv`.
const SKIPPING_RUNNER = /^Skipping ([A-Za-z0-9_]+): No valid tactics for (.*)$/;
const AUTOTUNING_REFORMAT = /^\*+ Autotuning Reformat:\s*(.*?)\s*\*+$/;
const ADDING_REFORMAT = /^Adding reformat layer: (Reformatted (?:Input|Output) Tensor \d+ to .*) \((.*)\) from ([A-Za-z0-9]+\([^)]*\)) to ([A-Za-z0-9]+\([^)]*\))\s*$/;
// 10.x layer information, one line per engine layer after `Layers:`.
const ENGINE_INFO = /^Name: (.*?), LayerType: ([^,]*), Inputs: \[/;
const INFO_TENSOR = /\{ Name: (.*?), (?:Location: ([A-Za-z]+), )?Dimensions: \[([^\]]*)\], Format\/Datatype: ([^}]*?) \}/g;
// 8.x names a tactic on its own line before timing it: `<layer> Set Tactic Name: <kernel> Tactic: 0x…`.
const SET_TACTIC_NAME = /^(.*?)\s*Set Tactic Name:\s*(\S+)(?:\s+Tactic:\s*(0x[0-9a-fA-F]+|-?\d+))?\s*$/;
const TACTIC_SKIPPED = /^(?:Tactic Name:\s*(\S+)\s+)?Tactic:\s*(0x[0-9a-fA-F]+|-?\d+)\s+(?:skipped|failed|Skipping)\b(.*)$/i;
const SKIPPING_TACTIC = /^Skipping tactic\s+(0x[0-9a-fA-F]+|-?\d+)\s*(.*)$/;
const NO_VALID = /^(\S+) has no valid tactics for this config, skipping/;
const FASTEST = /^Fastest Tactic:\s*(0x[0-9a-fA-F]+|-?\d+)\s+Time:\s*([0-9.eE+-]+|inf|nan)/;
const CHOSE = /^>+ Chose Runner Type:\s*([A-Za-z0-9_]+)\s+Tactic:\s*(0x[0-9a-fA-F]+|-?\d+)/;
const ENGINE_LAYER = /^Layer\(([^)]+)\):\s*(.*?), Tactic:\s*(0x[0-9a-fA-F]+|-?\d+),\s*(.*)$/;
const AUTOTUNING_OP = /^Autotuning op\s+(.*)\(key:\s*(0x[0-9a-fA-F]+)\):?\s*$/;
const TABLE_TITLE = /^Sorted table of all evaluated tactics/;
const TABLE_HEADER = /^tactic_id,\s*cost\(in ms\)/;
const TABLE_ROW = /^\s*(\d+),\s*([0-9.eE+-]+|inf|nan),\s*([^,]*),\s*([^,]*),\s*([^,\s]+),\s*(0x[0-9a-fA-F]+),\s*(.*)$/;
const SELECTED = /^The selected tactic is \(tactic hash, cost\(in ms\)\):\s*(0x[0-9a-fA-F]+),\s*([0-9.eE+-]+|inf|nan)/;
const WRITING = /^Writing the best tactic \((0x[0-9a-fA-F]+)\) to cache/;
const VERSION_TEXT = /TensorRT version:\s*(\d+\.\d+(?:\.\d+){0,2})/;
const VERSION_TAG = /\[TensorRT v(\d{4,6})\]/;
// trtexec's own lines (after the `[I] ` prefix is gone).
const TRTEXEC_DEVICE = /^Selected Device: (.+)$/;
const TRTEXEC_CAPABILITY = /^Compute Capability: (\S+)$/;
const TRTEXEC_SPARSITY = /^Sparsity: (\w+)$/;
const TRTEXEC_PRECISION = /^Precision: (\S+)$/;
// Default IO: `Input(s)s format: fp32:CHW` (8.6, 10.6); with --inputIOFormats: `Input(s): fp16:+hwc8`.
const TRTEXEC_IO_FORMAT = /^(Input|Output)\(s\)(?:s? format)?: ((?:fp32|fp16|bf16|int8|int32|int64|uint8|bool|fp8)?:.*)$/i;
const TRTEXEC_COMPUTE = /^GPU Compute Time: min = ([0-9.eE+-]+) ms, max = ([0-9.eE+-]+) ms, mean = ([0-9.eE+-]+) ms, median = ([0-9.eE+-]+) ms(.*)$/;
const TRTEXEC_PROFILE_TITLE = /^=== Profile \((\d+) iterations ?\) ===$/;
const TRTEXEC_PROFILE_HEADER = /^Time\(ms\)\s+Avg\.\(ms\)\s+Median\(ms\)\s+Time\(%\)\s+Layer$/;
const TRTEXEC_PROFILE_ROW = /^([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+(.+)$/;
const FAST_SKIP = /^Fast skip Tactic:\s*(0x[0-9a-fA-F]+)/;
const MOCK_INELIGIBLE = /^\[MOCK\] (.*) is not eligible for sparse math: (.*?)\.?$/;

/** `0x…` in lower case; decimal ids (TensorRT 8.0-8.2) become 64-bit two's-complement hex. */
export function normalizeTactic(text: string): string {
  if (/^0x/i.test(text)) return `0x${text.slice(2).toLowerCase()}`;
  const value = BigInt.asUintN(64, BigInt(text));
  return `0x${value.toString(16).padStart(16, '0')}`;
}

/** True when two tactic ids name the same tactic (padding and case aside). */
export function sameTactic(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  try {
    return BigInt(normalizeTactic(a)) === BigInt(normalizeTactic(b));
  } catch {
    return a === b;
  }
}

/** What a kernel name says about 2:4 sparse math. */
export type KernelKind = 'sparse' | 'dense' | 'unknown';

// Sparse kernels carry the word in their name: Hopper `sm90_xmma_sparse_fprop_implicit_gemm_…`, Ampere
// `sm80_xmma_fprop_sparse_conv_…_sptensor16x8x32…`, CUTLASS `…_sparse_…`. Requiring `_` (or the start) before
// `sparse` keeps a word such as `nonsparse` from counting.
const SPARSE_KERNEL = /(?:^|_)sparse|sptensor/i;
// Families whose names state the sparse variant when there is one (cask/xmma, CUTLASS, cuDNN/cuBLAS, TensorRT's
// own `trt_` kernels, the generic gemm/conv/pooling/reformat names of 8.x-10.x logs, and this package's mock).
const NAMED_KERNEL_FAMILY = /^(?:sm\d{2,3}[a-z]?_|ampere_|volta_|turing_|hopper_|maxwell_|cutlass|cudnn|cublas|trt_|cask_|mock_)|xmma|_gemm|gemm_|conv|fprop|dgrad|pooling|reformat|copy/i;

/**
 * Classifies a kernel (tactic) name: `sparse` when the name marks 2:4 sparse math, `dense` when it is a kernel of a
 * family that names its sparse variants and this one is not marked, `unknown` otherwise (no name, or Myelin's
 * generated `__myl_…` kernels, whose names say nothing either way).
 */
export function classifyKernel(kernelName: string | undefined): KernelKind {
  if (!kernelName || kernelName.trim() === '') return 'unknown';
  if (SPARSE_KERNEL.test(kernelName)) return 'sparse';
  if (/^__myl_/.test(kernelName)) return 'unknown';
  return NAMED_KERNEL_FAMILY.test(kernelName) ? 'dense' : 'unknown';
}

/** {@link classifyKernel} as a flag: `true` sparse, `false` dense, `undefined` when the name does not say. */
export function kernelIsSparse(kernelName: string | undefined): boolean | undefined {
  const kind = classifyKernel(kernelName);
  return kind === 'unknown' ? undefined : kind === 'sparse';
}

function parseTime(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Splits a sparsity list. Layer names contain ` + ` and ` || ` but never `, `. */
function splitLayerList(text: string): string[] {
  return text
    .split(', ')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function versionFromTag(tag: string): string {
  // v8502 = 8.5.2; v100800 = 10.8.0 (major takes two digits from 10 on).
  const digits = tag.length >= 6 ? [tag.slice(0, 2), tag.slice(2, 4), tag.slice(4, 6)] : [tag.slice(0, 1), tag.slice(1, 2), tag.slice(2, 4)];
  return digits.map((part) => String(Number(part))).join('.');
}

function parseTensorList(text: string): LayerTensor[] {
  const tensors: LayerTensor[] = [];
  for (const item of splitTopLevel(text)) {
    const match = /^(.*)\s+\(([^()]*\[[^\]]*\])\)$/.exec(item);
    if (!match) continue;
    const tensor = parseBracketTensor(match[1].trim(), match[2]);
    if (tensor) tensors.push(tensor);
  }
  return tensors;
}

/** Tensors of a 10.x layer-information line: name, dimensions and the type word (the line gives no layout). */
function infoTensors(section: string): LayerTensor[] {
  return [...section.matchAll(INFO_TENSOR)].map((match) => ({
    name: match[1],
    ...(match[2] ? { location: match[2] } : {}),
    dimensions: match[3].split(',').filter((part) => part.trim() !== '').map(Number),
    formatText: match[4].trim(),
    // trtexec's --dumpLayerInfo prints the inspector's sentence (`Channel major FP16 format where channel % 8 ==
    // 0`); TensorRT's own `Layers:` dump only the type word (`Half`).
    ...(/\s/.test(match[4].trim()) ? parseFormatText(match[4].trim()) : { dataType: dataTypeFromWord(match[4]), format: 'unknown' as const, channelAlignment: 1 }),
  }));
}

function engineInfoLine(name: string, layerType: string, line: string): EngineLayerLine {
  const outputsAt = line.indexOf('], Outputs: [');
  const inputText = outputsAt >= 0 ? line.slice(0, outputsAt) : line;
  const rest = outputsAt >= 0 ? line.slice(outputsAt + '], Outputs: ['.length) : '';
  const outputsEnd = rest.search(/\}\]|\[\]/);
  const outputText = outputsEnd >= 0 ? rest.slice(0, outputsEnd + 2) : rest;
  const tactic = /, TacticValue: (0x[0-9a-fA-F]+)/.exec(line)?.[1];
  const kernelName = /, TacticName: ([^,\s]+),/.exec(line)?.[1];
  const parameterType = /\], ParameterType: ([A-Za-z]+)/.exec(line)?.[1];
  const list = (key: string) => (new RegExp(`, ${key}: \\[([-\\d,]*)\\]`).exec(line)?.[1] ?? '').split(',').filter((part) => part !== '').map(Number);
  const integer = (key: string) => {
    const match = new RegExp(`, ${key}: (-?\\d+)`).exec(line);
    return match ? Number(match[1]) : undefined;
  };
  const constant = (key: string) => {
    const match = new RegExp(`, ${key}: \\{"Type": "([A-Za-z0-9]+)", "Count": (\\d+)\\}`).exec(line);
    return match ? { type: match[1], count: Number(match[2]) } : undefined;
  };
  const outMaps = integer('OutMaps');
  const weights = constant('Weights');
  const bias = constant('Bias');
  const activation = /, Activation: ([A-Z_]+)/.exec(line)?.[1];
  const convolution: LayerInfo['convolution'] | undefined =
    outMaps !== undefined && (parameterType === 'Convolution' || parameterType === 'Deconvolution')
      ? {
          kernel: list('Kernel'),
          stride: list('Stride'),
          prePadding: list('PrePadding'),
          postPadding: list('PostPadding'),
          dilation: list('Dilation'),
          groups: integer('Groups') ?? 1,
          outMaps,
          ...(weights ? { weights } : {}),
          ...(bias ? { bias } : {}),
          hasSparseWeights: integer('HasSparseWeights') === 1,
          hasResidual: integer('HasResidual') === 1,
          ...(activation ? { activation } : {}),
        }
      : undefined;
  return {
    name,
    layerType,
    ...(tactic ? { tactic: normalizeTactic(tactic) } : {}),
    ...(kernelName ? { kernelName } : {}),
    ...(parameterType ? { parameterType } : {}),
    ...(convolution ? { convolution } : {}),
    inputs: infoTensors(inputText),
    outputs: infoTensors(outputText),
  };
}

/**
 * The engine layers a 10.x verbose log lists after `Layers:`, as {@link LayerInfo} (types but no layouts, as the
 * log prints them), for analyses given a log without the inspector JSON. The last listing wins for a repeated name.
 */
export function layerInfoFromLog(log: ParsedBuildLog): LayerInfo[] {
  const byName = new Map<string, EngineLayerLine>();
  for (const line of log.engineLayers) byName.set(line.name, line);
  return [...byName.values()].map((line) => {
    const types = new Set([...line.inputs, ...line.outputs].map((tensor) => tensor.dataType).filter((type) => type !== 'unknown'));
    return {
      name: line.name,
      layerType: line.layerType,
      ...(line.parameterType ? { parameterType: line.parameterType } : {}),
      onnxNodes: /^Reformatting CopyNode/.test(line.name) ? [] : line.name.split(/ \+ | \|\| /),
      inputs: line.inputs,
      outputs: line.outputs,
      ...(line.kernelName ? { tacticName: line.kernelName } : {}),
      ...(line.tactic ? { tacticValue: line.tactic } : {}),
      isReformat: line.layerType === 'Reformat' || line.parameterType === 'Reformat' || /^Reformatting CopyNode/.test(line.name),
      precision: types.size === 0 ? 'unknown' : types.size === 1 ? [...types][0] : 'mixed',
      ...(line.convolution ? { convolution: line.convolution } : {}),
    };
  });
}

const TIME_TOLERANCE = 1e-6;

function sameTime(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= TIME_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Follows each timing-cache hit to the earlier timed candidate with the same runner, tactic, format combination
 * and time, and gives the hit's layer a copy of that layer's candidates under the combination (marked
 * `cachedFrom`), so that best sparse and best dense can be read for it as for the layer that was timed.
 */
function followCachedResults(result: ParsedBuildLog, record: (layer: string, source: LayerTactics['source']) => LayerTactics): void {
  const timedByKey = new Map<string, { layer: string; candidates: TacticCandidate[] }[]>();
  for (const entry of result.tactics) {
    if (entry.source !== 'verbose-log') continue;
    for (const candidate of entry.candidates) {
      if (candidate.cachedFrom !== undefined || !candidate.formats) continue;
      const key = `${candidate.implementation}|${candidate.formats}`;
      let groups = timedByKey.get(key);
      if (!groups) timedByKey.set(key, (groups = []));
      let group = groups.find((item) => item.layer === entry.layer);
      if (!group) groups.push((group = { layer: entry.layer, candidates: [] }));
      group.candidates.push(candidate);
    }
  }
  const unresolved: CachedResult[] = [];
  for (const hit of result.cachedResults) {
    const groups = timedByKey.get(`${hit.implementation}|${hit.formats}`) ?? [];
    const hasTactic = (group: { candidates: TacticCandidate[] }, timeToo: boolean) =>
      group.candidates.some((candidate) => sameTactic(candidate.tactic, hit.tactic) && (!timeToo || sameTime(candidate.timeMs, hit.timeMs)));
    // Another layer first (the usual reuse of an identical layer), then the same name timed earlier, then a
    // match on everything but the time.
    const source =
      groups.find((group) => group.layer !== hit.layer && hasTactic(group, true)) ??
      groups.find((group) => hasTactic(group, true)) ??
      groups.find((group) => group.layer !== hit.layer && hasTactic(group, false)) ??
      groups.find((group) => hasTactic(group, false));
    // Reformat runners of 10.x log their fastest tactic on the closing line; look there too.
    const closing = result.fastest.filter((entry) => entry.implementation === hit.implementation && entry.formats === hit.formats && sameTactic(entry.tactic, hit.tactic));
    const fastest = closing.find((entry) => sameTime(entry.timeMs, hit.timeMs)) ?? closing[0];
    if (source) {
      hit.source = source.layer;
      hit.timeMatches = hasTactic(source, true);
    } else if (fastest) {
      hit.source = fastest.layer;
      hit.timeMatches = sameTime(fastest.timeMs, hit.timeMs);
    } else unresolved.push(hit);
    const target = record(hit.layer, 'verbose-log');
    if (source) {
      for (const candidate of source.candidates) target.candidates.push({ ...candidate, cachedFrom: source.layer });
    } else {
      const named = result.tactics.flatMap((entry) => entry.candidates).find((candidate) => sameTactic(candidate.tactic, hit.tactic) && candidate.kernelName);
      target.candidates.push({
        tactic: hit.tactic,
        implementation: hit.implementation,
        timeMs: hit.timeMs,
        ...(named?.kernelName ? { kernelName: named.kernelName } : {}),
        sparse: kernelIsSparse(named?.kernelName),
        formats: hit.formats,
        cachedFrom: hit.source ?? 'unknown',
      });
    }
  }
  if (unresolved.length > 0) {
    const layers = [...new Set(unresolved.map((hit) => hit.layer))];
    result.warnings.push(
      `${unresolved.length} timing-cache hit(s) (${layers.slice(0, 3).join(', ')}${layers.length > 3 ? ` and ${layers.length - 3} more layer(s)` : ''}) reuse a timing that this log does not show being measured (a timing cache from an earlier build?), so only the cached best tactic is known for them.`,
    );
  }
}

function toLines(text: string | string[]): string[] {
  if (Array.isArray(text)) {
    if (!text.every((line) => typeof line === 'string')) {
      throw new TensorRTError('ERR_ANALYSIS_INPUT', 'parseBuildLog expected a string or an array of strings (log lines); the array holds something else.');
    }
    return text.flatMap((line) => line.split(/\r?\n/));
  }
  if (typeof text !== 'string') {
    throw new TensorRTError('ERR_ANALYSIS_INPUT', `parseBuildLog expected the log as a string or an array of lines, got ${text === null ? 'null' : typeof text}.`);
  }
  return text.split(/\r\n|\n|\r/);
}

function startsKnownLine(message: string): boolean {
  return [ELIGIBLE, PICKED, SET_TACTIC_NAME, COMPUTING, FORMAT_COMBO, RUNNER, TACTIC, TACTIC_SKIPPED, SKIPPING_TACTIC, NO_VALID, FASTEST, CHOSE, ENGINE_LAYER, AUTOTUNING_OP, TABLE_ROW, SELECTED, PROFILING_DONE, CACHED, SKIPPING_RUNNER, AUTOTUNING_REFORMAT, ADDING_REFORMAT, ENGINE_INFO].some((pattern) => pattern.test(message));
}

/**
 * Joins lines a terminal or a forum post wrapped. Only the two kinds of line long enough to wrap are continued
 * (sparsity lists and engine `Layer(…)` lines), only when that line carried a logger prefix (in a log without
 * prefixes a wrapped piece cannot be told from the next message), and only by an unprefixed line that is not
 * itself a known line.
 */
function logicalLines(raw: string[], joinWrapped: boolean): string[] {
  const out: string[] = [];
  let open = false;
  for (const line of raw) {
    const prefixed = HAS_PREFIX.test(line);
    const message = line.replace(PREFIX, '').trimEnd();
    // A wrapped piece of a layer list has no "key: value" shape of its own (unlike "Engine Layer Information:").
    const looksLikeContinuation = message.trim() !== '' && !/^\.{3,}|^[[&]|:\s|:$/.test(message.trim()) && !startsKnownLine(message.trim());
    if (joinWrapped && open && !prefixed && looksLikeContinuation) {
      const previous = out[out.length - 1];
      const joiner = previous.endsWith(',') ? ' ' : '';
      out[out.length - 1] = previous + joiner + message.trim();
      continue;
    }
    out.push(message);
    const trimmed = message.trim();
    open = prefixed && (ELIGIBLE.test(trimmed) || PICKED.test(trimmed) || (ENGINE_LAYER.test(trimmed) && !/\)\s*$/.test(trimmed)) || (/^Layer\(/.test(trimmed) && !ENGINE_LAYER.test(trimmed)));
  }
  return out;
}

/** The lines of one log, scanned; never throws (anything odd becomes a warning). */
function scanBuildLog(lines: string[]): ParsedBuildLog {
  const result: ParsedBuildLog = {
    sparsity: { eligible: [], picked: [] },
    sparsityListsFound: { eligible: false, picked: false },
    tactics: [],
    engineLayers: [],
    formatsByLayer: {},
    skippedRunners: [],
    cachedResults: [],
    addedReformats: [],
    fastest: [],
    ineligible: {},
    fastSkipped: 0,
    warnings: [],
    lineCount: lines.length,
    recognisedLines: 0,
    unparsedLines: 0,
  };
  const byLayer = new Map<string, LayerTactics>();
  const record = (layer: string, source: LayerTactics['source']): LayerTactics => {
    let entry = byLayer.get(layer);
    if (!entry) {
      entry = { layer, candidates: [], source };
      byLayer.set(layer, entry);
      result.tactics.push(entry);
    }
    return entry;
  };

  let costsLayer: string | undefined;
  let formats: string | undefined;
  let runner: { layer: string; implementation: string } | undefined;
  let op: LayerTactics | undefined;
  const chosenByRunnerType = new Map<string, { implementation: string; tactic: string }>();
  const announcedNames = new Map<string, string>();
  let inProfileTable = false;
  const trtexec = (): TrtexecLogSummary => (result.trtexec ??= {});

  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line === '') continue;
    let match: RegExpExecArray | null;
    let recognised = true;

    const version = VERSION_TEXT.exec(line) ?? VERSION_TAG.exec(line);
    if (version && !result.tensorrtVersion) {
      result.tensorrtVersion = version[0].startsWith('[') ? versionFromTag(version[1]) : version[1];
    }

    if (inProfileTable && (match = TRTEXEC_PROFILE_ROW.exec(line))) {
      if (match[5] === 'Total') inProfileTable = false;
      else trtexec().profile!.push({ name: match[5], timeMs: Number(match[1]), averageMs: Number(match[2]), medianMs: Number(match[3]), percentage: Number(match[4]) });
    } else if ((match = TRTEXEC_PROFILE_TITLE.exec(line))) {
      // Each profile table replaces an earlier one (trtexec prints one per run).
      trtexec().profile = [];
      trtexec().profileIterations = Number(match[1]);
      inProfileTable = true;
    } else if (TRTEXEC_PROFILE_HEADER.test(line)) {
      // The table's column header.
    } else if ((match = TRTEXEC_DEVICE.exec(line))) {
      trtexec().device = match[1].trim();
    } else if ((match = TRTEXEC_CAPABILITY.exec(line))) {
      trtexec().computeCapability = match[1];
    } else if ((match = TRTEXEC_SPARSITY.exec(line))) {
      trtexec().sparsity = match[1];
    } else if ((match = TRTEXEC_PRECISION.exec(line))) {
      trtexec().precision = match[1];
    } else if ((match = TRTEXEC_IO_FORMAT.exec(line))) {
      trtexec()[match[1] === 'Input' ? 'inputFormats' : 'outputFormats'] = match[2].trim();
    } else if ((match = TRTEXEC_COMPUTE.exec(line))) {
      const percentiles: Record<string, number> = {};
      for (const item of match[5].matchAll(/percentile\(([0-9.]+)%\) = ([0-9.eE+-]+) ms/g)) percentiles[item[1]] = Number(item[2]);
      trtexec().gpuCompute = { min: Number(match[1]), max: Number(match[2]), mean: Number(match[3]), median: Number(match[4]), percentiles };
    } else if (FAST_SKIP.test(line)) {
      result.fastSkipped += 1;
    } else if ((match = ELIGIBLE.exec(line) ?? ELIGIBLE_10.exec(line))) {
      result.sparsity.eligible = splitLayerList(match[1]);
      result.sparsityListsFound.eligible = true;
    } else if ((match = PICKED.exec(line) ?? PICKED_10.exec(line))) {
      result.sparsity.picked = splitLayerList(match[1]);
      result.sparsityListsFound.picked = true;
    } else if (NO_ELIGIBLE.test(line)) {
      result.sparsityListsFound.eligible = true;
    } else if ((match = MOCK_INELIGIBLE.exec(line))) {
      result.ineligible[match[1]] = match[2];
    } else if ((match = COMPUTING.exec(line))) {
      costsLayer = match[1].trim() || undefined;
      formats = undefined;
      runner = undefined;
      op = undefined;
    } else if ((match = FORMAT_COMBO.exec(line) ?? AUTOTUNING_REFORMAT.exec(line))) {
      formats = match[1];
      runner = undefined;
    } else if ((match = RUNNER.exec(line))) {
      runner = { layer: match[1].trim(), implementation: match[2] };
      op = undefined;
      announcedNames.clear();
    } else if ((match = SET_TACTIC_NAME.exec(line))) {
      if (match[3]) announcedNames.set(normalizeTactic(match[3]), match[2]);
    } else if ((match = TACTIC.exec(line)) && runner) {
      const kernelName = match[1] ?? announcedNames.get(normalizeTactic(match[2]));
      const candidate: TacticCandidate = {
        tactic: normalizeTactic(match[2]),
        implementation: runner.implementation,
        timeMs: parseTime(match[3]),
        ...(kernelName ? { kernelName } : {}),
        sparse: kernelIsSparse(kernelName),
        ...(formats ? { formats } : {}),
      };
      record(runner.layer, 'verbose-log').candidates.push(candidate);
    } else if (((match = TACTIC_SKIPPED.exec(line)) || (match = SKIPPING_TACTIC.exec(line))) && runner) {
      const kernelName = match.length > 3 ? match[1] : undefined;
      const tactic = normalizeTactic(match.length > 3 ? match[2] : match[1]);
      record(runner.layer, 'verbose-log').candidates.push({
        tactic,
        implementation: runner.implementation,
        timeMs: null,
        ...(kernelName ? { kernelName } : {}),
        sparse: kernelIsSparse(kernelName),
        ...(formats ? { formats } : {}),
      });
    } else if ((match = PROFILING_DONE.exec(line))) {
      result.fastest.push({ layer: match[1].trim(), implementation: match[2], ...(formats ? { formats } : {}), tactic: normalizeTactic(match[3]), timeMs: parseTime(match[4]) });
    } else if ((match = CACHED.exec(line))) {
      result.cachedResults.push({ layer: match[1].trim(), formats: match[2].trim(), implementation: match[3], tactic: normalizeTactic(match[4]), timeMs: parseTime(match[5]) });
    } else if ((match = SKIPPING_RUNNER.exec(line))) {
      result.skippedRunners.push({ layer: match[2].trim(), implementation: match[1], ...(formats ? { formats } : {}), reason: 'no valid tactics for this config' });
    } else if ((match = ADDING_REFORMAT.exec(line))) {
      result.addedReformats.push({ name: match[1], tensor: match[2], from: match[3], to: match[4] });
    } else if ((match = ENGINE_INFO.exec(line))) {
      const engineLayer = engineInfoLine(match[1], match[2].trim(), line);
      // trtexec prints the layers twice: TensorRT's `[V] [TRT] Layers:` (type words only) and, with
      // --dumpLayerInfo, its own `[I] Layers:` (format sentences). One engine layer each; the later, fuller wins.
      const earlier = result.engineLayers.findIndex((layer) => layer.name === engineLayer.name);
      if (earlier >= 0) result.engineLayers[earlier] = engineLayer;
      else result.engineLayers.push(engineLayer);
      result.formatsByLayer[engineLayer.name] = { inputs: engineLayer.inputs, outputs: engineLayer.outputs };
    } else if ((match = NO_VALID.exec(line))) {
      const layer = runner?.layer ?? costsLayer;
      if (layer) result.skippedRunners.push({ layer, implementation: match[1], ...(formats ? { formats } : {}), reason: 'no valid tactics for this config' });
    } else if ((match = FASTEST.exec(line))) {
      if (runner) result.fastest.push({ layer: runner.layer, implementation: runner.implementation, ...(formats ? { formats } : {}), tactic: normalizeTactic(match[1]), timeMs: parseTime(match[2]) });
    } else if ((match = CHOSE.exec(line))) {
      const layer = costsLayer ?? runner?.layer;
      if (layer) chosenByRunnerType.set(layer, { implementation: match[1], tactic: normalizeTactic(match[2]) });
    } else if ((match = ENGINE_LAYER.exec(line))) {
      const [, layerType, name, tactic, tensors] = match;
      const [inputText, outputText = ''] = tensors.split(' -> ');
      const engineLayer: EngineLayerLine = { name, layerType, tactic: normalizeTactic(tactic), inputs: parseTensorList(inputText), outputs: parseTensorList(outputText) };
      result.engineLayers.push(engineLayer);
      result.formatsByLayer[name] = { inputs: engineLayer.inputs, outputs: engineLayer.outputs };
    } else if ((match = AUTOTUNING_OP.exec(line))) {
      const name = match[1].trim();
      op = { layer: name, candidates: [], source: 'editable-timing-cache', cacheKey: match[2].toLowerCase() };
      result.tactics.push(op);
      runner = undefined;
    } else if (TABLE_TITLE.test(line) || TABLE_HEADER.test(line) || WRITING.test(line)) {
      // Structure lines of the editable-cache table: nothing to keep.
    } else if ((match = TABLE_ROW.exec(line)) && op) {
      const kernelName = match[5];
      op.candidates.push({ tactic: normalizeTactic(match[6]), kernelName, timeMs: parseTime(match[2]), sparse: kernelIsSparse(kernelName) });
    } else if ((match = SELECTED.exec(line)) && op) {
      const tactic = normalizeTactic(match[1]);
      const known = op.candidates.find((candidate) => sameTactic(candidate.tactic, tactic));
      op.chosen = known ? { ...known } : { tactic, timeMs: parseTime(match[2]) };
    } else if (/^(Tactic(?! sources:)|Fastest Tactic|Layer\(|Autotuning op|The selected tactic)/.test(line)) {
      recognised = false;
      if (result.warnings.length < 20) result.warnings.push(`Could not read this line: ${line.slice(0, 160)}`);
    } else {
      recognised = false;
    }
    if (recognised) result.recognisedLines += 1;
    else result.unparsedLines += 1;
  }

  followCachedResults(result, record);

  // The choice: the engine's own layer line is final; "Chose Runner Type" is what the autotuner settled on.
  for (const entry of result.tactics) {
    if (entry.source !== 'verbose-log') continue;
    const engineLayer = result.engineLayers.find((layer) => layer.name === entry.layer);
    const runnerChoice = chosenByRunnerType.get(entry.layer);
    const tactic = engineLayer?.tactic ?? runnerChoice?.tactic;
    if (!tactic) continue;
    const implementation = engineLayer?.layerType ?? runnerChoice?.implementation;
    const timed = entry.candidates.filter((candidate) => sameTactic(candidate.tactic, tactic) && (!implementation || candidate.implementation === implementation));
    const best = timed.filter((candidate) => candidate.timeMs !== null).sort((a, b) => (a.timeMs as number) - (b.timeMs as number))[0] ?? timed[0];
    entry.chosen = best ? { ...best } : { tactic, ...(implementation ? { implementation } : {}), timeMs: null };
    if (!entry.chosen.kernelName && engineLayer?.kernelName) entry.chosen = { ...entry.chosen, kernelName: engineLayer.kernelName, sparse: kernelIsSparse(engineLayer.kernelName) };
  }
  // Engine layers the autotuner never logged still have a choice worth recording.
  for (const engineLayer of result.engineLayers) {
    if (byLayer.has(engineLayer.name) || !engineLayer.tactic || !/^Cask|Convolution|Gemm|MatrixMultiply/i.test(engineLayer.layerType)) continue;
    const kernel = engineLayer.kernelName ? { kernelName: engineLayer.kernelName, sparse: kernelIsSparse(engineLayer.kernelName) } : {};
    result.tactics.push({ layer: engineLayer.name, candidates: [], chosen: { tactic: engineLayer.tactic, implementation: engineLayer.layerType, timeMs: null, ...kernel }, source: 'verbose-log' });
  }

  return result;
}

const NOT_A_BUILD_LOG =
  'This does not look like a TensorRT build log: no sparsity report, autotuning lines or engine layer lines were found. Capture one with `trtexec --verbose …` or buildEngine({ … }) with a verbose logger.';

function emptyLog(): ParsedBuildLog {
  return scanBuildLog([]);
}

/**
 * Parses a TensorRT verbose build log that a user handed over (a file for `trtn explain`).
 *
 * @param text - the whole log, or its messages one per element (never re-joined)
 * @returns the sparsity lists, per-layer tactic candidates and choices, timing-cache hits and engine layers
 * @throws TensorRTError ERR_ANALYSIS_INPUT when `text` is not text, or when nothing in it is from TensorRT's builder
 */
export function parseBuildLog(text: string | string[]): ParsedBuildLog {
  // Lines handed over one by one (a logger's records) are whole messages; only text can have been wrapped.
  const result = scanBuildLog(logicalLines(toLines(text), !Array.isArray(text)));
  if (result.recognisedLines === 0 && result.tensorrtVersion === undefined) {
    throw new TensorRTError('ERR_ANALYSIS_INPUT', NOT_A_BUILD_LOG, { lines: result.lineCount });
  }
  return result;
}

/** What {@link readBuildLog} returns: whatever could be read, and why anything could not. */
export interface BuildLogReading {
  result: ParsedBuildLog;
  /** Why the result is partial or empty (not verbose, not a log, an internal reader failure); empty when all went well. */
  warnings: string[];
}

/**
 * Reads the log of a build this package just ran. Unlike {@link parseBuildLog} it never throws: a build must
 * not fail because its log is not verbose or holds something the reader does not know; the result is then
 * partial (possibly empty) and `warnings` say why.
 *
 * @param text - the log as text or as the logger's messages, one per element
 */
export function readBuildLog(text: unknown): BuildLogReading {
  if (!(typeof text === 'string' || (Array.isArray(text) && text.every((line) => typeof line === 'string')))) {
    return { result: emptyLog(), warnings: [`The build log was not read: expected text or an array of lines, got ${text === null ? 'null' : Array.isArray(text) ? 'an array holding non-strings' : typeof text}.`] };
  }
  try {
    const result = scanBuildLog(logicalLines(toLines(text), !Array.isArray(text)));
    const warnings = [...result.warnings];
    if (result.recognisedLines === 0) {
      warnings.unshift(
        `The build log holds no autotuning, sparsity or engine layer lines (${result.lineCount} line(s) read): build with a kVERBOSE logger for per-tactic times, kernel names and the sparsity lists.`,
      );
    }
    return { result, warnings };
  } catch (error) {
    return { result: emptyLog(), warnings: [`The build log reader failed (${(error as Error).message}); the report has no log analysis. Please report this with the log.`] };
  }
}

let warming: Promise<void> | undefined;

/**
 * Compiles the reader's patterns before its first real log, a few per turn of the event loop, for a caller whose
 * main thread is idle meanwhile (a build runs on its worker). V8 compiles a regular expression at its first use:
 * cold, reading a default build's 20-line log held the event loop for 6.9 ms on the H200 (2026-12-03), most of it
 * that. Resolves when done; later calls return the same promise. The reader's results do not depend on it.
 */
export function warmBuildLogReader(): Promise<void> {
  warming ??= (async () => {
    const patterns = [PREFIX, HAS_PREFIX, ELIGIBLE, PICKED, NO_ELIGIBLE, COMPUTING, FORMAT_COMBO, RUNNER, TACTIC, PROFILING_DONE, CACHED, SKIPPING_RUNNER, AUTOTUNING_REFORMAT, ADDING_REFORMAT, ENGINE_INFO, INFO_TENSOR, SET_TACTIC_NAME, TACTIC_SKIPPED, SKIPPING_TACTIC, NO_VALID, FASTEST, CHOSE, ENGINE_LAYER, AUTOTUNING_OP, TABLE_TITLE, TABLE_HEADER, TABLE_ROW, SELECTED, WRITING, VERSION_TEXT, VERSION_TAG, TRTEXEC_DEVICE, TRTEXEC_CAPABILITY, TRTEXEC_SPARSITY, TRTEXEC_PRECISION, TRTEXEC_IO_FORMAT, TRTEXEC_COMPUTE, TRTEXEC_PROFILE_TITLE, TRTEXEC_PROFILE_HEADER, TRTEXEC_PROFILE_ROW, FAST_SKIP, MOCK_INELIGIBLE, SPARSE_KERNEL, NAMED_KERNEL_FAMILY];
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (let index = 0; index < patterns.length; index += 4) {
      for (const pattern of patterns.slice(index, index + 4)) {
        pattern.test('');
        pattern.lastIndex = 0;
      }
      await turn();
    }
    // One line through the reader itself, which compiles its functions.
    readBuildLog(['[I] [TRT] Loaded engine size: 1 MiB']);
  })();
  return warming;
}
