/**
 * The mock build: turns an ONNX model into engine layers (fusions, formats, reformats), estimates every layer
 * with the cost model, decides dense vs sparse, and writes a BuildReport shaped like the TensorRT backend's.
 */
import { findDeviceProfile, deviceProfiles, type DeviceProfile } from '../devices/profiles.js';
import { TensorRTError } from '../errors.js';
import { invalidOption } from '../options.js';
import { checkSupported, inferShapes, nodeCosts, readOnnx, sparsify, summarizeModel, weightSparsity, writeOnnx } from '../onnx/index.js';
import type { InferredTensor, NodeCost, OnnxModel, OnnxNode, OnnxTensor } from '../onnx/model.js';
import { OnnxDataType } from '../onnx/model.js';
import type { BuildHooks } from '../backend/types.js';
import type {
  BuildReport,
  DataTypeName,
  IOFormatSpec,
  IOTensorInfo,
  LayerEstimate,
  LayerInfo,
  LayerTactics,
  LayerTensor,
  LogLine,
  ResolvedBuildOptions,
  TacticCandidate,
  TensorFormatName,
} from '../types/index.js';
import {
  estimateDenseMatrix,
  estimateMemoryBound,
  estimateSparseMatrix,
  fuseGraph,
  sparseShapeEligible,
  type FusedGroup,
  type MatrixShape,
  type TimeEstimate,
} from './cost-model.js';
import { bytesPerElement, FORMAT_VECTOR_WIDTH, ioTypeToDataType, isFloatOnnxType, networkTypeOfOnnx } from '../tensors/facts.js';
import { formatText, mockElementBytes, paddedElementCount, shortTensorText } from './formats.js';
import { yieldToEventLoop } from '../event-loop.js';

/** A tensor as one engine layer sees it. */
export interface PlannedTensor {
  name: string;
  dims: number[];
  dataType: DataTypeName;
  format: TensorFormatName;
}

/** One engine layer with its estimates (internal form, also stored in the plan container via the report). */
export interface PlannedLayer {
  info: LayerInfo;
  estimate: LayerEstimate;
  tactics?: LayerTactics;
  eligible: boolean;
  picked: boolean;
}

/** Result of {@link planEngine}. */
export interface MockPlan {
  report: BuildReport;
  io: IOTensorInfo[];
  /** The ONNX bytes the engine runs (pruned when sparsity was `'force'`). */
  onnx: Uint8Array;
}

/** The device profile for `id`, or ERR_INVALID_OPTION listing the known ids. */
export function resolveDeviceProfile(id: string): DeviceProfile {
  const profile = findDeviceProfile(id);
  if (!profile) {
    throw new TensorRTError(
      'ERR_INVALID_OPTION',
      `Unknown mock device profile '${id}' for \`mockDevice\`. Known profiles: ${deviceProfiles.map((candidate) => candidate.id).join(', ')}.`,
      { option: 'mockDevice', expected: deviceProfiles.map((candidate) => candidate.id) },
    );
  }
  return profile;
}

/** Deterministic 64-bit tactic id for a tactic name (FNV-1a), as `0x` + 16 hex digits. */
export function tacticId(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `0x${hash.toString(16).padStart(16, '0')}`;
}

const LAYER_TYPES: Record<string, [string, string]> = {
  Conv: ['CaskConvolution', 'Convolution'],
  ConvTranspose: ['CaskDeconvolution', 'Deconvolution'],
  Gemm: ['CaskGemmMatrixMultiply', 'MatrixMultiply'],
  MatMul: ['CaskGemmMatrixMultiply', 'MatrixMultiply'],
  MaxPool: ['CaskPooling', 'Pooling'],
  AveragePool: ['CaskPooling', 'Pooling'],
  GlobalAveragePool: ['CaskPooling', 'Pooling'],
  GlobalMaxPool: ['CaskPooling', 'Pooling'],
  Softmax: ['CaskSoftMaxV2', 'SoftMax'],
  Concat: ['NoOp', 'Concatenation'],
  Resize: ['Resize', 'Resize'],
  BatchNormalization: ['PointWiseV2', 'Scale'],
};

