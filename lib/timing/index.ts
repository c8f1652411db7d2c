/**
 * trtexec-compatible timing statistics and JSON exports, shared by both backends and the analyses.
 */
export { aggregateLayerProfile, computeStats, describeTimingMode, dropWarmUp, percentileIndex, shouldContinue, summarizeIterations } from './stats.js';
export type { IterationSummary, SummarizeOptions } from './stats.js';
export { isEstimatedExport, parseTrtexecProfileJson, parseTrtexecTimesJson, toTrtexecProfileJson, toTrtexecTimesJson } from './exports.js';
export type { TrtexecProfileJson } from './exports.js';
