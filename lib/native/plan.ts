/**
 * Cheap checks on serialized engines, so that bytes which are not an engine at all get a clear error before any
 * backend tries to deserialize them.
 */

/** True when `bytes` start like a TensorRT plan (serialized engines begin with the ASCII tag `ftrt`). */
export function looksLikeTensorRTPlan(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 32 && bytes[0] === 0x66 && bytes[1] === 0x74 && bytes[2] === 0x72 && bytes[3] === 0x74;
}
