#!/usr/bin/env node
/**
 * `trtn`: the command-line front end. Every command takes `--json` for machine-readable output, exits non-zero
 * on failure, and says plainly when figures are estimates from the mock backend.
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import { backendInfo } from '../select.js';
import { buildEngine, loadEngine } from '../build.js';
import { deviceProfiles } from '../devices/profiles.js';
import { isTensorRTError, TensorRTError } from '../errors.js';
import {
  buildResNetLikeModel,
  buildSeed003Model,
  loadOnnxFile,
  saveOnnxFile,
  sparsify,
  summarizeModel,
  toFp16,
} from '../onnx/index.js';
import type { BenchmarkOptions, BuildOptions, BuildReport, LayerInfo, ShapeRange } from '../types/index.js';
import { toTrtexecProfileJson, toTrtexecTimesJson } from '../timing/index.js';
import { packageVersion } from '../version.js';
import { tryVariants, type VariantName } from '../measure/experiments.js';
import { runAnalysisCommand } from './analysis-commands.js';
import { loadAnalysisInputs } from './inputs.js';
import { addFlag, numberFlag, warningInFlagNames, withFlagNames, type FlagMap } from './flags.js';
import { checkOutputFolders, writeOutputFile } from './output.js';
import { createProgressReporter } from './progress.js';
import { formatMs, renderTable } from './table.js';

const MOCK_BANNER = 'MOCK BACKEND: every time below is an ESTIMATE from a cost model, not a measurement.';

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Parses trtexec's `input:1x3x224x224,other:1x8` into a map. */
function parseShapeList(flag: string, text: string | undefined): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  if (!text) return shapes;
  for (const item of text.split(',')) {
    const separator = item.lastIndexOf(':');
    const name = item.slice(0, separator).trim();
    const dims = item.slice(separator + 1).split('x').map(Number);
    if (separator <= 0 || dims.some((dim) => !Number.isInteger(dim) || dim <= 0)) {
      throw new TensorRTError('ERR_INVALID_OPTION', `Expected 'name:1x3x224x224' entries for --${flag}, got '${item}'.`, { option: flag });
    }
    shapes[name] = dims;
  }
  return shapes;
}

function parseShapes(min?: string, opt?: string, max?: string): Record<string, ShapeRange> | undefined {
  const mins = parseShapeList('minShapes', min);
  const opts = parseShapeList('optShapes', opt);
  const maxs = parseShapeList('maxShapes', max);
  const names = new Set([...Object.keys(mins), ...Object.keys(opts), ...Object.keys(maxs)]);
  if (names.size === 0) return undefined;
  const shapes: Record<string, ShapeRange> = {};
  for (const name of names) {
    const optShape = opts[name] ?? maxs[name] ?? mins[name];
    shapes[name] = { min: mins[name] ?? optShape, opt: optShape, max: maxs[name] ?? optShape };
  }
  return shapes;
}

function parseMemPool(text: string | undefined): BuildOptions['memPoolSize'] {
  if (!text) return undefined;
  const pools: Record<string, string> = {};
  for (const item of text.split(',')) {
    const [pool, size] = item.split(':');
    if (!pool || !size) throw new TensorRTError('ERR_INVALID_OPTION', `Expected 'pool:size' entries such as 'workspace:1024' for --memPoolSize, got '${item}'.`);
    pools[pool.trim()] = /^\d+(\.\d+)?$/.test(size.trim()) ? `${size.trim()}M` : size.trim();
  }
  return pools as BuildOptions['memPoolSize'];
}

function sparsityMode(value: string | undefined): BuildOptions['sparsity'] {
  return value as BuildOptions['sparsity'];
}

