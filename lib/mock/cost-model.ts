/**
 * The mock backend's cost model. It imitates what TensorRT's builder does, with estimates in place of timings.
 * Everything it produces is an estimate (`estimated: true`); nothing here ran on a GPU. docs/mock-cost-model.md
 * says the same in prose.
 *
 * **Fusion** (like TensorRT's): a Conv / ConvTranspose absorbs a following BatchNormalization (folded into its
 * weights), then a residual Add (the other operand is another activation, or a constant bias), then one
 * activation (Relu, LeakyRelu, Clip, Sigmoid, Tanh, Elu, HardSigmoid); a MatMul / Gemm absorbs a bias Add and an
 * activation. A node is absorbed only when it is the sole consumer of the previous output and that output is not
 * a network output. The fused layer is named like TensorRT names it: the ONNX node names joined by `' + '`.
 * Constant subgraphs (Constant, Shape and anything computed only from constants) are folded away; Reshape,
 * Flatten, Squeeze, Unsqueeze and Identity become `NoOp` layers with no kernel; every other node is a
 * standalone layer.
 *
 * **Precision and formats**: with `fp16`, every floating-point layer runs in FP16 (2-byte activations and
 * weights); otherwise FP32. TF32 is not modelled: FP32 matrix layers run at the profile's `fp32Tflops`.
 * FP16 convolutions read and write `hwc8` ("Channel major FP16 format where channel % 8 == 0"); GEMMs and
 * other non-pointwise layers use linear `chw`; pointwise layers, pooling, Concat and Resize take the format of
 * their first input. Where a producer's (type, format) differs from what a consumer wants, a `Reformat` layer is
 * inserted ("Reformatting CopyNode for Input Tensor i to <layer>"); network IO defaults to the model's type in
 * `chw`, so an FP16 build gets an input and an output reformat unless `inputIOFormats` / `outputIOFormats` name
 * the format the neighbouring layer wants (e.g. `fp16:hwc8`).
 *
 * **Time of one layer** (ms), against a {@link DeviceProfile}:
 * `time = max(computeTime, memoryTime) + overhead`, where
 * - `memoryTime = bytes / (memoryBandwidth · MEMORY_EFFICIENCY)`; `bytes` = activations read (padded to the
 *   format's vector width: a 3-channel hwc8 tensor moves 8 channels) + weights (sparse: compressed) + activations
 *   written. Tensors inside a fusion are never stored.
 * - `computeTime = paddedFlops / (peak · efficiency)`, with `paddedFlops = 2 · groups · M' · N' · K'` over the
 *   GEMM view of the layer (Conv: M = N·P·Q, N = K/groups, K = C/groups · R · S). Tensor Core math pads
 *   channels: C and K are rounded up to multiples of 8 (FP16 dense), and M, N, K are rounded up to the kernel
 *   tile ({@link TILES}): this is the small-GEMM penalty (a 16-channel 3x3 layer executes K = 160 for 144).
 * - FP16 dense uses `fp16DenseTflops · DENSE_EFFICIENCY`; FP32 uses `fp32Tflops · FP32_EFFICIENCY` without
 *   channel padding; pointwise, pooling, reformat and other layers are memory-bound (`flops` still reported).
 * - `overhead` = the profile's `kernelOverheadUs` per kernel; `NoOp` layers cost 0.
 *
 * **2:4 sparsity**: a layer is *eligible* when sparsity is not `'disable'`, the build is FP16, the layer is a
 * Conv (groups = 1), Gemm or MatMul with constant weights that `weightSparsity()` reports as 2:4 along the
 * reduction axis, the reduction channels (C for Conv, K for GEMM) are a multiple of 4 and the output channels
 * (N) a multiple of 8 (the mock's rule, stated here because TensorRT does not document its own). For an
 * eligible layer the sparse estimate is
 * `max(paddedFlops_sparse / (fp16SparseTflops · SPARSE_EFFICIENCY), bytes_sparse / bandwidth) + overhead ·
 * (1 + SPARSE_EXTRA_OVERHEAD)`, where sparse kernels use larger tiles (N ≥ 64, K granule 64) and weights shrink to
 * 9/16 of their dense size (half the values plus 2-bit metadata per kept value). The sparse tactic is *picked*
 * only where its estimate beats the dense one — as TensorRT times both and keeps the faster. Small-channel layers
 * are memory-bound and pay the larger sparse tiles, so they stay dense; nothing special-cases them.
 *
 * **Benchmark**: GPU compute per iteration = the sum of the chosen layer times; H2D/D2H = IO bytes over
 * {@link HOST_LINK_GBS}; enqueue = {@link ENQUEUE_US_PER_LAYER} per layer, or a single launch with CUDA graphs.
 * Every iteration is identical (no noise is invented), so the spread is zero.
 */
