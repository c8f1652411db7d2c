/**
 * Reads the files users hand to `trtn explain/report/compare`: our build report, TensorRT verbose logs,
 * trtexec's --exportLayerInfo / --exportProfile / --exportTimes JSON, and ONNX models. The kind is detected from
 * the content, not the file name, because users rename these files freely.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import {
  inferLayerFormats,
  normalizeInspectorJson,
  parseBuildLog,
  readBuildLog,
  parseBuildReport,
  parseTrtexecProfile,
  parseTrtexecTimes,
  type ParsedBuildLog,
} from '../analysis/index.js';
import { layersFromLog, reformatTimings, shareTensorFormats } from '../analysis/parse/layer-formats.js';
import { TensorRTError } from '../errors.js';
import { isEstimatedExport } from '../timing/index.js';
import { inferShapes, nodeCosts, readOnnx, type NodeCost, type OnnxModel } from '../onnx/index.js';
import type { BenchmarkResult, BuildReport, LayerInfo, LayerProfile, ProfileResult, TimeRecord } from '../types/index.js';
import { bytesPerElement } from '../tensors/facts.js';

/** Everything gathered from the input files. */
export interface AnalysisInputs {
  report?: BuildReport;
  log?: ParsedBuildLog;
  layers?: LayerInfo[];
  profile?: LayerProfile[];
  times?: TimeRecord[];
  benchmark?: BenchmarkResult;
  model?: OnnxModel;
  costs?: NodeCost[];
  /** True when any input carries an estimate marker (a mock build report, or a mock export with "Estimated": true). */
  estimated?: boolean;
  /**
   * True when the per-layer times in `profile` are estimates: the profile export says so, or it profiles an engine
   * whose layer information says it is a mock engine (a mock engine cannot be timed on a GPU).
   */
  profileEstimated?: boolean;
  /** True when the iteration records in `times` are estimates (the mock's `--exportTimes` marks every record). */
  timesEstimated?: boolean;
  /** True when the layer information came from a mock engine (`"Estimated": true` in `--exportLayerInfo`). */
  layersEstimated?: boolean;
  /** The device profile a mock export was estimated for (`"EstimatedFor"` / `"estimatedFor"`), when no report says. */
  estimatedFor?: string;
  /** The GPU a trtexec log names (`Selected Device: NVIDIA H200`), when no report says. */
  gpuName?: string;
  /** Where `profile` came from, when it is the `--dumpProfile` table inside a trtexec log. */
  profileSource?: string;
  /** What each file was recognised as. */
  recognised: { path: string; kind: string }[];
  /** What the readers could not use (a build report's log that is not verbose, layouts left unknown). */
  warnings: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and classifies each file. Unrecognisable content is ERR_ANALYSIS_INPUT naming the file. */
export async function loadAnalysisInputs(paths: string[]): Promise<AnalysisInputs> {
  const inputs: AnalysisInputs = { recognised: [], warnings: [] };
  for (const path of paths) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new TensorRTError('ERR_IO', `Could not read ${path}: ${(error as Error).message}.`, { path }, { cause: error });
    }
    // Logs are large and compress well; the real corpus stores them gzip'ed (magic bytes 1f 8b).
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    if (gzipped) {
      try {
        bytes = gunzipSync(bytes);
      } catch (error) {
        throw new TensorRTError('ERR_ANALYSIS_INPUT', `${path} starts like gzip but does not decompress: ${(error as Error).message}.`, { path });
      }
    }
    const kind = classify(path, bytes, inputs);
    inputs.recognised.push({ path, kind: gzipped ? `${kind} (gzip)` : kind });
  }
  const trtexec = inputs.log?.trtexec;
  if (trtexec?.device && !inputs.report) inputs.gpuName = trtexec.device;
  // trtexec --dumpProfile prints the measured per-layer table into the log; use it when no --exportProfile came.
  if (!inputs.profile && trtexec?.profile && trtexec.profile.length > 0) {
    inputs.profile = trtexec.profile;
    inputs.profileSource = `the log's --dumpProfile table (${trtexec.profileIterations ?? '?'} iterations, measured by trtexec${trtexec.device ? ` on ${trtexec.device}` : ''})`;
  }
  if (!inputs.layers && !inputs.report && inputs.log && inputs.log.engineLayers.length > 0) inputs.layers = layersFromLog(inputs.log);
  // A build report carries TensorRT's own log of the build: read it as if it had been passed (never fatal).
  if (inputs.report && !inputs.log && Array.isArray(inputs.report.log) && inputs.report.log.length > 0) {
    const reading = readBuildLog(inputs.report.log.map((line) => line.message));
    if (reading.result.recognisedLines > 0) inputs.log = reading.result;
    inputs.warnings.push(...reading.warnings.map((warning) => `build report log: ${warning}`));
  }
  if (!inputs.layers && inputs.report) inputs.layers = inputs.report.layers;
  // TensorRT 10.x's inspector gives tensor types but not layouts; the log of the same build pins most of them down.
  if (inputs.log && inputs.layers && inputs.layers.some((layer) => [...layer.inputs, ...layer.outputs].some((tensor) => tensor.format === 'unknown'))) {
    const fromReport = inputs.report !== undefined && inputs.layers === inputs.report.layers;
    const inference = inferLayerFormats(inputs.layers, inputs.log);
    inputs.layers = inference.layers;
    // The engine's choice runs under one combination; its time is the one timed there, not the fastest elsewhere.
    for (const record of inputs.log.tactics) {
      const pinned = inference.chosenFormats[record.layer];
      const timed = pinned && record.chosen ? record.candidates.find((candidate) => candidate.formats === pinned && candidate.tactic === record.chosen!.tactic) : undefined;
      if (timed) record.chosen = { ...timed };
    }
    if (fromReport) {
      // The log's records name every kernel and carry real times; the algorithm selector's repeat them by id only.
      const named = inputs.log.tactics.some((record) => record.candidates.some((candidate) => candidate.kernelName));
      const tactics = named ? [...inputs.log.tactics, ...reformatTimings(inference.layers, inputs.log)] : undefined;
      inputs.report = { ...inputs.report!, layers: inference.layers, ...(tactics ? { tactics } : {}) };
    }
    // Its count of unknown layouts is restated below, after the tensors shared between layers are matched.
    inputs.warnings.push(...inference.warnings.filter((warning) => !/keep an unknown layout/.test(warning)));
  }
  if (inputs.layers && inputs.layers.some((layer) => [...layer.inputs, ...layer.outputs].some((tensor) => tensor.format === 'unknown'))) {
    const shared = shareTensorFormats(inputs.layers);
    if (shared.filled > 0) {
      if (inputs.report && inputs.report.layers === inputs.layers) inputs.report = { ...inputs.report, layers: shared.layers };
      inputs.layers = shared.layers;
    }
    // A layout known only by its alignment (channel % 4, no TensorRT format name) is known enough to keep quiet.
    const unknown = inputs.layers.flatMap((layer) => [...layer.inputs, ...layer.outputs].filter((tensor) => tensor.format === 'unknown' && tensor.channelAlignment <= 1).map((tensor) => `${tensor.name} (${tensor.formatText || 'no format text'})`));
    const names = [...new Set(unknown)];
    if (names.length > 0) {
      inputs.warnings.push(
        `${names.length} tensor(s) keep an unknown layout: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}. The inspector gives only their type word, and neither the log nor a neighbouring layer pins the layout down.`,
      );
    }
  }
  // A TensorRT build report carries the layer times measured right after its build (BuildOptions.profileLayers).
  if (!inputs.profile && inputs.report?.layerTimes?.measured && inputs.report.layerTimes.layers.length > 0) {
    inputs.profile = inputs.report.layerTimes.layers;
    inputs.warnings.push(`Layer times: measured on ${inputs.report.environment.gpu?.name ?? 'the build GPU'} right after the build (${inputs.report.layerTimes.iterations} profiled iterations).`);
  }
  if (inputs.profile && (inputs.layersEstimated || inputs.report?.estimated)) inputs.profileEstimated = true;
  if (inputs.report?.estimated || inputs.benchmark?.estimated || inputs.layersEstimated || inputs.profileEstimated || inputs.timesEstimated) inputs.estimated = true;
  if (inputs.model && !inputs.costs) {
    try {
      inputs.costs = nodeCosts(inputs.model, inferShapes(inputs.model), { elementBytes: bytesPerElement(inputs.report?.options.fp16 ? 'float16' : 'float32') });
    } catch {
      // FLOPs from the ONNX are a refinement; the analyses fall back to the inspector's own fields.
    }
  }
  return inputs;
}

