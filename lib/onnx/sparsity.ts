/**
 * 2:4 structured sparsity: checking weights and magnitude pruning them, as NVIDIA's ASP does (keep the two
 * largest magnitudes of every four consecutive weights along the reduction axis).
 *
 * The reduction axis is the one a convolution or matrix product sums over: input channels C of a Conv weight
 * K x C x R x S (axis 1), C of a ConvTranspose weight C x K/G x R x S (axis 0), K of a MatMul B of [K, N]
 * (axis 0, or -2 for batched B), K of a Gemm B of [K, N] (axis 0) or of [N, K] with transB=1 (axis 1).
 *
 * Channel rule used here: the reduction-axis length must be a multiple of 4, so that every group of four is
 * complete; other tensors are reported as not 2:4 and are skipped by {@link sparsify}. (TensorRT's sparse
 * kernels need at least that; their own alignment rules for picking a sparse tactic are stricter and are the
 * builder's business, not this pruning step's.)
 */
import { TensorRTError } from '../errors.js';
import { OnnxDataType, type OnnxModel, type OnnxTensor } from './model.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './fp16.js';
import { product } from '../tensors/facts.js';

/** Operators whose constant weights can be 2:4 pruned. */
export type SparseWeightOp = 'Conv' | 'ConvTranspose' | 'Gemm' | 'MatMul';

interface Layout {
  axis: number;
  outer: number;
  channels: number;
  inner: number;
}

function reductionLayout(tensor: OnnxTensor, opType: SparseWeightOp, transB: boolean): Layout {
  const dims = tensor.dims;
  let axis: number;
  if (opType === 'Conv') axis = 1;
  else if (opType === 'ConvTranspose') axis = 0;
  else if (opType === 'MatMul') axis = dims.length - 2;
  else if (opType === 'Gemm') axis = transB ? 1 : 0;
  else {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', `expected 'Conv', 'ConvTranspose', 'Gemm' or 'MatMul' for \`opType\`, got '${String(opType)}'`);
  }
  const minimumRank = opType === 'Conv' || opType === 'ConvTranspose' ? 3 : 2;
  if (dims.length < minimumRank || (opType === 'Gemm' && dims.length !== 2)) {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', `tensor '${tensor.name}' with dims [${dims}] is not a ${opType} weight`);
  }
  return { axis, outer: product(dims.slice(0, axis)), channels: dims[axis], inner: product(dims.slice(axis + 1)) };
}

/** Magnitudes of a floating-point tensor as float values (FLOAT16/BFLOAT16 decoded from their bits). */
function magnitudes(tensor: OnnxTensor): Float32Array | Float64Array {
  switch (tensor.dataType) {
    case OnnxDataType.FLOAT:
    case OnnxDataType.DOUBLE:
      return tensor.data as Float32Array | Float64Array;
    case OnnxDataType.FLOAT16:
      return float16ToFloat32(tensor.data as Uint16Array);
    case OnnxDataType.BFLOAT16:
      return bfloat16ToFloat32(tensor.data as Uint16Array);
    default:
      throw new TensorRTError(
        'ERR_INVALID_ARGUMENT',
        `tensor '${tensor.name}' has element type ${tensor.dataType}; 2:4 sparsity applies to float, float16, bfloat16 and double weights`,
      );
  }
}

function forEachGroup(layout: Layout, visit: (indices: [number, number, number, number]) => void): void {
  const fullGroups = Math.floor(layout.channels / 4);
  for (let outer = 0; outer < layout.outer; outer++) {
    for (let inner = 0; inner < layout.inner; inner++) {
      for (let group = 0; group < fullGroups; group++) {
        const base = (outer * layout.channels + group * 4) * layout.inner + inner;
        visit([base, base + layout.inner, base + 2 * layout.inner, base + 3 * layout.inner]);
      }
    }
  }
}

