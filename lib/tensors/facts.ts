/**
 * The one table of element-type and tensor-format facts: ONNX element types, the package's data type names,
 * trtexec's IO type words, bytes per element, the typed array that holds each type, which types are floating
 * point, and each format's vector width and family. Every other module reads these facts from here.
 *
 * Unknown types are never given a silent default: lookups return `undefined` (or throw, for
 * {@link bytesPerElement}), and each caller that needs a value for an unknown type states its own choice.
 */
import { TensorRTError } from '../errors.js';
import type { DataTypeName, IODataType, TensorData, TensorFormatName } from '../types/index.js';

/** A typed-array class that holds tensor data, constructible from a length or from a buffer. */
export interface TensorDataConstructor {
  new (length: number): TensorData;
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): TensorData;
  readonly name: string;
  readonly BYTES_PER_ELEMENT: number;
}

/** What the package knows about one of its element types. */
export interface DataTypeFacts {
  /** Bytes per element; int4 packs two elements into a byte (0.5). */
  bytes: number;
  /** True for floating-point types (fp8 included). */
  float: boolean;
  /** The typed array `infer()` takes and returns for this type. */
  typedArray: TensorDataConstructor;
  /** What the typed array's elements hold when they are not the values themselves, e.g. `fp16 bits`. */
  arrayHolds?: string;
  /** trtexec's IO type word (`--inputIOFormats=fp16:chw`), when trtexec has one. */
  ioType?: IODataType;
  /** The type word of TensorRT's inspector sentences (`Row major linear FP16 format`). */
  inspectorWord?: string;
  /** The type word of TensorRT's verbose log tensor notation (`Half(1,16:8,1080,1920)`). */
  logWord?: string;
}

/** Facts of every named data type; `unknown` has none on purpose. */
export const DATA_TYPES: Readonly<Record<Exclude<DataTypeName, 'unknown'>, Readonly<DataTypeFacts>>> = Object.freeze({
  float32: { bytes: 4, float: true, typedArray: Float32Array, ioType: 'fp32', inspectorWord: 'FP32', logWord: 'Float' },
  float16: { bytes: 2, float: true, typedArray: Uint16Array, arrayHolds: 'fp16 bits', ioType: 'fp16', inspectorWord: 'FP16', logWord: 'Half' },
  bfloat16: { bytes: 2, float: true, typedArray: Uint16Array, arrayHolds: 'bf16 bits', ioType: 'bf16', inspectorWord: 'BF16' },
  int8: { bytes: 1, float: false, typedArray: Int8Array, ioType: 'int8', inspectorWord: 'Int8', logWord: 'Int8' },
  int32: { bytes: 4, float: false, typedArray: Int32Array, ioType: 'int32', inspectorWord: 'Int32', logWord: 'Int32' },
  int64: { bytes: 8, float: false, typedArray: BigInt64Array, ioType: 'int64', inspectorWord: 'Int64' },
  uint8: { bytes: 1, float: false, typedArray: Uint8Array, ioType: 'uint8', inspectorWord: 'UInt8' },
  bool: { bytes: 1, float: false, typedArray: Uint8Array, arrayHolds: '0/1', ioType: 'bool', inspectorWord: 'BOOL' },
  fp8: { bytes: 1, float: true, typedArray: Uint8Array, arrayHolds: 'fp8 bits', ioType: 'fp8' },
  int4: { bytes: 0.5, float: false, typedArray: Uint8Array, arrayHolds: 'two int4 per byte' },
});

/** The facts of `dataType`, or `undefined` for `unknown` (or a name this package does not know). */
export function dataTypeFacts(dataType: DataTypeName | string): Readonly<DataTypeFacts> | undefined {
  return Object.hasOwn(DATA_TYPES, dataType) ? DATA_TYPES[dataType as Exclude<DataTypeName, 'unknown'>] : undefined;
}

/**
 * Bytes per element of `dataType` (0.5 for int4).
 * @throws TensorRTError `ERR_UNSUPPORTED` for `unknown`: a size would be a guess, so the caller must choose one.
 */
export function bytesPerElement(dataType: DataTypeName): number {
  const facts = dataTypeFacts(dataType);
  if (!facts) throw new TensorRTError('ERR_UNSUPPORTED', `No element size is known for data type '${dataType}'.`, { dataType });
  return facts.bytes;
}

