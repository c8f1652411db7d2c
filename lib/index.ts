/**
 * tensorrt-node: TensorRT for Node.js.
 *
 * Build engines from ONNX, record which tactic every layer got and what the alternatives cost, inspect engines,
 * run and time inference with trtexec's semantics, and explain the result. Without a GPU or TensorRT, a clearly
 * labelled mock backend estimates instead of measuring.
 */
export { buildEngine, loadEngine } from './build.js';
export type { BuildResult, LoadEngineOptions } from './build.js';
export { Engine, ExecutionContext } from './engine.js';
export { backendInfo, releaseBuilders, resetBackends } from './select.js';
export type { InferInputs, InferOutputs } from './backend/types.js';
export { TensorRTError, ErrorCodes, isTensorRTError } from './errors.js';
export type { ErrorCode, TensorRTErrorDetails } from './errors.js';
export { deviceProfiles, findDeviceProfile, matchDeviceProfile, ridgePoint } from './devices/profiles.js';
export type { DeviceProfile } from './devices/profiles.js';
export { resolveBuildOptions, resolveBenchmarkOptions, parseIOFormats, parseTacticSources } from './options.js';
export { packageVersion } from './version.js';
export { BUILD_STEPS_CHANNEL, type BuildStepMessage } from './event-loop.js';
export * as onnx from './onnx/index.js';
export * as analysis from './analysis/index.js';
export type * from './types/index.js';
export { captureHostEnvironment, detectJetson } from './devices/environment.js';
export { environmentWarnings } from './devices/warnings.js';
export { calibrate } from './measure/calibrate.js';
export { calibrationPath, defaultCalibrationDir, loadCalibration, saveCalibration } from './measure/calibration-cache.js';
export { FORMAT_VECTOR_WIDTH } from './tensors/facts.js';
export { tryVariants } from './measure/experiments.js';
export type { TryOptions, TryResult, VariantName, VariantResult } from './measure/experiments.js';
