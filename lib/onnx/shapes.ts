/**
 * Static shape inference for the operators that convolutional models exported from PyTorch use, including
 * the constant folding of `Shape -> Gather -> Unsqueeze -> Concat -> Reshape` chains that `x.view(n, -1)`
 * produces.
 */
import { TensorRTError } from '../errors.js';
import { OnnxDataType, type InferredTensor, type OnnxModel, type OnnxNode, type OnnxTensor } from './model.js';
import { isFloatOnnxType, product } from '../tensors/facts.js';

/** Operators (default `ai.onnx` domain) that shape inference, the cost model and the mock backend handle. */
export const supportedOps: readonly string[] = Object.freeze([
  'Abs',
  'Add',
  'AveragePool',
  'BatchNormalization',
  'Cast',
  'Clip',
  'Concat',
  'Constant',
  'Conv',
  'ConvTranspose',
  'Div',
  'Dropout',
  'Elu',
  'Erf',
  'Exp',
  'Flatten',
  'Gather',
  'Gelu',
  'Gemm',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'HardSigmoid',
  'HardSwish',
  'Identity',
  'LeakyRelu',
  'Log',
  'MatMul',
  'Max',
  'MaxPool',
  'Min',
  'Mul',
  'Neg',
  'Pow',
  'PRelu',
  'Reciprocal',
  'Relu',
  'Reshape',
  'Resize',
  'Shape',
  'Sigmoid',
  'Slice',
  'Softmax',
  'Softplus',
  'Sqrt',
  'Squeeze',
  'Sub',
  'Tanh',
  'Transpose',
  'Unsqueeze',
  'Upsample',
]);

/** Lowest and highest default-domain opset accepted. */
export const SUPPORTED_OPSET_RANGE = { min: 7, max: 23 } as const;

const supportedSet = new Set(supportedOps);

/** The default-domain (`ai.onnx`) opset version of a model, or `undefined` when it imports none. */
export function defaultOpsetVersion(model: OnnxModel): number | undefined {
  return model.opsetImports.find((entry) => entry.domain === '' || entry.domain === 'ai.onnx')?.version;
}

/**
 * Checks that every node is an operator this package handles and that the default-domain opset is within
 * 7..23.
 *
 * @throws TensorRTError `ERR_ONNX_UNSUPPORTED` naming each offending node and operator, with the supported list
 */
export function checkSupported(model: OnnxModel): void {
  const opset = defaultOpsetVersion(model);
  if (opset === undefined) {
    throw new TensorRTError(
      'ERR_ONNX_UNSUPPORTED',
      `the model imports no default-domain (ai.onnx) opset; add an opset_import entry with domain "" and a version ` +
        `from ${SUPPORTED_OPSET_RANGE.min} to ${SUPPORTED_OPSET_RANGE.max}`,
    );
  }
  if (opset < SUPPORTED_OPSET_RANGE.min || opset > SUPPORTED_OPSET_RANGE.max) {
    throw new TensorRTError(
      'ERR_ONNX_UNSUPPORTED',
      `the model uses ai.onnx opset ${opset}; supported opsets are ${SUPPORTED_OPSET_RANGE.min} to ` +
        `${SUPPORTED_OPSET_RANGE.max}. Re-export with torch.onnx.export(..., opset_version=17) or convert with ` +
        `onnx.version_converter.convert_version(model, 17)`,
      { opset },
    );
  }
  const offending = model.graph.nodes.filter((node) => !(node.domain === '' || node.domain === 'ai.onnx') || !supportedSet.has(node.opType));
  if (offending.length > 0) {
    const described = offending
      .slice(0, 10)
      .map((node) => `'${node.name || '(unnamed)'}' (${node.domain ? `${node.domain}::` : ''}${node.opType})`);
    const more = offending.length > 10 ? ` and ${offending.length - 10} more` : '';
    throw new TensorRTError(
      'ERR_ONNX_UNSUPPORTED',
      `unsupported operator${offending.length > 1 ? 's' : ''} in node${offending.length > 1 ? 's' : ''} ` +
        `${described.join(', ')}${more}. Supported (ai.onnx domain): ${supportedOps.join(', ')}. ` +
        `Simplify the model (onnxsim) or replace those operators before building`,
      { nodes: offending.map((node) => ({ name: node.name, opType: node.opType, domain: node.domain })) },
    );
  }
}

/** A small tensor whose values are known while inferring (shape arithmetic, Reshape targets, Resize scales). */
interface KnownValue {
  dims: number[];
  values: number[];
}

interface Value extends InferredTensor {
  known?: KnownValue;
}

const MAX_FOLDED_ELEMENTS = 4096;

function tensorValues(tensor: OnnxTensor): number[] | undefined {
  if (tensor.data.length > MAX_FOLDED_ELEMENTS) return undefined;
  if (tensor.dataType === OnnxDataType.FLOAT16 || tensor.dataType === OnnxDataType.BFLOAT16) return undefined;
  return Array.from(tensor.data as ArrayLike<number | bigint>, (value) => clampToNumber(value));
}