/** The package's data type name for a trtexec IO type word (`fp16` -> `float16`). */
export function ioTypeToDataType(type: IODataType): DataTypeName {
  const entry = Object.entries(DATA_TYPES).find(([, facts]) => facts.ioType === type);
  return entry ? (entry[0] as DataTypeName) : 'unknown';
}

/** The package's data type for any of TensorRT's and trtexec's spellings, lower-cased (`half`, `fp16`, `float16`). */
export const DATA_TYPE_WORDS: Readonly<Record<string, DataTypeName>> = Object.freeze(
  Object.fromEntries(
    Object.entries(DATA_TYPES).flatMap(([name, facts]) =>
      [name, facts.ioType, facts.inspectorWord, facts.logWord].filter((word): word is string => word !== undefined).map((word) => [word.toLowerCase(), name as DataTypeName]),
    ),
  ),
);

/** ONNX TensorProto.DataType values (facts of the format). */
export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

/** The typed arrays an ONNX tensor's decoded data can be (see `OnnxTensor` in lib/onnx/model.ts). */
export type OnnxTensorData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int32Array
  | BigInt64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint32Array
  | BigUint64Array;

/** What the package knows about one ONNX element type. */
export interface OnnxTypeFacts {
  /** The ONNX enum name, e.g. `FLOAT16`. */
  onnxName: string;
  /** Bytes per element in ONNX's raw_data. */
  bytes: number;
  /** True for floating-point types. */
  float: boolean;
  /** The typed array an ONNX tensor's decoded data uses (16-bit floats as their bits). */
  storage: new (length: number) => OnnxTensorData;
  /** The package's name for the same type, `unknown` where it has none. */
  dataType: DataTypeName;
  /** The type TensorRT gives a network tensor of this ONNX type, when it differs from {@link dataType}. */
  networkType?: DataTypeName;
}

/** The numeric ONNX element types, keyed by their enum value. STRING, COMPLEX64 and COMPLEX128 are absent on purpose. */
export const ONNX_TYPES: Readonly<Record<number, Readonly<OnnxTypeFacts>>> = Object.freeze({
  [OnnxDataType.FLOAT]: { onnxName: 'FLOAT', bytes: 4, float: true, storage: Float32Array, dataType: 'float32' },
  [OnnxDataType.UINT8]: { onnxName: 'UINT8', bytes: 1, float: false, storage: Uint8Array, dataType: 'uint8' },
  [OnnxDataType.INT8]: { onnxName: 'INT8', bytes: 1, float: false, storage: Int8Array, dataType: 'int8' },
  [OnnxDataType.UINT16]: { onnxName: 'UINT16', bytes: 2, float: false, storage: Uint16Array, dataType: 'unknown' },
  [OnnxDataType.INT16]: { onnxName: 'INT16', bytes: 2, float: false, storage: Int16Array, dataType: 'unknown' },
  [OnnxDataType.INT32]: { onnxName: 'INT32', bytes: 4, float: false, storage: Int32Array, dataType: 'int32' },
  [OnnxDataType.INT64]: { onnxName: 'INT64', bytes: 8, float: false, storage: BigInt64Array, dataType: 'int64' },
  [OnnxDataType.BOOL]: { onnxName: 'BOOL', bytes: 1, float: false, storage: Uint8Array, dataType: 'bool' },
  [OnnxDataType.FLOAT16]: { onnxName: 'FLOAT16', bytes: 2, float: true, storage: Uint16Array, dataType: 'float16' },
  // TensorRT's ONNX parser casts DOUBLE tensors to FLOAT.
  [OnnxDataType.DOUBLE]: { onnxName: 'DOUBLE', bytes: 8, float: true, storage: Float64Array, dataType: 'unknown', networkType: 'float32' },
  [OnnxDataType.UINT32]: { onnxName: 'UINT32', bytes: 4, float: false, storage: Uint32Array, dataType: 'unknown' },
  [OnnxDataType.UINT64]: { onnxName: 'UINT64', bytes: 8, float: false, storage: BigUint64Array, dataType: 'unknown' },
  [OnnxDataType.BFLOAT16]: { onnxName: 'BFLOAT16', bytes: 2, float: true, storage: Uint16Array, dataType: 'bfloat16' },
});

/** The facts of ONNX element type `elemType`, or `undefined` for a type outside {@link ONNX_TYPES}. */
export function onnxTypeFacts(elemType: number): Readonly<OnnxTypeFacts> | undefined {
  return Object.hasOwn(ONNX_TYPES, elemType) ? ONNX_TYPES[elemType] : undefined;
}

