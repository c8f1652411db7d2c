/**
 * The mock's plan container: `TRTNMOCK` magic, a format version, a JSON header (report, IO, checksum) and the
 * ONNX bytes the engine runs. Layout (little-endian):
 * `magic[8] | version u32 | headerLength u32 | header (UTF-8 JSON) | onnx bytes`.
 */
import { TensorRTError } from '../errors.js';
import type { BuildReport, IOTensorInfo } from '../types/index.js';

/** First 8 bytes of every mock plan: ASCII `TRTNMOCK`. */
export const MOCK_PLAN_MAGIC: Uint8Array = new TextEncoder().encode('TRTNMOCK');
/** Container format version this package writes and reads. */
export const MOCK_PLAN_VERSION = 1;
const PREFIX_BYTES = MOCK_PLAN_MAGIC.byteLength + 8;

/** What a mock plan holds. */
export interface MockPlanContents {
  report: BuildReport;
  io: IOTensorInfo[];
  onnx: Uint8Array;
}

interface Header {
  report: BuildReport;
  io: IOTensorInfo[];
  onnxByteLength: number;
  onnxChecksum: number;
}

/** FNV-1a 32-bit checksum, enough to tell a damaged container from a good one. */
export function checksum(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < bytes.length; index++) {
    hash ^= bytes[index];
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** True when `bytes` start with {@link MOCK_PLAN_MAGIC}. */
export function isMockPlan(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < MOCK_PLAN_MAGIC.byteLength) return false;
  return MOCK_PLAN_MAGIC.every((byte, index) => bytes[index] === byte);
}

/** Serializes a mock engine. */
export function encodeMockPlan(contents: MockPlanContents): Uint8Array {
  const header: Header = { report: contents.report, io: contents.io, onnxByteLength: contents.onnx.byteLength, onnxChecksum: checksum(contents.onnx) };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(PREFIX_BYTES + headerBytes.byteLength + contents.onnx.byteLength);
  out.set(MOCK_PLAN_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(MOCK_PLAN_MAGIC.byteLength, MOCK_PLAN_VERSION, true);
  view.setUint32(MOCK_PLAN_MAGIC.byteLength + 4, headerBytes.byteLength, true);
  out.set(headerBytes, PREFIX_BYTES);
  out.set(contents.onnx, PREFIX_BYTES + headerBytes.byteLength);
  return out;
}

function corrupt(detail: string): never {
  throw new TensorRTError('ERR_ENGINE_FORMAT', `This mock engine is damaged: ${detail}. Rebuild it with buildEngine(..., { backend: 'mock' }) and save it again.`);
}

/**
 * Reads a mock plan.
 *
 * @throws TensorRTError ERR_ENGINE_FORMAT when the bytes are not a mock plan or are truncated or damaged.
 */
export function decodeMockPlan(bytes: Uint8Array): MockPlanContents {
  if (!isMockPlan(bytes)) {
    throw new TensorRTError('ERR_ENGINE_FORMAT', 'These bytes are not a mock engine (no TRTNMOCK header). Pass bytes written by a mock engine\'s serialize() or save().');
  }
  if (bytes.byteLength < PREFIX_BYTES) corrupt(`only ${bytes.byteLength} bytes, shorter than the container header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MOCK_PLAN_MAGIC.byteLength, true);
  if (version !== MOCK_PLAN_VERSION) {
    throw new TensorRTError('ERR_ENGINE_FORMAT', `This mock engine uses container version ${version}; this tensorrt-node reads version ${MOCK_PLAN_VERSION}. Rebuild the engine with this version.`);
  }
  const headerLength = view.getUint32(MOCK_PLAN_MAGIC.byteLength + 4, true);
  if (PREFIX_BYTES + headerLength > bytes.byteLength) corrupt(`the header claims ${headerLength} bytes but only ${bytes.byteLength - PREFIX_BYTES} follow (truncated file?)`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength))) as Header;
  } catch (error) {
    return corrupt(`the header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || typeof header.report !== 'object' || !Array.isArray(header.io) || typeof header.onnxByteLength !== 'number') {
    corrupt('the header lacks report, io or onnxByteLength');
  }
  const onnx = bytes.slice(PREFIX_BYTES + headerLength);
  if (onnx.byteLength !== header.onnxByteLength) corrupt(`expected ${header.onnxByteLength} bytes of ONNX model, found ${onnx.byteLength} (truncated file?)`);
  if (checksum(onnx) !== header.onnxChecksum) corrupt('the ONNX model inside fails its checksum');
  return { report: header.report, io: header.io, onnx };
}
