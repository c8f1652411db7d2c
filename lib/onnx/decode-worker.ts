/**
 * Worker-thread side of {@link readOnnxAsync}: decodes the ONNX bytes it is given and posts the model back, moving
 * (not copying) the initializers' tensor buffers, or posts the error's code and message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readOnnx } from './codec.js';

const port = parentPort;
if (port) {
  try {
    const model = readOnnx(workerData.bytes as Uint8Array);
    const buffers = new Set<ArrayBuffer>();
    for (const tensor of model.graph.initializers) {
      const buffer = tensor.data.buffer;
      // Only whole, unshared buffers can move; a view into a shared buffer is copied with the rest.
      if (buffer instanceof ArrayBuffer && tensor.data.byteOffset === 0 && tensor.data.byteLength === buffer.byteLength) buffers.add(buffer);
    }
    port.postMessage({ model }, [...buffers]);
  } catch (error) {
    const failure = error as { code?: string; message?: string; details?: unknown };
    port.postMessage({ error: { code: failure.code ?? 'ERR_ONNX_PARSE', message: failure.message ?? String(error), details: failure.details } });
  }
}
