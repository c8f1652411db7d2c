/**
 * IEEE 754 binary16 conversion and the FP16 model conversion used for TensorRT 11 style strongly typed builds.
 */
import { TensorRTError } from '../errors.js';
import { OnnxDataType, type OnnxModel, type OnnxNode, type OnnxTensor } from './model.js';

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/**
 * Converts one number to binary16 bits with round-to-nearest-even. Values beyond the half range become
 * ±Infinity, tiny values become subnormals or ±0, NaN stays NaN (quiet).
 */
export function float32ToFloat16Bits(value: number): number {
  scratchFloat[0] = value;
  const bits = scratchBits[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: value = m * 2^-24, so the 24-bit significand is shifted right by 14 - halfExponent.
    const shift = 14 - halfExponent;
    if (shift > 24) return sign;
    const significand = mantissa | 0x800000;
    let result = significand >>> shift;
    const remainder = significand & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (result & 1) === 1)) result++;
    return sign | result;
  }
  let result = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and reaches 0x7c00 = Infinity at the top).
  if (remainder > 0x1000 || (remainder === 0x1000 && (result & 1) === 1)) result++;
  return sign | result;
}

/** Converts binary16 bits to a number (exact). */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Converts an array of numbers to binary16 bits (round-to-nearest-even). */
export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let index = 0; index < values.length; index++) out[index] = float32ToFloat16Bits(values[index]);
  return out;
}

/** Converts binary16 bits to float32 values. */
export function float16ToFloat32(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let index = 0; index < bits.length; index++) out[index] = float16BitsToFloat32(bits[index]);
  return out;
}

/** Converts bfloat16 bits to float32 values (exact). */
export function bfloat16ToFloat32(bits: ArrayLike<number>): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let index = 0; index < bits.length; index++) words[index] = bits[index] << 16;
  return new Float32Array(words.buffer);
}

function defaultOpset(model: OnnxModel): number {
  return model.opsetImports.find((entry) => entry.domain === '' || entry.domain === 'ai.onnx')?.version ?? 0;
}

function toHalfTensor(tensor: OnnxTensor): OnnxTensor {
  if (tensor.dataType !== OnnxDataType.FLOAT) return tensor;
  return { ...tensor, dataType: OnnxDataType.FLOAT16, data: float32ToFloat16(tensor.data as Float32Array) };
}

/**
 * Converts a model to FP16: FLOAT initializers, Constant values, Cast-to-float targets and value types become
 * FLOAT16. Tensors ONNX requires to stay float32 (the `scales` input of Resize and Upsample) are left alone.
 * The input model is not modified.
 *
 * @param model - the FP32 model
 * @param options.keepIoTypes - keep FLOAT graph inputs and outputs by inserting Cast nodes at the graph
 *   boundary, so callers keep feeding and reading float32. Defaults to `false` (IO becomes FLOAT16).
 * @returns a new model
 */