import type { DeviceProfile } from '../devices/profiles.js';
import type { OnnxModel, OnnxNode } from '../onnx/model.js';

/** Fraction of the FP16 dense Tensor Core peak a well-shaped kernel reaches. */
export const DENSE_EFFICIENCY = 0.7;
/** Fraction of the FP16 sparse peak a well-shaped sparse kernel reaches (sparse kernels are less mature). */
export const SPARSE_EFFICIENCY = 0.55;
/** Fraction of the FP32 peak an FP32 kernel reaches. */
export const FP32_EFFICIENCY = 0.7;
/** Fraction of the datasheet DRAM bandwidth a streaming kernel reaches. */
export const MEMORY_EFFICIENCY = 0.85;
/** Extra fixed cost of a sparse kernel, as a fraction of the per-kernel overhead (metadata, weight reorder). */
export const SPARSE_EXTRA_OVERHEAD = 0.5;
/** Host-device copy bandwidth assumed for H2D/D2H, GB/s (a PCIe 4.0 x16 link in practice). */
export const HOST_LINK_GBS = 25;
/** Host time to enqueue one kernel without CUDA graphs, microseconds. */
export const ENQUEUE_US_PER_LAYER = 1.5;
/** Host time to launch a captured CUDA graph, microseconds. */
export const GRAPH_LAUNCH_US = 8;

/** Tile granules of the modelled kernels: M, K granules, and the smallest N tile. */
export const TILES = {
  dense: { m: 128, minN: 16, maxN: 128, k: 32 },
  sparse: { m: 128, minN: 64, maxN: 128, k: 64 },
  fp32: { m: 128, minN: 16, maxN: 128, k: 8 },
} as const;

/** Activations TensorRT fuses into a preceding Conv or GEMM. */
export const FUSABLE_ACTIVATIONS: ReadonlySet<string> = new Set(['Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh', 'Elu', 'HardSigmoid']);
/** Ops that become NoOp layers (a view, no kernel). */
export const NOOP_OPS: ReadonlySet<string> = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout']);
/** Ops whose kernels accept any input format and keep it (pointwise, pooling, concatenation, resize). */
export const FORMAT_AGNOSTIC_OPS: ReadonlySet<string> = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh', 'Elu', 'HardSigmoid', 'HardSwish', 'Neg', 'Abs', 'Exp', 'Sqrt', 'Pow',
  'BatchNormalization', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Concat', 'Resize', 'Upsample',
]);

/** What kind of engine layer a group of ONNX nodes becomes. */
export type LayerKind = 'conv' | 'gemm' | 'pointwise' | 'pool' | 'noop' | 'other';

/** A group of ONNX nodes that becomes one engine layer. */
export interface FusedGroup {
  /** TensorRT-style name: node names joined by `' + '`. */
  name: string;
  kind: LayerKind;
  /** The nodes, in graph order; the first is the main node. */
  nodes: OnnxNode[];
  /** Activation (non-constant) inputs of the layer, in order: the main node's, then a residual operand. */
  inputs: string[];
  /** Outputs of the last node. */
  outputs: string[];
  /** Name of the folded BatchNormalization, if any. */
  batchNorm?: string;
  /** The residual Add's other (activation) input, if any. */
  residualInput?: string;
  /** The fused activation op type, if any. */
  activation?: string;
  /** True when a constant bias Add was fused. */
  biasAdd?: boolean;
}

/** Name a node as TensorRT's ONNX parser would show it: its own name, else `<OpType>_<index>`. */
export function nodeName(node: OnnxNode, index: number): string {
  return node.name && node.name.length > 0 ? node.name : `${node.opType}_${index}`;
}

/**
 * Names of every value that is constant at build time: initializers, Constant outputs, Shape outputs (shapes are
 * static after shape inference) and outputs of nodes whose inputs are all constant.
 */
export function constantValues(model: OnnxModel): Set<string> {
  const constants = new Set<string>(model.graph.initializers.map((tensor) => tensor.name));
  for (const node of model.graph.nodes) {
    const inputs = node.inputs.filter((name) => name !== '');
    const allConstant = inputs.length > 0 && inputs.every((name) => constants.has(name));
    if (node.opType === 'Constant' || node.opType === 'Shape' || node.opType === 'Size' || allConstant) {
      for (const output of node.outputs) constants.add(output);
    }
  }
  return constants;
}

