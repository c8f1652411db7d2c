/**
 * Per-node FLOP and byte counts, and the model summary. All numbers are analytical counts from shapes, not
 * measurements.
 */
import { TensorRTError } from '../errors.js';
import type { DataTypeName, ModelSummary } from '../types/index.js';
import { type InferredTensor, type NodeCost, type OnnxModel, type OnnxNode } from './model.js';
import { convGeometry, defaultOpsetVersion } from './shapes.js';
import { dataTypeOfOnnx, isFloatOnnxType, onnxTypeFacts, product } from '../tensors/facts.js';

/**
 * FLOPs per output element of elementwise operators and activations. By convention every elementwise op,
 * including transcendental ones (Sigmoid, Tanh, Erf, Exp, Gelu), counts 1 FLOP per output element, as the
 * usual FLOP counters do; they are memory-bound on a GPU, so their bytes matter far more than this count.
 * Exceptions: BatchNormalization counts 2 (a scale and a shift once folded), Softmax counts 3 (exp, sum,
 * divide), HardSigmoid and HardSwish count 2 (multiply-add, then clamp folded in) and 3.
 */
export const ELEMENTWISE_FLOPS_PER_ELEMENT: Readonly<Record<string, number>> = Object.freeze({
  Relu: 1,
  LeakyRelu: 1,
  PRelu: 1,
  Sigmoid: 1,
  Tanh: 1,
  Clip: 1,
  Elu: 1,
  Erf: 1,
  Gelu: 1,
  Abs: 1,
  Neg: 1,
  Sqrt: 1,
  Exp: 1,
  Log: 1,
  Reciprocal: 1,
  Softplus: 1,
  Add: 1,
  Sub: 1,
  Mul: 1,
  Div: 1,
  Pow: 1,
  Max: 1,
  Min: 1,
  HardSigmoid: 2,
  HardSwish: 3,
  BatchNormalization: 2,
  Softmax: 3,
});

/** Ops that only move or relabel data: 0 FLOPs. */
const DATA_MOVEMENT = new Set([
  'Reshape', 'Flatten', 'Transpose', 'Identity', 'Dropout', 'Concat', 'Constant', 'Shape', 'Gather', 'Unsqueeze',
  'Squeeze', 'Cast', 'Slice',
]);

/**
 * Counts FLOPs and minimal memory traffic for every node, in graph order.
 *
 * - A multiply-add counts 2 FLOPs; `macs` is the number of multiply-adds of matrix ops (0 for elementwise).
 * - Conv: `2·N·K·P·Q·(C/G)·R·S`, plus `N·K·P·Q` for the bias add (nD: P·Q and R·S are products over spatial
 *   axes). GEMM view: M = N·P·Q, N = K, K = C·R·S/G (summed over groups on the N side).
 * - ConvTranspose: `2·N·C·H·W·(K/G)·R·S` over input positions (+ bias per output). GEMM view: M = N·H·W,
 *   N = K·R·S, K = C/G.
 * - MatMul: `2·batch·M·N·K`; Gemm: `2·M·N·K` plus `M·N` when C is given.
 * - Elementwise and activations: {@link ELEMENTWISE_FLOPS_PER_ELEMENT} per output element.
 * - MaxPool/AveragePool: kernel size per output element; global pools: one op per input element.
 * - Resize/Upsample: 0 for `nearest`, 3 per output element and resized axis for linear, 8 for cubic.
 * - Data movement (Reshape, Transpose, Concat, Slice, Cast, …): 0.
 *
 * Bytes: every non-constant input read once, every constant input (initializer or Constant output) read once
 * as weights, every output written once. Floating-point tensors count `elementBytes` each; integer and bool
 * tensors their natural size (from the type-facts table). Types the table has no size for (STRING, COMPLEX)
 * count `elementBytes` each too, a deliberate choice: the count stays defined and such tensors are rare. Shape
 * reads no data.
 *
 * @param model - the model
 * @param shapes - the result of `inferShapes(model)`
 * @param options.elementBytes - bytes per floating-point element. Defaults to 4 (use 2 for FP16).
 * @returns one {@link NodeCost} per node
 * @throws TensorRTError `ERR_INVALID_ARGUMENT` when `shapes` lacks a value of the graph
 */
