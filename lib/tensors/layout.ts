/**
 * Re-layout between the logical order `infer()` speaks (N, C, spatial…, linear) and TensorRT's physical IO
 * formats, so that `fp16:hwc8` IO changes speed, never the meaning of the caller's arrays.
 *
 * Two families (facts of TensorRT's TensorFormat):
 * - channel-last (`hwc`, `hwc8`, `hwc16`, `dhwc`, `dhwc8`): N, spatial…, C padded to the vector width;
 * - channel-vectorised (`chw2`, `chw4`, `chw16`, `chw32`, `cdhw32`): N, ceil(C / v), spatial…, v.
 * Padding elements are written as zero and dropped on the way back.
 */
import { TensorRTError } from '../errors.js';
import type { TensorData, TensorFormatName } from '../types/index.js';
import { FORMAT_VECTOR_WIDTH, formatFacts, product } from './facts.js';

/** True when `format` stores elements in another order than linear NCHW. */
export function needsRelayout(format: TensorFormatName | 'unknown'): boolean {
  const family = formatFacts(format)?.family;
  return family === 'channel-last' || family === 'channel-vectorised';
}

/** Elements the physical buffer holds for a logical `shape` in `format` (channels padded to the vector). */
export function physicalVolume(shape: readonly number[], format: TensorFormatName | 'unknown'): number {
  if (!needsRelayout(format) || shape.length < 2) return product(shape);
  const width = FORMAT_VECTOR_WIDTH[format as TensorFormatName];
  const paddedChannels = Math.ceil(shape[1] / width) * width;
  return shape.reduce((total, extent, axis) => total * (axis === 1 ? paddedChannels : extent), 1);
}

/** Physical index of the logical element (n, c, s) where s is the flattened spatial index. */
function physicalIndexer(shape: readonly number[], format: TensorFormatName): (n: number, c: number, s: number) => number {
  const channels = shape[1];
  const spatial = product(shape.slice(2));
  const width = FORMAT_VECTOR_WIDTH[format];
  const paddedChannels = Math.ceil(channels / width) * width;
  if (formatFacts(format)?.family === 'channel-last') return (n, c, s) => (n * spatial + s) * paddedChannels + c;
  const groups = paddedChannels / width;
  return (n, c, s) => ((n * groups + Math.floor(c / width)) * spatial + s) * width + (c % width);
}

function checkShape(shape: readonly number[], length: number, what: string): void {
  const volume = product(shape);
  if (shape.length < 2 || volume !== length) {
    throw new TensorRTError('ERR_INPUT', `Cannot re-lay out ${what}: shape [${shape.join(', ')}] holds ${volume} elements but the data has ${length}.`);
  }
}

/** Logical NCHW data to the physical layout of `format`. Returns the input itself for linear formats. */
export function toPhysicalLayout<T extends TensorData>(data: T, shape: readonly number[], format: TensorFormatName | 'unknown'): T {
  if (!needsRelayout(format)) return data;
  checkShape(shape, data.length, 'an input');
  const index = physicalIndexer(shape, format as TensorFormatName);
  const [batch, channels] = shape;
  const spatial = data.length / (batch * channels);
  const out = new (data.constructor as new (length: number) => T)(physicalVolume(shape, format));
  let source = 0;
  for (let n = 0; n < batch; n += 1)
    for (let c = 0; c < channels; c += 1)
      for (let s = 0; s < spatial; s += 1) out[index(n, c, s)] = data[source++];
  return out;
}

/** Physical data of `format` back to logical NCHW of `shape`. Returns the input itself for linear formats. */
export function fromPhysicalLayout<T extends TensorData>(data: T, shape: readonly number[], format: TensorFormatName | 'unknown'): T {
  if (!needsRelayout(format)) return data;
  const expected = physicalVolume(shape, format);
  if (data.length !== expected) {
    throw new TensorRTError('ERR_INFERENCE', `An output in ${format} should hold ${expected} elements for shape [${shape.join(', ')}], got ${data.length}.`);
  }
  const index = physicalIndexer(shape, format as TensorFormatName);
  const [batch, channels] = shape;
  const spatial = product(shape.slice(2));
  const out = new (data.constructor as new (length: number) => T)(batch * channels * spatial);
  let target = 0;
  for (let n = 0; n < batch; n += 1)
    for (let c = 0; c < channels; c += 1)
      for (let s = 0; s < spatial; s += 1) out[target++] = data[index(n, c, s)];
  return out;
}