function classify(path: string, bytes: Buffer, inputs: AnalysisInputs): string {
  const text = bytes.subarray(0, 4096).toString('utf8');
  const trimmed = text.trimStart();
  // trtexec log lines start with '[08/05/2024-12:06:54]', which also looks like the start of a JSON array.
  // So do TensorRT's own messages without a logger prefix (`[MemUsageChange] Init CUDA: …`, our report's log).
  const notJsonArray = trimmed.startsWith('[') && !/^\[\s*(?:[{["\d\-\]]|true\b|false\b|null\b)/.test(trimmed);
  const looksLikeLog = /^\[\d\d\/\d\d\/\d{4}-/.test(trimmed) || text.includes('[TRT]') || notJsonArray;
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && !looksLikeLog) {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new TensorRTError('ERR_ANALYSIS_INPUT', `${path} looks like JSON but does not parse: ${(error as Error).message}.`, { path });
    }
    if (isObject(json) && 'schemaVersion' in json && 'backend' in json && 'layers' in json) {
      inputs.report = parseBuildReport(json);
      return 'build report';
    }
    if (isObject(json) && 'gpuCompute' in json && 'iterations' in json) {
      inputs.benchmark = json as unknown as BenchmarkResult;
      return 'benchmark result';
    }
    if (isObject(json) && 'layers' in json && 'iterations' in json && Array.isArray(json.layers)) {
      inputs.profile = (json as unknown as ProfileResult).layers;
      if (json.estimated === true) inputs.profileEstimated = true;
      return 'profile result';
    }
    if (isObject(json) && ('Layers' in json || 'Bindings' in json || 'I/O Tensors' in json)) {
      inputs.layers = normalizeInspectorJson(json);
      // The mock writes "Estimated": true into its --exportLayerInfo; keep that label on re-import.
      if (json.Estimated === true) inputs.layersEstimated = true;
      if (typeof json.EstimatedFor === 'string') inputs.estimatedFor ??= json.EstimatedFor;
      return 'engine layer information (--exportLayerInfo)';
    }
    if (Array.isArray(json) && isObject(json[0]) && 'count' in json[0]) {
      inputs.profile = parseTrtexecProfile(json);
      if (isEstimatedExport(json)) inputs.profileEstimated = true;
      if (typeof json[0].estimatedFor === 'string') inputs.estimatedFor ??= json[0].estimatedFor;
      return 'per-layer profile (--exportProfile)';
    }
    if (Array.isArray(json) && isObject(json[0]) && 'computeMs' in json[0]) {
      inputs.times = parseTrtexecTimes(json);
      if (isEstimatedExport(json)) inputs.timesEstimated = true;
      return 'iteration times (--exportTimes)';
    }
    throw new TensorRTError('ERR_ANALYSIS_INPUT', `${path} is JSON but not a format trtn knows: expected a trtn build report, trtexec --exportLayerInfo, --exportProfile or --exportTimes.`, { path });
  }
  // ONNX files are protobuf; their first byte is a field tag (ir_version = field 1, varint -> 0x08).
  if (bytes[0] === 0x08 && !text.includes('[TRT]')) {
    inputs.model = readOnnx(new Uint8Array(bytes));
    return 'ONNX model';
  }
  inputs.log = parseBuildLog(bytes.toString('utf8'));
  return 'TensorRT build log';
}