function clampToNumber(value: number | bigint): number {
  if (typeof value === 'number') return value;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}

function tensorToValue(tensor: OnnxTensor): Value {
  const values = tensorValues(tensor);
  return { elemType: tensor.dataType, shape: [...tensor.dims], known: values ? { dims: [...tensor.dims], values } : undefined };
}

class ShapeContext {
  constructor(
    readonly node: OnnxNode,
    readonly opset: number,
  ) {}

  fail(message: string): never {
    const node = this.node;
    throw new TensorRTError('ERR_ONNX_SHAPE', `node '${node.name || '(unnamed)'}' (${node.opType}): ${message}`, {
      node: node.name,
      opType: node.opType,
    });
  }

  int(name: string, fallback: number): number {
    const attribute = this.node.attributes[name];
    if (attribute === undefined) return fallback;
    if (attribute.type !== 'int') this.fail(`attribute '${name}' should be an int, got ${attribute.type}`);
    return attribute.value;
  }

  float(name: string, fallback: number): number {
    const attribute = this.node.attributes[name];
    if (attribute === undefined) return fallback;
    if (attribute.type !== 'float') this.fail(`attribute '${name}' should be a float, got ${attribute.type}`);
    return attribute.value;
  }

  ints(name: string): number[] | undefined {
    const attribute = this.node.attributes[name];
    if (attribute === undefined) return undefined;
    if (attribute.type !== 'ints') this.fail(`attribute '${name}' should be ints, got ${attribute.type}`);
    return attribute.value;
  }

  floats(name: string): number[] | undefined {
    const attribute = this.node.attributes[name];
    if (attribute === undefined) return undefined;
    if (attribute.type !== 'floats') this.fail(`attribute '${name}' should be floats, got ${attribute.type}`);
    return attribute.value;
  }

  string(name: string, fallback: string): string {
    const attribute = this.node.attributes[name];
    if (attribute === undefined) return fallback;
    if (attribute.type !== 'string') this.fail(`attribute '${name}' should be a string, got ${attribute.type}`);
    return attribute.value;
  }

  axis(axis: number, rank: number, what = 'axis'): number {
    const normalised = axis < 0 ? axis + rank : axis;
    if (!Number.isInteger(normalised) || normalised < 0 || normalised >= rank) {
      this.fail(`${what} ${axis} is out of range for rank ${rank}`);
    }
    return normalised;
  }

  /** Values of an input that must be known statically (shape, axes, scales). */
  known(input: Value | undefined, what: string): number[] {
    if (input === undefined) this.fail(`missing ${what} input`);
    if (!input.known) {
      this.fail(`${what} is computed at run time; only constant ${what} (an initializer, a Constant, or shape arithmetic on static shapes) is supported`);
    }
    return input.known.values;
  }
}

function broadcastShapes(context: ShapeContext, shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((shape) => shape.length));
  const out: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    let dim = 1;
    for (const shape of shapes) {
      const value = shape[shape.length - rank + axis] ?? 1;
      if (value === 1) continue;
      if (dim !== 1 && dim !== value) {
        context.fail(`shapes ${shapes.map((shape) => `[${shape}]`).join(' and ')} cannot be broadcast (numpy rules)`);
      }
      dim = value;
    }
    // A 0-sized dimension broadcasts against 1 only.
    out.push(shapes.some((shape) => (shape[shape.length - rank + axis] ?? 1) === 0) ? 0 : dim);
  }
  return out;
}

function stridesOf(dims: number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let axis = dims.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1] * dims[axis + 1];
  return strides;
}

/** Maps a flat index in `outDims` to the flat index of a broadcast operand with `inDims`. */
function broadcastSource(flat: number, outDims: number[], inDims: number[]): number {
  const outStrides = stridesOf(outDims);
  const inStrides = stridesOf(inDims);
  const offset = outDims.length - inDims.length;
  let source = 0;
  for (let axis = 0; axis < outDims.length; axis++) {
    const coordinate = Math.floor(flat / outStrides[axis]) % outDims[axis];
    const inAxis = axis - offset;
    if (inAxis >= 0 && inDims[inAxis] !== 1) source += coordinate * inStrides[inAxis];
  }
  return source;
}

function isIntegerType(elemType: number): boolean {
  return !isFloatOnnxType(elemType) && elemType !== OnnxDataType.BOOL;
}

interface ConvGeometry {
  spatial: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
}