function layerTypes(group: FusedGroup): [string, string] {
  const op = group.nodes[0].opType;
  if (group.kind === 'noop') return ['NoOp', 'Shuffle'];
  if (LAYER_TYPES[op]) return LAYER_TYPES[op];
  if (group.kind === 'pointwise') return ['PointWiseV2', 'PointWise'];
  return [op, op];
}

function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  const attribute = node.attributes[name];
  return attribute?.type === 'ints' ? attribute.value : undefined;
}

function intAttribute(node: OnnxNode, name: string, fallback: number): number {
  const attribute = node.attributes[name];
  return attribute?.type === 'int' ? attribute.value : fallback;
}

function toLayerTensor(tensor: PlannedTensor): LayerTensor {
  return {
    name: tensor.name,
    location: 'Device',
    dimensions: [...tensor.dims],
    formatText: formatText(tensor.dataType, tensor.format),
    dataType: tensor.dataType,
    format: tensor.format,
    channelAlignment: FORMAT_VECTOR_WIDTH[tensor.format],
  };
}

function tensorBytes(tensor: PlannedTensor): number {
  return paddedElementCount(tensor.dims, tensor.format) * mockElementBytes(tensor.dataType);
}

/** Formats an IO spec may use with a given type; vectorised FP16 formats need a 16-bit type. */
function checkIoFormat(option: string, name: string, dataType: DataTypeName, format: TensorFormatName, rank: number): void {
  const width = FORMAT_VECTOR_WIDTH[format];
  if ((format === 'hwc8' || format === 'hwc16' || format === 'chw2' || format === 'chw16' || format === 'dhwc8') && dataType !== 'float16' && dataType !== 'bfloat16') {
    throw new TensorRTError('ERR_INVALID_OPTION', `Format ${format} for \`${option}\` (tensor '${name}') needs an fp16 tensor, got ${dataType}. Use e.g. 'fp16:${format}'.`, { option });
  }
  if (width > 1 && rank < 3) {
    throw new TensorRTError('ERR_INVALID_OPTION', `Format ${format} for \`${option}\` (tensor '${name}') needs a tensor of rank >= 3, got rank ${rank}. Use 'chw'.`, { option });
  }
}

function specFor(option: string, specs: IOFormatSpec[], index: number, count: number): IOFormatSpec | undefined {
  if (specs.length === 0) return undefined;
  if (specs.length !== 1 && specs.length !== count) {
    throw new TensorRTError('ERR_INVALID_OPTION', `Expected one spec for all tensors or ${count} specs for \`${option}\`, got ${specs.length}.`, { option });
  }
  return specs.length === 1 ? specs[0] : specs[index];
}

/** Dims of each graph input at the `opt` shape. */
function inputDims(model: OnnxModel, options: ResolvedBuildOptions): Record<string, number[]> {
  const initializers = new Set(model.graph.initializers.map((tensor) => tensor.name));
  const result: Record<string, number[]> = {};
  for (const input of model.graph.inputs) {
    if (initializers.has(input.name)) continue;
    const range = options.shapes[input.name];
    const dims = input.shape ?? [];
    if (range) {
      checkShapeAgainstModel(input.name, dims, range);
      result[input.name] = [...range.opt];
    } else if (dims.some((dim) => typeof dim !== 'number' || dim < 0)) {
      const shown = dims.map((dim) => (typeof dim === 'number' && dim >= 0 ? String(dim) : '?'));
      throw new TensorRTError(
        'ERR_INVALID_OPTION',
        `Input '${input.name}' has dynamic dimensions [${shown.join(',')}]; give its min/opt/max in \`shapes\`, e.g. shapes: { '${input.name}': { min, opt, max } }.`,
        // `reason` and the facts let a front end (the CLI) say the same in its own terms.
        { option: 'shapes', reason: 'dynamic-input-needs-shapes', input: input.name, dimensions: shown },
      );
    }
  }
  for (const name of Object.keys(options.shapes)) {
    if (!model.graph.inputs.some((input) => input.name === name && !initializers.has(name))) {
      const inputs = model.graph.inputs.filter((input) => !initializers.has(input.name)).map((input) => `'${input.name}'`).join(', ');
      invalidOption(`shapes.${name}`, `the name of a network input (${inputs})`, name);
    }
  }
  return result;
}