function layerRows(report: BuildReport): string {
  const estimates = new Map((report.estimates ?? []).map((estimate) => [estimate.layer, estimate]));
  const picked = new Set(report.sparsity.picked);
  const tactics = new Map(report.tactics.map((record) => [record.layer, record]));
  return renderTable(report.layers, [
    { header: 'layer', cell: (layer: LayerInfo) => layer.name, maxWidth: 56 },
    { header: 'type', cell: (layer) => layer.layerType, maxWidth: 18 },
    { header: 'precision', cell: (layer) => layer.precision },
    { header: 'in format', cell: (layer) => layer.inputs.map((tensor) => tensor.format).join(',') || '-' },
    { header: 'out format', cell: (layer) => layer.outputs.map((tensor) => tensor.format).join(',') || '-' },
    { header: 'sparse', cell: (layer) => (picked.has(layer.name) ? 'picked' : report.sparsity.eligible.includes(layer.name) ? 'eligible' : '') },
    { header: 'tactic', cell: (layer) => layer.tacticName ?? layer.tacticValue ?? '-', maxWidth: 40 },
    { header: 'candidates', cell: (layer) => String(tactics.get(layer.name)?.candidates.length ?? 0), align: 'right' },
    {
      header: report.estimated ? 'est. ms' : 'ms',
      cell: (layer) => formatMs(estimates.get(layer.name)?.chosenTimeMs ?? tactics.get(layer.name)?.chosen?.timeMs),
      align: 'right',
    },
  ]);
}

const VARIANT_NAMES: VariantName[] = ['fp16', 'hwc8-io', 'sparsity', 'opt-level-5'];

/** `trtn explain model.onnx --try`: build variants, time each on this GPU, say what each change did. */
async function commandTry(files: string[], flags: Record<string, unknown>): Promise<void> {
  const models = files.filter((file) => file.endsWith('.onnx'));
  if (models.length !== 1 || files.length !== 1) {
    throw new TensorRTError('ERR_INVALID_ARGUMENT', `--try builds and times variants of one ONNX model: give exactly one .onnx file, got ${files.length} file(s)${models.length === 0 ? ' and no .onnx' : ''}.`);
  }
  const variants = flags.variants === undefined ? undefined : String(flags.variants).split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of variants ?? []) {
    if (!VARIANT_NAMES.includes(name as VariantName)) throw new TensorRTError('ERR_INVALID_OPTION', `Unknown variant '${name}' for --variants; choose from ${VARIANT_NAMES.join(', ')}.`);
  }
  const duration = numberFlag('--duration', flags.duration) ?? 1;
  const base: BuildOptions = {
    ...(flags.fp16 === true ? { fp16: true } : {}),
    ...(flags.sparsity ? { sparsity: sparsityMode(flags.sparsity as string) } : {}),
    ...(flags.backend ? { backend: flags.backend as BuildOptions['backend'] } : {}),
  };
  const bytes = new Uint8Array(await readFile(models[0]).catch((error: NodeJS.ErrnoException) => {
    throw new TensorRTError('ERR_IO', `Cannot read the model ${models[0]}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`);
  }));
  const result = await tryVariants(bytes, base, { variants: variants as VariantName[] | undefined, duration });
  if (flags.json) {
    printJson(result);
    return;
  }
  const label = result.estimated ? 'ESTIMATED by the mock cost model (no GPU): nothing below was measured' : `measured on ${result.device ?? 'this GPU'} with TensorRT ${result.tensorrtVersion ?? '?'}`;
  print(`trtn explain --try ${models[0]}: ${label}`);
  print('GPU compute median without data transfers (trtexec --noDataTransfers), per variant:');
  const rows = [result.baseline, ...result.variants].map((variant) => [
    variant.name,
    variant.gpuComputeMedianMs !== undefined ? `${formatMs(variant.gpuComputeMedianMs)}${variant.estimated ? ' est.' : ''}` : '-',
    variant.deltaPercent !== undefined ? `${variant.deltaPercent >= 0 ? '+' : ''}${variant.deltaPercent.toFixed(1)}%${variant.withinNoise ? ' (noise)' : ''}` : '',
    variant.reformats ? `${variant.reformats.count} / ${formatMs(variant.reformats.timeMs)}` : '',
    variant.skipped ? `not tried: ${variant.skipped}` : variant.error ? `failed: ${variant.error.code}` : variant.description,
  ]);
  const headers = ['variant', 'GPU compute', 'Δ', 'reformats (n / ms)', 'change'];
  print(renderTable(rows, headers.map((header, index) => ({ header, cell: (row: string[]) => row[index], maxWidth: index === 4 ? 140 : 40 }))));
  for (const line of result.advice) print(`- ${line}`);
}

