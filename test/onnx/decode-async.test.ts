/**
 * readOnnxAsync: large models decode on a worker thread (off the event loop) into the same model readOnnx gives,
 * with the same coded errors. The worker exists only in the compiled package, so these tests use dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '..', '..');
const compiled = join(repo, 'dist', 'onnx', 'decode-async.js');

describe.skipIf(!existsSync(compiled))('readOnnxAsync (compiled, with its worker)', () => {
  it('decodes on a worker into exactly what readOnnx decodes', async () => {
    const { readOnnxAsync } = (await import(compiled)) as typeof import('../../lib/onnx/decode-async.js');
    const { readOnnx } = (await import(join(repo, 'dist', 'onnx', 'codec.js'))) as typeof import('../../lib/onnx/codec.js');
    const bytes = new Uint8Array(readFileSync(join(repo, 'examples', 'resnet-like.onnx')));
    const viaWorker = await readOnnxAsync(bytes, { threshold: 0 });
    const inline = readOnnx(bytes);
    expect(viaWorker.graph.initializers.length).toBeGreaterThan(0);
    expect(viaWorker.graph.initializers[0].data.constructor).toBe(inline.graph.initializers[0].data.constructor);
    expect(viaWorker).toEqual(inline);
  });

  it('gives readOnnx\'s coded error for bytes that are not ONNX', async () => {
    const { readOnnxAsync } = (await import(compiled)) as typeof import('../../lib/onnx/decode-async.js');
    await expect(readOnnxAsync(new Uint8Array(4096).fill(0x5a), { threshold: 0 })).rejects.toMatchObject({ name: 'TensorRTError', code: 'ERR_ONNX_PARSE' });
  });
});