/**
 * A shape range must have the model's rank and keep its fixed axes: TensorRT only lets dynamic (-1) axes vary,
 * and it would refuse the profile later with a less helpful message.
 */
function checkShapeAgainstModel(name: string, dims: readonly (number | string | undefined)[], range: ResolvedBuildOptions['shapes'][string]): void {
  if (dims.length === 0) return;
  const declared = `[${dims.map((dim) => (typeof dim === 'number' && dim >= 0 ? String(dim) : '?')).join(',')}]`;
  for (const shape of [range.min, range.opt, range.max]) {
    if (shape.length !== dims.length) invalidOption(`shapes.${name}`, `${dims.length} dimensions like ${declared} (the model's rank)`, shape);
    shape.forEach((dim, axis) => {
      const fixed = dims[axis];
      if (typeof fixed === 'number' && fixed >= 0 && dim !== fixed) {
        invalidOption(`shapes.${name}`, `${fixed} on axis ${axis}, which the model fixes (shape ${declared}; only '?' axes can vary)`, shape);
      }
    });
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new TensorRTError('ERR_ABORTED', 'The build was cancelled through its AbortSignal.', { reason: signal.reason instanceof Error ? signal.reason.message : signal.reason });
  }
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

/**
 * Builds the mock engine: fusions, formats, estimates, sparse choice and report. Yields to the event loop
 * between layers; checks `hooks.signal` between layers.
 */
export async function planEngine(onnxBytes: Uint8Array, options: ResolvedBuildOptions, hooks: BuildHooks, environment: BuildReport['environment'], versions: BuildReport['versions']): Promise<MockPlan> {
  const started = performance.now();
  const device = resolveDeviceProfile(options.mockDevice);
  const log: LogLine[] = [];
  const warnings: string[] = [];
  const info = (message: string): void => void log.push({ severity: 'info', message });
  const verbose = (message: string): void => void log.push({ severity: 'verbose', message });
  const progress = (phase: string, step: number, steps: number): void => {
    try {
      hooks.onProgress?.({ phase, step, steps, depth: 0 });
    } catch {
      // A throwing progress callback must not break the build, as with the native backend.
    }
  };

  info(`[MOCK] tensorrt-node mock backend: no GPU and no TensorRT were used. Layers, formats, tactics and times below are cost-model estimates against the device profile ${device.id} (${device.name}, datasheet figures).`);
  progress('Parsing network', 0, 1);
  let model = readOnnx(onnxBytes);
  checkSupported(model);
  let runBytes = onnxBytes;
  if (options.sparsity === 'force') {
    const pruned = sparsify(model, { pattern: '2:4' });
    model = pruned.model;
    runBytes = writeOnnx(model);
    const prunedTensors = pruned.report.filter((entry) => !entry.skipped && entry.prunedGroups > 0).length;
    // buildEngine() prunes before any backend runs, so here there is usually nothing left to prune.
    if (prunedTensors > 0) warnings.push(`sparsity 'force' pruned the weights of ${prunedTensors} layer(s) to 2:4 by magnitude: accuracy changes; use it for performance numbers only.`);
    info(`(Sparsity) Weights of ${pruned.report.filter((entry) => !entry.skipped).length} tensor(s) are now 2:4 (magnitude pruning).`);
  }
  const dims = inputDims(model, options);
  const shapes = inferShapes(model, dims);
  const fp16 = options.fp16;
  const costs = nodeCosts(model, shapes, { elementBytes: bytesPerElement(fp16 ? 'float16' : 'float32') });
  const costByNode = new Map<OnnxNode, NodeCost>(model.graph.nodes.map((node, index) => [node, costs[index]]));
  const initializers = new Map<string, OnnxTensor>(model.graph.initializers.map((tensor) => [tensor.name, tensor]));
  progress('Parsing network', 1, 1);

  const groups = fuseGraph(model);
  verbose(`Original: ${model.graph.nodes.length} ONNX nodes; after constant folding and fusion: ${groups.length} layers (mock fusion rules).`);

  const shapeOf = (name: string): InferredTensor => {
    const value = shapes.get(name);
    if (!value) throw new TensorRTError('ERR_INTERNAL', `The mock found no shape for tensor '${name}'. Please report this with the model.`);
    return value;
  };
  const computeType = (elemType: number): DataTypeName => (isFloatOnnxType(elemType) ? (fp16 ? 'float16' : 'float32') : networkTypeOfOnnx(elemType));

  // Where each tensor currently lives: its (type, format) as written by its producer.
  const state = new Map<string, PlannedTensor>();
  const producer = new Map<string, PlannedLayer>();
  const layers: PlannedLayer[] = [];
  const graphInputs = model.graph.inputs.filter((input) => !initializers.has(input.name));
  const graphInputIndex = new Map(graphInputs.map((input, index) => [input.name, index]));

  const ensureInput = (name: string, wanted: PlannedTensor): PlannedTensor => {
    const existing = state.get(name);
    if (existing) return existing;
    const index = graphInputIndex.get(name);
    const value = shapeOf(name);
    if (index === undefined) {
      return { name, dims: value.shape, dataType: networkTypeOfOnnx(value.elemType), format: 'chw' };
    }
    const spec = specFor('inputIOFormats', options.inputIOFormats, index, graphInputs.length);
    const dataType = spec?.dataType ? ioTypeToDataType(spec.dataType) : networkTypeOfOnnx(value.elemType);
    const format = spec ? (spec.formats.includes(wanted.format) && dataType === wanted.dataType ? wanted.format : spec.formats[0]) : 'chw';
    checkIoFormat('inputIOFormats', name, dataType, format, value.shape.length);
    const tensor: PlannedTensor = { name, dims: value.shape, dataType, format };
    state.set(name, tensor);
    return tensor;
  };

  const addLayer = (layer: PlannedLayer): void => {
    layers.push(layer);
    for (const output of layer.info.outputs) producer.set(output.name, layer);
  };

  const reformatLayer = (name: string, from: PlannedTensor, to: PlannedTensor): PlannedLayer => {
    const bytes = tensorBytes(from) + tensorBytes(to);
    const estimate = estimateMemoryBound(bytes, 0, device);
    const tacticName = 'mock_reformat';
    const candidate: TacticCandidate = { tactic: tacticId(tacticName), kernelName: tacticName, implementation: 'Reformat', timeMs: round(estimate.timeMs), sparse: false, estimated: true, formats: `${shortTensorText(from.dataType, from.format, from.dims)} -> ${shortTensorText(to.dataType, to.format, to.dims)}` };
    verbose(`*************** Autotuning Reformat: ${candidate.formats} ***************`);
    verbose(`--------------- Timing Runner: ${name} (Reformat)`);
    verbose(`Tactic Name: ${tacticName} Tactic: ${candidate.tactic} Time: ${candidate.timeMs}`);
    verbose(`Fastest Tactic: ${candidate.tactic} Time: ${candidate.timeMs}`);
    return {
      info: {
        name,
        layerType: 'Reformat',
        parameterType: 'Reformat',
        onnxNodes: [],
        inputs: [toLayerTensor(from)],
        outputs: [toLayerTensor(to)],
        tacticName,
        tacticValue: candidate.tactic,
        isReformat: true,
        precision: from.dataType === to.dataType ? to.dataType : 'mixed',
      },
      estimate: { layer: name, estimated: true, flops: 0, bytes, denseTimeMs: round(estimate.timeMs), chosenTimeMs: round(estimate.timeMs), bound: estimate.bound },
      tactics: { layer: name, chosen: candidate, candidates: [candidate], source: 'mock' },
      eligible: false,
      picked: false,
    };
  };

  progress('Building engine', 0, groups.length);
  for (const [groupIndex, group] of groups.entries()) {
    throwIfAborted(hooks.signal);
    const main = group.nodes[0];
    const outputValues = group.outputs.filter(Boolean).map((name) => ({ name, value: shapeOf(name) }));
    const layerType = computeType(outputValues[0]?.value.elemType ?? OnnxDataType.FLOAT);
    const firstInput = group.inputs[0];
    const firstState = firstInput ? (state.get(firstInput) ?? undefined) : undefined;
    const rank4 = (name: string): boolean => shapeOf(name).shape.length === 4;
    let wantedFormat: TensorFormatName = 'chw';
    if (group.kind === 'conv' && fp16 && firstInput && rank4(firstInput)) wantedFormat = 'hwc8';
    else if ((group.kind === 'pointwise' || group.kind === 'pool') && firstState && group.inputs.every((name) => shapeOf(name).shape.length === firstState.dims.length)) wantedFormat = firstState.format;

    // Inputs, with reformats where the producer's (type, format) is not what this layer wants.
    const layerInputs: PlannedTensor[] = group.inputs.map((name, index) => {
      const value = shapeOf(name);
      const wantedType = isFloatOnnxType(value.elemType) ? layerType : networkTypeOfOnnx(value.elemType);
      const format = value.shape.length >= 3 ? wantedFormat : 'chw';
      const wanted: PlannedTensor = { name, dims: value.shape, dataType: wantedType, format };
      const current = ensureInput(name, wanted);
      if (current.dataType === wanted.dataType && current.format === wanted.format) return current;
      const reformatted: PlannedTensor = { ...wanted, name: `Reformatted Input Tensor ${index} to ${group.name}` };
      addLayer(reformatLayer(`Reformatting CopyNode for Input Tensor ${index} to ${group.name}`, current, reformatted));
      return reformatted;
    });
    const outputFormat = (dimsLength: number): TensorFormatName => (dimsLength >= 3 && FORMAT_VECTOR_WIDTH[wantedFormat] > 1 ? wantedFormat : 'chw');
    const layerOutputs: PlannedTensor[] = outputValues.map(({ name, value }) => ({
      name,
      dims: value.shape,
      dataType: isFloatOnnxType(value.elemType) ? layerType : networkTypeOfOnnx(value.elemType),
      format: outputFormat(value.shape.length),
    }));

    // Cost: activations in/out (in their formats), weights of the main node, FLOPs of every fused node.
    const flops = group.nodes.reduce((sum, node) => sum + (costByNode.get(node)?.flops ?? 0), 0);
    const weightTensors = main.inputs.filter((name) => initializers.has(name)).map((name) => initializers.get(name)!);
    const weightElements = group.kind === 'conv' || group.kind === 'gemm' ? weightTensors.reduce((sum, tensor) => sum + tensor.dims.reduce((product, dim) => product * dim, 1), 0) : 0;
    const weightBytes = weightElements * mockElementBytes(layerType);
    const bytes = layerInputs.reduce((sum, tensor) => sum + tensorBytes(tensor), 0) + weightBytes + layerOutputs.reduce((sum, tensor) => sum + tensorBytes(tensor), 0);

    const [engineLayerType, parameterType] = layerTypes(group);
    const precisionWord = layerType === 'float16' ? 'fp16' : layerType === 'float32' ? 'fp32' : layerType;
    const cost = costByNode.get(main);
    let dense: TimeEstimate;
    let sparse: TimeEstimate | undefined;
    let eligible = false;
    let denseName: string;
    let sparseName: string | undefined;
    let ineligibleReason: string | undefined;
    if ((group.kind === 'conv' || group.kind === 'gemm') && cost?.gemm && (layerType === 'float16' || layerType === 'float32')) {
      const groupsCount = cost.conv?.groups ?? 1;
      const kernelArea = main.opType === 'Conv' ? (cost.conv?.kernel ?? []).reduce((product, dim) => product * dim, 1) : 1;
      const shape: MatrixShape = { m: cost.gemm.m, n: cost.gemm.n / groupsCount, k: cost.gemm.k, groups: groupsCount, kernelArea };
      dense = estimateDenseMatrix(shape, bytes, device, layerType === 'float16' ? 'fp16' : 'fp32');
      const opWord = group.kind === 'conv' ? (main.opType === 'ConvTranspose' ? 'deconv' : 'conv') : 'gemm';
      denseName = `mock_${precisionWord}_${layerInputs[0]?.format ?? 'chw'}_${opWord}_dense`;
      if (options.sparsity !== 'disable') {
        const weight = initializers.get(main.inputs[1] ?? '');
        if (!fp16) ineligibleReason = 'not an FP16 build';
        else if (main.opType !== 'Conv' && main.opType !== 'Gemm' && main.opType !== 'MatMul') ineligibleReason = `${main.opType} has no sparse kernels`;
        else if (!weight) ineligibleReason = 'weights are not constant';
        else {
          const shapeCheck = sparseShapeEligible(shape);
          const transB = main.opType === 'Gemm' && intAttribute(main, 'transB', 0) === 1;
          const pattern = weightSparsity(weight, main.opType as 'Conv' | 'Gemm' | 'MatMul', { transB });
          if (!pattern.isTwoFour) ineligibleReason = `weights are not 2:4 (${pattern.violatingGroups} of ${pattern.groups} groups of four have more than two non-zeros)`;
          else if (!shapeCheck.eligible) ineligibleReason = shapeCheck.reason;
          else eligible = true;
        }
        if (eligible) {
          sparse = estimateSparseMatrix(shape, bytes, weightBytes, device);
          sparseName = `mock_fp16_sparse_${opWord}`;
        }
      }
    } else if (group.kind === 'noop') {
      dense = { timeMs: 0, computeMs: 0, memoryMs: 0, overheadMs: 0, paddedFlops: 0, bytes: 0, bound: 'overhead' };
      denseName = '';
    } else {
      dense = estimateMemoryBound(bytes, flops, device);
      denseName = `mock_${precisionWord}_${group.kind === 'pointwise' || group.kind === 'pool' ? group.kind : main.opType.toLowerCase()}`;
    }
    const picked = sparse !== undefined && sparse.timeMs < dense.timeMs;
    const chosen = picked ? sparse! : dense;
    const chosenName = picked ? sparseName! : denseName;

    const candidates: TacticCandidate[] = [];
    const formatsText = `${layerInputs.map((tensor) => shortTensorText(tensor.dataType, tensor.format, tensor.dims)).join(', ')} -> ${layerOutputs.map((tensor) => shortTensorText(tensor.dataType, tensor.format, tensor.dims)).join(', ')}`;
    if (denseName) candidates.push({ tactic: tacticId(denseName), kernelName: denseName, implementation: engineLayerType, timeMs: round(dense.timeMs), sparse: false, formats: formatsText, estimated: true });
    if (sparse && sparseName) candidates.push({ tactic: tacticId(sparseName), kernelName: sparseName, implementation: engineLayerType, timeMs: round(sparse.timeMs), sparse: true, formats: formatsText, estimated: true });
    const chosenCandidate = candidates.find((candidate) => candidate.kernelName === chosenName);

    const layerInfo: LayerInfo = {
      name: group.name,
      layerType: engineLayerType,
      parameterType,
      onnxNodes: group.nodes.map((node, index) => node.name || `${node.opType}_${groupIndex}_${index}`),
      inputs: layerInputs.map(toLayerTensor),
      outputs: layerOutputs.map(toLayerTensor),
      ...(chosenName ? { tacticName: chosenName, tacticValue: tacticId(chosenName) } : { tacticValue: '0x0000000000000000' }),
      isReformat: false,
      precision: layerType,
    };
    if (group.kind === 'conv' && cost?.conv) {
      const spatial = cost.conv.kernel.length;
      const pads = intsAttribute(main, 'pads') ?? new Array<number>(2 * spatial).fill(0);
      const bias = initializers.get(main.inputs[2] ?? '');
      const weightType = layerType === 'float16' ? 'Half' : 'Float';
      layerInfo.convolution = {
        kernel: cost.conv.kernel,
        stride: cost.conv.stride,
        prePadding: pads.slice(0, spatial),
        postPadding: pads.slice(spatial),
        dilation: intsAttribute(main, 'dilations') ?? new Array<number>(spatial).fill(1),
        groups: cost.conv.groups,
        outMaps: cost.conv.outChannels,
        weights: { type: weightType, count: weightElements - (bias ? bias.data.length : 0) },
        // A folded BatchNormalization leaves a per-channel bias behind, as in TensorRT's fused layers.
        bias: { type: weightType, count: bias ? bias.data.length : group.batchNorm ? cost.conv.outChannels : 0 },
        hasSparseWeights: picked,
        hasResidual: group.residualInput !== undefined,
        ...(group.activation ? { activation: group.activation.toUpperCase() } : {}),
      };
    }
    const estimate: LayerEstimate = {
      layer: group.name,
      estimated: true,
      flops,
      bytes: chosen.bytes,
      denseTimeMs: round(dense.timeMs),
      ...(sparse ? { sparseTimeMs: round(sparse.timeMs) } : {}),
      chosenTimeMs: round(chosen.timeMs),
      bound: chosen.bound,
    };
    addLayer({
      info: layerInfo,
      estimate,
      ...(candidates.length > 0 ? { tactics: { layer: group.name, chosen: chosenCandidate, candidates, source: 'mock' as const } } : {}),
      eligible,
      picked,
    });
    for (const tensor of layerOutputs) state.set(tensor.name, tensor);
    if (ineligibleReason && options.sparsity !== 'disable' && (group.kind === 'conv' || group.kind === 'gemm')) {
      verbose(`[MOCK] ${group.name} is not eligible for sparse math: ${ineligibleReason}.`);
    }
    if (candidates.length > 0) {
      verbose(`=============== Computing costs for ${group.name}`);
      verbose(`*************** Autotuning format combination: ${formatsText} ***************`);
      verbose(`--------------- Timing Runner: ${group.name} (${engineLayerType})`);
      for (const candidate of candidates) verbose(`Tactic Name: ${candidate.kernelName} Tactic: ${candidate.tactic} Time: ${candidate.timeMs}`);
      if (chosenCandidate) verbose(`Fastest Tactic: ${chosenCandidate.tactic} Time: ${chosenCandidate.timeMs}`);
    }
    progress('Building engine', groupIndex + 1, groups.length);
    await yieldToEventLoop();
  }
  throwIfAborted(hooks.signal);

  // Network outputs: reformat where the producing layer's (type, format) is not the requested IO format.
  const io: IOTensorInfo[] = [];
  const ioInfo = (tensor: PlannedTensor, mode: 'input' | 'output', declared: (number | string | undefined)[] | undefined): IOTensorInfo => {
    const width = FORMAT_VECTOR_WIDTH[tensor.format];
    const shape = declared ? declared.map((dim, axis) => (typeof dim === 'number' && dim >= 0 ? dim : options.shapes[tensor.name] ? -1 : tensor.dims[axis])) : tensor.dims;
    const linear = width === 1 && tensor.format === 'chw';
    return {
      name: tensor.name,
      mode,
      dataType: tensor.dataType,
      shape,
      format: tensor.format,
      formatText: formatText(tensor.dataType, tensor.format),
      componentsPerElement: width,
      vectorizedDim: width > 1 ? 1 : -1,
      ...(linear ? { strides: tensor.dims.map((_, axis) => tensor.dims.slice(axis + 1).reduce((product, dim) => product * dim, 1)) } : {}),
    };
  };
  for (const input of graphInputs) {
    const value = shapeOf(input.name);
    const tensor = ensureInput(input.name, { name: input.name, dims: value.shape, dataType: networkTypeOfOnnx(value.elemType), format: 'chw' });
    io.push(ioInfo(tensor, 'input', input.shape));
  }
  model.graph.outputs.forEach((output, index) => {
    const value = shapeOf(output.name);
    const current = state.get(output.name) ?? { name: output.name, dims: value.shape, dataType: networkTypeOfOnnx(value.elemType), format: 'chw' as TensorFormatName };
    const spec = specFor('outputIOFormats', options.outputIOFormats, index, model.graph.outputs.length);
    const dataType = spec?.dataType ? ioTypeToDataType(spec.dataType) : networkTypeOfOnnx(value.elemType);
    const format = spec ? (spec.formats.includes(current.format) && dataType === current.dataType ? current.format : spec.formats[0]) : 'chw';
    checkIoFormat('outputIOFormats', output.name, dataType, format, value.shape.length);
    const wanted: PlannedTensor = { name: output.name, dims: value.shape, dataType, format };
    const source = producer.get(output.name);
    if ((current.dataType !== wanted.dataType || current.format !== wanted.format) && source) {
      const renamed = `Reformatted Output Tensor ${index} to ${source.info.name}`;
      for (const tensor of source.info.outputs) if (tensor.name === output.name) tensor.name = renamed;
      addLayer(reformatLayer(`Reformatting CopyNode for Output Tensor ${index} to ${source.info.name}`, { ...current, name: renamed }, wanted));
    }
    io.push(ioInfo(wanted, 'output', output.shape));
  });

  const eligibleNames = layers.filter((layer) => layer.eligible).map((layer) => layer.info.name);
  const pickedNames = layers.filter((layer) => layer.picked).map((layer) => layer.info.name);
  if (options.sparsity !== 'disable') {
    if (eligibleNames.length > 0) info(`(Sparsity) Layers eligible for sparse math: ${eligibleNames.join(', ')}`);
    else info('(Sparsity) No layer is eligible for sparse math (weights must be 2:4 and the build FP16).');
    if (pickedNames.length > 0) info(`(Sparsity) TRT inference plan picked sparse implementation for layers: ${pickedNames.join(', ')}`);
  }
  verbose('Engine Layer Information:');
  for (const layer of layers) {
    const describe = (tensors: LayerTensor[]): string => tensors.map((tensor) => `${tensor.name} (${shortTensorText(tensor.dataType, tensor.format === 'unknown' ? 'chw' : tensor.format, tensor.dimensions)})`).join(', ');
    verbose(`Layer(${layer.info.layerType}): ${layer.info.name}, Tactic: ${layer.info.tacticValue ?? '0x0000000000000000'}, ${describe(layer.info.inputs)} -> ${describe(layer.info.outputs)}`);
  }
  const totalMs = layers.reduce((sum, layer) => sum + layer.estimate.chosenTimeMs, 0);
  info(`[MOCK] Estimated GPU compute time per inference: ${round(totalMs)} ms on ${device.id} (cost-model estimate, not a measurement).`);

  warnings.unshift(`Mock backend: every time in this report is a cost-model estimate against the ${device.id} profile (datasheet peaks); no GPU or TensorRT was used.`);
  if (!fp16 && layers.some((layer) => layer.info.layerType.startsWith('Cask') && layer.info.parameterType !== 'Pooling')) {
    warnings.push('FP32 build: the mock models FP32 matrix layers at the FP32 CUDA-core peak; TF32 Tensor Core math is not modelled.');
  }
  if (options.replay) warnings.push('replayTactics has no effect on the mock backend: its tactics are determined by the cost model.');
  if (options.timingCachePath || options.timingCacheProvided) warnings.push('The mock backend does not read or write timing caches.');
  progress('Serializing engine', 1, 1);

  const report: BuildReport = {
    schemaVersion: 1,
    backend: 'mock',
    estimated: true,
    createdAt: new Date().toISOString(),
    versions,
    environment: { ...environment, deviceProfile: device.id },
    options,
    model: summarizeModel(model),
    buildTimeMs: performance.now() - started,
    layers: layers.map((layer) => layer.info),
    tactics: options.recordTactics ? layers.flatMap((layer) => (layer.tactics ? [layer.tactics] : [])) : [],
    sparsity: { eligible: eligibleNames, picked: pickedNames },
    estimates: layers.map((layer) => layer.estimate),
    log,
    warnings,
  };
  return { report, io, onnx: runBytes };
}
