/**
 * Advice the tool has measured: build the model in a few variants (FP16, HWC8 IO, 2:4 sparsity, a higher builder
 * optimization level), time each on this GPU the way trtexec does, and report what each change did to GPU
 * compute time and to the reformat layers. On the mock backend every figure is an estimate and says so.
 */
import { buildEngine } from '../build.js';
import { releaseBuilders } from '../select.js';
import { TensorRTError } from '../errors.js';
import { readOnnx } from '../onnx/codec.js';
import { weightSparsity } from '../onnx/sparsity.js';
import type { SparseWeightOp } from '../onnx/sparsity.js';
import type { BuildOptions } from '../types/index.js';

/** A variant {@link tryVariants} can build. */
export type VariantName = 'fp16' | 'hwc8-io' | 'sparsity' | 'opt-level-5';

/** What one build variant measured (or, on the mock, estimated). */
export interface VariantResult {
  /** `baseline` or a {@link VariantName}. */
  name: 'baseline' | VariantName;
  /** The change in words, with trtexec's flags. */
  description: string;
  /** The build options of this variant (hooks removed). */
  options: BuildOptions;
  /** True when the figures come from the mock cost model. */
  estimated: boolean;
  /** GPU compute median without data transfers, ms. */
  gpuComputeMedianMs?: number;
  /** Coefficient of variation of GPU compute, %, for judging noise. */
  gpuComputeCovPercent?: number;
  /** Layers TensorRT inserted to convert formats, and their profiled time, ms. */
  reformats?: { count: number; timeMs: number };
  /** Layers TensorRT ran with sparse kernels (from its own list), when the build enabled sparsity. */
  sparseLayers?: number;
  /** The variant's build time on this host (TensorRT's builder, or the mock's), ms. */
  buildTimeMs?: number;
  /** Change of GPU compute against the baseline, % (negative is faster). */
  deltaPercent?: number;
  /** True when the change is within twice the larger run-to-run CoV: not a measured difference. */
  withinNoise?: boolean;
  /** Why the variant was not built, or how its build failed. */
  skipped?: string;
  error?: { code: string; message: string };
}

/** Result of {@link tryVariants}. */
export interface TryResult {
  /** The backend that built and timed the variants. */
  backend: 'tensorrt' | 'mock';
  /** True when any figure is a mock estimate rather than a measurement. */
  estimated: boolean;
  /** The GPU the figures are from (or the mock device profile they estimate). */
  device?: string;
  /** Runtime TensorRT version, when TensorRT ran. */
  tensorrtVersion?: string;
  /** The build as given. */
  baseline: VariantResult;
  /** Each variant tried (or skipped, with why). */
  variants: VariantResult[];
  /** Plain sentences, each naming the variant, the figures and whether they were measured. */
  advice: string[];
}

/** Options of {@link tryVariants}. */
export interface TryOptions {
  /** Variants to try. Defaults to every one that applies to the model and the base options. */
  variants?: VariantName[];
  /** Benchmark duration per variant, s. Defaults to 1. */
  duration?: number;
}

const DESCRIPTIONS: Record<VariantName, string> = {
  fp16: 'FP16 kernels allowed (--fp16)',
  'hwc8-io': 'FP16 HWC8 network IO (--inputIOFormats=fp16:hwc8 --outputIOFormats=fp16:hwc8)',
  sparsity: '2:4 sparse kernels allowed (--sparsity=enable)',
  'opt-level-5': 'builder optimization level 5 (--builderOptimizationLevel=5)',
};

function hasTwoFourWeights(onnx: Uint8Array): boolean {
  const model = readOnnx(onnx);
  const initializers = new Map(model.graph.initializers.map((tensor) => [tensor.name, tensor]));
  return model.graph.nodes.some((node) => {
    if (!['Conv', 'Gemm', 'MatMul'].includes(node.opType)) return false;
    const weight = initializers.get(node.inputs[1] ?? '');
    if (!weight) return false;
    const transB = node.attributes.transB?.type === 'int' ? node.attributes.transB.value === 1 : false;
    try {
      return weightSparsity(weight, node.opType as SparseWeightOp, { transB }).isTwoFour;
    } catch {
      return false;
    }
  });
}