export function toFp16(model: OnnxModel, options: { keepIoTypes?: boolean } = {}): OnnxModel {
  if (options === null || typeof options !== 'object') {
    throw new TensorRTError('ERR_INVALID_OPTION', `expected an object for \`options\`, got ${options === null ? 'null' : typeof options}`);
  }
  const keepIoTypes = options.keepIoTypes ?? false;
  if (typeof keepIoTypes !== 'boolean') {
    throw new TensorRTError('ERR_INVALID_OPTION', `expected a boolean for \`keepIoTypes\`, got ${typeof keepIoTypes}`);
  }
  const result = structuredClone(model);
  const graph = result.graph;
  const opset = defaultOpset(result);

  const mustStayFloat = new Set<string>();
  for (const node of graph.nodes) {
    if (node.domain !== '') continue;
    if (node.opType === 'Resize') {
      const scales = opset >= 11 ? node.inputs[2] : node.inputs[1];
      if (scales) mustStayFloat.add(scales);
    } else if (node.opType === 'Upsample' && node.inputs[1]) {
      mustStayFloat.add(node.inputs[1]);
    }
  }

  graph.initializers = graph.initializers.map((tensor) => (mustStayFloat.has(tensor.name) ? tensor : toHalfTensor(tensor)));
  const initializerNames = new Set(graph.initializers.map((tensor) => tensor.name));

  for (const node of graph.nodes) {
    if (node.domain !== '') continue;
    const keep = node.outputs.some((name) => mustStayFloat.has(name));
    if (keep) continue;
    if (node.opType === 'Constant') convertConstant(node);
    else if (node.opType === 'ConstantOfShape') {
      const value = node.attributes.value;
      if (value === undefined) {
        node.attributes.value = { type: 'tensor', value: { name: '', dataType: OnnxDataType.FLOAT16, dims: [1], data: new Uint16Array(1) } };
      } else if (value.type === 'tensor') {
        value.value = toHalfTensor(value.value);
      }
    } else if (node.opType === 'Cast') {
      const to = node.attributes.to;
      if (to?.type === 'int' && to.value === OnnxDataType.FLOAT) to.value = OnnxDataType.FLOAT16;
    }
  }

  for (const info of graph.valueInfo) {
    if (info.elemType === OnnxDataType.FLOAT && !mustStayFloat.has(info.name)) info.elemType = OnnxDataType.FLOAT16;
  }

  const usedNames = new Set<string>();
  for (const node of graph.nodes) {
    usedNames.add(node.name);
    for (const name of [...node.inputs, ...node.outputs]) usedNames.add(name);
  }
  for (const info of [...graph.inputs, ...graph.outputs]) usedNames.add(info.name);
  const uniqueName = (base: string): string => {
    let name = base;
    for (let suffix = 1; usedNames.has(name); suffix++) name = `${base}_${suffix}`;
    usedNames.add(name);
    return name;
  };
  const rename = (from: string, to: string, where: 'inputs' | 'outputs'): void => {
    for (const node of graph.nodes) {
      node[where] = node[where].map((name) => (name === from ? to : name));
    }
  };

  const inputCasts: OnnxNode[] = [];
  for (const input of graph.inputs) {
    if (input.elemType !== OnnxDataType.FLOAT) continue;
    if (initializerNames.has(input.name)) {
      input.elemType = OnnxDataType.FLOAT16;
      continue;
    }
    if (!keepIoTypes) {
      input.elemType = OnnxDataType.FLOAT16;
      continue;
    }
    const halfName = uniqueName(`${input.name}_fp16`);
    rename(input.name, halfName, 'inputs');
    inputCasts.push(castNode(uniqueName(`Cast_${input.name}_to_fp16`), input.name, halfName, OnnxDataType.FLOAT16));
  }
  const outputCasts: OnnxNode[] = [];
  const inputNames = new Set(graph.inputs.map((input) => input.name));
  for (const output of graph.outputs) {
    if (output.elemType !== OnnxDataType.FLOAT) continue;
    if (!keepIoTypes || inputNames.has(output.name)) {
      if (!inputNames.has(output.name)) output.elemType = OnnxDataType.FLOAT16;
      continue;
    }
    const halfName = uniqueName(`${output.name}_fp16`);
    rename(output.name, halfName, 'outputs');
    rename(output.name, halfName, 'inputs');
    for (const info of graph.valueInfo) if (info.name === output.name) info.name = halfName;
    outputCasts.push(castNode(uniqueName(`Cast_${output.name}_to_fp32`), halfName, output.name, OnnxDataType.FLOAT));
  }
  graph.nodes = [...inputCasts, ...graph.nodes, ...outputCasts];
  return result;
}

function castNode(name: string, input: string, output: string, to: number): OnnxNode {
  return { name, opType: 'Cast', domain: '', inputs: [input], outputs: [output], attributes: { to: { type: 'int', value: to } } };
}

function convertConstant(node: OnnxNode): void {
  const attributes = node.attributes;
  if (attributes.value?.type === 'tensor') {
    attributes.value.value = toHalfTensor(attributes.value.value);
  } else if (attributes.value_float?.type === 'float') {
    const value = attributes.value_float.value;
    delete attributes.value_float;
    attributes.value = { type: 'tensor', value: { name: '', dataType: OnnxDataType.FLOAT16, dims: [], data: float32ToFloat16([value]) } };
  } else if (attributes.value_floats?.type === 'floats') {
    const values = attributes.value_floats.value;
    delete attributes.value_floats;
    attributes.value = {
      type: 'tensor',
      value: { name: '', dataType: OnnxDataType.FLOAT16, dims: [values.length], data: float32ToFloat16(values) },
    };
  }
}
