/**
 * Pure-TypeScript analyses over plain data (build reports, verbose logs, inspector JSON, trtexec exports): the
 * public `analysis` namespace. Every name is listed here on purpose; the parsers' helpers (tactic-name
 * normalisation, descriptor splitting, format inference steps, calibration record checks) stay internal to
 * their modules.
 */
export { classifyKernel, kernelIsSparse, parseBuildLog, readBuildLog } from './parse/build-log.js';
export type {
  AddedReformat,
  BuildLogReading,
  CachedResult,
  EngineLayerLine,
  KernelKind,
  ParsedBuildLog,
  RunnerFastest,
  SkippedRunner,
  TrtexecComputeTime,
  TrtexecLogSummary,
} from './parse/build-log.js';
export { normalizeInspectorJson } from './parse/inspector.js';
export { parseFormatText } from './parse/tensor-format.js';
export type { FormatFacts } from './parse/tensor-format.js';
export { parseBuildReport, parseTrtexecProfile, parseTrtexecTimes } from './parse/trtexec.js';
export { inferLayerFormats } from './parse/layer-formats.js';
export type { LayerFormatInference } from './parse/layer-formats.js';
export { explainSparsity, formatSparsityExplanation, SPARSITY_RULE_OF_THUMB } from './sparsity.js';
export type {
  ChannelFacts,
  LayerSparsityExplanation,
  ReformatNote,
  SparseDenseTiming,
  SparsityExplainInput,
  SparsityExplanation,
  SparsityReason,
  TensorFormatSummary,
} from './sparsity.js';
export { resolvePeaks } from './peaks.js';
export type { CalibrationResult, ResolvedPeaks, ResolvePeaksOptions } from './peaks.js';
export { analyzeEfficiency, formatEfficiency } from './efficiency.js';
export type {
  EfficiencyAdvice,
  EfficiencyInput,
  EfficiencyReport,
  EfficiencyTotals,
  FlopsSource,
  LayerBytes,
  LayerEfficiency,
  TimeSource,
} from './efficiency.js';
export { compareBuilds, formatComparison } from './compare.js';
export type { ComparableBuild, CompareOptions, Comparison, EndToEndVerdict, LayerChange, LayerDiff, LayerTiming } from './compare.js';
export { formatMeasuredLayerTimes, measuredLayerTimes } from './measured.js';
export type { IoReformat, MeasuredLayerTime, MeasuredLayerTimes } from './measured.js';
export { ESTIMATED_BANNER, renderHtmlReport } from './report/index.js';
export type { HtmlReportInput } from './report/index.js';
