/**
 * TensorRT's three ways of describing a tensor's type and layout, turned into one {@link LayerTensor} shape:
 *
 * - the engine inspector's sentence (`Channel major FP16 format where channel % 8 == 0`), on TensorRT <= 10 in
 *   `Format/Datatype`, on 11 as a separate `Format` (ending in the enum name, `(kHWC8)`) and `DataType`;
 * - the verbose log's engine-layer notation, dimensions with the vectorised channel: `Half[2,160:16,16,30]`;
 * - the autotuner's notation, strides: `Half(38400,480:2,30,1)` (channel stride 480, vectors of 2 = chw2) or
 *   `Half(9600,1:8,600,20)` (channel stride 1 = channel-last, vectors of 8 = hwc8).
 */
import type { DataTypeName, LayerTensor, TensorFormatName } from '../../types/index.js';
import { DATA_TYPE_WORDS, FORMAT_VECTOR_WIDTH, formatFromEnumName, VECTOR_WIDTH_WORDS } from '../../tensors/facts.js';

/** The package's element-type name for one of TensorRT's spellings (`Half`, `FP16`, `Float`, `Int8`, `BFloat16`…). */
export function dataTypeFromWord(word: string | undefined): DataTypeName {
  if (!word) return 'unknown';
  return DATA_TYPE_WORDS[word.trim().toLowerCase()] ?? 'unknown';
}

const WIDTH_OF_WORD: Record<string, number> = Object.fromEntries(Object.entries(VECTOR_WIDTH_WORDS).map(([width, word]) => [word.toLowerCase(), Number(width)]));

/** What a format sentence says: the format (or `unknown`), the element type and the channel alignment. */
export interface FormatFacts {
  format: TensorFormatName | 'unknown';
  dataType: DataTypeName;
  channelAlignment: number;
}

/**
 * Reads the inspector's format sentence. Formats the package has no name for (DLA layouts, `channel % 4`) come
 * back as `unknown` with the alignment the sentence states, so nothing the text says is lost.
 *
 * @param text - e.g. `Channel major FP16 format where channel % 16 == 0`, or 11.x `Row major linear FP32 format (kLINEAR)`
 * @param dataTypeWord - 11.x's separate `DataType` value, when present
 */
export function parseFormatText(text: string, dataTypeWord?: string): FormatFacts {
  const clean = text.replace(/\.$/, '').trim();
  const typeFromText = /\b(FP32|FP16|BFloat16|BF16|Int8|INT8|Int32|INT32|Int64|UInt8|BOOL|Bool|FP8|Int4|Float|Half)\b/.exec(clean)?.[1];
  const dataType = dataTypeWord ? dataTypeFromWord(dataTypeWord) : dataTypeFromWord(typeFromText);
  const enumName = /\((k[A-Z0-9_]+)\)\s*$/.exec(clean)?.[1];
  if (enumName) {
    const format = formatFromEnumName(enumName);
    if (format) return { format, dataType, channelAlignment: FORMAT_VECTOR_WIDTH[format] };
  }
  const threeD = /3 spatial dimensions/.test(clean);
  const wide = /^(Two|Four|Sixteen|Thirty-two) wide channel vectorized/i.exec(clean);
  if (wide) {
    const width = WIDTH_OF_WORD[wide[1].toLowerCase()];
    const format: TensorFormatName | undefined = width === 2 ? 'chw2' : width === 4 ? 'chw4' : width === 16 ? 'chw16' : threeD ? 'cdhw32' : 'chw32';
    return { format, dataType, channelAlignment: width };
  }
  if (/^Channel major/i.test(clean)) {
    if (/channel == \d+/.test(clean)) {
      // DLA-style layouts with a fixed channel count; the package has no name for them.
      return { format: 'unknown', dataType, channelAlignment: Number(/channel == (\d+)/.exec(clean)![1]) };
    }
    const modulo = /channel % (\d+) == 0/.exec(clean);
    if (modulo) {
      const width = Number(modulo[1]);
      if (width === 8) return { format: threeD ? 'dhwc8' : 'hwc8', dataType, channelAlignment: 8 };
      if (width === 16 && !threeD) return { format: 'hwc16', dataType, channelAlignment: 16 };
      return { format: 'unknown', dataType, channelAlignment: width };
    }
    if (/column stride/.test(clean)) return { format: 'unknown', dataType, channelAlignment: 1 };
    return { format: threeD ? 'dhwc' : 'hwc', dataType, channelAlignment: 1 };
  }
  if (/^Row major/i.test(clean)) {
    if (/column stride/.test(clean)) return { format: 'unknown', dataType, channelAlignment: 1 };
    return { format: 'chw', dataType, channelAlignment: 1 };
  }
  // 11.x and Myelin layers sometimes give only the type word ("Half") as the format.
  return { format: 'unknown', dataType, channelAlignment: 1 };
}

