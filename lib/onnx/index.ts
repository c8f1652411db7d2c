/**
 * Pure-TypeScript ONNX toolkit: read and write `.onnx` files, check operator support, infer shapes, count
 * FLOPs and bytes per node, check and apply 2:4 sparsity, convert to FP16, and build synthetic test models.
 */
export * from './model.js';
export { readOnnx, writeOnnx, loadOnnxFile, saveOnnxFile } from './codec.js';
export { readOnnxAsync, ASYNC_DECODE_THRESHOLD } from './decode-async.js';
export { supportedOps, checkSupported, inferShapes, defaultOpsetVersion, SUPPORTED_OPSET_RANGE } from './shapes.js';
export { nodeCosts, summarizeModel, dataTypeName, ELEMENTWISE_FLOPS_PER_ELEMENT } from './costs.js';
export { weightSparsity, sparsify } from './sparsity.js';
export type { SparseWeightOp, SparsifyReportEntry } from './sparsity.js';
export { toFp16, float32ToFloat16, float16ToFloat32, float32ToFloat16Bits, float16BitsToFloat32 } from './fp16.js';
export { buildSeed003Model, buildResNetLikeModel } from './builders.js';