function kindOf(opType: string): LayerKind {
  if (opType === 'Conv' || opType === 'ConvTranspose') return 'conv';
  if (opType === 'Gemm' || opType === 'MatMul') return 'gemm';
  if (NOOP_OPS.has(opType)) return 'noop';
  if (['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool'].includes(opType)) return 'pool';
  if (FORMAT_AGNOSTIC_OPS.has(opType)) return 'pointwise';
  return 'other';
}

/**
 * Groups the graph's nodes into engine layers with TensorRT's main fusions (see the module comment). Constant
 * subgraphs produce no layer.
 */
export function fuseGraph(model: OnnxModel): FusedGroup[] {
  const nodes = model.graph.nodes;
  const constants = constantValues(model);
  const graphOutputs = new Set(model.graph.outputs.map((output) => output.name));
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, index) => {
    for (const input of node.inputs) {
      if (!input) continue;
      const list = consumers.get(input) ?? [];
      list.push(index);
      consumers.set(input, list);
    }
  });
  const used = new Set<number>();
  const soleConsumer = (tensor: string): number | undefined => {
    if (graphOutputs.has(tensor)) return undefined;
    const list = consumers.get(tensor) ?? [];
    return list.length === 1 && !used.has(list[0]) ? list[0] : undefined;
  };
  const isActivationInput = (name: string): boolean => name !== '' && !constants.has(name);

  const groups: FusedGroup[] = [];
  nodes.forEach((node, index) => {
    if (used.has(index)) return;
    if (node.outputs.every((output) => constants.has(output))) {
      used.add(index);
      return;
    }
    used.add(index);
    const kind = kindOf(node.opType);
    const group: FusedGroup = {
      name: nodeName(node, index),
      kind,
      nodes: [node],
      inputs: node.inputs.filter(isActivationInput),
      outputs: [...node.outputs],
    };
    const names = [group.name];
    const absorb = (next: number): OnnxNode => {
      used.add(next);
      const absorbed = nodes[next];
      group.nodes.push(absorbed);
      names.push(nodeName(absorbed, next));
      group.outputs = [...absorbed.outputs];
      return absorbed;
    };
    if (kind === 'conv' || kind === 'gemm') {
      let tail = node.outputs[0];
      let next = soleConsumer(tail);
      if (kind === 'conv' && next !== undefined && nodes[next].opType === 'BatchNormalization' && nodes[next].inputs[0] === tail) {
        group.batchNorm = nodeName(nodes[next], next);
        tail = absorb(next).outputs[0];
        next = soleConsumer(tail);
      }
      if (next !== undefined && nodes[next].opType === 'Add') {
        const other = nodes[next].inputs.find((input) => input !== tail);
        if (other !== undefined && nodes[next].inputs.includes(tail)) {
          if (constants.has(other)) group.biasAdd = true;
          else if (kind === 'conv') {
            group.residualInput = other;
            group.inputs.push(other);
          } else {
            // A GEMM's residual would need the add fused into its epilogue; the mock keeps it separate.
            next = undefined;
          }
          if (next !== undefined) {
            tail = absorb(next).outputs[0];
            next = soleConsumer(tail);
          }
        }
      }
      if (next !== undefined && FUSABLE_ACTIVATIONS.has(nodes[next].opType) && nodes[next].inputs[0] === tail) {
        group.activation = nodes[next].opType;
        absorb(next);
      }
    }
    group.name = names.join(' + ');
    groups.push(group);
  });
  return groups;
}

/** GEMM view of a matrix layer, per group. */
export interface MatrixShape {
  /** Rows: N·P·Q for a Conv, batch rows for a GEMM. */
  m: number;
  /** Output channels per group. */
  n: number;
  /** Reduction length per group: C/groups · R · S for a Conv. */
  k: number;
  /** Conv groups (1 for GEMM). */
  groups: number;
  /** R·S for a Conv, 1 for a GEMM; channel padding applies to k / kernelArea. */
  kernelArea: number;
}

/** One side of an estimate. */
export interface TimeEstimate {
  /** Total estimated time, ms. */
  timeMs: number;
  computeMs: number;
  memoryMs: number;
  overheadMs: number;
  /** FLOPs after padding to the tile (what the kernel executes). */
  paddedFlops: number;
  bytes: number;
  bound: 'compute' | 'memory' | 'overhead';
}

function roundUp(value: number, granule: number): number {
  return Math.ceil(value / granule) * granule;
}

