/**
 * Tensor formats as the mock reports them: TensorRT's inspector wording for each (type, format) pair and the
 * padded size of a tensor stored in it. The facts behind them (sizes, vector widths, words) are in
 * lib/tensors/facts.ts.
 */
import type { DataTypeName, TensorFormatName } from '../types/index.js';
import { dataTypeFacts, FORMAT_VECTOR_WIDTH, VECTOR_WIDTH_WORDS } from '../tensors/facts.js';

/**
 * TensorRT's inspector text for a tensor of `dataType` in `format` (the wording trtexec's --exportLayerInfo
 * prints under "Format/Datatype"), e.g. `Channel major FP16 format where channel % 8 == 0` for fp16 hwc8.
 */
export function formatText(dataType: DataTypeName, format: TensorFormatName): string {
  const word = dataTypeFacts(dataType)?.inspectorWord ?? 'Unknown';
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
      return `${VECTOR_WIDTH_WORDS[FORMAT_VECTOR_WIDTH[format]]} wide channel vectorized row major ${word} format`;
  }
}

/** See {@link mockElementBytes}. */
export const UNKNOWN_TYPE_BYTES = 4;

/**
 * Bytes the mock counts per element of `dataType`. Types TensorRT has no name for (`unknown`: ONNX int16,
 * uint16, uint32, uint64, which TensorRT's parser rejects) are counted as 4 bytes, a deliberate estimate so that
 * the mock can still cost such a model rather than refuse it.
 */
export function mockElementBytes(dataType: DataTypeName): number {
  return dataTypeFacts(dataType)?.bytes ?? UNKNOWN_TYPE_BYTES;
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
  const word = dataTypeFacts(dataType)?.logWord ?? 'Unknown';
  const width = FORMAT_VECTOR_WIDTH[format];
  const parts = dims.map((dim, axis) => (axis === 1 && width > 1 ? `${dim}:${width}` : String(dim)));
  return `${word}[${parts.join(',')}]`;
}
