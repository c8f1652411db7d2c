/** Facts about TensorRT tensor formats shared by the parsers, the mock and the analyses. */
import type { TensorFormatName } from './types.js';

/** Elements per vector (and the channel alignment) of each format. Linear and plain channel-major formats are 1. */
export const FORMAT_VECTOR_WIDTH: Readonly<Record<TensorFormatName, number>> = Object.freeze({
  chw: 1,
  chw2: 2,
  hwc8: 8,
  chw4: 4,
  chw16: 16,
  chw32: 32,
  dhwc8: 8,
  cdhw32: 32,
  hwc: 1,
  hwc16: 16,
  dhwc: 1,
});
