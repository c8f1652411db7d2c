/**
 * Readers for TensorRT's outputs: verbose build logs, engine-inspector JSON, trtexec exports and build reports.
 */
export * from './build-log.js';
export * from './inspector.js';
export * from './tensor-format.js';
export * from './trtexec.js';
export * from './layer-formats.js';