function poolOrConvGeometry(context: ShapeContext, inputSpatial: number[], kernel: number[], ceilMode: boolean): ConvGeometry {
  const n = inputSpatial.length;
  const strides = context.ints('strides') ?? new Array<number>(n).fill(1);
  const dilations = context.ints('dilations') ?? new Array<number>(n).fill(1);
  let pads = context.ints('pads') ?? new Array<number>(2 * n).fill(0);
  if (strides.length !== n || dilations.length !== n || pads.length !== 2 * n || kernel.length !== n) {
    context.fail(`strides [${strides}], dilations [${dilations}], pads [${pads}] or kernel [${kernel}] do not match ${n} spatial dims`);
  }
  if (strides.some((value) => value < 1) || dilations.some((value) => value < 1)) context.fail('strides and dilations must be >= 1');
  const autoPad = context.string('auto_pad', 'NOTSET');
  const spatial: number[] = [];
  const effectivePads = [...pads];
  for (let axis = 0; axis < n; axis++) {
    const extent = (kernel[axis] - 1) * dilations[axis] + 1;
    const input = inputSpatial[axis];
    let out: number;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      out = Math.ceil(input / strides[axis]);
      const total = Math.max(0, (out - 1) * strides[axis] + extent - input);
      const small = Math.floor(total / 2);
      effectivePads[axis] = autoPad === 'SAME_UPPER' ? small : total - small;
      effectivePads[axis + n] = total - effectivePads[axis];
    } else if (autoPad === 'VALID') {
      out = Math.floor((input - extent) / strides[axis]) + 1;
      effectivePads[axis] = 0;
      effectivePads[axis + n] = 0;
    } else if (autoPad === 'NOTSET') {
      const span = input + pads[axis] + pads[axis + n] - extent;
      out = (ceilMode ? Math.ceil(span / strides[axis]) : Math.floor(span / strides[axis])) + 1;
      // With ceil_mode the last window must start inside the input or its leading padding.
      if (ceilMode && (out - 1) * strides[axis] >= input + pads[axis]) out--;
    } else {
      context.fail(`unknown auto_pad '${autoPad}' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)`);
    }
    if (out < 1) {
      context.fail(`spatial axis ${axis} has output size ${out} (input ${input}, kernel extent ${extent}, stride ${strides[axis]}, pads ${pads[axis]}+${pads[axis + n]})`);
    }
    spatial.push(out);
  }
  pads = effectivePads;
  return { spatial, kernel, strides, dilations, pads };
}

/** Conv geometry for a node, exported for the cost model. */
export function convGeometry(node: OnnxNode, input: number[], weight: number[], opset: number): ConvGeometry & { groups: number } {
  const context = new ShapeContext(node, opset);
  return { ...poolOrConvGeometry(context, input.slice(2), weight.slice(2), false), groups: context.int('group', 1) };
}

type Inferrer = (context: ShapeContext, inputs: (Value | undefined)[]) => Value[];

function required(context: ShapeContext, inputs: (Value | undefined)[], count: number): Value[] {
  for (let index = 0; index < count; index++) {
    if (inputs[index] === undefined) context.fail(`input ${index} is required`);
  }
  return inputs as Value[];
}

const same: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  return [{ elemType: x.elemType, shape: [...x.shape] }];
};

const elementwise: Inferrer = (context, inputs) => {
  const present = inputs.filter((input): input is Value => input !== undefined);
  if (present.length === 0) context.fail('needs at least one input');
  const shape = broadcastShapes(context, present.map((input) => input.shape));
  const out: Value = { elemType: present[0].elemType, shape };
  const op = context.node.opType;
  if (present.every((input) => input.known) && product(shape) <= MAX_FOLDED_ELEMENTS && ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min'].includes(op)) {
    const values: number[] = [];
    const integer = isIntegerType(out.elemType);
    for (let flat = 0; flat < product(shape); flat++) {
      const operands = present.map((input) => input.known!.values[broadcastSource(flat, shape, input.known!.dims)]);
      let value = operands[0];
      for (const operand of operands.slice(1)) {
        if (op === 'Add') value += operand;
        else if (op === 'Sub') value -= operand;
        else if (op === 'Mul') value *= operand;
        else if (op === 'Div') value = integer ? Math.trunc(value / operand) : value / operand;
        else if (op === 'Max') value = Math.max(value, operand);
        else value = Math.min(value, operand);
      }
      values.push(value);
    }
    out.known = { dims: shape, values };
  }
  return [out];
};

const conv: Inferrer = (context, inputs) => {
  const [x, w] = required(context, inputs, 2);
  if (x.shape.length < 3) context.fail(`input must be N x C x spatial..., got [${x.shape}]`);
  if (w.shape.length !== x.shape.length) context.fail(`weight rank ${w.shape.length} does not match input rank ${x.shape.length}`);
  const groups = context.int('group', 1);
  if (groups < 1 || x.shape[1] !== w.shape[1] * groups) {
    context.fail(`input has ${x.shape[1]} channels but weight [${w.shape}] with group=${groups} expects ${w.shape[1] * groups}`);
  }
  if (w.shape[0] % groups !== 0) context.fail(`output channels ${w.shape[0]} are not divisible by group=${groups}`);
  const kernelAttribute = context.ints('kernel_shape');
  const kernel = w.shape.slice(2);
  if (kernelAttribute && kernelAttribute.join() !== kernel.join()) context.fail(`kernel_shape [${kernelAttribute}] does not match weight [${w.shape}]`);
  const bias = inputs[2];
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== w.shape[0])) context.fail(`bias shape [${bias.shape}] should be [${w.shape[0]}]`);
  const geometry = poolOrConvGeometry(context, x.shape.slice(2), kernel, false);
  return [{ elemType: x.elemType, shape: [x.shape[0], w.shape[0], ...geometry.spatial] }];
};

