/**
 * `trtn explain`, `report`, `compare` and `calibrate`: thin glue from files to the pure-TS analyses.
 */
import { existsSync } from 'node:fs';
import {
  analyzeEfficiency,
  formatMeasuredLayerTimes,
  measuredLayerTimes,
  compareBuilds,
  explainSparsity,
  formatComparison,
  formatEfficiency,
  formatSparsityExplanation,
  renderHtmlReport,
  resolvePeaks,
} from '../analysis/index.js';
import { backendInfo } from '../select.js';
import { buildEngine } from '../build.js';
import { calibrate } from '../measure/calibrate.js';
import { defaultCalibrationDir, loadCalibration } from '../measure/calibration-cache.js';
import { deviceProfiles, findDeviceProfile } from '../devices/profiles.js';
import { TensorRTError } from '../errors.js';
import { suggest } from '../options.js';
import { computeStats } from '../timing/index.js';
import type { BuildOptions, EnvironmentInfo, LayerEstimate, TimingStats } from '../types/index.js';
import { addFlag, withFlagNames, type FlagMap } from './flags.js';
import { loadAnalysisInputs, type AnalysisInputs } from './inputs.js';
import { checkOutputFolders, writeOutputFile } from './output.js';

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Checks `--gpu` before any file is read, so that a typo is reported in the flag's own name. */
function checkGpuFlag(flags: Record<string, unknown>): string | undefined {
  const gpu = flags.gpu as string | undefined;
  if (gpu === undefined) return undefined;
  if (!findDeviceProfile(gpu)) {
    const ids = deviceProfiles.map((profile) => profile.id);
    const near = suggest(gpu, ids);
    throw new TensorRTError('ERR_INVALID_OPTION', `Expected a device profile id for --gpu, got '${gpu}'.${near ? ` Did you mean '${near}'?` : ''} Known ids: ${ids.join(', ')}.`, {
      option: '--gpu',
      suggestion: near,
    });
  }
  return gpu;
}

function peaksFor(inputs: AnalysisInputs, flags: Record<string, unknown>): ReturnType<typeof resolvePeaks> | undefined {
  // A trtexec log names its GPU (`Selected Device: NVIDIA H200`): enough to match a datasheet profile.
  const fromLog = inputs.gpuName ? ({ gpu: { index: 0, name: inputs.gpuName } } as unknown as EnvironmentInfo) : undefined;
  const environment = inputs.report?.environment ?? inputs.benchmark?.environment ?? fromLog;
  const gpuName = environment?.gpu?.name;
  // Only --gpu is a choice; the device a mock report was estimated for is found by resolvePeaks itself.
  const deviceProfileId = flags.gpu as string | undefined;
  // A trtexec log or JSON export names no GPU: without --gpu there is nothing honest to normalise against.
  const estimatedFor = inputs.estimated ? inputs.estimatedFor : undefined;
  if (!gpuName && !deviceProfileId && !environment?.deviceProfile && !estimatedFor) return undefined;
  const calibration = gpuName ? loadCalibration(defaultCalibrationDir(), gpuName) : undefined;
  try {
    const peaks = resolvePeaks({ environment, deviceProfileId, deviceProfileOption: '--gpu', estimatedFor, calibration });
    inputs.warnings.push(...peaks.warnings);
    return peaks;
  } catch (error) {
    // No peaks is no reason to refuse the rest of the explanation; an unknown --gpu id still is.
    if (!(error instanceof TensorRTError) || error.code !== 'ERR_INVALID_ARGUMENT') throw error;
    inputs.warnings.push(`No efficiency figures: ${error.message}`);
    return undefined;
  }
}

function efficiencyFor(inputs: AnalysisInputs, flags: Record<string, unknown>): ReturnType<typeof analyzeEfficiency> | undefined {
  const peaks = peaksFor(inputs, flags);
  if (!inputs.layers || !peaks) return undefined;
  for (const warning of peaks.warnings) process.stderr.write(`trtn: warning: ${warning}\n`);
  return analyzeEfficiency({
    layers: inputs.layers,
    profile: inputs.profile,
    profileEstimated: inputs.profileEstimated === true,
    estimates: inputs.report?.estimates as LayerEstimate[] | undefined,
    peaks,
    costs: inputs.costs,
  });
}

/**
 * Run-to-run statistics for `compare`: from `--times a.json b.json` (trtexec or `trtn bench --exportTimes`
 * files, one per side), else from benchmark results among the compared files themselves.
 */
