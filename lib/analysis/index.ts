/**
 * Pure-TypeScript analyses over plain data (build reports, verbose logs, inspector JSON, trtexec exports).
 */
export * from './parse/index.js';
export * from './sparsity.js';
export * from './peaks.js';
export * from './efficiency.js';
export * from './compare.js';
export * from './measured.js';
export * from './report/index.js';