const convTranspose: Inferrer = (context, inputs) => {
  const [x, w] = required(context, inputs, 2);
  if (x.shape.length < 3 || w.shape.length !== x.shape.length) context.fail(`input [${x.shape}] and weight [${w.shape}] ranks do not fit`);
  const groups = context.int('group', 1);
  if (w.shape[0] !== x.shape[1]) context.fail(`input has ${x.shape[1]} channels but weight [${w.shape}] expects ${w.shape[0]}`);
  const outChannels = w.shape[1] * groups;
  const n = x.shape.length - 2;
  const kernel = w.shape.slice(2);
  const strides = context.ints('strides') ?? new Array<number>(n).fill(1);
  const dilations = context.ints('dilations') ?? new Array<number>(n).fill(1);
  const outputPadding = context.ints('output_padding') ?? new Array<number>(n).fill(0);
  const pads = context.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const outputShape = context.ints('output_shape');
  const autoPad = context.string('auto_pad', 'NOTSET');
  let spatial: number[];
  if (outputShape) {
    spatial = outputShape.slice(-n);
  } else {
    spatial = x.shape.slice(2).map((input, axis) => {
      if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return input * strides[axis];
      const padTotal = autoPad === 'VALID' ? 0 : pads[axis] + pads[axis + n];
      return strides[axis] * (input - 1) + outputPadding[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - padTotal;
    });
  }
  if (spatial.some((value) => value < 1)) context.fail(`output spatial size [${spatial}] is not positive`);
  return [{ elemType: x.elemType, shape: [x.shape[0], outChannels, ...spatial] }];
};

const matMul: Inferrer = (context, inputs) => {
  const [a, b] = required(context, inputs, 2);
  if (a.shape.length === 0 || b.shape.length === 0) context.fail('MatMul inputs must have rank >= 1');
  const left = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const right = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const k = left[left.length - 1];
  if (k !== right[right.length - 2]) context.fail(`inner dimensions differ: [${a.shape}] x [${b.shape}]`);
  const batch = broadcastShapes(context, [left.slice(0, -2), right.slice(0, -2)]);
  const shape = [...batch];
  if (a.shape.length !== 1) shape.push(left[left.length - 2]);
  if (b.shape.length !== 1) shape.push(right[right.length - 1]);
  return [{ elemType: a.elemType, shape }];
};

const gemm: Inferrer = (context, inputs) => {
  const [a, b] = required(context, inputs, 2);
  if (a.shape.length !== 2 || b.shape.length !== 2) context.fail(`Gemm needs 2-D A and B, got [${a.shape}] and [${b.shape}]`);
  const [m, k] = context.int('transA', 0) ? [a.shape[1], a.shape[0]] : a.shape;
  const [k2, n] = context.int('transB', 0) ? [b.shape[1], b.shape[0]] : b.shape;
  if (k !== k2) context.fail(`inner dimensions differ: A gives K=${k}, B gives K=${k2} (check transA/transB)`);
  const c = inputs[2];
  if (c) {
    const broadcast = broadcastShapes(context, [[m, n], c.shape]);
    if (broadcast.join() !== [m, n].join()) context.fail(`C [${c.shape}] does not broadcast to [${m}, ${n}]`);
  }
  return [{ elemType: a.elemType, shape: [m, n] }];
};

const batchNorm: Inferrer = (context, inputs) => {
  const [x, scale, bias, mean, variance] = required(context, inputs, 5);
  if (x.shape.length < 2) context.fail(`input must be N x C x ..., got [${x.shape}]`);
  const channels = x.shape[1];
  for (const [name, value] of [['scale', scale], ['B', bias], ['mean', mean], ['var', variance]] as const) {
    if (product(value.shape) !== channels) context.fail(`${name} has shape [${value.shape}], expected [${channels}]`);
  }
  const outputs: Value[] = [{ elemType: x.elemType, shape: [...x.shape] }];
  for (let index = 1; index < context.node.outputs.length; index++) outputs.push({ elemType: mean.elemType, shape: [channels] });
  return outputs;
};

function pool(kind: 'max' | 'average'): Inferrer {
  return (context, inputs) => {
    const [x] = required(context, inputs, 1);
    const kernel = context.ints('kernel_shape') ?? context.fail('kernel_shape is required');
    if (x.shape.length !== kernel.length + 2) context.fail(`input [${x.shape}] does not fit kernel_shape [${kernel}]`);
    const geometry = poolOrConvGeometry(context, x.shape.slice(2), kernel, context.int('ceil_mode', 0) === 1);
    const shape = [x.shape[0], x.shape[1], ...geometry.spatial];
    const outputs: Value[] = [{ elemType: x.elemType, shape }];
    if (kind === 'max' && context.node.outputs.length > 1) outputs.push({ elemType: OnnxDataType.INT64, shape: [...shape] });
    return outputs;
  };
}

const globalPool: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  if (x.shape.length < 3) context.fail(`input must be N x C x spatial..., got [${x.shape}]`);
  return [{ elemType: x.elemType, shape: [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)] }];
};

