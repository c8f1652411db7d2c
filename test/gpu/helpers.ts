/**
 * Shared helpers for GPU tests: probe for a GPU and for TensorRT once, say why a test skipped, and print
 * measured figures in the `FIGURE:` form that test/gpu/run-suite.sh collects into the result file.
 */
import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';

/** What a probe found. */
export interface ProbeResult {
  available: boolean;
  /** Why it is unavailable; undefined when available. */
  reason?: string;
  /** For the GPU probe: the `nvidia-smi -L` lines. For TensorRT: the version, when known. */
  details: string[];
}

let gpuProbe: ProbeResult | undefined;
let tensorrtProbe: Promise<ProbeResult> | undefined;

/** Forgets cached probes (tests of these helpers; after changing PATH or TRTN_TENSORRT_LIB_DIR). */
export function resetProbes(): void {
  gpuProbe = undefined;
  tensorrtProbe = undefined;
  builderProbe = undefined;
}

/** Runs `nvidia-smi -L` once and remembers whether it listed a GPU, and if not, why. */
export function probeGpu(): ProbeResult {
  if (gpuProbe) return gpuProbe;
  try {
    const output = execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const gpus = output.split('\n').filter((line) => /^GPU \d+:/.test(line.trim())).map((line) => line.trim());
    gpuProbe = gpus.length > 0
      ? { available: true, details: gpus }
      : { available: false, reason: 'nvidia-smi lists no GPU', details: [] };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    const firstLine = `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim().split('\n')[0];
    gpuProbe = {
      available: false,
      reason: failure.code === 'ENOENT'
        ? 'nvidia-smi is not on PATH (no NVIDIA driver here)'
        : `nvidia-smi failed: ${firstLine || failure.message}`,
      details: [],
    };
  }
  return gpuProbe;
}

/** True when `nvidia-smi` exists and lists at least one GPU. Cached. */
export function gpuAvailable(): boolean {
  return probeGpu().available;
}

interface LoaderModule {
  loadNativeBackend(): { ok: true; backend: { info(): { tensorrtVersion?: string } } } | { ok: false; info: { reasons: Array<{ code?: string; message: string }> } };
}

/**
 * Loads the project's native backend through lib/native/loader and remembers whether TensorRT is usable, and if not,
 * the loader's classified reasons. Cached.
 */
export function probeTensorRT(): Promise<ProbeResult> {
  tensorrtProbe ??= (async (): Promise<ProbeResult> => {
    let loader: LoaderModule;
    try {
      loader = (await import('../../lib/native/loader.js')) as unknown as LoaderModule;
    } catch (error) {
      return { available: false, reason: `lib/native/loader could not be imported (${(error as Error).message.split('\n')[0]})`, details: [] };
    }
    if (typeof loader.loadNativeBackend !== 'function') {
      return { available: false, reason: 'lib/native/loader has no loadNativeBackend()', details: [] };
    }
    try {
      const loaded = await loader.loadNativeBackend();
      if (loaded.ok) {
        const version = loaded.backend.info().tensorrtVersion;
        return { available: true, details: version ? [version] : [] };
      }
      const reasons = loaded.info.reasons.map((reason) => (reason.code ? `${reason.code}: ${reason.message}` : reason.message));
      return { available: false, reason: reasons.join('; ') || 'the native backend did not load (no reason given)', details: [] };
    } catch (error) {
      return { available: false, reason: `loadNativeBackend() threw: ${(error as Error).message.split('\n')[0]}`, details: [] };
    }
  })();
  return tensorrtProbe;
}

/** True when the native TensorRT backend loads. Cached. */
export async function tensorrtAvailable(): Promise<boolean> {
  return (await probeTensorRT()).available;
}

/**
 * What a test needs: a GPU (nvidia-smi lists one), TensorRT (GPU plus the native backend loads), or a TensorRT
 * builder (TensorRT that can also build on this GPU, see {@link probeBuilder}).
 */
export type GpuRequirement = 'gpu' | 'tensorrt' | 'builder';

/** Why a test needing `requirement` must skip here, or undefined when it can run. */
export async function skipReason(requirement: GpuRequirement): Promise<string | undefined> {
  const gpu = probeGpu();
  if (!gpu.available) return `no GPU: ${gpu.reason}`;
  if (requirement === 'tensorrt' || requirement === 'builder') {
    const tensorrt = await probeTensorRT();
    if (!tensorrt.available) return `no TensorRT: ${tensorrt.reason}`;
  }
  if (requirement === 'builder') {
    const builder = await probeBuilder();
    if (!builder.available) return `no TensorRT builder: ${builder.reason}`;
  }
  return undefined;
}

/**
 * A `describe` that runs only when `requirement` is met; otherwise it is skipped with the reason in its name
 * and a `SKIP: name: reason` line that run-suite.sh copies into the result file. Use with top-level await:
 * `await describeGpu('engine build', 'tensorrt', () => { ... })`.
 */
export async function describeGpu(name: string, requirement: GpuRequirement, body: () => void): Promise<void> {
  const reason = await skipReason(requirement);
  if (reason) {
    process.stdout.write(`SKIP: ${name}: ${reason}\n`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  } else {
    describe(name, body);
  }
}

/** Formats a figure line: `FIGURE: name = value unit`. */
export function formatFigure(name: string, value: number | string, unit = ''): string {
  const shown = typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)).toString() : String(value);
  return `FIGURE: ${name} = ${shown}${unit ? ` ${unit}` : ''}`;
}

/**
 * Prints a measured figure for the result file. Only for measurements taken in this run, never for estimates.
 * `unit` defaults to none.
 */
export function figure(name: string, value: number | string, unit = ''): void {
  process.stdout.write(`${formatFigure(name, value, unit)}\n`);
}

let builderProbe: Promise<ProbeResult> | undefined;

/**
 * Whether this TensorRT can build on this GPU: one tiny build through the public API. A runtime-only install
 * (11.2 from Maven has no sm_90 builder resource) answers ERR_BUILDER_UNAVAILABLE; build tests then skip with that
 * reason and the runtime-only tests run instead. Any other failure is a real failure and is reported as available,
 * so that the build tests run and show it. Cached.
 */
export function probeBuilder(): Promise<ProbeResult> {
  builderProbe ??= (async (): Promise<ProbeResult> => {
    const tensorrt = await probeTensorRT();
    if (!tensorrt.available) return { available: false, reason: `no TensorRT: ${tensorrt.reason}`, details: [] };
    const { buildEngine } = await import('../../lib/build.js');
    const { buildSeed003Model } = await import('../../lib/onnx/builders.js');
    const { writeOnnx } = await import('../../lib/onnx/codec.js');
    try {
      const { engine } = await buildEngine(writeOnnx(buildSeed003Model({ channels: 8, height: 8, width: 8, layers: 1 })), { backend: 'tensorrt' });
      engine.dispose();
      return { available: true, details: [] };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUILDER_UNAVAILABLE') return { available: false, reason: `ERR_BUILDER_UNAVAILABLE: ${(error as Error).message}`, details: [] };
      return { available: true, details: [`the probe build failed with ${code ?? 'no code'}: ${(error as Error).message}`] };
    }
  })();
  return builderProbe;
}

/** The runtime's TensorRT major version (0 when TensorRT does not load). */
export async function tensorrtMajor(): Promise<number> {
  const probe = await probeTensorRT();
  return probe.available ? Number.parseInt(probe.details[0] ?? '0', 10) : 0;
}
