/**
 * Shared pieces of the native GPU tests: deterministic inputs, onnxruntime references, error-code checks and
 * device-memory readings through the loaded backend.
 */
import { expect } from 'vitest';
import * as ort from 'onnxruntime-node';
import { TensorRTError } from '../../lib/errors.js';
import { loadNativeBackend } from '../../lib/native/loader.js';
import type { OnnxModel } from '../../lib/onnx/model.js';

/** A reproducible input in [-0.5, 0.5). */
export function seededInput(count: number, seed = 7): Float32Array {
  let state = seed;
  const data = new Float32Array(count);
  for (let index = 0; index < count; index++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[index] = state / 2147483648 - 0.5;
  }
  return data;
}

/** Awaits `promise` and expects a TensorRTError with one of `codes`; returns it. */
export async function expectCode(promise: Promise<unknown>, codes: string[]): Promise<TensorRTError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a TensorRTError with ${codes.join(' or ')}`).toBeInstanceOf(TensorRTError);
  expect(codes).toContain((caught as TensorRTError).code);
  expect((caught as TensorRTError).message.length).toBeGreaterThan(10);
  return caught as TensorRTError;
}

/** onnxruntime (CPU) output `output` of `onnx` for one fp32 input `input` of `shape`. */
export async function ortReference(onnx: Uint8Array, input: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  const result = await session.run({ input: new ort.Tensor('float32', input, shape) });
  return result.output.data as Float32Array;
}

/** Largest |a - b| / (floor + |b|) over the arrays (they must have the same length). */
export function worstScaledError(actual: ArrayLike<number>, reference: ArrayLike<number>, floor = 1e-2): number {
  expect(actual.length).toBe(reference.length);
  let worst = 0;
  for (let index = 0; index < actual.length; index++) {
    worst = Math.max(worst, Math.abs(actual[index] - reference[index]) / (floor + Math.abs(reference[index])));
  }
  return worst;
}

/** The model with its first dimension made symbolic (`N`) on the graph input and output. */
export function withDynamicBatch(model: OnnxModel): OnnxModel {
  const copy = structuredClone(model);
  copy.graph.inputs[0].shape = ['N', ...(copy.graph.inputs[0].shape ?? []).slice(1)];
  copy.graph.outputs[0].shape = ['N', ...(copy.graph.outputs[0].shape ?? []).slice(1)];
  return copy;
}

/** Free device memory in bytes on device 0, from cuMemGetInfo through the loaded backend. */
export function freeDeviceBytes(): number {
  const loaded = loadNativeBackend();
  if (!loaded.ok || !loaded.backend.deviceMemory) throw new Error('the native backend has no deviceMemory()');
  return loaded.backend.deviceMemory(0).freeBytes;
}

/** The runtime TensorRT major of the loaded backend (0 when none). */
export function runtimeMajor(): number {
  const loaded = loadNativeBackend();
  return loaded.ok ? Number.parseInt(loaded.backend.info().tensorrtVersion ?? '0', 10) : 0;
}

export const MiB = 1024 * 1024;