const concat: Inferrer = (context, inputs) => {
  const present = inputs.filter((input): input is Value => input !== undefined);
  if (present.length === 0) context.fail('needs at least one input');
  const rank = present[0].shape.length;
  const attribute = context.node.attributes.axis;
  if (attribute === undefined) context.fail('attribute axis is required');
  const axis = context.axis(context.int('axis', 0), rank);
  const shape = [...present[0].shape];
  shape[axis] = 0;
  for (const input of present) {
    if (input.shape.length !== rank) context.fail(`inputs have different ranks: ${present.map((value) => `[${value.shape}]`).join(', ')}`);
    input.shape.forEach((dim, index) => {
      if (index !== axis && dim !== present[0].shape[index]) {
        context.fail(`inputs differ outside axis ${axis}: ${present.map((value) => `[${value.shape}]`).join(', ')}`);
      }
    });
    shape[axis] += input.shape[axis];
  }
  const out: Value = { elemType: present[0].elemType, shape };
  if (present.every((input) => input.known)) {
    const outer = product(shape.slice(0, axis));
    const values: number[] = [];
    for (let index = 0; index < outer; index++) {
      for (const input of present) {
        const chunk = product(input.shape.slice(axis));
        values.push(...input.known!.values.slice(index * chunk, (index + 1) * chunk));
      }
    }
    out.known = { dims: shape, values };
  }
  return [out];
};

function withKnown(out: Value, source: Value): Value {
  if (source.known) out.known = { dims: [...out.shape], values: [...source.known.values] };
  return out;
}

const reshape: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const target = context.opset >= 5 ? context.known(inputs[1], 'Reshape shape') : (context.ints('shape') ?? context.fail('shape is required'));
  const allowZero = context.int('allowzero', 0) === 1;
  const shape = target.map((dim, index) => {
    if (dim === 0 && !allowZero) {
      if (index >= x.shape.length) context.fail(`shape [${target}] copies dim ${index} (0) that input [${x.shape}] lacks`);
      return x.shape[index];
    }
    return dim;
  });
  const inferred = shape.filter((dim) => dim === -1).length;
  if (inferred > 1) context.fail(`shape [${target}] has more than one -1`);
  if (shape.some((dim) => dim < -1)) context.fail(`shape [${target}] has a negative dimension`);
  const total = product(x.shape);
  if (inferred === 1) {
    const rest = product(shape.filter((dim) => dim !== -1));
    if (rest === 0 || total % rest !== 0) context.fail(`cannot reshape [${x.shape}] (${total} elements) to [${target}]`);
    shape[shape.indexOf(-1)] = total / rest;
  }
  if (product(shape) !== total) context.fail(`cannot reshape [${x.shape}] (${total} elements) to [${target}] (${product(shape)} elements)`);
  return [withKnown({ elemType: x.elemType, shape }, x)];
};

const flatten: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const rank = x.shape.length;
  let axis = context.int('axis', 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) context.fail(`axis ${context.int('axis', 1)} out of range for rank ${rank}`);
  return [withKnown({ elemType: x.elemType, shape: [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))] }, x)];
};

function resizeShape(context: ShapeContext, x: Value, scales: number[] | undefined, sizes: number[] | undefined): number[] {
  const rank = x.shape.length;
  const axes = (context.ints('axes') ?? x.shape.map((_, index) => index)).map((axis) => context.axis(axis, rank));
  const shape = [...x.shape];
  if (sizes && sizes.length > 0) {
    if (sizes.length !== axes.length) context.fail(`sizes [${sizes}] do not match ${axes.length} axes`);
    const policy = context.string('keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch') {
      axes.forEach((axis, index) => (shape[axis] = sizes[index]));
    } else {
      const ratios = axes.map((axis, index) => sizes[index] / x.shape[axis]);
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((axis) => (shape[axis] = Math.round(x.shape[axis] * scale)));
    }
  } else if (scales && scales.length > 0) {
    if (scales.length !== axes.length) context.fail(`scales [${scales}] do not match ${axes.length} axes`);
    axes.forEach((axis, index) => (shape[axis] = Math.floor(x.shape[axis] * scales[index])));
  } else {
    context.fail('needs constant scales or sizes');
  }
  if (shape.some((dim) => dim < 1)) context.fail(`output shape [${shape}] is not positive`);
  return shape;
}