/**
 * A tensor in the verbose log's engine-layer notation, `Half[2,160:16,16,30]`. The notation shows the vector
 * width but not whether channels are first or last, so 16-wide tensors stay `unknown` (hwc16 or chw16) with
 * alignment 16; 8-wide is hwc8 (TensorRT has no chw8) and 32-wide chw32.
 */
export function parseBracketTensor(name: string, descriptor: string): LayerTensor | undefined {
  const match = /^([A-Za-z0-9]+)\[([^\]]*)\]$/.exec(descriptor.trim());
  if (!match) return undefined;
  const dataType = dataTypeFromWord(match[1]);
  let width = 1;
  let axis = -1;
  const dimensions = match[2]
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part, index) => {
      const [size, vector] = part.split(':');
      if (vector !== undefined) {
        width = Number(vector);
        axis = index;
      }
      return Number(size);
    });
  let format: TensorFormatName | 'unknown' = 'unknown';
  if (width === 1) format = 'unknown';
  else if (width === 8) format = dimensions.length === 5 ? 'dhwc8' : 'hwc8';
  else if (width === 32) format = dimensions.length === 5 ? 'cdhw32' : 'chw32';
  else if (width === 2) format = 'chw2';
  void axis;
  return { name, dimensions, formatText: descriptor.trim(), dataType, format, channelAlignment: width };
}

/** A tensor in the autotuner's stride notation, `Half(9600,1:8,600,20)`. */
export function parseStrideTensor(descriptor: string): FormatFacts | undefined {
  const match = /^([A-Za-z0-9]+)\(([^)]*)\)$/.exec(descriptor.trim());
  if (!match) return undefined;
  const dataType = dataTypeFromWord(match[1]);
  const parts = match[2].split(',').map((part) => part.trim());
  const vectorised = parts.findIndex((part) => part.includes(':'));
  if (vectorised < 0) {
    // Plain strides: decreasing means linear (chw); a channel stride of 1 means channel-last (hwc).
    const strides = parts.map(Number);
    const channelLast = strides.length >= 3 && strides[1] === 1 && strides[strides.length - 1] !== 1;
    return { format: channelLast ? (strides.length === 5 ? 'dhwc' : 'hwc') : 'chw', dataType, channelAlignment: 1 };
  }
  const [stride, vector] = parts[vectorised].split(':').map(Number);
  const fiveD = parts.length === 5;
  let format: TensorFormatName | 'unknown' = 'unknown';
  if (stride === 1) format = vector === 8 ? (fiveD ? 'dhwc8' : 'hwc8') : vector === 16 && !fiveD ? 'hwc16' : 'unknown';
  else format = vector === 2 ? 'chw2' : vector === 4 ? 'chw4' : vector === 16 ? 'chw16' : vector === 32 ? (fiveD ? 'cdhw32' : 'chw32') : 'unknown';
  return { format, dataType, channelAlignment: vector };
}

/** Splits `a, b(x, y), c` at top-level commas only (tensor descriptors contain commas). */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(' || char === '[') depth += 1;
    else if (char === ')' || char === ']') depth = Math.max(0, depth - 1);
    if (char === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}