function printBuildSummary(report: BuildReport, enginePath?: string): void {
  if (report.estimated) print(MOCK_BANNER);
  print(`backend: ${report.backend}${report.environment.deviceProfile ? ` (device profile ${report.environment.deviceProfile})` : ''}`);
  if (report.environment.gpu) print(`gpu: ${report.environment.gpu.name}`);
  print(`tensorrt: ${report.versions.tensorrt ?? 'none'}   tensorrt-node: ${report.versions.tensorrtNode}`);
  print(`build time: ${report.buildTimeMs.toFixed(0)} ms   layers: ${report.layers.length}   reformats: ${report.layers.filter((layer) => layer.isReformat).length}`);
  if (report.buildPhases?.length) print(`build phases: ${report.buildPhases.map((phase) => `${phase.phase} ${phase.ms.toFixed(0)} ms`).join(', ')}`);
  print('');
  print(layerRows(report));
  print('');
  print(`sparsity: ${report.sparsity.eligible.length} eligible, ${report.sparsity.picked.length} picked`);
  for (const warning of report.warnings) print(`warning: ${warningInFlagNames(warning)}`);
  if (enginePath) print(`engine written to ${enginePath}`);
}

/** Which flag set which build option, for errors in flag names. */
function buildFlagMap(flags: Record<string, unknown>): FlagMap {
  const map: FlagMap = {};
  const direct: [keyof BuildOptions, string, string][] = [
    ['sparsity', '--sparsity', 'sparsity'],
    ['inputIOFormats', '--inputIOFormats', 'inputIOFormats'],
    ['outputIOFormats', '--outputIOFormats', 'outputIOFormats'],
    ['memPoolSize', '--memPoolSize', 'memPoolSize'],
    ['builderOptimizationLevel', '--builderOptimizationLevel', 'builderOptimizationLevel'],
    ['tacticSources', '--tacticSources', 'tacticSources'],
    ['timingCache', '--timingCacheFile', 'timingCacheFile'],
    ['profilingVerbosity', '--profilingVerbosity', 'profilingVerbosity'],
    ['device', '--device', 'device'],
    ['avgTiming', '--avgTiming', 'avgTiming'],
    ['backend', '--backend', 'backend'],
    ['mockDevice', '--mock-device', 'mockDevice'],
  ];
  for (const [option, flag, key] of direct) addFlag(map, option, flag, flags[key]);
  for (const [flag, key] of [['--minShapes', 'minShapes'], ['--optShapes', 'optShapes'], ['--maxShapes', 'maxShapes']] as const) {
    const text = flags[key] as string | undefined;
    if (text === undefined) continue;
    addFlag(map, 'shapes', flag, text);
    for (const item of text.split(',')) addFlag(map, `shapes.${item.slice(0, item.lastIndexOf(':')).trim()}`, flag, item.trim());
  }
  return map;
}

async function commandBuild(model: string, flags: Record<string, unknown>): Promise<void> {
  const json = Boolean(flags.json);
  await checkOutputFolders({ '--saveEngine': flags.saveEngine, '--report': flags.report });
  const flagMap = buildFlagMap(flags);
  const showProgress = flags.progress !== false && !json;
  const progress = createProgressReporter({ enabled: showProgress });
  const options: BuildOptions = {
    fp16: flags.fp16 === true ? true : undefined,
    sparsity: sparsityMode(flags.sparsity as string | undefined),
    inputIOFormats: flags.inputIOFormats as string | undefined,
    outputIOFormats: flags.outputIOFormats as string | undefined,
    shapes: parseShapes(flags.minShapes as string, flags.optShapes as string, flags.maxShapes as string),
    memPoolSize: parseMemPool(flags.memPoolSize as string | undefined),
    builderOptimizationLevel: numberFlag('--builderOptimizationLevel', flags.builderOptimizationLevel, { integer: true }),
    tacticSources: flags.tacticSources as string | undefined,
    timingCache: flags.timingCacheFile as string | undefined,
    profilingVerbosity: flags.profilingVerbosity as BuildOptions['profilingVerbosity'],
    device: numberFlag('--device', flags.device, { integer: true }),
    avgTiming: numberFlag('--avgTiming', flags.avgTiming, { integer: true }),
    recordTactics: flags.recordTactics === true ? true : undefined,
    profileLayers: flags.noLayerProfile === true ? false : undefined,
    errorOnTimingCacheMiss: flags.errorOnTimingCacheMiss === true ? true : undefined,
    backend: flags.backend as BuildOptions['backend'],
    mockDevice: flags.mockDevice as string | undefined,
    // One build, then this process exits: the builder (its kernel library, about 4.7 GB of host and 1.3 GB of device
    // memory with TensorRT 10.6 on the H200) is left to the process's exit instead of being torn down first, which
    // the build job's release phase timed at 0.9-1.6 s there (bench/results, 2026-12-04). Nothing reads it after.
    keepBuilder: true,
    // None when nothing is shown: every progress event would otherwise cross into JS (trtexec attaches no monitor;
    // cancellation on SIGINT still works, the addon keeps its monitor for that).
    onProgress: showProgress ? progress.update : undefined,
  };
  for (const key of Object.keys(options) as (keyof BuildOptions)[]) if (options[key] === undefined) delete options[key];
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  options.signal = controller.signal;
  try {
    const { engine, report } = await withFlagNames(flagMap, () => buildEngine(model, options));
    progress.stop();
    try {
      if (flags.saveEngine) await writeOutputFile('--saveEngine', flags.saveEngine as string, engine.serialize());
      if (flags.report) await writeOutputFile('--report', flags.report as string, `${JSON.stringify(report, null, 2)}\n`);
      if (json) printJson(report);
      else printBuildSummary(report, flags.saveEngine as string | undefined);
    } finally {
      engine.dispose();
    }
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
  }
}