async function compareNoise(times: unknown, a: AnalysisInputs, b: AnalysisInputs): Promise<{ a?: TimingStats; b?: TimingStats; estimated?: boolean }> {
  if (times === undefined) {
    return { a: a.benchmark?.gpuCompute, b: b.benchmark?.gpuCompute, estimated: a.benchmark?.estimated === true || b.benchmark?.estimated === true };
  }
  const paths = times as string[];
  if (paths.length !== 2) {
    throw new TensorRTError('ERR_INVALID_OPTION', `Expected two files for --times (one per side, from \`trtn bench --exportTimes\` or trtexec --exportTimes), got ${paths.length}: ${paths.map((path) => `'${path}'`).join(' ')}.`, { option: '--times' });
  }
  const sides = await Promise.all(paths.map((path) => loadAnalysisInputs([path])));
  sides.forEach((inputs, index) => {
    if (!inputs.times || inputs.times.length === 0) {
      throw new TensorRTError('ERR_ANALYSIS_INPUT', `--times ${paths[index]} holds no iteration times: expected a \`trtn bench --exportTimes\` or trtexec --exportTimes JSON, got ${inputs.recognised[0].kind}.`, { option: '--times', path: paths[index] });
    }
  });
  return {
    a: computeStats(sides[0].times!.map((record) => record.computeMs)),
    b: computeStats(sides[1].times!.map((record) => record.computeMs)),
    estimated: sides.some((inputs) => inputs.timesEstimated === true),
  };
}

/**
 * With only an ONNX model there is no engine to explain: build one on the mock backend (for the `--gpu` device
 * profile, else h100-sxm) and explain that, every figure labelled an estimate. Returns the line saying so, or
 * undefined when the inputs already describe an engine.
 */
async function estimateFromOnnx(inputs: AnalysisInputs, flags: Record<string, unknown>, gpu: string | undefined): Promise<string | undefined> {
  if (!inputs.model || inputs.report || inputs.log || inputs.layers) return undefined;
  const recognised = inputs.recognised.find((item) => item.kind === 'ONNX model') as AnalysisInputs['recognised'][number];
  const path = recognised.path;
  const options: BuildOptions = {
    backend: 'mock',
    mockDevice: gpu ?? 'h100-sxm',
    ...(flags.fp16 === true ? { fp16: true } : {}),
    ...(flags.sparsity !== undefined ? { sparsity: flags.sparsity as BuildOptions['sparsity'] } : {}),
  };
  const flagMap: FlagMap = {};
  addFlag(flagMap, 'mockDevice', '--gpu', gpu);
  addFlag(flagMap, 'sparsity', '--sparsity', flags.sparsity);
  const { engine, report } = await withFlagNames(flagMap, () => buildEngine(path, options));
  engine.dispose();
  inputs.report = report;
  inputs.layers = report.layers;
  inputs.estimated = true;
  recognised.kind = `ONNX model, explained through a mock build of it (estimates, device profile ${report.environment.deviceProfile})`;
  return (
    `${path} is a model, not an engine: explaining a MOCK build of it (fp16 ${report.options.fp16 ? 'on' : 'off'}, sparsity ${report.options.sparsity}, ` +
    `device profile ${report.environment.deviceProfile}). Every time below is an ESTIMATE from a cost model; build on a GPU with TensorRT and pass the report for measurements.`
  );
}