/** True when ONNX element type `elemType` is floating point. */
export function isFloatOnnxType(elemType: number): boolean {
  return onnxTypeFacts(elemType)?.float === true;
}

/** The package's data type name of ONNX type `elemType`: `unknown` for types it has no name for (DOUBLE, INT16…). */
export function dataTypeOfOnnx(elemType: number): DataTypeName {
  return onnxTypeFacts(elemType)?.dataType ?? 'unknown';
}

/** The type TensorRT gives a network tensor of ONNX type `elemType` (DOUBLE becomes float32), else `unknown`. */
export function networkTypeOfOnnx(elemType: number): DataTypeName {
  const facts = onnxTypeFacts(elemType);
  return facts?.networkType ?? facts?.dataType ?? 'unknown';
}

/** How a format orders elements: linear NCHW, channels last, or channels in vectors of the vector width. */
export type FormatFamily = 'linear' | 'channel-last' | 'channel-vectorised';

/** What the package knows about one TensorRT tensor format. */
export interface TensorFormatFacts {
  /** Elements per vector, which is also the channel alignment; 1 for unvectorised formats. */
  vectorWidth: number;
  family: FormatFamily;
  /** Spatial dimensions the format is for (3 for the `d…` and `cdhw32` formats). */
  spatialDims: 2 | 3;
  /** TensorRT's TensorFormat enum name. */
  enumName: string;
}

/** Facts of each tensor format (TensorRT's TensorFormat). */
export const FORMATS: Readonly<Record<TensorFormatName, Readonly<TensorFormatFacts>>> = Object.freeze({
  chw: { vectorWidth: 1, family: 'linear', spatialDims: 2, enumName: 'kLINEAR' },
  chw2: { vectorWidth: 2, family: 'channel-vectorised', spatialDims: 2, enumName: 'kCHW2' },
  hwc8: { vectorWidth: 8, family: 'channel-last', spatialDims: 2, enumName: 'kHWC8' },
  chw4: { vectorWidth: 4, family: 'channel-vectorised', spatialDims: 2, enumName: 'kCHW4' },
  chw16: { vectorWidth: 16, family: 'channel-vectorised', spatialDims: 2, enumName: 'kCHW16' },
  chw32: { vectorWidth: 32, family: 'channel-vectorised', spatialDims: 2, enumName: 'kCHW32' },
  dhwc8: { vectorWidth: 8, family: 'channel-last', spatialDims: 3, enumName: 'kDHWC8' },
  cdhw32: { vectorWidth: 32, family: 'channel-vectorised', spatialDims: 3, enumName: 'kCDHW32' },
  hwc: { vectorWidth: 1, family: 'channel-last', spatialDims: 2, enumName: 'kHWC' },
  hwc16: { vectorWidth: 16, family: 'channel-last', spatialDims: 2, enumName: 'kHWC16' },
  dhwc: { vectorWidth: 1, family: 'channel-last', spatialDims: 3, enumName: 'kDHWC' },
});

/** The facts of `format`, or `undefined` for `unknown` (or a name this package does not know). */
export function formatFacts(format: TensorFormatName | string): Readonly<TensorFormatFacts> | undefined {
  return Object.hasOwn(FORMATS, format) ? FORMATS[format as TensorFormatName] : undefined;
}

/** Elements per vector (and the channel alignment) of each format. Linear and plain channel-major formats are 1. */
export const FORMAT_VECTOR_WIDTH: Readonly<Record<TensorFormatName, number>> = Object.freeze(
  Object.fromEntries(Object.entries(FORMATS).map(([name, facts]) => [name, facts.vectorWidth])) as Record<TensorFormatName, number>,
);

/** How TensorRT's inspector sentences spell a channel-vector width (`Sixteen wide channel vectorized …`). */
export const VECTOR_WIDTH_WORDS: Readonly<Record<number, string>> = Object.freeze({ 2: 'Two', 4: 'Four', 16: 'Sixteen', 32: 'Thirty-two' });

/** The package's format name for a TensorFormat enum name (`kHWC8` -> `hwc8`), or `undefined`. */
export function formatFromEnumName(enumName: string): TensorFormatName | undefined {
  const entry = Object.entries(FORMATS).find(([, facts]) => facts.enumName === enumName);
  return entry ? (entry[0] as TensorFormatName) : undefined;
}

/** The number of elements of a tensor of shape `dims` (1 for a scalar). */
export function product(dims: readonly number[]): number {
  return dims.reduce((total, dim) => total * dim, 1);
}
