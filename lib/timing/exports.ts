/**
 * trtexec's JSON exports (`--exportTimes`, `--exportProfile`): writers that produce the same shape, and
 * readers that accept files written by trtexec itself (for analysing runs made elsewhere).
 */
import { TensorRTError } from '../errors.js';
import type { LayerProfile, TimeRecord } from '../types/index.js';

const TIME_KEYS = [
  'startEnqMs',
  'endEnqMs',
  'startH2dMs',
  'endH2dMs',
  'startComputeMs',
  'endComputeMs',
  'startD2hMs',
  'endD2hMs',
  'h2dMs',
  'computeMs',
  'd2hMs',
  'latencyMs',
] as const satisfies readonly (keyof TimeRecord)[];

/**
 * The `--exportProfile` JSON: a count record followed by one record per layer. The count record carries
 * `"estimated": true` when the times come from the mock's cost model (trtexec never writes that key, and readers
 * of trtexec's format ignore keys they do not know).
 */
export type TrtexecProfileJson = [{ count: number; estimated?: true; estimatedFor?: string }, ...LayerProfile[]];

/**
 * `--exportProfile` JSON for `iterations` profiled iterations and the aggregated layers.
 * @param profile.estimated - mark the export as cost-model estimates. Defaults to `false`.
 * @param profile.environment - with `estimated`, its `deviceProfile` is written as `estimatedFor`.
 */
export function toTrtexecProfileJson(profile: { iterations: number; layers: readonly LayerProfile[]; estimated?: boolean; environment?: { deviceProfile?: string } }): TrtexecProfileJson {
  const estimatedFor = profile.environment?.deviceProfile;
  return [
    profile.estimated ? { count: profile.iterations, estimated: true, ...(estimatedFor ? { estimatedFor } : {}) } : { count: profile.iterations },
    ...profile.layers.map((layer) => ({
      name: layer.name,
      timeMs: layer.timeMs,
      averageMs: layer.averageMs,
      medianMs: layer.medianMs,
      percentage: layer.percentage,
    })),
  ];
}

/**
 * True when a parsed `--exportTimes` or `--exportProfile` JSON carries the estimate marker that
 * {@link toTrtexecProfileJson} and {@link toTrtexecTimesJson} write for mock results (on its first record).
 */
export function isEstimatedExport(json: unknown): boolean {
  if (!Array.isArray(json) || json.length === 0) return false;
  const head = json[0] as { estimated?: unknown } | null;
  return typeof head === 'object' && head !== null && head.estimated === true;
}

function analysisError(what: string, detail: string): never {
  throw new TensorRTError('ERR_ANALYSIS_INPUT', `${what}: ${detail}`, { hint: 'Pass the JSON text or the parsed value of a trtexec export.' });
}

function asJson(input: string | unknown, what: string): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch (error) {
    return analysisError(what, `not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Reads an `--exportProfile` file (text or parsed). Older trtexec versions omit `medianMs`; it is then set to
 * `averageMs`.
 *
 * @throws TensorRTError ERR_ANALYSIS_INPUT when the shape is not trtexec's.
 */
export function parseTrtexecProfileJson(input: string | unknown): { iterations: number; layers: LayerProfile[] } {
  const what = 'Not a trtexec --exportProfile JSON';
  const value = asJson(input, what);
  if (!Array.isArray(value) || value.length === 0) analysisError(what, 'expected an array starting with {"count": N}');
  const head = value[0] as { count?: unknown };
  if (typeof head !== 'object' || head === null || typeof head.count !== 'number') analysisError(what, 'the first element has no numeric "count"');
  const layers = value.slice(1).map((entry: unknown, index: number): LayerProfile => {
    const record = entry as Record<string, unknown>;
    if (typeof record !== 'object' || record === null || typeof record.name !== 'string' || typeof record.timeMs !== 'number' || typeof record.averageMs !== 'number') {
      analysisError(what, `element ${index + 1} lacks name/timeMs/averageMs`);
    }
    return {
      name: record.name,
      timeMs: record.timeMs,
      averageMs: record.averageMs,
      medianMs: typeof record.medianMs === 'number' ? record.medianMs : record.averageMs,
      percentage: typeof record.percentage === 'number' ? record.percentage : 0,
    };
  });
  return { iterations: head.count as number, layers };
}

/**
 * `--exportTimes` JSON: one object per kept iteration with trtexec's keys, in trtexec's key order. With
 * `estimated`, every record also says `"estimated": true`, so that any slice of the file keeps the label.
 * @param options.estimated - mark the records as cost-model estimates. Defaults to `false`.
 */
export function toTrtexecTimesJson(records: readonly TimeRecord[], options: { estimated?: boolean } = {}): (TimeRecord & { estimated?: true })[] {
  return records.map((record) => {
    const out = Object.fromEntries(TIME_KEYS.map((key) => [key, record[key]])) as unknown as TimeRecord & { estimated?: true };
    if (options.estimated) out.estimated = true;
    return out;
  });
}

/**
 * Reads an `--exportTimes` file (text or parsed).
 *
 * @throws TensorRTError ERR_ANALYSIS_INPUT when a record lacks one of trtexec's keys.
 */
export function parseTrtexecTimesJson(input: string | unknown): TimeRecord[] {
  const what = 'Not a trtexec --exportTimes JSON';
  const value = asJson(input, what);
  if (!Array.isArray(value)) analysisError(what, 'expected an array of iteration records');
  return value.map((entry: unknown, index: number) => {
    const record = entry as Record<string, unknown>;
    for (const key of TIME_KEYS) {
      if (typeof record?.[key] !== 'number') analysisError(what, `record ${index} has no numeric "${key}"`);
    }
    return Object.fromEntries(TIME_KEYS.map((key) => [key, record[key]])) as unknown as TimeRecord;
  });
}