/** N tile: the smallest power of two between the tile's min and max that covers `n`; larger N tile by max. */
function nTile(n: number, tile: { minN: number; maxN: number }): number {
  let size = tile.minN;
  while (size < n && size < tile.maxN) size *= 2;
  return size;
}

/** FLOPs a matrix kernel executes after channel padding and tile quantisation. */
export function paddedMatrixFlops(shape: MatrixShape, math: 'dense' | 'sparse' | 'fp32'): number {
  const tile = TILES[math];
  // Tensor Core kernels need channels in multiples of 8 (FP16); FP32 CUDA-core kernels do not.
  const channelGranule = math === 'fp32' ? 1 : 8;
  const reductionChannels = roundUp(shape.k / shape.kernelArea, channelGranule);
  const k = roundUp(reductionChannels * shape.kernelArea, tile.k);
  const nPadded = roundUp(shape.n, channelGranule);
  const n = roundUp(nPadded, nTile(nPadded, tile));
  const m = roundUp(shape.m, tile.m);
  return 2 * shape.groups * m * n * k;
}

function combine(computeMs: number, memoryMs: number, overheadMs: number, paddedFlops: number, bytes: number): TimeEstimate {
  const bodyMs = Math.max(computeMs, memoryMs);
  const bound = overheadMs > bodyMs ? 'overhead' : computeMs >= memoryMs ? 'compute' : 'memory';
  return { timeMs: bodyMs + overheadMs, computeMs, memoryMs, overheadMs, paddedFlops, bytes, bound };
}

/** Memory time of `bytes` on `device`, ms. */
export function memoryTimeMs(bytes: number, device: DeviceProfile): number {
  return bytes / (device.memoryBandwidthGBs * 1e9 * MEMORY_EFFICIENCY) * 1e3;
}

/** Dense estimate of a matrix layer (Conv, GEMM). `bytes` already reflects formats and element size. */
export function estimateDenseMatrix(shape: MatrixShape, bytes: number, device: DeviceProfile, precision: 'fp16' | 'fp32'): TimeEstimate {
  const math = precision === 'fp16' ? 'dense' : 'fp32';
  const paddedFlops = paddedMatrixFlops(shape, math);
  const peak = precision === 'fp16' ? device.fp16DenseTflops * DENSE_EFFICIENCY : device.fp32Tflops * FP32_EFFICIENCY;
  const computeMs = (paddedFlops / (peak * 1e12)) * 1e3;
  return combine(computeMs, memoryTimeMs(bytes, device), device.kernelOverheadUs / 1e3, paddedFlops, bytes);
}

/**
 * Sparse (2:4) estimate of a matrix layer. `denseBytes` is the dense traffic and `weightBytes` the dense weight
 * bytes inside it; sparse weights take 9/16 of that.
 */
export function estimateSparseMatrix(shape: MatrixShape, denseBytes: number, weightBytes: number, device: DeviceProfile): TimeEstimate {
  const paddedFlops = paddedMatrixFlops(shape, 'sparse');
  const computeMs = (paddedFlops / (device.fp16SparseTflops * SPARSE_EFFICIENCY * 1e12)) * 1e3;
  const bytes = denseBytes - weightBytes + weightBytes * (9 / 16);
  return combine(computeMs, memoryTimeMs(bytes, device), (device.kernelOverheadUs * (1 + SPARSE_EXTRA_OVERHEAD)) / 1e3, paddedFlops, bytes);
}

/** Estimate of a memory-bound layer (pointwise, pooling, reformat, others). */
export function estimateMemoryBound(bytes: number, flops: number, device: DeviceProfile): TimeEstimate {
  return combine(0, memoryTimeMs(bytes, device), device.kernelOverheadUs / 1e3, flops, bytes);
}

/**
 * The mock's sparse-eligibility rule on the shape alone (weights must also be 2:4, checked by the caller):
 * Conv with groups = 1 or a GEMM, reduction channels % 4 == 0, output channels % 8 == 0.
 */
export function sparseShapeEligible(shape: MatrixShape): { eligible: boolean; reason?: string } {
  if (shape.groups !== 1) return { eligible: false, reason: 'grouped convolution' };
  const reductionChannels = shape.k / shape.kernelArea;
  if (reductionChannels % 4 !== 0) return { eligible: false, reason: `reduction channels ${reductionChannels} not a multiple of 4` };
  if (shape.n % 8 !== 0) return { eligible: false, reason: `output channels ${shape.n} not a multiple of 8` };
  return { eligible: true };
}