/**
 * Measures how close a weight tensor is to 2:4 sparsity along its reduction axis.
 *
 * @param tensor - a floating-point weight
 * @param opType - the operator that consumes it (decides the reduction axis)
 * @param options.transB - for Gemm, whether B is stored as [N, K]. Defaults to `false`.
 * @returns `isTwoFour` (every complete group of four has at most two non-zeros and the axis length is a
 *   multiple of 4), the fraction of zero elements, the number of groups of four and how many have more than
 *   two non-zeros
 */
export function weightSparsity(
  tensor: OnnxTensor,
  opType: SparseWeightOp,
  options: { transB?: boolean } = {},
): { isTwoFour: boolean; zeroFraction: number; groups: number; violatingGroups: number } {
  const layout = reductionLayout(tensor, opType, options.transB ?? false);
  const values = magnitudes(tensor);
  let zeros = 0;
  for (let index = 0; index < values.length; index++) if (values[index] === 0) zeros++;
  let groups = 0;
  let violatingGroups = 0;
  forEachGroup(layout, (indices) => {
    groups++;
    let nonZero = 0;
    for (const index of indices) if (values[index] !== 0) nonZero++;
    if (nonZero > 2) violatingGroups++;
  });
  return {
    isTwoFour: layout.channels % 4 === 0 && groups > 0 && violatingGroups === 0,
    zeroFraction: values.length === 0 ? 0 : zeros / values.length,
    groups,
    violatingGroups,
  };
}

/** One entry of the {@link sparsify} report. */
export interface SparsifyReportEntry {
  /** Weight tensor (initializer) name. */
  tensor: string;
  /** Node that consumes it. */
  node: string;
  opType: string;
  shape: number[];
  /** Groups of four in which at least one non-zero weight was set to zero. */
  prunedGroups: number;
  /** Why the tensor was left alone, when it was. */
  skipped?: string;
}

/** Zeroes the two smallest magnitudes of each group of four; ties keep the lower index. Returns groups changed. */
function pruneTensor(tensor: OnnxTensor, layout: Layout): number {
  const values = magnitudes(tensor);
  const data = tensor.data as Float32Array | Float64Array | Uint16Array;
  let pruned = 0;
  const order = [0, 1, 2, 3];
  forEachGroup(layout, (indices) => {
    const magnitude = indices.map((index) => {
      const value = Math.abs(values[index]);
      return Number.isNaN(value) ? Infinity : value;
    });
    order.sort((left, right) => magnitude[right] - magnitude[left] || left - right);
    let changed = false;
    for (const position of order.slice(2)) {
      const index = indices[position];
      if (values[index] !== 0) changed = true;
      data[index] = 0;
    }
    order.sort((left, right) => left - right);
    if (changed) pruned++;
  });
  return pruned;
}

/**
 * Magnitude-prunes Conv, MatMul (constant B) and Gemm (constant B) weights to 2:4 along the reduction axis, as
 * apex ASP and Polygraphy's `surgeon prune` do, and unlike `trtexec --sparsity=force`, which keeps the first
 * two of every four regardless of magnitude. The input model is not modified.
 *
 * Channel rule: the reduction axis (input channels per group for Conv, K for MatMul/Gemm) must be a multiple
 * of 4, so every group of four is complete; no zero padding is invented.
 *
 * Skipped, with the reason in the report: reduction axis not a multiple of 4, fewer channels than
 * `minChannels`, weights that are not initializers, non-float weights, a constant A input of MatMul, and
 * initializers shared with an already pruned node.
 *
 * @param model - the model
 * @param options.pattern - only `'2:4'`. Defaults to `'2:4'`.
 * @param options.minChannels - skip weights whose reduction axis is shorter. Defaults to 0 (prune every
 *   eligible weight).
 * @returns the pruned copy and one report entry per candidate weight, in node order
 */
