/**
 * The calibration cache on disk: one JSON file per GPU model, written by `calibrate()` and read by the CLI's
 * `explain`. File I/O lives here, not in lib/analysis/, which stays pure.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { normaliseGpuName, slugify, validateCalibration, type CalibrationResult } from '../analysis/peaks.js';
import { TensorRTError } from '../errors.js';

/**
 * Default calibration cache folder: `$TRTN_CACHE_DIR` when set, else `$XDG_CACHE_HOME/tensorrt-node`, else
 * `~/.cache/tensorrt-node`.
 *
 * @param env - environment variables to read. Defaults to `process.env`.
 */
export function defaultCalibrationDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRTN_CACHE_DIR) return env.TRTN_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'tensorrt-node');
  return join(homedir(), '.cache', 'tensorrt-node');
}

/** Path of the cache file for one GPU model inside `dir`. */
export function calibrationPath(dir: string, gpuName: string): string {
  return join(dir, `calibration-${slugify(gpuName)}.json`);
}

/**
 * Reads the cached calibration of a GPU model, or `undefined` when none is cached.
 *
 * @param dir - cache folder. Defaults to {@link defaultCalibrationDir}.
 * @throws TensorRTError ERR_ANALYSIS_INPUT when the cache file exists but is not a calibration record (the
 * message names the file to delete); ERR_IO when it cannot be read.
 */
export function loadCalibration(dir: string = defaultCalibrationDir(), gpuName: string): CalibrationResult | undefined {
  const path = calibrationPath(dir, gpuName);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TensorRTError('ERR_IO', `Could not read the calibration cache ${path}: ${(error as Error).message}`, {}, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TensorRTError('ERR_ANALYSIS_INPUT', `The calibration cache ${path} is not valid JSON. Delete it and run \`trtn calibrate\` again.`, {}, { cause: error });
  }
  const record = (parsed as { calibration?: unknown } | null)?.calibration;
  validateCalibration(record, path);
  if (normaliseGpuName(record.gpuName) !== normaliseGpuName(gpuName)) return undefined;
  return record;
}

/**
 * Writes a calibration to the cache (one file per GPU model; a newer one replaces the old), atomically.
 *
 * @param dir - cache folder, created when missing. Defaults to {@link defaultCalibrationDir}.
 * @returns the path written.
 * @throws TensorRTError ERR_INVALID_ARGUMENT for an invalid record; ERR_IO when the file cannot be written.
 */
export function saveCalibration(dir: string = defaultCalibrationDir(), result: CalibrationResult): string {
  validateCalibration(result, 'result');
  const path = calibrationPath(dir, result.gpuName);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, `${JSON.stringify({ schemaVersion: 1, calibration: result }, null, 1)}\n`);
    renameSync(temporary, path);
  } catch (error) {
    throw new TensorRTError('ERR_IO', `Could not write the calibration cache ${path}: ${(error as Error).message}. Set TRTN_CACHE_DIR to a writable folder.`, {}, { cause: error });
  }
  return path;
}