async function commandInspect(file: string, flags: Record<string, unknown>): Promise<void> {
  await checkOutputFolders({ '--exportLayerInfo': flags.exportLayerInfo });
  const bytes = new Uint8Array(await readFile(file).catch((error: Error) => {
    throw new TensorRTError('ERR_IO', `Could not read ${file}: ${error.message}.`, { path: file });
  }));
  let layers: LayerInfo[];
  let estimated = false;
  let header: string[] = [];
  const text = new TextDecoder().decode(bytes.subarray(0, 1));
  if (text === '{' || text === '[') {
    const inputs = await loadAnalysisInputs([file]);
    if (!inputs.layers) throw new TensorRTError('ERR_ANALYSIS_INPUT', `${file} holds no layer information; pass an engine, a trtn build report or trtexec --exportLayerInfo JSON.`);
    layers = inputs.layers;
    estimated = inputs.estimated ?? false;
    header = [`source: ${inputs.recognised[0].kind}`];
  } else {
    const engine = await loadEngine(bytes);
    try {
      layers = engine.inspect();
      estimated = engine.backend === 'mock';
      header = [`backend: ${engine.backend}`, ...engine.io.map((io) => `${io.mode} ${io.name}: ${io.dataType} [${io.shape.join('x')}] ${io.format}`)];
      if (flags.exportLayerInfo) await writeOutputFile('--exportLayerInfo', flags.exportLayerInfo as string, `${JSON.stringify(engine.inspectRaw(), null, 2)}\n`);
    } finally {
      engine.dispose();
    }
  }
  if (flags.json) {
    printJson({ estimated, layers });
    return;
  }
  if (estimated) print(MOCK_BANNER);
  for (const line of header) print(line);
  print('');
  print(
    renderTable(layers, [
      { header: 'layer', cell: (layer) => layer.name, maxWidth: 60 },
      { header: 'type', cell: (layer) => layer.layerType, maxWidth: 20 },
      { header: 'precision', cell: (layer) => layer.precision },
      { header: 'inputs', cell: (layer) => layer.inputs.map((tensor) => `${tensor.format}[${tensor.dimensions.join('x')}]`).join(' '), maxWidth: 40 },
      { header: 'outputs', cell: (layer) => layer.outputs.map((tensor) => `${tensor.format}[${tensor.dimensions.join('x')}]`).join(' '), maxWidth: 40 },
      { header: 'sparse w', cell: (layer) => (layer.convolution?.hasSparseWeights ? 'yes' : '') },
      { header: 'tactic', cell: (layer) => layer.tacticName ?? layer.tacticValue ?? '-', maxWidth: 48 },
    ]),
  );
  print(`\n${layers.length} layers, ${layers.filter((layer) => layer.isReformat).length} reformat layers`);
}

