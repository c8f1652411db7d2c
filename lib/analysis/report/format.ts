/**
 * Number and table formatting shared by the plain-text and HTML renderings of the analyses. Internal: not
 * re-exported from the package.
 */
import type { LayerTensor } from '../../types/index.js';
import { dataTypeFacts } from '../../tensors/facts.js';

/** `value` with `digits` significant digits, without exponent notation for ordinary magnitudes. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const text = Number(value.toPrecision(digits));
  return Math.abs(text) >= 1e6 || Math.abs(text) < 1e-3 ? text.toExponential(digits - 1) : String(text);
}

/** Milliseconds with three decimals (microsecond resolution), e.g. `2.400 ms`. */
export function fmtMs(ms: number): string {
  return `${ms.toFixed(3)} ms`;
}

/** Decimal bytes, e.g. `66.4 MB`. */
export function fmtBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** FLOPs with a decimal prefix, e.g. `9.56 GFLOP`. */
export function fmtFlops(flops: number): string {
  const units = ['FLOP', 'kFLOP', 'MFLOP', 'GFLOP', 'TFLOP', 'PFLOP'];
  let value = flops;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${fmt(value, 3)} ${units[unit]}`;
}

/**
 * trtexec IO spec of a tensor, e.g. `fp16:hwc8`. A layout TensorRT has no format name for reads `c%4` (its channel
 * alignment) or `unknown`: never a guess such as chw, which advice would then pass on as a flag to set.
 */
export function ioSpec(tensor: LayerTensor): string {
  const format = tensor.format !== 'unknown' ? tensor.format : tensor.channelAlignment > 1 ? `c%${tensor.channelAlignment}` : 'unknown';
  const type = dataTypeFacts(tensor.dataType)?.ioType;
  return type ? `${type}:${format}` : format;
}

/** Short text of a tensor: `fp16:hwc8 1x16x1920x1080`. */
export function describeTensor(tensor: LayerTensor | undefined): string {
  if (!tensor) return '?';
  return `${ioSpec(tensor)} ${tensor.dimensions.join('x')}`;
}

/** Left-aligned text columns, right-aligned numeric ones. */
export function table(header: string[], rows: string[][], numeric: Set<number> = new Set()): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (row: string[]): string =>
    row
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(Math.min(width, 60))).join('  '), ...rows.map(render)];
}
