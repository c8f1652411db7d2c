/** Test helpers: tiny models and a naive float64 reference for the ops the builders use. */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { isTensorRTError } from '../../lib/errors.js';
import { OnnxDataType, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../../lib/onnx/index.js';

export function node(opType: string, inputs: string[], outputs: string[], attributes: OnnxNode['attributes'] = {}, name?: string): OnnxNode {
  return { name: name ?? `${opType}_${outputs[0]}`, opType, domain: '', inputs, outputs, attributes };
}

export function floatTensor(name: string, dims: number[], values?: ArrayLike<number>): OnnxTensor {
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  if (values) data.set(values);
  else for (let i = 0; i < count; i++) data[i] = Math.sin(i * 1.7 + dims.length) * 0.5;
  return { name, dataType: OnnxDataType.FLOAT, dims, data };
}

export function int64Tensor(name: string, values: number[], dims = [values.length]): OnnxTensor {
  return { name, dataType: OnnxDataType.INT64, dims, data: BigInt64Array.from(values.map(BigInt)) };
}

export function model(
  nodes: OnnxNode[],
  inputs: OnnxValueInfo[],
  outputs: OnnxValueInfo[],
  initializers: OnnxTensor[] = [],
  opset = 17,
): OnnxModel {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: opset }],
    producerName: 'test',
    producerVersion: '1',
    graph: { name: 'g', nodes, initializers, inputs, outputs, valueInfo: [] },
    metadataProps: [],
  };
}

export function floatInput(name: string, shape: (number | string | undefined)[] | undefined): OnnxValueInfo {
  return { name, elemType: OnnxDataType.FLOAT, shape };
}

/** Deterministic pseudo-random values in [-1, 1). */
export function randomValues(count: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = (state / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** A plain NCHW tensor for the reference evaluator. */
export interface Nd {
  dims: number[];
  data: Float64Array;
}

function attrInts(n: OnnxNode, key: string, fallback: number[]): number[] {
  const a = n.attributes[key];
  return a && a.type === 'ints' ? a.value : fallback;
}
function attrInt(n: OnnxNode, key: string, fallback: number): number {
  const a = n.attributes[key];
  return a && a.type === 'int' ? a.value : fallback;
}
function attrFloat(n: OnnxNode, key: string, fallback: number): number {
  const a = n.attributes[key];
  return a && a.type === 'float' ? a.value : fallback;
}

/** Naive 2-D convolution (NCHW, KCRS), written from the definition, in float64. */
export function referenceConv(x: Nd, w: Nd, bias: Nd | undefined, strides: number[], pads: number[], group: number): Nd {
  const [n, c, h, wd] = x.dims;
  const [k, cg, r, s] = w.dims;
  const p = Math.floor((h + pads[0] + pads[2] - r) / strides[0]) + 1;
  const q = Math.floor((wd + pads[1] + pads[3] - s) / strides[1]) + 1;
  const out = new Float64Array(n * k * p * q);
  const kPerGroup = k / group;
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < k; oc++) {
      const g = Math.floor(oc / kPerGroup);
      for (let oy = 0; oy < p; oy++)
        for (let ox = 0; ox < q; ox++) {
          let sum = bias ? bias.data[oc] : 0;
          for (let ic = 0; ic < cg; ic++)
            for (let ky = 0; ky < r; ky++)
              for (let kx = 0; kx < s; kx++) {
                const iy = oy * strides[0] - pads[0] + ky;
                const ix = ox * strides[1] - pads[1] + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                sum += x.data[((b * c + g * cg + ic) * h + iy) * wd + ix] * w.data[((oc * cg + ic) * r + ky) * s + kx];
              }
          out[((b * k + oc) * p + oy) * q + ox] = sum;
        }
    }
  return { dims: [n, k, p, q], data: out };
}

/** Evaluates Conv/BatchNormalization/Relu/Add/GlobalAveragePool/Flatten/Gemm graphs in float64. */
export function referenceRun(m: OnnxModel, inputs: Record<string, Nd>): Map<string, Nd> {
  const values = new Map<string, Nd>();
  for (const t of m.graph.initializers) values.set(t.name, { dims: t.dims, data: Float64Array.from(t.data as Float32Array) });
  for (const [k, v] of Object.entries(inputs)) values.set(k, v);
  for (const n of m.graph.nodes) {
    const ins = n.inputs.map((name) => values.get(name)!);
    let out: Nd;
    switch (n.opType) {
      case 'Conv':
        out = referenceConv(ins[0], ins[1], ins[2], attrInts(n, 'strides', [1, 1]), attrInts(n, 'pads', [0, 0, 0, 0]), attrInt(n, 'group', 1));
        break;
      case 'BatchNormalization': {
        const [x, scale, b, mean, variance] = ins;
        const eps = attrFloat(n, 'epsilon', 1e-5);
        const [, c] = x.dims;
        const plane = x.dims.slice(2).reduce((a, d) => a * d, 1);
        const data = new Float64Array(x.data.length);
        for (let i = 0; i < data.length; i++) {
          const ch = Math.floor(i / plane) % c;
          data[i] = ((x.data[i] - mean.data[ch]) / Math.sqrt(variance.data[ch] + eps)) * scale.data[ch] + b.data[ch];
        }
        out = { dims: x.dims, data };
        break;
      }
      case 'Relu':
        out = { dims: ins[0].dims, data: ins[0].data.map((v) => Math.max(0, v)) };
        break;
      case 'Add':
        out = { dims: ins[0].dims, data: ins[0].data.map((v, i) => v + ins[1].data[i]) };
        break;
      case 'GlobalAveragePool': {
        const [nb, c] = ins[0].dims;
        const plane = ins[0].dims.slice(2).reduce((a, d) => a * d, 1);
        const data = new Float64Array(nb * c);
        for (let i = 0; i < nb * c; i++) {
          let s = 0;
          for (let j = 0; j < plane; j++) s += ins[0].data[i * plane + j];
          data[i] = s / plane;
        }
        out = { dims: [nb, c, 1, 1], data };
        break;
      }
      case 'Flatten':
        out = { dims: [ins[0].dims[0], ins[0].data.length / ins[0].dims[0]], data: ins[0].data };
        break;
      case 'Gemm': {
        const [a, b, c] = ins;
        const transB = attrInt(n, 'transB', 0) === 1;
        const [mm, kk] = a.dims;
        const nn = transB ? b.dims[0] : b.dims[1];
        const data = new Float64Array(mm * nn);
        for (let i = 0; i < mm; i++)
          for (let j = 0; j < nn; j++) {
            let s = c ? c.data[j] : 0;
            for (let l = 0; l < kk; l++) s += a.data[i * kk + l] * (transB ? b.data[j * kk + l] : b.data[l * nn + j]);
            data[i * nn + j] = s;
          }
        out = { dims: [mm, nn], data };
        break;
      }
      default:
        throw new Error(`reference evaluator has no ${n.opType}`);
    }
    values.set(n.outputs[0], out);
  }
  return values;
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Deep equality that is fast on large typed arrays; falls back to vitest's diff when they differ. */
export function expectSameModel(actual: OnnxModel, expected: OnnxModel): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}

/** The TensorRTError code `work` throws, or undefined when it does not throw; other errors propagate. */
export function errorCode(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (isTensorRTError(error)) return error.code;
    throw error;
  }
  return undefined;
}