export function nodeCosts(model: OnnxModel, shapes: Map<string, InferredTensor>, options: { elementBytes?: number } = {}): NodeCost[] {
  const elementBytes = options.elementBytes ?? 4;
  if (typeof elementBytes !== 'number' || !(elementBytes > 0)) {
    throw new TensorRTError('ERR_INVALID_OPTION', `expected a positive number for \`elementBytes\`, got ${String(elementBytes)}`);
  }
  const opset = defaultOpsetVersion(model) ?? 13;
  const constants = new Set(model.graph.initializers.map((tensor) => tensor.name));
  for (const node of model.graph.nodes) if (node.opType === 'Constant') node.outputs.forEach((name) => constants.add(name));

  const shapeOf = (name: string, node: OnnxNode): InferredTensor => {
    const value = shapes.get(name);
    if (!value) {
      throw new TensorRTError('ERR_INVALID_ARGUMENT', `no inferred shape for '${name}' (node '${node.name}'); pass the result of inferShapes(model)`);
    }
    return value;
  };
  const bytesOf = (tensor: InferredTensor): number => {
    const facts = onnxTypeFacts(tensor.elemType);
    return product(tensor.shape) * (facts && !facts.float ? facts.bytes : elementBytes);
  };

  return model.graph.nodes.map((node): NodeCost => {
    const inputs = node.inputs.map((name) => (name === '' ? undefined : shapeOf(name, node)));
    const outputs = node.outputs.filter((name) => name !== '').map((name) => shapeOf(name, node));
    let activationsIn = 0;
    let weights = 0;
    node.inputs.forEach((name, index) => {
      const tensor = inputs[index];
      if (!tensor || node.opType === 'Shape') return;
      if (constants.has(name)) weights += bytesOf(tensor);
      else activationsIn += bytesOf(tensor);
    });
    const activationsOut = outputs.reduce((sum, tensor) => sum + bytesOf(tensor), 0);
    const cost: NodeCost = {
      node: node.name,
      opType: node.opType,
      flops: 0,
      macs: 0,
      bytes: { activationsIn, weights, activationsOut, total: activationsIn + weights + activationsOut },
      elementBytes,
    };
    const outElements = outputs.length > 0 ? product(outputs[0].shape) : 0;
    const op = node.opType;
    if (op === 'Conv') {
      const x = inputs[0]!.shape;
      const w = inputs[1]!.shape;
      const y = outputs[0].shape;
      const geometry = convGeometry(node, x, w, opset);
      const groups = geometry.groups;
      const spatialOut = product(y.slice(2));
      const kernelSize = product(w.slice(2));
      const batch = x[0];
      const outChannels = w[0];
      const inChannels = x[1];
      cost.macs = batch * outChannels * spatialOut * (inChannels / groups) * kernelSize;
      cost.flops = 2 * cost.macs + (inputs[2] ? batch * outChannels * spatialOut : 0);
      cost.gemm = { m: batch * spatialOut, n: outChannels, k: (inChannels * kernelSize) / groups };
      cost.conv = { inChannels, outChannels, kernel: w.slice(2), groups, stride: geometry.strides };
    } else if (op === 'ConvTranspose') {
      const x = inputs[0]!.shape;
      const w = inputs[1]!.shape;
      const groups = node.attributes.group?.type === 'int' ? node.attributes.group.value : 1;
      const inChannels = x[1];
      const outChannels = w[1] * groups;
      const kernelSize = product(w.slice(2));
      const inputPositions = x[0] * product(x.slice(2));
      cost.macs = inputPositions * inChannels * (outChannels / groups) * kernelSize;
      cost.flops = 2 * cost.macs + (inputs[2] ? outElements : 0);
      cost.gemm = { m: inputPositions, n: outChannels * kernelSize, k: inChannels / groups };
      const strides = node.attributes.strides?.type === 'ints' ? node.attributes.strides.value : w.slice(2).map(() => 1);
      cost.conv = { inChannels, outChannels, kernel: w.slice(2), groups, stride: strides };
    } else if (op === 'MatMul') {
      const a = inputs[0]!.shape;
      const b = inputs[1]!.shape;
      const k = a[a.length - 1];
      const n = b.length === 1 ? 1 : b[b.length - 1];
      const m = outElements / n;
      cost.macs = m * n * k;
      cost.flops = 2 * cost.macs;
      cost.gemm = { m, n, k };
    } else if (op === 'Gemm') {
      const a = inputs[0]!.shape;
      const transA = node.attributes.transA?.type === 'int' && node.attributes.transA.value === 1;
      const k = transA ? a[0] : a[1];
      const [m, n] = outputs[0].shape;
      cost.macs = m * n * k;
      cost.flops = 2 * cost.macs + (inputs[2] ? m * n : 0);
      cost.gemm = { m, n, k };
    } else if (op === 'MaxPool' || op === 'AveragePool') {
      const kernel = node.attributes.kernel_shape?.type === 'ints' ? node.attributes.kernel_shape.value : [];
      cost.flops = outElements * product(kernel);
    } else if (op === 'GlobalAveragePool' || op === 'GlobalMaxPool') {
      cost.flops = product(inputs[0]!.shape);
    } else if (op === 'Resize' || op === 'Upsample') {
      const mode = node.attributes.mode?.type === 'string' ? node.attributes.mode.value : 'nearest';
      const x = inputs[0]!.shape;
      const resizedAxes = outputs[0].shape.filter((dim, axis) => dim !== x[axis]).length;
      const perAxis = mode === 'nearest' ? 0 : mode === 'cubic' ? 8 : 3;
      cost.flops = outElements * perAxis * resizedAxes;
    } else if (!DATA_MOVEMENT.has(op)) {
      cost.flops = outElements * (ELEMENTWISE_FLOPS_PER_ELEMENT[op] ?? 1);
    }
    return cost;
  });
}

