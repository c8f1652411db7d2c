/**
 * `trtn explain`, `report`, `compare` and `calibrate`: thin glue from files to the pure-TS analyses.
 */
import {
  analyzeEfficiency,
  compareBuilds,
  defaultCalibrationDir,
  explainSparsity,
  formatComparison,
  formatEfficiency,
  formatSparsityExplanation,
  loadCalibration,
  renderHtmlReport,
  resolvePeaks,
} from '../analysis/index.js';
import { backendInfo } from '../backend/select.js';
import { calibrate } from '../calibrate.js';
import { TensorRTError } from '../errors.js';
import type { LayerEstimate } from '../types.js';
import { loadAnalysisInputs, type AnalysisInputs } from './inputs.js';
import { checkOutputFolders, writeOutputFile } from './output.js';

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function peaksFor(inputs: AnalysisInputs, flags: Record<string, unknown>): ReturnType<typeof resolvePeaks> | undefined {
  const environment = inputs.report?.environment ?? inputs.benchmark?.environment;
  const gpuName = environment?.gpu?.name;
  const deviceProfileId = (flags.gpu as string | undefined) ?? environment?.deviceProfile;
  // A trtexec log or JSON export names no GPU: without --gpu there is nothing honest to normalise against.
  if (!gpuName && !deviceProfileId) return undefined;
  const calibration = gpuName ? loadCalibration(defaultCalibrationDir(), gpuName) : undefined;
  try {
    const peaks = resolvePeaks({ environment, deviceProfileId, calibration });
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
  return analyzeEfficiency({
    layers: inputs.layers,
    profile: inputs.profile,
    estimates: inputs.report?.estimates as LayerEstimate[] | undefined,
    peaks,
    costs: inputs.costs,
  });
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
    const [a, b] = await Promise.all(files.map((file) => loadAnalysisInputs([file])));
    const side = (inputs: AnalysisInputs, file: string) => {
      if (inputs.report) return inputs.report;
      if (inputs.layers) return { layers: inputs.layers, profile: inputs.profile, tactics: inputs.log?.tactics };
      throw new TensorRTError('ERR_ANALYSIS_INPUT', `${file} has no layers to compare; pass a trtn build report or trtexec --exportLayerInfo JSON.`);
    };
    const comparison = compareBuilds(side(a, files[0]), side(b, files[1]), {
      noise: { a: a.benchmark?.gpuCompute, b: b.benchmark?.gpuCompute },
    });
    if (json) print(JSON.stringify(comparison, null, 2));
    else print(formatComparison(comparison));
    return;
  }

  if (command === 'report') await checkOutputFolders({ '--output': flags.output });
  const inputs = await loadAnalysisInputs(files);
  const sparsity = inputs.report || inputs.log || inputs.layers
    ? explainSparsity({ report: inputs.report, log: inputs.log, layers: inputs.layers, profile: inputs.profile })
    : undefined;
  const efficiency = efficiencyFor(inputs, flags);

  if (command === 'report') {
    const html = renderHtmlReport({
      report: inputs.report,
      efficiency,
      sparsity,
      benchmark: inputs.benchmark,
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
    print(JSON.stringify({ estimated: inputs.estimated ?? false, inputs: inputs.recognised, warnings: inputs.warnings, sparsity, efficiency }, null, 2));
    return;
  }
  for (const item of inputs.recognised) print(`read ${item.path}: ${item.kind}`);
  for (const warning of inputs.warnings) print(`note: ${warning}`);
  if (inputs.estimated) print('MOCK BACKEND: times in this report are ESTIMATES from a cost model, not measurements.');
  print('');
  if (sparsity) print(formatSparsityExplanation(sparsity));
  if (efficiency) {
    print('');
    print(formatEfficiency(efficiency));
  } else if (inputs.layers) {
    print('');
    print('efficiency: these inputs name no GPU; add --gpu <profile> (or a calibrated GPU report) for FLOPs, bytes and % of peak per layer.');
  }
  if (!sparsity && !efficiency) {
    throw new TensorRTError('ERR_ANALYSIS_INPUT', 'Nothing to explain: pass a trtn build report, a TensorRT verbose build log, or trtexec --exportLayerInfo JSON (with --exportProfile JSON for measured times).');
  }
}