const resize: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (context.opset < 11) {
    scales = context.known(inputs[1], 'Resize scales');
  } else {
    if (inputs[3] !== undefined) sizes = context.known(inputs[3], 'Resize sizes');
    if ((!sizes || sizes.length === 0) && inputs[2] !== undefined) scales = context.known(inputs[2], 'Resize scales');
  }
  return [{ elemType: x.elemType, shape: resizeShape(context, x, scales, sizes) }];
};

const upsample: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const scales = context.opset >= 9 ? context.known(inputs[1], 'Upsample scales') : context.floats('scales');
  return [{ elemType: x.elemType, shape: resizeShape(context, x, scales, undefined) }];
};

const transpose: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const rank = x.shape.length;
  const perm = context.ints('perm') ?? x.shape.map((_, index) => rank - 1 - index);
  if (perm.length !== rank || [...perm].sort((p, q) => p - q).some((value, index) => value !== index)) {
    context.fail(`perm [${perm}] is not a permutation of 0..${rank - 1}`);
  }
  return [{ elemType: x.elemType, shape: perm.map((axis) => x.shape[axis]) }];
};

const identity: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  return [withKnown({ elemType: x.elemType, shape: [...x.shape] }, x)];
};

const dropout: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  return [{ elemType: x.elemType, shape: [...x.shape] }, { elemType: OnnxDataType.BOOL, shape: [...x.shape] }];
};

const constant: Inferrer = (context) => {
  const attributes = context.node.attributes;
  const value = attributes.value;
  if (value?.type === 'tensor') return [tensorToValue(value.value)];
  if (attributes.value_float?.type === 'float') {
    return [{ elemType: OnnxDataType.FLOAT, shape: [], known: { dims: [], values: [attributes.value_float.value] } }];
  }
  if (attributes.value_floats?.type === 'floats') {
    const values = attributes.value_floats.value;
    return [{ elemType: OnnxDataType.FLOAT, shape: [values.length], known: { dims: [values.length], values: [...values] } }];
  }
  if (attributes.value_int?.type === 'int') {
    return [{ elemType: OnnxDataType.INT64, shape: [], known: { dims: [], values: [attributes.value_int.value] } }];
  }
  if (attributes.value_ints?.type === 'ints') {
    const values = attributes.value_ints.value;
    return [{ elemType: OnnxDataType.INT64, shape: [values.length], known: { dims: [values.length], values: [...values] } }];
  }
  return context.fail('only tensor, float(s) and int(s) Constant values are supported');
};

const shapeOp: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const rank = x.shape.length;
  const clamp = (value: number): number => Math.min(Math.max(value < 0 ? value + rank : value, 0), rank);
  const start = clamp(context.int('start', 0));
  const end = clamp(context.node.attributes.end ? context.int('end', rank) : rank);
  const values = x.shape.slice(start, Math.max(start, end));
  return [{ elemType: OnnxDataType.INT64, shape: [values.length], known: { dims: [values.length], values } }];
};

const gather: Inferrer = (context, inputs) => {
  const [data, indices] = required(context, inputs, 2);
  const rank = data.shape.length;
  if (rank === 0) context.fail('data must have rank >= 1');
  const axis = context.axis(context.int('axis', 0), rank);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const out: Value = { elemType: data.elemType, shape };
  if (data.known && indices.known) {
    const outer = product(data.shape.slice(0, axis));
    const inner = product(data.shape.slice(axis + 1));
    const values: number[] = [];
    for (let index = 0; index < outer; index++) {
      for (let raw of indices.known.values) {
        if (raw < 0) raw += data.shape[axis];
        if (raw < 0 || raw >= data.shape[axis]) context.fail(`index ${raw} out of range for dim ${data.shape[axis]}`);
        const start = (index * data.shape[axis] + raw) * inner;
        values.push(...data.known.values.slice(start, start + inner));
      }
    }
    out.known = { dims: shape, values };
  }
  return [out];
};

function axesFrom(context: ShapeContext, inputs: (Value | undefined)[], what: string): number[] | undefined {
  if (context.opset >= 13) return inputs[1] === undefined ? undefined : context.known(inputs[1], `${what} axes`);
  return context.ints('axes');
}

const unsqueeze: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const axes = axesFrom(context, inputs, 'Unsqueeze');
  if (!axes) return context.fail('axes are required');
  const rank = x.shape.length + axes.length;
  const normalised = axes.map((axis) => context.axis(axis, rank, 'Unsqueeze axis'));
  if (new Set(normalised).size !== normalised.length) context.fail(`axes [${axes}] repeat`);
  const shape: number[] = [];
  let source = 0;
  for (let axis = 0; axis < rank; axis++) shape.push(normalised.includes(axis) ? 1 : x.shape[source++]);
  return [withKnown({ elemType: x.elemType, shape }, x)];
};