/** The {@link DataTypeName} of an ONNX element type (`'unknown'` for types the engine API does not name). */
export function dataTypeName(elemType: number): DataTypeName {
  return dataTypeOfOnnx(elemType);
}

/**
 * Summarises a model for reports: name, producer, opset, IO, node count, operator counts and the number of
 * parameters (elements of floating-point initializers; integer shape constants are not parameters).
 * Unknown dims are shown as `'?'`.
 *
 * @param model - the model
 */
export function summarizeModel(model: OnnxModel): ModelSummary & { opCounts: Record<string, number>; parameterCount: number } {
  const graph = model.graph;
  const initializerNames = new Set(graph.initializers.map((tensor) => tensor.name));
  const describe = (info: (typeof graph.inputs)[number]) => ({
    name: info.name,
    dataType: dataTypeName(info.elemType),
    shape: (info.shape ?? []).map((dim) => dim ?? '?'),
  });
  const opCounts: Record<string, number> = {};
  for (const node of graph.nodes) {
    const key = node.domain ? `${node.domain}::${node.opType}` : node.opType;
    opCounts[key] = (opCounts[key] ?? 0) + 1;
  }
  const parameterCount = graph.initializers
    .filter((tensor) => isFloatOnnxType(tensor.dataType))
    .reduce((sum, tensor) => sum + product(tensor.dims), 0);
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
  const summary: ModelSummary & { opCounts: Record<string, number>; parameterCount: number } = {
    nodeCount: graph.nodes.length,
    inputs: graph.inputs.filter((input) => !initializerNames.has(input.name)).map(describe),
    outputs: graph.outputs.map(describe),
    opCounts,
    parameterCount,
  };
  if (graph.name) summary.name = graph.name;
  if (producer) summary.producer = producer;
  const opset = defaultOpsetVersion(model);
  if (opset !== undefined) summary.opset = opset;
  summary.irVersion = model.irVersion;
  return summary;
}
