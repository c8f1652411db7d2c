/**
 * Validation and defaulting of user options, in one place (STYLE.md §5). Every failure is a TensorRTError with
 * code ERR_INVALID_OPTION whose message says "expected X for `name`, got Y" or names the closest valid option.
 */
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { TensorRTError } from './errors.js';
import type {
  BenchmarkOptions,
  BuildOptions,
  IODataType,
  IOFormatSpec,
  MemoryPoolLimits,
  ProfilingVerbosity,
  ResolvedBuildOptions,
  TacticSourceName,
  TensorFormatName,
} from './types/index.js';

const IO_DATA_TYPES: readonly IODataType[] = ['fp32', 'fp16', 'bf16', 'int8', 'int32', 'int64', 'uint8', 'bool', 'fp8'];
/** IO types that need quantisation scales, which nothing in tensorrt-node provides yet. */
const UNSUPPORTED_IO_TYPES: readonly IODataType[] = ['int8', 'fp8'];
const TENSOR_FORMATS: readonly TensorFormatName[] = ['chw', 'chw2', 'hwc8', 'chw4', 'chw16', 'chw32', 'dhwc8', 'cdhw32', 'hwc', 'hwc16', 'dhwc'];
const TACTIC_SOURCES: readonly TacticSourceName[] = ['CUBLAS', 'CUBLAS_LT', 'CUDNN', 'EDGE_MASK_CONVOLUTIONS', 'JIT_CONVOLUTIONS'];
const VERBOSITIES: readonly ProfilingVerbosity[] = ['layer_names_only', 'detailed', 'none'];
const MEMORY_POOLS: readonly (keyof MemoryPoolLimits)[] = ['workspace', 'dlaSRAM', 'dlaLocalDRAM', 'dlaGlobalDRAM', 'tacticSharedMemory'];

/** {@link ContextOptions.spinWaitUs} when not given, µs. */
export const DEFAULT_SPIN_WAIT_US = 200;

/** Describes a value for an error message: its type and a short rendering. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array ${JSON.stringify(value).slice(0, 60)}`;
  if (value instanceof Uint8Array) return `${value.constructor.name} of ${value.byteLength} bytes`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 60))}`;
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Throws ERR_INVALID_OPTION with the house wording. The details keep the parts (`option`, `expected`, `got`,
 * `hint`) so that a front end such as the CLI can say the same thing in its own flag names.
 */
export function invalidOption(name: string, expected: string, got: unknown, hint?: string): never {
  throw new TensorRTError(
    'ERR_INVALID_OPTION',
    `Expected ${expected} for \`${name}\`, got ${describe(got)}.${hint ? ` ${hint}` : ''}`,
    { option: name, expected, got: describe(got), ...(hint ? { hint } : {}) },
  );
}

/** zod's type names as an error message says them. */
const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean (true or false)',
  string: 'a string',
  array: 'an array',
  object: 'an object',
  function: 'a function',
};

/** What a zod issue expected, in words ("an integer", "one of 'a', 'b'"), never zod's bare "Invalid input". */
function expectedText(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_big':
      return `a value <= ${String(issue.maximum)}`;
    case 'too_small':
      return typeof issue.minimum === 'number' && issue.minimum === 1 && issue.origin === 'string' ? 'a non-empty string' : `a value >= ${String(issue.minimum)}`;
    case 'invalid_union': {
      const branches = issue.errors.map((branch) => (branch[0] ? expectedText(branch[0]) : undefined)).filter((text): text is string => text !== undefined);
      return branches.length > 0 ? [...new Set(branches)].join(' or ') : undefined;
    }
    default:
      return undefined;
  }
}

