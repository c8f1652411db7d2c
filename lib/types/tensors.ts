/** Element types, tensor formats and engine IO tensors: the vocabulary every other type file describes tensors in. */

/** Element types as trtexec spells them in `--inputIOFormats`. */
export type IODataType = 'fp32' | 'fp16' | 'bf16' | 'int8' | 'int32' | 'int64' | 'uint8' | 'bool' | 'fp8';

/** Tensor formats as trtexec spells them (TensorFormat without the `k`). */
export type TensorFormatName =
  | 'chw'
  | 'chw2'
  | 'hwc8'
  | 'chw4'
  | 'chw16'
  | 'chw32'
  | 'dhwc8'
  | 'cdhw32'
  | 'hwc'
  | 'hwc16'
  | 'dhwc';

/** Element type names used in tensor descriptions. */
export type DataTypeName = 'float32' | 'float16' | 'bfloat16' | 'int8' | 'int32' | 'int64' | 'uint8' | 'bool' | 'fp8' | 'int4' | 'unknown';

/** Description of one engine IO tensor. */
export interface IOTensorInfo {
  /** Tensor name. */
  name: string;
  /** Whether the engine reads or writes it. */
  mode: 'input' | 'output';
  /** Element type the caller's buffer holds. */
  dataType: DataTypeName;
  /** Dimensions; -1 for dynamic ones. */
  shape: number[];
  /** Short format name, e.g. `chw`, `hwc8`. */
  format: TensorFormatName | 'unknown';
  /** TensorRT's own description of the format. */
  formatText?: string;
  /** Elements per vector for vectorised formats (8 for hwc8), 1 otherwise. */
  componentsPerElement: number;
  /** Which dimension is vectorised, -1 for none. */
  vectorizedDim: number;
  /** Strides in elements for the `opt` shape, as TensorRT reports them. */
  strides?: number[];
}

/** Typed arrays accepted and returned by `infer()`. */
export type TensorData = Float32Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;