export function sparsify(
  model: OnnxModel,
  options: { pattern?: '2:4'; minChannels?: number } = {},
): { model: OnnxModel; report: SparsifyReportEntry[] } {
  const pattern = options.pattern ?? '2:4';
  if (pattern !== '2:4') throw new TensorRTError('ERR_INVALID_OPTION', `expected '2:4' for \`pattern\`, got ${JSON.stringify(pattern)}`);
  const minChannels = options.minChannels ?? 0;
  if (!Number.isInteger(minChannels) || minChannels < 0) {
    throw new TensorRTError('ERR_INVALID_OPTION', `expected a non-negative integer for \`minChannels\`, got ${String(minChannels)}`);
  }
  const result = structuredClone(model);
  const graph = result.graph;
  const initializers = new Map(graph.initializers.map((tensor) => [tensor.name, tensor]));
  const constantOutputs = new Set(graph.nodes.filter((node) => node.opType === 'Constant').flatMap((node) => node.outputs));
  const prunedBy = new Map<string, string>();
  const report: SparsifyReportEntry[] = [];

  for (const node of graph.nodes) {
    if (node.domain !== '' || !['Conv', 'MatMul', 'Gemm'].includes(node.opType)) continue;
    const opType = node.opType as SparseWeightOp;
    const isConstant = (name: string | undefined): boolean => name !== undefined && (initializers.has(name) || constantOutputs.has(name));
    const weightName = node.inputs[1];
    if (opType === 'MatMul' && !isConstant(weightName)) {
      if (isConstant(node.inputs[0])) {
        const tensor = initializers.get(node.inputs[0]);
        report.push({
          tensor: node.inputs[0],
          node: node.name,
          opType,
          shape: tensor ? [...tensor.dims] : [],
          prunedGroups: 0,
          skipped: 'the constant is the first MatMul input (A); only a constant B [K, N] is pruned',
        });
      }
      continue;
    }
    const tensor = initializers.get(weightName);
    const entry: SparsifyReportEntry = { tensor: weightName, node: node.name, opType, shape: tensor ? [...tensor.dims] : [], prunedGroups: 0 };
    report.push(entry);
    if (!tensor) {
      entry.skipped = constantOutputs.has(weightName)
        ? 'the weight comes from a Constant node, not an initializer'
        : 'the weight is computed at run time, not an initializer';
      continue;
    }
    if (![OnnxDataType.FLOAT, OnnxDataType.FLOAT16, OnnxDataType.BFLOAT16, OnnxDataType.DOUBLE].includes(tensor.dataType as 1)) {
      entry.skipped = `weight element type ${tensor.dataType} is not floating point`;
      continue;
    }
    const previous = prunedBy.get(weightName);
    if (previous !== undefined) {
      entry.skipped = `the initializer is shared and was already pruned for node '${previous}'`;
      continue;
    }
    const transB = opType === 'Gemm' && node.attributes.transB?.type === 'int' && node.attributes.transB.value === 1;
    let layout: Layout;
    try {
      layout = reductionLayout(tensor, opType, transB);
    } catch {
      entry.skipped = `weight dims [${tensor.dims}] do not fit a ${opType} weight`;
      continue;
    }
    if (opType === 'Conv') {
      const groups = node.attributes.group?.type === 'int' ? node.attributes.group.value : 1;
      if (groups > 1 && layout.channels === 1) {
        entry.skipped = 'depthwise convolution (one input channel per group)';
        continue;
      }
    }
    if (layout.channels % 4 !== 0) {
      entry.skipped = `reduction axis (${opType === 'Conv' ? 'input channels per group' : 'K'}) has ${layout.channels} elements, not a multiple of 4`;
      continue;
    }
    if (layout.channels < minChannels) {
      entry.skipped = `reduction axis has ${layout.channels} elements, fewer than minChannels=${minChannels}`;
      continue;
    }
    entry.prunedGroups = pruneTensor(tensor, layout);
    prunedBy.set(weightName, node.name);
  }
  return { model: result, report };
}