/** Runs one of the analysis commands. */
export async function runAnalysisCommand(command: 'explain' | 'report' | 'compare' | 'calibrate', files: string[], flags: Record<string, unknown>): Promise<void> {
  const json = Boolean(flags.json);
  if (command === 'calibrate') {
    const info = backendInfo();
    if (!info.tensorrtAvailable) {
      throw new TensorRTError(
        'ERR_BACKEND_UNAVAILABLE',
        `Calibration measures this GPU with real TensorRT engines and cannot be estimated. TensorRT is unavailable here: ${info.reasons.map((reason) => reason.message).join('; ')}. Until then, analyses use datasheet peaks (labelled as such).`,
      );
    }
    const result = await calibrate({ onProgress: json ? undefined : (line) => print(line) });
    if (json) print(JSON.stringify(result, null, 2));
    else print(`copy bandwidth ${result.copyBandwidthGBs.toFixed(0)} GB/s, FP16 dense ${result.fp16DenseTflops.toFixed(1)} TFLOP/s${result.fp16SparseTflops ? `, FP16 2:4 sparse ${result.fp16SparseTflops.toFixed(1)} TFLOP/s` : ''}; cached for ${result.gpuName}`);
    return;
  }

  if (command === 'compare') {
    // A side may be several files joined by commas (`layers.json,profile.json`): trtexec writes the layer
    // information and the measured profile separately.
    const sideFiles = (file: string) => (existsSync(file) || !file.includes(',') ? [file] : file.split(',').filter((part) => part !== ''));
    const [a, b] = await Promise.all(files.map((file) => loadAnalysisInputs(sideFiles(file))));
    const side = (inputs: AnalysisInputs, file: string) => {
      if (inputs.report) return inputs.report;
      if (inputs.layers) return { layers: inputs.layers, profile: inputs.profile, tactics: inputs.log?.tactics, estimated: inputs.estimated === true };
      throw new TensorRTError('ERR_ANALYSIS_INPUT', `${file} has no layers to compare; pass a trtn build report or trtexec --exportLayerInfo JSON.`);
    };
    const noise = await compareNoise(flags.times, a, b);
    const comparison = compareBuilds(side(a, files[0]), side(b, files[1]), { noise, noiseOption: '--times a.json b.json from `trtn bench --exportTimes`' });
    if (json) print(JSON.stringify(comparison, null, 2));
    else print(formatComparison(comparison));
    return;
  }

  const gpu = checkGpuFlag(flags);
  if (command === 'report') await checkOutputFolders({ '--output': flags.output });
  const inputs = await loadAnalysisInputs(files);
  const mockBuild = await estimateFromOnnx(inputs, flags, gpu);
  if (mockBuild && !json) print(mockBuild);
  const sparsity = inputs.report || inputs.log || inputs.layers
    ? explainSparsity({ report: inputs.report, log: inputs.log, layers: inputs.layers, profile: inputs.profile })
    : undefined;
  const efficiency = efficiencyFor(inputs, flags);
  const measured =
    inputs.profile && inputs.profile.length > 0 && !inputs.profileEstimated
      ? measuredLayerTimes({ profile: inputs.profile, layers: inputs.layers, source: inputs.profileSource ?? 'the per-layer profile (--exportProfile)', computeTime: inputs.log?.trtexec?.gpuCompute })
      : undefined;

  if (command === 'report') {
    const html = renderHtmlReport({
      report: inputs.report,
      layers: inputs.layers,
      efficiency,
      sparsity,
      benchmark: inputs.benchmark,
      profile: inputs.profile && { layers: inputs.profile, estimated: inputs.profileEstimated === true },
      estimated: inputs.estimated === true,
      title: `tensorrt-node report: ${files.join(', ')}`,
    });
    await writeOutputFile('--output', flags.output as string, html);
    if (json) {
      print(JSON.stringify({ output: flags.output, bytes: html.length, estimated: inputs.estimated ?? false, inputs: inputs.recognised }, null, 2));
      return;
    }
    print(`report written to ${String(flags.output)} (${(html.length / 1024).toFixed(0)} KiB, self-contained)`);
    return;
  }

  if (json) {
    print(JSON.stringify({ estimated: inputs.estimated ?? false, inputs: inputs.recognised, warnings: inputs.warnings, sparsity, efficiency, measured }, null, 2));
    return;
  }
  for (const item of inputs.recognised) print(`read ${item.path}: ${item.kind}`);
  for (const warning of inputs.warnings) print(`note: ${warning}`);
  if (inputs.estimated) print('MOCK BACKEND: times in this report are ESTIMATES from a cost model, not measurements.');
  print('');
  if (sparsity) print(formatSparsityExplanation(sparsity));
  if (measured) {
    print('');
    print(formatMeasuredLayerTimes(measured, { advice: !efficiency }));
  }
  if (efficiency) {
    print('');
    print(formatEfficiency(efficiency));
  } else if (inputs.layers) {
    print('');
    print('efficiency (FLOPs, bytes, % of peak): these inputs name no GPU; add --gpu <profile> (or a calibrated GPU report) for FLOPs, bytes and % of peak per layer.');
  }
  if (!sparsity && !efficiency && !measured) {
    throw new TensorRTError('ERR_ANALYSIS_INPUT', 'Nothing to explain: pass a trtn build report, a TensorRT verbose build log, or trtexec --exportLayerInfo JSON (with --exportProfile JSON for measured times).');
  }
}
