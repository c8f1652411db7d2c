/**
 * What infer()'s JS layer costs per call, by name and by position, over a stand-in addon that answers at once (no
 * N-API, no CUDA): ExecutionContext.infer() with one 3x224x224 float32 input and a pinned 1000-float output, µs per
 * call, best of 5 rounds. The other half of run.mjs, which times the native contract without the JS layer.
 * Needs dist/ (npm run build:ts).
 *
 *   node bench/napi-contract/js-path.mjs [--calls 200000]
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const callsAt = process.argv.indexOf('--calls');
const calls = callsAt > 0 ? Number(process.argv[callsAt + 1]) : 200_000;
if (!Number.isInteger(calls) || calls < 1) {
  console.error(`napi-contract: --calls takes a whole number above 0, got '${process.argv[callsAt + 1]}'`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'native', 'backend.js'))) {
  console.error('napi-contract: no dist/; run npm run build:ts first');
  process.exit(1);
}
const { createNativeBackend } = await import(pathToFileURL(join(root, 'dist', 'native', 'backend.js')).href);
const { Engine } = await import(pathToFileURL(join(root, 'dist', 'engine.js')).href);

const tensor = (name, mode, shape) => ({ name, mode, dataType: 'float32', shape, format: 'chw', formatText: 'Row major linear FP32', componentsPerElement: 1, vectorizedDim: -1, bytesPerComponent: 4 });
const io = [tensor('input', 'input', [1, 3, 224, 224]), tensor('output', 'output', [1, 1000])];

/** An addon whose contexts answer infer() at once, as the real one does on a pinned context: the view once, then none. */
function standInAddon(byPosition) {
  return {
    capabilities: { precisionFlags: true, syntheticInputs: true, ...(byPosition ? { positionalInfer: true } : {}) },
    deserializeEngine: async () => ({
      io: () => io.map((entry) => ({ ...entry, shape: [...entry.shape] })),
      inspect: () => '{}',
      createContext: () => {
        const view = new ArrayBuffer(4000);
        let sent = false;
        return {
          async infer(inputs) {
            const data = sent ? undefined : view;
            sent = true;
            if (Array.isArray(inputs)) return [data];
            return { output: { ...(data ? { data } : {}), byteLength: 4000, dataType: 'float32', shape: [1, 1000] } };
          },
          hostBuffer: (name, byteLength) => new ArrayBuffer(byteLength),
          dispose() {},
          isDisposed: () => false,
        };
      },
      dispose() {},
      isDisposed: () => false,
    }),
  };
}

for (const byPosition of [false, true]) {
  const backend = createNativeBackend({ addon: standInAddon(byPosition), addonPath: '/stand-in/trtn_trt10.node', libraryPath: '/stand-in/libnvinfer.so.10', tensorrtVersion: '10.6.0' });
  const engine = new Engine(await backend.deserialize(new Uint8Array(64), 0));
  const context = engine.createContext({ outputBuffers: 'pinned' });
  const input = new Float32Array(3 * 224 * 224);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let index = 0; index < calls; index++) await context.infer({ input });
    best = Math.min(best, ((performance.now() - started) * 1000) / calls);
  }
  engine.dispose();
  console.log(`${byPosition ? 'by position' : 'by name    '} ${best.toFixed(3)} us/call of JS`);
}
console.log(`node ${process.version}, ${calls} calls a round, best of 5`);