async function commandBench(file: string, flags: Record<string, unknown>): Promise<void> {
  await checkOutputFolders({ '--exportTimes': flags.exportTimes, '--exportProfile': flags.exportProfile });
  const flagMap: FlagMap = {};
  for (const name of ['iterations', 'duration', 'warmUp', 'useCudaGraph', 'useSpinWait', 'noDataTransfers', 'backend']) addFlag(flagMap, name, `--${name}`, flags[name]);
  addFlag(flagMap, 'mockDevice', '--mock-device', flags.mockDevice);
  addFlag(flagMap, 'exportTimes', '--exportTimes', flags.exportTimes);
  addFlag(flagMap, 'blockingEvents', '--blockingEvents', flags.blockingEvents);
  // Parse every flag before the (possibly long) build from ONNX, so that a typo fails at once.
  const iterations = numberFlag('--iterations', flags.iterations, { integer: true });
  const duration = numberFlag('--duration', flags.duration);
  const warmUp = numberFlag('--warmUp', flags.warmUp);
  const engine = await withFlagNames(flagMap, async () =>
    file.endsWith('.onnx')
      ? (await buildEngine(file, { fp16: flags.fp16 === true, backend: (flags.backend as BuildOptions['backend']) ?? 'auto', ...(flags.mockDevice ? { mockDevice: flags.mockDevice as string } : {}) })).engine
      : await loadEngine(file),
  );
  try {
    const options = {
      iterations,
      duration,
      warmUp,
      useCudaGraph: flags.useCudaGraph === true ? true : undefined,
      useSpinWait: flags.useSpinWait === true ? true : undefined,
      noDataTransfers: flags.noDataTransfers === true ? true : undefined,
      blockingEvents: flags.blockingEvents as BenchmarkOptions['blockingEvents'],
      exportTimes: flags.exportTimes ? true : undefined,
    };
    for (const key of Object.keys(options) as (keyof typeof options)[]) if (options[key] === undefined) delete options[key];
    const result = await withFlagNames(flagMap, () => engine.benchmark(options));
    const profile = flags.exportProfile ? await withFlagNames(flagMap, () => engine.profile(options)) : undefined;
    // trtexec's shapes, plus an "estimated" marker on mock results so that a re-import keeps the label.
    if (flags.exportTimes && result.times) {
      await writeOutputFile('--exportTimes', flags.exportTimes as string, `${JSON.stringify(toTrtexecTimesJson(result.times, { estimated: result.estimated }), null, 2)}\n`);
    }
    if (profile) {
      await writeOutputFile('--exportProfile', flags.exportProfile as string, `${JSON.stringify(toTrtexecProfileJson(profile), null, 2)}\n`);
    }
    if (flags.json) {
      printJson(profile ? { ...result, profile } : result);
      return;
    }
    if (result.estimated) print(MOCK_BANNER);
    print(`backend: ${result.backend}   iterations: ${result.iterations}   throughput: ${result.throughput.toFixed(2)} qps${result.estimated ? ' (estimated)' : ''}`);
    print(`mode: ${result.mode}`);
    const rows = [
      ['GPU compute', result.gpuCompute],
      ['Latency', result.latency],
      ['Enqueue', result.enqueue],
      ['H2D', result.h2d],
      ['D2H', result.d2h],
    ] as const;
    print(
      renderTable(rows, [
        { header: result.estimated ? 'estimate (ms)' : 'measure (ms)', cell: (row) => row[0] },
        { header: 'min', cell: (row) => formatMs(row[1].min), align: 'right' },
        { header: 'mean', cell: (row) => formatMs(row[1].mean), align: 'right' },
        { header: 'median', cell: (row) => formatMs(row[1].median), align: 'right' },
        { header: 'p90', cell: (row) => formatMs(row[1].p90), align: 'right' },
        { header: 'p95', cell: (row) => formatMs(row[1].p95), align: 'right' },
        { header: 'p99', cell: (row) => formatMs(row[1].p99), align: 'right' },
        { header: 'max', cell: (row) => formatMs(row[1].max), align: 'right' },
        { header: 'CoV %', cell: (row) => row[1].covPercent.toFixed(2), align: 'right' },
      ]),
    );
    for (const warning of result.warnings) print(`warning: ${warningInFlagNames(warning)}`);
  } finally {
    engine.dispose();
  }
}

