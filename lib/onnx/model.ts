/**
 * In-memory ONNX model: the plain structure every pure-TS subsystem works on (reader/writer, shape inference,
 * cost model, pruning, FP16 conversion, mock backend). Field numbers of the wire format live in the reader;
 * nothing here depends on protobuf.
 */

import { OnnxDataType, type OnnxTensorData } from '../tensors/facts.js';

export { OnnxDataType };

/** A numeric ONNX element type. */
export type OnnxDataTypeValue = (typeof OnnxDataType)[keyof typeof OnnxDataType] | number;

/**
 * A constant tensor (initializer or Constant value). `data` is decoded: FLOAT -> Float32Array,
 * FLOAT16/BFLOAT16 -> Uint16Array (raw bits), INT64 -> BigInt64Array, INT32 -> Int32Array, INT8 -> Int8Array,
 * UINT8/BOOL -> Uint8Array, DOUBLE -> Float64Array; also INT16 -> Int16Array, UINT16 -> Uint16Array,
 * UINT32 -> Uint32Array, UINT64 -> BigUint64Array. STRING and COMPLEX tensors are not supported.
 */
export interface OnnxTensor {
  name: string;
  dataType: OnnxDataTypeValue;
  dims: number[];
  data: OnnxTensorData;
  docString?: string;
}

/** Attribute values, decoded by type. */
export type OnnxAttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'graph'; value: OnnxGraph }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] };

/** One graph node. */
export interface OnnxNode {
  name: string;
  opType: string;
  /** Empty string for the default `ai.onnx` domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttributeValue>;
  docString?: string;
}

/** A dimension: a number, a symbolic name, or unknown (`undefined`). */
export type OnnxDim = number | string | undefined;

/** A graph input/output/value_info entry. */
export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataTypeValue;
  /** `undefined` when the shape is unknown altogether. */
  shape?: OnnxDim[];
  docString?: string;
}

/** A graph. */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
  docString?: string;
}

/** A model. */
export interface OnnxModel {
  irVersion: number;
  opsetImports: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: OnnxGraph;
  metadataProps: { key: string; value: string }[];
}

/** A statically known tensor type after shape inference. */
export interface InferredTensor {
  elemType: OnnxDataTypeValue;
  /** Concrete dimensions; shape inference fails with ERR_ONNX_SHAPE rather than leaving unknowns. */
  shape: number[];
}

/** Cost of one node. A multiply-add counts as 2 FLOPs. */
export interface NodeCost {
  node: string;
  opType: string;
  /** Floating-point operations (multiply-add = 2). */
  flops: number;
  /** Multiply-accumulates (flops / 2 for matrix ops; 0 for elementwise). */
  macs: number;
  /** Minimal bytes moved: every input activation read once, weights read once, outputs written once. */
  bytes: { activationsIn: number; weights: number; activationsOut: number; total: number };
  /** Bytes per element assumed. */
  elementBytes: number;
  /** GEMM view for Conv/MatMul/Gemm: M = N*P*Q, N = K, K = C*R*S/G. */
  gemm?: { m: number; n: number; k: number };
  /** Conv details for the analyses. */
  conv?: { inChannels: number; outChannels: number; kernel: number[]; groups: number; stride: number[] };
}