const squeeze: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const axes = axesFrom(context, inputs, 'Squeeze');
  const rank = x.shape.length;
  const normalised = axes
    ? axes.map((axis) => context.axis(axis, rank, 'Squeeze axis'))
    : x.shape.flatMap((dim, axis) => (dim === 1 ? [axis] : []));
  for (const axis of normalised) if (x.shape[axis] !== 1) context.fail(`cannot squeeze axis ${axis} of size ${x.shape[axis]}`);
  return [withKnown({ elemType: x.elemType, shape: x.shape.filter((_, axis) => !normalised.includes(axis)) }, x)];
};

const cast: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const to = context.int('to', -1);
  if (to < 0) context.fail('attribute to is required');
  const out: Value = { elemType: to, shape: [...x.shape] };
  if (x.known) {
    const values = x.known.values.map((value) => (to === OnnxDataType.BOOL ? Number(value !== 0) : isIntegerType(to) ? Math.trunc(value) : value));
    out.known = { dims: [...x.shape], values };
  }
  return [out];
};

const slice: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  const rank = x.shape.length;
  let starts: number[];
  let ends: number[];
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (context.opset >= 10) {
    starts = context.known(inputs[1], 'Slice starts');
    ends = context.known(inputs[2], 'Slice ends');
    axes = inputs[3] === undefined ? undefined : context.known(inputs[3], 'Slice axes');
    steps = inputs[4] === undefined ? undefined : context.known(inputs[4], 'Slice steps');
  } else {
    starts = context.ints('starts') ?? context.fail('starts are required');
    ends = context.ints('ends') ?? context.fail('ends are required');
    axes = context.ints('axes');
  }
  axes ??= starts.map((_, index) => index);
  steps ??= starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    context.fail('starts, ends, axes and steps have different lengths');
  }
  const begin = x.shape.map(() => 0);
  const step = x.shape.map(() => 1);
  const shape = [...x.shape];
  axes.forEach((rawAxis, index) => {
    const axis = context.axis(rawAxis, rank, 'Slice axis');
    const dim = x.shape[axis];
    const stepValue = steps![index];
    if (stepValue === 0) context.fail('step 0 is not allowed');
    let start = starts[index] < 0 ? starts[index] + dim : starts[index];
    let end = ends[index] < 0 ? ends[index] + dim : ends[index];
    if (stepValue > 0) {
      start = Math.min(Math.max(start, 0), dim);
      end = Math.min(Math.max(end, 0), dim);
      shape[axis] = Math.max(0, Math.ceil((end - start) / stepValue));
    } else {
      start = Math.min(Math.max(start, 0), dim - 1);
      end = Math.min(Math.max(end, -1), dim - 1);
      shape[axis] = Math.max(0, Math.ceil((start - end) / -stepValue));
    }
    begin[axis] = start;
    step[axis] = stepValue;
  });
  const out: Value = { elemType: x.elemType, shape };
  if (x.known) {
    const inStrides = stridesOf(x.shape);
    const outStrides = stridesOf(shape);
    const values: number[] = [];
    for (let flat = 0; flat < product(shape); flat++) {
      let source = 0;
      for (let axis = 0; axis < rank; axis++) {
        const coordinate = Math.floor(flat / outStrides[axis]) % shape[axis];
        source += (begin[axis] + coordinate * step[axis]) * inStrides[axis];
      }
      values.push(x.known.values[source]);
    }
    out.known = { dims: shape, values };
  }
  return [out];
};

const softmax: Inferrer = (context, inputs) => {
  const [x] = required(context, inputs, 1);
  context.axis(context.int('axis', context.opset >= 13 ? -1 : 1), Math.max(x.shape.length, 1));
  return [{ elemType: x.elemType, shape: [...x.shape] }];
};

const INFERRERS: Record<string, Inferrer> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MatMul: matMul,
  Gemm: gemm,
  BatchNormalization: batchNorm,
  MaxPool: pool('max'),
  AveragePool: pool('average'),
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  Concat: concat,
  Reshape: reshape,
  Flatten: flatten,
  Resize: resize,
  Upsample: upsample,
  Softmax: softmax,
  Transpose: transpose,
  Identity: identity,
  Dropout: dropout,
  Constant: constant,
  Shape: shapeOp,
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Cast: cast,
  Slice: slice,
};
for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'PRelu', 'Max', 'Min']) INFERRERS[op] = elementwise;
for (const op of [
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'HardSigmoid', 'HardSwish', 'Gelu', 'Erf', 'Elu',
  'Abs', 'Neg', 'Sqrt', 'Exp', 'Log', 'Reciprocal', 'Softplus',
]) {
  INFERRERS[op] = same;
}

/**
 * Infers the element type and static shape of every value in the graph: graph inputs, initializers and every
 * node output. Calls {@link checkSupported} first.
 *
 * @param model - the model
 * @param inputShapes - shapes for graph inputs, by name; needed for inputs with symbolic or unknown dims
 *   (e.g. a dynamic batch). Defaults to the shapes declared in the model.
 * @returns every value name mapped to its type and concrete shape
 * @throws TensorRTError `ERR_ONNX_SHAPE` on inconsistent shapes or an unresolved symbolic dim;
 *   `ERR_ONNX_UNSUPPORTED` for unsupported operators; `ERR_INVALID_ARGUMENT` for a bad `inputShapes` entry
 */