async function commandSparsify(input: string, flags: Record<string, unknown>): Promise<void> {
  await checkOutputFolders({ '--output': flags.output });
  const model = await loadOnnxFile(input);
  const { model: pruned, report } = sparsify(model, { pattern: '2:4' });
  await saveOnnxFile(flags.output as string, pruned);
  if (flags.json) {
    printJson({ output: flags.output, tensors: report });
    return;
  }
  print(
    renderTable(report, [
      { header: 'tensor', cell: (row) => row.tensor, maxWidth: 50 },
      { header: 'node', cell: (row) => row.node, maxWidth: 40 },
      { header: 'op', cell: (row) => row.opType },
      { header: 'shape', cell: (row) => row.shape.join('x') },
      { header: 'pruned groups', cell: (row) => String(row.prunedGroups), align: 'right' },
      { header: 'note', cell: (row) => row.skipped ?? '' },
    ]),
  );
  const prunedCount = report.filter((row) => !row.skipped).length;
  print(`\n${prunedCount} of ${report.length} weight tensors pruned to 2:4 (magnitude, along the input-channel axis); written to ${String(flags.output)}`);
  const check = pruned.graph.nodes.filter((node) => node.opType === 'Conv').length;
  if (check === 0 && report.length === 0) print('note: the model has no Conv/Gemm/MatMul weights to prune');
}

async function commandToFp16(input: string, flags: Record<string, unknown>): Promise<void> {
  await checkOutputFolders({ '--output': flags.output });
  const model = await loadOnnxFile(input);
  const converted = toFp16(model, { keepIoTypes: flags.keepIoTypes === true });
  await saveOnnxFile(flags.output as string, converted);
  const summary = summarizeModel(converted);
  if (flags.json) printJson({ output: flags.output, inputs: summary.inputs, outputs: summary.outputs });
  else print(`written ${String(flags.output)}: inputs ${summary.inputs.map((io) => `${io.name}:${io.dataType}`).join(', ')}; outputs ${summary.outputs.map((io) => `${io.name}:${io.dataType}`).join(', ')}`);
}

async function commandModels(name: string, flags: Record<string, unknown>): Promise<void> {
  await checkOutputFolders({ '--output': flags.output });
  const model = name === 'seed003' ? buildSeed003Model() : name === 'resnet-like' ? buildResNetLikeModel() : undefined;
  if (!model) throw new TensorRTError('ERR_INVALID_ARGUMENT', `Unknown model '${name}'. Available: seed003, resnet-like.`);
  const output = flags.sparsify ? sparsify(model, { pattern: '2:4' }).model : model;
  await saveOnnxFile(flags.output as string, output);
  const summary = summarizeModel(output);
  if (flags.json) printJson({ output: flags.output, ...summary });
  else print(`written ${String(flags.output)}: ${summary.nodeCount} nodes, ${summary.parameterCount} parameters`);
}

function commandEnv(flags: Record<string, unknown>): void {
  const info = backendInfo();
  if (flags.json) {
    printJson({ tensorrtNode: packageVersion, node: process.version, backend: info, deviceProfiles: deviceProfiles.map((profile) => profile.id) });
    return;
  }
  print(`tensorrt-node ${packageVersion} on node ${process.version} (${process.platform}/${process.arch})`);
  print(`active backend: ${info.active}${info.tensorrtVersion ? ` (TensorRT ${info.tensorrtVersion})` : ''}`);
  if (!info.tensorrtAvailable) {
    print('TensorRT backend unavailable because:');
    for (const reason of info.reasons) print(`  - [${reason.code}] ${reason.message}`);
    if (info.possibleSolutions.length) print('Possible solutions:');
    for (const solution of info.possibleSolutions) print(`  - ${solution}`);
    print('The mock backend is used instead: its figures are estimates and are labelled as such.');
  }
  print(`device profiles for estimates: ${deviceProfiles.map((profile) => profile.id).join(', ')}`);
}