function allFourDimensional(onnx: Uint8Array): boolean {
  const model = readOnnx(onnx);
  return [...model.graph.inputs.filter((input) => !model.graph.initializers.some((tensor) => tensor.name === input.name)), ...model.graph.outputs].every((value) => value.shape?.length === 4);
}

/** The variant's options, or why it does not apply. */
function variantOptions(name: VariantName, base: BuildOptions, onnx: Uint8Array): BuildOptions | string {
  switch (name) {
    case 'fp16':
      return base.fp16 ? 'the base build already allows FP16' : { ...base, fp16: true };
    case 'hwc8-io':
      if (base.inputIOFormats || base.outputIOFormats) return 'the base build already sets IO formats';
      if (!allFourDimensional(onnx)) return 'HWC8 needs 4-D network inputs and outputs';
      return { ...base, fp16: true, inputIOFormats: 'fp16:hwc8', outputIOFormats: 'fp16:hwc8' };
    case 'sparsity': {
      const mode = base.sparsity === true ? 'enable' : base.sparsity;
      if (mode === 'enable' || mode === 'force') return 'the base build already enables sparsity';
      if (!hasTwoFourWeights(onnx)) return 'no weight is 2:4 sparse; prune first (`trtn sparsify`, changes the outputs) to try it';
      return { ...base, fp16: base.fp16 ?? true, sparsity: 'enable' };
    }
    case 'opt-level-5':
      return (base.builderOptimizationLevel ?? 3) >= 5 ? 'the base build already uses level 5' : { ...base, builderOptimizationLevel: 5 };
  }
}

type Measured = Omit<VariantResult, 'name' | 'description' | 'options'>;
interface BuildFacts {
  backend: 'tensorrt' | 'mock';
  device?: string;
  tensorrtVersion?: string;
}

async function measure(onnx: Uint8Array, options: BuildOptions, duration: number, facts?: BuildFacts): Promise<Measured> {
  const { engine, report } = await buildEngine(onnx, { ...options, profileLayers: false, keepBuilder: true });
  if (facts) {
    facts.backend = report.backend === 'tensorrt' ? 'tensorrt' : 'mock';
    facts.device = report.environment.gpu?.name ?? report.environment.deviceProfile;
    facts.tensorrtVersion = report.versions.tensorrt;
  }
  try {
    // GPU compute without copies: the layouts change what the kernels do, not what the host copies (the bytes
    // of fp16 chw and fp16 hwc8 differ only by padding).
    const bench = await engine.benchmark({ duration, warmUp: 200, iterations: 50, noDataTransfers: true });
    const profile = await engine.profile({ duration: Math.min(duration, 0.5), warmUp: 100, iterations: 20 });
    const reformatNames = new Set(engine.inspect().filter((layer) => layer.isReformat).map((layer) => layer.name));
    const reformatLayers = profile.layers.filter((layer) => reformatNames.has(layer.name) || /reformat/i.test(layer.name));
    return {
      estimated: bench.estimated || report.estimated,
      gpuComputeMedianMs: bench.gpuCompute.median,
      gpuComputeCovPercent: bench.gpuCompute.covPercent,
      reformats: { count: reformatLayers.length, timeMs: reformatLayers.reduce((sum, layer) => sum + layer.averageMs, 0) },
      ...(options.sparsity && options.sparsity !== 'disable' ? { sparseLayers: report.sparsity.picked.length } : {}),
      buildTimeMs: report.buildTimeMs,
    };
  } finally {
    engine.dispose();
  }
}

function plain(options: BuildOptions): BuildOptions {
  const { signal: _signal, onProgress: _onProgress, replayTactics: _replay, ...rest } = options;
  return rest;
}

/**
 * Builds `onnx` with `base` and with each variant, times GPU compute (trtexec semantics, no copies) and the
 * reformat layers of each, and says what each change did. Failures of one variant are recorded, not thrown.
 *
 * @throws TensorRTError ERR_BUILD_FAILED when the baseline itself cannot be built or timed
 */
