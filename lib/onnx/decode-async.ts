/**
 * ONNX decoding off the main thread for large models: decoding costs about 4 ms per MB of synchronous work (a
 * 45 MB ResNet-18 blocks the event loop for some 200 ms), so a Node service's event loop would stall during every
 * build. Small models decode inline, where a worker's start-up would cost more than it saves.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TensorRTError, type ErrorCode } from '../errors.js';
import { readOnnx } from './codec.js';
import type { OnnxModel } from './model.js';

/** Models at least this large (bytes) decode on a worker thread by default. */
export const ASYNC_DECODE_THRESHOLD = 8 * 1024 * 1024;

const workerUrl = new URL('./decode-worker.js', import.meta.url);

/**
 * Decodes ONNX bytes like {@link readOnnx}, on a worker thread when they are at least `threshold` bytes (and the
 * compiled worker is present: running from TypeScript sources decodes inline). The bytes are copied to the worker;
 * the decoded tensors move back without a copy. Errors are the same TensorRTErrors readOnnx raises.
 */
export async function readOnnxAsync(bytes: Uint8Array, options: { threshold?: number } = {}): Promise<OnnxModel> {
  const threshold = options.threshold ?? ASYNC_DECODE_THRESHOLD;
  if (!(bytes instanceof Uint8Array) || bytes.length < threshold || !existsSync(fileURLToPath(workerUrl))) return readOnnx(bytes);
  return new Promise<OnnxModel>((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData: { bytes } });
    let settled = false;
    worker.once('message', (message: { model?: OnnxModel; error?: { code: ErrorCode; message: string; details?: Record<string, unknown> } }) => {
      settled = true;
      if (message.model) resolve(message.model);
      else reject(new TensorRTError(message.error!.code, message.error!.message, message.error!.details ?? {}));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (settled) return;
      settled = true;
      reject(new TensorRTError('ERR_INTERNAL', `The ONNX decoding worker failed: ${error.message}`, {}, { cause: error }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new TensorRTError('ERR_INTERNAL', `The ONNX decoding worker exited (code ${code}) without an answer.`));
    });
  });
}