/** The closest of `candidates` to `word`, when it is plausibly a misspelling. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates as string[]);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

/** Converts zod issues into one TensorRTError naming the first problem (and the closest valid key). */
function raiseFromZod(issues: z.core.$ZodIssue[], validKeys: readonly string[], what: string): never {
  const issue = issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? issues[0];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const near = suggest(key, validKeys);
    throw new TensorRTError(
      'ERR_INVALID_OPTION',
      `Unknown ${what} \`${key}\`.${near ? ` Did you mean \`${near}\`?` : ''} Valid ${what}s: ${validKeys.join(', ')}.`,
      { option: key, suggestion: near },
    );
  }
  const name = issue.path.join('.') || what;
  const input = (issue as { input?: unknown }).input;
  const expected = expectedText(issue) ?? issue.message.replace(/^Invalid input:?\s*/i, '').replace(/\.$/, '');
  return invalidOption(name, expected || 'a valid value', input);
}

/** The largest extent of one axis: TensorRT's dimensions are 32-bit for most layers. */
export const MAX_DIMENSION = 2 ** 31 - 1;
/** The most elements one input may have: 2^38 elements are 1 TiB at fp32, more than any GPU holds. */
export const MAX_INPUT_ELEMENTS = 2 ** 38;

const dimensionsSchema = z.array(z.number().int().positive().max(MAX_DIMENSION));
const shapeRangeSchema = z.strictObject({ min: dimensionsSchema, opt: dimensionsSchema, max: dimensionsSchema });

const buildOptionsSchema = z.strictObject({
  fp16: z.boolean().optional(),
  sparsity: z.union([z.boolean(), z.enum(['disable', 'enable', 'force'])]).optional(),
  inputIOFormats: z.union([z.string(), z.array(z.string())]).optional(),
  outputIOFormats: z.union([z.string(), z.array(z.string())]).optional(),
  shapes: z.record(z.string(), shapeRangeSchema).optional(),
  memPoolSize: z.record(z.string(), z.union([z.number().nonnegative(), z.string()])).optional(),
  builderOptimizationLevel: z.number().int().min(0).max(5).optional(),
  tacticSources: z.union([z.string(), z.array(z.string())]).optional(),
  timingCache: z.union([z.string().min(1), z.instanceof(Uint8Array)]).optional(),
  profilingVerbosity: z.enum(['layer_names_only', 'detailed', 'none']).optional(),
  device: z.number().int().min(0).optional(),
  avgTiming: z.number().int().min(1).max(1000).optional(),
  recordTactics: z.boolean().optional(),
  profileLayers: z.boolean().optional(),
  replayTactics: z.array(z.any()).optional(),
  errorOnTimingCacheMiss: z.boolean().optional(),
  keepBuilder: z.boolean().optional(),
  backend: z.enum(['auto', 'tensorrt', 'mock']).optional(),
  mockDevice: z.string().min(1).optional(),
  signal: z.instanceof(AbortSignal).optional(),
  onProgress: z.function().optional(),
});

/** Names accepted by {@link resolveBuildOptions}. */
export const buildOptionNames: readonly string[] = Object.keys(buildOptionsSchema.shape);

/**
 * Parses trtexec-style IO format specs: `'fp16:hwc8'`, `'fp16:chw+hwc8'`, comma-separated for several tensors
 * (`'fp16:hwc8,fp32:chw'`), or TensorRT 11 style without a type (`'hwc8'`).
 *
 * Public API on purpose: it turns trtexec command lines (`--inputIOFormats=…`) into `inputIOFormats`.
 */
export function parseIOFormats(name: string, spec: string | string[] | undefined): IOFormatSpec[] {
  if (spec === undefined) return [];
  const items = (Array.isArray(spec) ? spec : spec.split(',')).map((item) => item.trim());
  // An empty spec is a mistake (an unset shell variable, a stray comma), not a request for the defaults.
  if (items.length === 0 || items.some((item) => item === '')) {
    invalidOption(name, "'type:format' entries such as 'fp16:hwc8' (leave the option out for TensorRT's defaults)", spec);
  }
  return items.map((item) => {
    const [first, second, extra] = item.split(':');
    if (extra !== undefined) invalidOption(name, "'type:format[+format]' such as 'fp16:hwc8'", item);
    const typeText = second === undefined ? undefined : first.toLowerCase();
    const formatText = (second === undefined ? first : second).toLowerCase();
    if (typeText !== undefined && !IO_DATA_TYPES.includes(typeText as IODataType)) {
      const near = suggest(typeText, IO_DATA_TYPES);
      invalidOption(name, `an IO type of ${IO_DATA_TYPES.join(', ')}`, typeText, near ? `Did you mean '${near}'?` : undefined);
    }
    const formats = formatText.split('+').map((format) => format.trim());
    for (const format of formats) {
      if (!TENSOR_FORMATS.includes(format as TensorFormatName)) {
        const near = suggest(format, TENSOR_FORMATS);
        invalidOption(name, `a tensor format of ${TENSOR_FORMATS.join(', ')}`, format, near ? `Did you mean '${near}'?` : undefined);
      }
    }
    if (typeText !== undefined && UNSUPPORTED_IO_TYPES.includes(typeText as IODataType)) {
      throw new TensorRTError(
        'ERR_UNSUPPORTED',
        `${typeText.toUpperCase()} IO ('${item}' for \`${name}\`) needs quantisation scales, and tensorrt-node has no INT8/FP8 path (no calibrator, no quantisation flags): TensorRT would reject the network. Use fp16 or fp32 IO.`,
        { option: name, expected: `an IO type of ${IO_DATA_TYPES.filter((type) => !UNSUPPORTED_IO_TYPES.includes(type)).join(', ')}`, got: `string ${JSON.stringify(item)}` },
      );
    }
    return typeText === undefined
      ? { formats: formats as TensorFormatName[] }
      : { dataType: typeText as IODataType, formats: formats as TensorFormatName[] };
  });
}

