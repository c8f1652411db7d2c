/**
 * Tensor formats as the mock reports them: TensorRT's inspector wording for each (type, format) pair, the
 * vector width each format implies, and the padded size of a tensor stored in it.
 */
import type { DataTypeName, IODataType, TensorFormatName } from '../types.js';

export { FORMAT_VECTOR_WIDTH } from '../formats.js';
import { FORMAT_VECTOR_WIDTH } from '../formats.js';

const TYPE_WORD: Partial<Record<DataTypeName, string>> = {
  float32: 'FP32',
  float16: 'FP16',
  bfloat16: 'BF16',
  int8: 'Int8',
  int32: 'Int32',
  int64: 'Int64',
  uint8: 'UInt8',
  bool: 'BOOL',
};

const WIDTH_WORD: Record<number, string> = { 2: 'Two', 4: 'Four', 16: 'Sixteen', 32: 'Thirty-two' };

/**
 * TensorRT's inspector text for a tensor of `dataType` in `format` (the wording trtexec's --exportLayerInfo
 * prints under "Format/Datatype"), e.g. `Channel major FP16 format where channel % 8 == 0` for fp16 hwc8.
 */
export function formatText(dataType: DataTypeName, format: TensorFormatName): string {
  const word = TYPE_WORD[dataType] ?? 'Unknown';
  switch (format) {
    case 'chw':
      if (dataType === 'float32') return 'Row major linear FP32';
      if (dataType === 'int32') return 'Row major linear Int32';
      if (dataType === 'int8') return 'Row major Int8 format';
      if (dataType === 'bool') return 'Row major linear BOOL';
      return `Row major linear ${word} format`;
    case 'hwc8':
    case 'hwc16':
      return `Channel major ${word} format where channel % ${FORMAT_VECTOR_WIDTH[format]} == 0`;
    case 'dhwc8':
      return `Channel major ${word} format where channel % 8 == 0 with 3 spatial dimensions`;
    case 'hwc':
      return `Channel major ${word} format`;
    case 'dhwc':
      return `Channel major ${word} format with 3 spatial dimensions`;
    case 'cdhw32':
      return `Thirty-two wide channel vectorized row major ${word} format with 3 spatial dimensions`;
    default:
      return `${WIDTH_WORD[FORMAT_VECTOR_WIDTH[format]]} wide channel vectorized row major ${word} format`;
  }
}

/** Bytes per element. */
export function elementSize(dataType: DataTypeName): number {
  switch (dataType) {
    case 'float16':
    case 'bfloat16':
      return 2;
    case 'int8':
    case 'uint8':
    case 'bool':
    case 'fp8':
      return 1;
    case 'int64':
      return 8;
    default:
      return 4;
  }
}

/** The package's element-type name for a trtexec IO type. */
export function ioTypeToDataType(type: IODataType): DataTypeName {
  const map: Record<IODataType, DataTypeName> = {
    fp32: 'float32',
    fp16: 'float16',
    bf16: 'bfloat16',
    int8: 'int8',
    int32: 'int32',
    int64: 'int64',
    uint8: 'uint8',
    bool: 'bool',
    fp8: 'fp8',
  };
  return map[type];
}

/**
 * Elements a tensor occupies in `format`: vectorised formats pad the channel dimension (index 1 of NCHW) up to
 * the vector width, so a 3-channel image in hwc8 costs 8 channels of memory traffic.
 */
export function paddedElementCount(dims: readonly number[], format: TensorFormatName): number {
  const width = FORMAT_VECTOR_WIDTH[format];
  return dims.reduce((product, dim, axis) => product * (axis === 1 && dims.length >= 3 ? Math.ceil(dim / width) * width : dim), 1);
}

/** Short description TensorRT's verbose log uses in "Autotuning format combination", e.g. `Half(1,16:8,1080,1920)`. */
export function shortTensorText(dataType: DataTypeName, format: TensorFormatName, dims: readonly number[]): string {
  const word = dataType === 'float16' ? 'Half' : dataType === 'float32' ? 'Float' : dataType === 'int32' ? 'Int32' : dataType === 'int8' ? 'Int8' : 'Unknown';
  const width = FORMAT_VECTOR_WIDTH[format];
  const parts = dims.map((dim, axis) => (axis === 1 && width > 1 ? `${dim}:${width}` : String(dim)));
  return `${word}[${parts.join(',')}]`;
}