export async function tryVariants(onnx: Uint8Array, base: BuildOptions = {}, options: TryOptions = {}): Promise<TryResult> {
  try {
    const duration = options.duration ?? 1;
    if (!(duration > 0 && duration <= 60)) throw new TensorRTError('ERR_INVALID_OPTION', `Expected a duration from 0 to 60 s for each variant, got ${String(duration)}.`);
    const names = options.variants ?? (['fp16', 'hwc8-io', 'sparsity', 'opt-level-5'] as VariantName[]);
    const baseOptions = plain(base);
    let baseline: VariantResult;
    const facts: BuildFacts = { backend: 'mock' };
    try {
      baseline = { name: 'baseline', description: 'the build as given', options: baseOptions, ...(await measure(onnx, baseOptions, duration, facts)) };
    } catch (error) {
      throw new TensorRTError('ERR_BUILD_FAILED', `The baseline build could not be built and timed, so there is nothing to compare against: ${(error as Error).message}`, {}, { cause: error });
    }
    const variants: VariantResult[] = [];
    for (const name of names) {
      const chosen = variantOptions(name, baseOptions, onnx);
      if (typeof chosen === 'string') {
        variants.push({ name, description: DESCRIPTIONS[name], options: baseOptions, estimated: baseline.estimated, skipped: chosen });
        continue;
      }
      try {
        const result: VariantResult = { name, description: DESCRIPTIONS[name], options: chosen, ...(await measure(onnx, chosen, duration)) };
        if (result.gpuComputeMedianMs !== undefined && baseline.gpuComputeMedianMs) {
          result.deltaPercent = ((result.gpuComputeMedianMs - baseline.gpuComputeMedianMs) / baseline.gpuComputeMedianMs) * 100;
          const noise = 2 * Math.max(result.gpuComputeCovPercent ?? 0, baseline.gpuComputeCovPercent ?? 0);
          result.withinNoise = !result.estimated && Math.abs(result.deltaPercent) <= noise;
        }
        variants.push(result);
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'ERR_INTERNAL';
        variants.push({ name, description: DESCRIPTIONS[name], options: chosen, estimated: baseline.estimated, error: { code, message: (error as Error).message } });
      }
    }
    const estimated = baseline.estimated || variants.some((variant) => variant.estimated);
    return { ...facts, estimated, baseline, variants, advice: adviceFor(baseline, variants, facts.device) };
  } finally {
    // The variants shared one builder (keepBuilder); its kernel library holds device memory until released.
    releaseBuilders();
  }
}

function ms(value: number): string {
  return `${value.toPrecision(3)} ms`;
}

function adviceFor(baseline: VariantResult, variants: VariantResult[], device: string | undefined): string[] {
  const advice: string[] = [];
  const where = (variant: VariantResult) => (variant.estimated ? `estimated by the mock cost model for ${device ?? 'its device profile'} (not measured; run on a GPU to measure)` : `measured on ${device ?? 'this GPU'}`);
  const timed = variants.filter((variant) => variant.deltaPercent !== undefined);
  for (const variant of [...timed].sort((a, b) => a.deltaPercent! - b.deltaPercent!)) {
    const change = `${ms(baseline.gpuComputeMedianMs!)} → ${ms(variant.gpuComputeMedianMs!)} (${variant.deltaPercent! >= 0 ? '+' : ''}${variant.deltaPercent!.toFixed(1)}%)`;
    const reformats = variant.reformats && baseline.reformats && variant.reformats.count !== baseline.reformats.count
      ? `; reformat layers ${baseline.reformats.count} → ${variant.reformats.count} (${ms(baseline.reformats.timeMs)} → ${ms(variant.reformats.timeMs)})`
      : '';
    if (variant.withinNoise) advice.push(`${variant.description}: no measurable change, ${change} is within run-to-run noise; ${where(variant)}.`);
    else if (Math.abs(variant.deltaPercent!) < 1) advice.push(`${variant.description}: no change (${change}); ${where(variant)}.`);
    else if (variant.deltaPercent! < 0) advice.push(`${variant.description} cuts GPU compute ${change}${reformats}; ${where(variant)}.`);
    else advice.push(`${variant.description} is slower: ${change}${reformats}; ${where(variant)}. Keep the baseline.`);
  }
  for (const variant of variants.filter((entry) => entry.skipped)) advice.push(`${variant.description}: not tried, ${variant.skipped}.`);
  for (const variant of variants.filter((entry) => entry.error)) advice.push(`${variant.description}: the build failed (${variant.error!.code}: ${variant.error!.message.split('\n')[0]}).`);
  return advice;
}
