/**
 * Readers for trtexec's `--exportProfile` and `--exportTimes` JSON and for this package's own build report, each
 * validated so that a wrong file fails with what was expected instead of producing nonsense downstream.
 */
import { TensorRTError } from '../../errors.js';
import { parseTrtexecProfileJson, parseTrtexecTimesJson } from '../../timing/exports.js';
import type { BuildReport, LayerProfile, TimeRecord } from '../../types/index.js';

/**
 * Reads trtexec `--exportProfile` JSON (`[{"count": N}, {"name", "timeMs", "averageMs", "medianMs", "percentage"}…]`).
 *
 * @throws TensorRTError ERR_ANALYSIS_INPUT when the value is not that shape
 */
export function parseTrtexecProfile(json: unknown): LayerProfile[] {
  return parseTrtexecProfileJson(json).layers;
}

/**
 * Reads trtexec `--exportTimes` JSON (one record per iteration).
 *
 * @throws TensorRTError ERR_ANALYSIS_INPUT when a record lacks one of trtexec's keys
 */
export function parseTrtexecTimes(json: unknown): TimeRecord[] {
  return parseTrtexecTimesJson(json);
}

function reportError(problem: string): never {
  throw new TensorRTError('ERR_ANALYSIS_INPUT', `Not a tensorrt-node build report: ${problem}. Write one with \`trtn build --report report.json\` or JSON.stringify(result.report).`);
}

/**
 * Validates the minimal shape of a {@link BuildReport} (schema version, backend, layers, tactics, sparsity) and
 * returns it typed. Missing optional arrays are filled in empty.
 *
 * @throws TensorRTError ERR_ANALYSIS_INPUT on anything else
 */
export function parseBuildReport(json: unknown): BuildReport {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      reportError(`not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) reportError(`expected an object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  const report = value as Record<string, unknown>;
  if (report.schemaVersion !== 1) reportError(`expected "schemaVersion": 1, got ${JSON.stringify(report.schemaVersion)}`);
  if (report.backend !== 'tensorrt' && report.backend !== 'mock') reportError(`expected "backend" "tensorrt" or "mock", got ${JSON.stringify(report.backend)}`);
  if (!Array.isArray(report.layers)) reportError('"layers" is not an array');
  report.layers.forEach((layer: unknown, index: number) => {
    if (typeof layer !== 'object' || layer === null || typeof (layer as { name?: unknown }).name !== 'string') reportError(`layer ${index} has no "name"`);
    const item = layer as Record<string, unknown>;
    if (!Array.isArray(item.inputs)) item.inputs = [];
    if (!Array.isArray(item.outputs)) item.outputs = [];
    if (!Array.isArray(item.onnxNodes)) item.onnxNodes = [];
  });
  if (report.tactics === undefined) report.tactics = [];
  if (!Array.isArray(report.tactics)) reportError('"tactics" is not an array');
  report.tactics.forEach((entry: unknown, index: number) => {
    const item = entry as Record<string, unknown>;
    if (typeof item !== 'object' || item === null || typeof item.layer !== 'string' || !Array.isArray(item.candidates)) reportError(`tactics[${index}] needs "layer" and "candidates"`);
  });
  const sparsity = (report.sparsity ?? { eligible: [], picked: [] }) as Record<string, unknown>;
  if (!Array.isArray(sparsity.eligible) || !Array.isArray(sparsity.picked)) reportError('"sparsity" needs "eligible" and "picked" arrays');
  report.sparsity = sparsity;
  if (!Array.isArray(report.warnings)) report.warnings = [];
  if (!Array.isArray(report.log)) report.log = [];
  if (typeof report.estimated !== 'boolean') report.estimated = report.backend === 'mock';
  return report as unknown as BuildReport;
}
