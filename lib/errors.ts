/**
 * The one error class of the package. Native code throws it too (the class is handed to the addon at load).
 */

/**
 * Messages are often built from parts that end in a full stop (a nested error, a hint); joining them must not
 * print ".." — but an ellipsis and a path such as `../model.onnx` stay as they are.
 */
function tidySentences(message: string): string {
  return message.replace(/([^.\s/])\.\.(?=\s|$)/g, '$1.');
}

/** Every error code the package raises. */
export const ErrorCodes = {
  /** An option has the wrong type, range or name. */
  ERR_INVALID_OPTION: 'ERR_INVALID_OPTION',
  /** An argument (not an option) is wrong. */
  ERR_INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  /** Bytes are not a valid ONNX model (truncated, malformed protobuf, no graph). */
  ERR_ONNX_PARSE: 'ERR_ONNX_PARSE',
  /** The model uses an operator or opset this tool cannot handle. */
  ERR_ONNX_UNSUPPORTED: 'ERR_ONNX_UNSUPPORTED',
  /** Shapes in the model are inconsistent. */
  ERR_ONNX_SHAPE: 'ERR_ONNX_SHAPE',
  /** Bytes are not an engine this package can load. */
  ERR_ENGINE_FORMAT: 'ERR_ENGINE_FORMAT',
  /** A plan was built by another TensorRT version or for another GPU. */
  ERR_ENGINE_VERSION: 'ERR_ENGINE_VERSION',
  /** The TensorRT build failed. */
  ERR_BUILD_FAILED: 'ERR_BUILD_FAILED',
  /** The build was cancelled through its AbortSignal. */
  ERR_ABORTED: 'ERR_ABORTED',
  /** Inputs to `infer()` have the wrong names, shapes or types. */
  ERR_INPUT: 'ERR_INPUT',
  /** Inference failed. */
  ERR_INFERENCE: 'ERR_INFERENCE',
  /** The object was disposed. */
  ERR_DISPOSED: 'ERR_DISPOSED',
  /** The requested backend cannot be used here. */
  ERR_BACKEND_UNAVAILABLE: 'ERR_BACKEND_UNAVAILABLE',
  /**
   * This TensorRT install can run plans but not build them on this GPU: the builder resource library for it is
   * missing (a runtime-only install). Loading, inspecting and running plans still work.
   */
  ERR_BUILDER_UNAVAILABLE: 'ERR_BUILDER_UNAVAILABLE',
  /** The native backend was compiled against TensorRT headers newer than the installed library. */
  ERR_VERSION_MISMATCH: 'ERR_VERSION_MISMATCH',
  /** A CUDA call failed. */
  ERR_CUDA: 'ERR_CUDA',
  /** The GPU ran out of memory. */
  ERR_CUDA_OOM: 'ERR_CUDA_OOM',
  /** A file could not be read or written. */
  ERR_IO: 'ERR_IO',
  /** Input to an analysis (log, JSON export) could not be understood. */
  ERR_ANALYSIS_INPUT: 'ERR_ANALYSIS_INPUT',
  /** The operation is not supported by this backend or TensorRT version. */
  ERR_UNSUPPORTED: 'ERR_UNSUPPORTED',
  /** A bug: something that should not happen. Please report it. */
  ERR_INTERNAL: 'ERR_INTERNAL',
} as const;

/** A string error code, e.g. `'ERR_ONNX_PARSE'`. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Extra facts attached to an error. */
export interface TensorRTErrorDetails {
  /** Recent TensorRT (or mock) log lines, oldest first. */
  log?: string[];
  /** What to do about it, when the message alone is not enough. */
  hint?: string;
  /** Any other structured detail (option name, expected value, …). */
  [key: string]: unknown;
}

/**
 * Error raised by tensorrt-node. `code` is stable and meant for programs; `message` says what went wrong and
 * what to do about it.
 */
export class TensorRTError extends Error {
  /** Stable error code. */
  readonly code: ErrorCode;
  /** Structured details, including recent log lines where relevant. */
  readonly details: TensorRTErrorDetails;

  /**
   * @param code - one of {@link ErrorCodes}
   * @param message - what went wrong and what to do
   * @param details - structured details
   * @param options - standard `cause`
   */
  constructor(code: ErrorCode, message: string, details: TensorRTErrorDetails = {}, options?: { cause?: unknown }) {
    super(tidySentences(message), options);
    this.name = 'TensorRTError';
    this.code = code;
    this.details = details;
  }

  /** A JSON form for `--json` output and logs. */
  toJSON(): { name: string; code: ErrorCode; message: string; details: TensorRTErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True when `value` is a {@link TensorRTError}, optionally with the given code. */
export function isTensorRTError(value: unknown, code?: ErrorCode): value is TensorRTError {
  return value instanceof TensorRTError && (code === undefined || value.code === code);
}

/**
 * Runs `work` and, if it rejects, re-throws with `stack` replaced by the caller's stack (so errors from worker
 * threads point at user code, as sharp does). The stack is captured only on failure, after the await, where
 * V8's async stack traces still name the awaiting callers: capturing it up front cost about 6 µs per call,
 * a large part of a small engine's infer().
 */
export async function withCallerStack<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, withCallerStack);
    const callers = holder.stack?.split('\n').slice(1) ?? [];
    if (error instanceof Error && callers.length > 0) {
      error.stack = `${error.name}: ${error.message}\n${callers.join('\n')}`;
    }
    throw error;
  }
}