/** Parses a memory size: a number is MiB (as trtexec), a string may carry B, K, M, G (binary units). */
export function parseMemorySize(name: string, value: number | string): number {
  if (typeof value === 'number') return Math.round(value * 1024 * 1024);
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?\s*$/i.exec(value);
  if (!match) invalidOption(name, "a size in MiB or a string like '512M' or '2G'", value);
  const scale = { '': 1024 ** 2, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.round(Number(match[1]) * scale);
}

/**
 * Parses trtexec's `--tacticSources=-CUBLAS,+CUDNN`.
 *
 * Public API on purpose: it turns a trtexec command line's `--tacticSources` into `tacticSources`.
 */
export function parseTacticSources(spec: string | string[] | undefined): ResolvedBuildOptions['tacticSources'] {
  const result: ResolvedBuildOptions['tacticSources'] = { enable: [], disable: [] };
  if (spec === undefined) return result;
  const items = (Array.isArray(spec) ? spec : spec.split(',')).map((item) => item.trim()).filter(Boolean);
  for (const item of items) {
    const sign = item[0];
    if (sign !== '+' && sign !== '-') invalidOption('tacticSources', "entries starting with '+' or '-', e.g. '-CUBLAS'", item);
    const source = item.slice(1).toUpperCase();
    if (!TACTIC_SOURCES.includes(source as TacticSourceName)) {
      const near = suggest(source, TACTIC_SOURCES);
      invalidOption('tacticSources', `a tactic source of ${TACTIC_SOURCES.join(', ')}`, source, near ? `Did you mean '${near}'?` : undefined);
    }
    (sign === '+' ? result.enable : result.disable).push(source as TacticSourceName);
  }
  return result;
}

/**
 * Validates and defaults {@link BuildOptions}. Hooks (`signal`, `onProgress`) and timing-cache bytes are not
 * part of the result (they are not plain data); callers take them from the original object.
 *
 * Public API on purpose: call it to check options before a long build (it throws the same
 * `ERR_INVALID_OPTION`, with suggestions, that `buildEngine` would) or to see every default a build will use.
 */
export function resolveBuildOptions(options: BuildOptions | undefined): ResolvedBuildOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    invalidOption('options', 'an object', options);
  }
  const parsed = buildOptionsSchema.safeParse(options ?? {}, { reportInput: true });
  if (!parsed.success) raiseFromZod(parsed.error.issues, buildOptionNames, 'build option');
  const value = parsed.data;

  for (const [input, range] of Object.entries(value.shapes ?? {})) {
    const rank = range.opt.length;
    if (range.min.length !== rank || range.max.length !== rank) {
      invalidOption(`shapes.${input}`, 'min, opt and max of the same rank', range);
    }
    range.min.forEach((min, axis) => {
      if (!(min <= range.opt[axis] && range.opt[axis] <= range.max[axis])) {
        invalidOption(`shapes.${input}`, `min <= opt <= max on every axis (axis ${axis} is ${min}/${range.opt[axis]}/${range.max[axis]})`, range);
      }
    });
    const elements = range.max.reduce((product, dim) => product * dim, 1);
    if (elements > MAX_INPUT_ELEMENTS) {
      invalidOption(
        `shapes.${input}`,
        "at most 2^38 elements per input (1 TiB at fp32, more than any GPU's memory)",
        range,
        `The largest shape [${range.max.join(',')}] has ${elements.toExponential(2)} elements.`,
      );
    }
  }

  const memPoolSize: MemoryPoolLimits = {};
  for (const [pool, size] of Object.entries(value.memPoolSize ?? {})) {
    if (!MEMORY_POOLS.includes(pool as keyof MemoryPoolLimits)) {
      const near = suggest(pool, MEMORY_POOLS);
      throw new TensorRTError('ERR_INVALID_OPTION', `Unknown memory pool \`${pool}\`.${near ? ` Did you mean \`${near}\`?` : ''} Valid pools: ${MEMORY_POOLS.join(', ')}.`, { option: `memPoolSize.${pool}` });
    }
    memPoolSize[pool as keyof MemoryPoolLimits] = parseMemorySize(`memPoolSize.${pool}`, size);
  }

  const sparsity = value.sparsity === true ? 'enable' : value.sparsity === false ? 'disable' : (value.sparsity ?? 'disable');
  return {
    fp16: value.fp16 ?? false,
    sparsity,
    inputIOFormats: parseIOFormats('inputIOFormats', value.inputIOFormats),
    outputIOFormats: parseIOFormats('outputIOFormats', value.outputIOFormats),
    shapes: value.shapes ?? {},
    memPoolSize,
    builderOptimizationLevel: value.builderOptimizationLevel ?? 3,
    tacticSources: parseTacticSources(value.tacticSources),
    ...(typeof value.timingCache === 'string' ? { timingCachePath: value.timingCache } : {}),
    timingCacheProvided: value.timingCache instanceof Uint8Array,
    profilingVerbosity: value.profilingVerbosity ?? 'detailed',
    device: value.device ?? 0,
    avgTiming: value.avgTiming ?? 8,
    // Off by default: recording (algorithm selector on <= 10.7, editable cache + kVERBOSE log on 10.8+/11) made a
    // seed-003 fp16 build 5x slower than trtexec's on the H200 (27.6 s vs 5.3 s, issue 9).
    recordTactics: value.recordTactics ?? false,
    profileLayers: value.profileLayers ?? true,
    replay: (value.replayTactics?.length ?? 0) > 0,
    errorOnTimingCacheMiss: value.errorOnTimingCacheMiss ?? false,
    keepBuilder: value.keepBuilder ?? false,
    backend: value.backend ?? 'auto',
    mockDevice: value.mockDevice ?? 'h100-sxm',
  };
}

const benchmarkOptionsSchema = z.strictObject({
  iterations: z.number().int().min(1).optional(),
  duration: z.number().min(0).optional(),
  warmUp: z.number().min(0).optional(),
  useCudaGraph: z.boolean().optional(),
  useSpinWait: z.boolean().optional(),
  noDataTransfers: z.boolean().optional(),
  blockingEvents: z.enum(['auto', 'waited', 'all']).optional(),
  shapes: z.record(z.string(), z.array(z.number().int().positive())).optional(),
  exportTimes: z.boolean().optional(),
  covThresholdPercent: z.number().positive().optional(),
});

// zod compiles a schema's parser on its first parse (ms on a slow host); at import rather than in a service's first build.
buildOptionsSchema.safeParse({});
benchmarkOptionsSchema.safeParse({});

/**
 * The events a timing loop records with blocking sync for `choice` (BenchmarkOptions.blockingEvents): `'auto'` or
 * unset is trtexec's six with a CUDA graph and only the waited one without, as measured fastest on each side
 * (docs/native.md, "Blocking sync").
 */
export function blockingEventsFor(choice: BenchmarkOptions['blockingEvents'], useCudaGraph: boolean): 'waited' | 'all' {
  if (choice === 'waited' || choice === 'all') return choice;
  return useCudaGraph ? 'all' : 'waited';
}

/** Names accepted by {@link resolveBenchmarkOptions}. */
export const benchmarkOptionNames: readonly string[] = Object.keys(benchmarkOptionsSchema.shape);

/**
 * Validates {@link BenchmarkOptions} and fills trtexec's defaults. `tensorrtMajor` picks the defaults of that
 * trtexec: 11.x turns CUDA graphs and spin-wait on and data transfers off by default; 10.x and older do not.
 *
 * Public API on purpose: call it to see the exact settings `Engine.benchmark()` will time with.
 */
export function resolveBenchmarkOptions(
  options: BenchmarkOptions | undefined,
  tensorrtMajor?: number,
): Required<Omit<BenchmarkOptions, 'shapes' | 'blockingEvents'>> & { shapes: Record<string, number[]>; blockingEvents: 'waited' | 'all' } {
  const parsed = benchmarkOptionsSchema.safeParse(options ?? {}, { reportInput: true });
  if (!parsed.success) raiseFromZod(parsed.error.issues, benchmarkOptionNames, 'benchmark option');
  const value = parsed.data;
  return {
    iterations: value.iterations ?? 10,
    duration: value.duration ?? 3,
    warmUp: value.warmUp ?? 200,
    useCudaGraph: value.useCudaGraph ?? (tensorrtMajor ?? 0) >= 11,
    useSpinWait: value.useSpinWait ?? (tensorrtMajor ?? 0) >= 11,
    noDataTransfers: value.noDataTransfers ?? (tensorrtMajor ?? 0) >= 11,
    blockingEvents: blockingEventsFor(value.blockingEvents, value.useCudaGraph ?? (tensorrtMajor ?? 0) >= 11),
    shapes: value.shapes ?? {},
    exportTimes: value.exportTimes ?? false,
    covThresholdPercent: value.covThresholdPercent ?? 2.5,
  };
}

export { IO_DATA_TYPES, TENSOR_FORMATS, TACTIC_SOURCES, VERBOSITIES };