/** Builds the commander program (exported for tests). */
export function createProgram(): Command {
  const program = new Command('trtn')
    .description('TensorRT for Node.js: build, inspect, time and explain engines (mock backend without a GPU)')
    .version(packageVersion)
    .showHelpAfterError('(run with --help for usage)')
    // Set before the subcommands are added so they inherit it: usage errors become exit code 2, not process.exit.
    .exitOverride();

  program
    .command('build')
    .description('build an engine from an ONNX model (trtexec-style options)')
    .argument('<model>', 'ONNX file')
    .option('--fp16', 'allow FP16 kernels (TensorRT 11: converts the ONNX to FP16)')
    .addOption(new Option('--sparsity <mode>', '2:4 structured sparsity').choices(['disable', 'enable', 'force']))
    .option('--inputIOFormats <spec>', "input formats, e.g. 'fp16:hwc8'")
    .option('--outputIOFormats <spec>', "output formats, e.g. 'fp16:hwc8'")
    .option('--minShapes <spec>', "e.g. 'input:1x3x224x224'")
    .option('--optShapes <spec>', "e.g. 'input:8x3x224x224'")
    .option('--maxShapes <spec>', "e.g. 'input:16x3x224x224'")
    .option('--memPoolSize <spec>', "e.g. 'workspace:1024' (MiB) or 'workspace:2G'")
    .option('--builderOptimizationLevel <n>', '0-5 (default 3)')
    .option('--tacticSources <spec>', "e.g. '-CUBLAS,+CUDNN'")
    .option('--timingCacheFile <path>', 'timing cache to load and update')
    .addOption(new Option('--profilingVerbosity <level>', 'inspector detail').choices(['layer_names_only', 'detailed', 'none']))
    .option('--avgTiming <n>', 'timing iterations per tactic (default 8)')
    .option('--recordTactics', "record every layer's timed tactic candidates for `trtn explain` (dense vs sparse times) and replay; the build takes longer")
    .option('--noLayerProfile', 'skip the short per-layer profiling run after the build (report.layerTimes; trtexec --separateProfileRun)')
    .option('--errorOnTimingCacheMiss', 'fail on a timing-cache miss (with --timingCacheFile)')
    .option('--device <index>', 'CUDA device (default 0)')
    .option('--saveEngine <path>', 'write the engine here')
    .option('--report <path>', 'write the JSON build report here')
    .addOption(new Option('--backend <kind>', 'backend').choices(['auto', 'tensorrt', 'mock']))
    .option('--mock-device <id>', `device profile for mock estimates (${deviceProfiles.map((profile) => profile.id).join(', ')})`)
    .option('--no-progress', 'no progress output')
    .option('--json', 'print the build report as JSON')
    .action((model: string, flags: Record<string, unknown>) => commandBuild(model, flags));

  program
    .command('inspect')
    .description('per-layer table of an engine, a trtn build report, or trtexec --exportLayerInfo JSON')
    .argument('<file>')
    .option('--exportLayerInfo <path>', 'write the inspector JSON (trtexec format)')
    .option('--json', 'JSON output')
    .action((file: string, flags: Record<string, unknown>) => commandInspect(file, flags));

  program
    .command('bench')
    .description('time inference with trtexec semantics (an engine, or an ONNX model built first)')
    .argument('<file>', 'engine or ONNX file')
    .option('--iterations <n>', 'minimum iterations (default 10)')
    .option('--duration <s>', 'minimum seconds (default 3)')
    .option('--warmUp <ms>', 'warm-up in ms (default 200)')
    .option('--useCudaGraph', 'capture the enqueue in a CUDA graph')
    .option('--useSpinWait', 'spin instead of blocking sync')
    .option('--noDataTransfers', 'no host-device copies')
    .addOption(new Option('--blockingEvents <which>', "blocking-sync events: 'auto' (default: 'all' with --useCudaGraph, else 'waited'), 'waited' (only the one waited on) or 'all' (as trtexec: its GPU figures exactly)").choices(['auto', 'waited', 'all']))
    .option('--exportTimes <path>', 'write per-iteration times (trtexec format)')
    .option('--exportProfile <path>', 'write the per-layer profile (trtexec format)')
    .option('--fp16', 'when building from ONNX: allow FP16')
    .addOption(new Option('--backend <kind>', 'backend when building from ONNX').choices(['auto', 'tensorrt', 'mock']))
    .option('--mock-device <id>', 'device profile for mock estimates')
    .option('--json', 'JSON output')
    .action((file: string, flags: Record<string, unknown>) => commandBench(file, flags));

  program
    .command('explain')
    .description('why layers did (not) go sparse, and how close each layer runs to the roofline; takes reports, verbose logs, trtexec JSON exports, ONNX')
    .argument('<files...>')
    .option('--gpu <profile>', `device profile to normalise against when the inputs name no GPU (${deviceProfiles.map((profile) => profile.id).join(', ')})`)
    .option('--fp16', 'with only an ONNX model: estimate an FP16 build')
    .addOption(new Option('--sparsity <mode>', 'with only an ONNX model: 2:4 sparsity of the estimated build').choices(['disable', 'enable', 'force']))
    .option('--try', `with one ONNX model: build it in variants (${VARIANT_NAMES.join(', ')}), time each on this GPU and report what each change did`)
    .option('--variants <list>', `with --try: which variants, comma-separated (default: all that apply)`)
    .option('--duration <s>', 'with --try: benchmark seconds per variant (default 1)')
    .addOption(new Option('--backend <kind>', 'with --try: backend').choices(['auto', 'tensorrt', 'mock']))
    .option('--json', 'JSON output')
    .action((files: string[], flags: Record<string, unknown>) => (flags.try ? commandTry(files, flags) : runAnalysisCommand('explain', files, flags)));

  program
    .command('report')
    .description('write one self-contained HTML report')
    .argument('<files...>')
    .requiredOption('-o, --output <path>', 'HTML file to write')
    .option('--gpu <profile>', 'device profile to normalise against when the inputs name no GPU')
    .option('--fp16', 'with only an ONNX model: estimate an FP16 build')
    .addOption(new Option('--sparsity <mode>', 'with only an ONNX model: 2:4 sparsity of the estimated build').choices(['disable', 'enable', 'force']))
    .option('--json', 'print what was written as JSON')
    .action((files: string[], flags: Record<string, unknown>) => runAnalysisCommand('report', files, flags));

  program
    .command('compare')
    .description('per-layer differences between two builds, with a noise-aware verdict')
    .argument('<a>', 'build report or --exportLayerInfo JSON (optionally with its profile) of side A')
    .argument('<b>', 'the same for side B')
    .option('--times <files...>', 'run-to-run statistics for the verdict: two --exportTimes files, A then B')
    .option('--json', 'JSON output')
    .action((a: string, b: string, flags: Record<string, unknown>) => runAnalysisCommand('compare', [a, b], flags));

  program
    .command('sparsify')
    .description('magnitude 2:4 pruning of Conv/Gemm/MatMul weights along the input-channel axis')
    .argument('<model>')
    .requiredOption('-o, --output <path>', 'pruned ONNX file')
    .option('--json', 'JSON output')
    .action((model: string, flags: Record<string, unknown>) => commandSparsify(model, flags));

  program
    .command('to-fp16')
    .description('convert an ONNX model to FP16 (how fp16 works on TensorRT 11)')
    .argument('<model>')
    .requiredOption('-o, --output <path>', 'FP16 ONNX file')
    .option('--keep-io-types', 'keep FP32 inputs and outputs (adds Cast nodes)')
    .option('--json', 'JSON output')
    .action((model: string, flags: Record<string, unknown>) => commandToFp16(model, flags));

  program
    .command('models')
    .description('write a synthetic model: seed003 (3x conv3x3, 16 ch, 1x16x1920x1080) or resnet-like (1x1 convs 160/288 + residual)')
    .argument('<name>')
    .requiredOption('-o, --output <path>', 'ONNX file')
    .option('--sparsify', 'prune to 2:4 before writing')
    .option('--json', 'JSON output')
    .action((name: string, flags: Record<string, unknown>) => commandModels(name, flags));

  program
    .command('env')
    .description('which backend is active, and why TensorRT is not when it is not')
    .option('--json', 'JSON output')
    .action((flags: Record<string, unknown>) => commandEnv(flags));

  program
    .command('calibrate')
    .description("measure this GPU's copy bandwidth and FP16 dense/sparse matrix throughput with TensorRT engines")
    .option('--json', 'JSON output')
    .action((flags: Record<string, unknown>) => runAnalysisCommand('calibrate', [], flags));

  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
    }
    if (isTensorRTError(error)) {
      if (json) process.stderr.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
      else process.stderr.write(`trtn: ${error.code}: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`trtn: unexpected error (please report it): ${(error as Error).stack ?? String(error)}\n`);
    return 70;
  }
}