export function inferShapes(model: OnnxModel, inputShapes: Record<string, number[]> = {}): Map<string, InferredTensor> {
  checkSupported(model);
  const opset = defaultOpsetVersion(model)!;
  const graph = model.graph;
  const values = new Map<string, Value>();
  for (const tensor of graph.initializers) values.set(tensor.name, tensorToValue(tensor));

  const inputNames = new Set(graph.inputs.map((input) => input.name));
  for (const name of Object.keys(inputShapes)) {
    if (!inputNames.has(name) || values.has(name)) {
      const real = graph.inputs.filter((input) => !values.has(input.name)).map((input) => `'${input.name}'`);
      throw new TensorRTError('ERR_INVALID_ARGUMENT', `inputShapes names '${name}', which is not a graph input; inputs are ${real.join(', ')}`);
    }
  }
  for (const input of graph.inputs) {
    if (values.has(input.name)) continue; // pre-IR-4 models list initializers as inputs too
    const override = inputShapes[input.name];
    const declared = input.shape;
    if (override !== undefined) {
      if (!Array.isArray(override) || override.some((dim) => !Number.isInteger(dim) || dim < 0)) {
        throw new TensorRTError('ERR_INVALID_ARGUMENT', `inputShapes['${input.name}'] must be an array of non-negative integers, got ${JSON.stringify(override)}`);
      }
      if (declared && declared.length !== override.length) {
        throw new TensorRTError('ERR_ONNX_SHAPE', `input '${input.name}' has rank ${declared.length} ([${declared.map(String)}]) but inputShapes gives [${override}]`);
      }
      declared?.forEach((dim, axis) => {
        if (typeof dim === 'number' && dim !== override[axis]) {
          throw new TensorRTError('ERR_ONNX_SHAPE', `input '${input.name}' has fixed dim ${dim} at axis ${axis} but inputShapes gives ${override[axis]}; only symbolic dims can be overridden`);
        }
      });
      values.set(input.name, { elemType: input.elemType, shape: [...override] });
      continue;
    }
    if (!declared) {
      throw new TensorRTError('ERR_ONNX_SHAPE', `input '${input.name}' has no declared shape; pass inputShapes: { '${input.name}': [...] }`);
    }
    const symbolic = declared.findIndex((dim) => typeof dim !== 'number');
    if (symbolic >= 0) {
      const dim = declared[symbolic];
      throw new TensorRTError(
        'ERR_ONNX_SHAPE',
        `input '${input.name}' has ${dim === undefined ? 'an unknown' : `symbolic ('${dim}')`} dim at axis ${symbolic} ` +
          `([${declared.map((value) => value ?? '?')}]); pass inputShapes: { '${input.name}': [${declared.map((value) => (typeof value === 'number' ? value : 1))}] } with the size to use`,
        { input: input.name, axis: symbolic },
      );
    }
    values.set(input.name, { elemType: input.elemType, shape: declared as number[] });
  }

  for (const node of graph.nodes) {
    const context = new ShapeContext(node, opset);
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      const value = values.get(name);
      if (!value) {
        context.fail(`input '${name}' is not a graph input, an initializer or an output of an earlier node (is the graph topologically sorted?)`);
      }
      return value;
    });
    const outputs = INFERRERS[node.opType](context, inputs);
    node.outputs.forEach((name, index) => {
      if (name === '') return;
      const value = outputs[index];
      if (!value) context.fail(`output ${index} ('${name}') is not produced by this operator`);
      if (value.shape.some((dim) => !Number.isInteger(dim) || dim < 0)) context.fail(`inferred an invalid shape [${value.shape}] for '${name}'`);
      values.set(name, value);
    });
  }

  for (const declared of [...graph.outputs, ...graph.valueInfo]) {
    const value = values.get(declared.name);
    if (!value) {
      if (graph.outputs.includes(declared)) {
        throw new TensorRTError('ERR_ONNX_SHAPE', `graph output '${declared.name}' is not produced by any node`);
      }
      continue;
    }
    if (!declared.shape) continue;
    const mismatch =
      declared.shape.length !== value.shape.length ||
      declared.shape.some((dim, axis) => typeof dim === 'number' && dim !== value.shape[axis]);
    if (mismatch) {
      throw new TensorRTError(
        'ERR_ONNX_SHAPE',
        `'${declared.name}' is declared as [${declared.shape.map((dim) => dim ?? '?')}] but inferred as [${value.shape}]; ` +
          `the model's value_info or outputs disagree with its operators (re-export the model or fix inputShapes)`,
      );
    }
  }

  const result = new Map<string, InferredTensor>();
  for (const [name, value] of values) result.set(name, { elemType: value.elemType, shape: value.shape });
  return result;
}
