/**
 * Where the CLI writes files. Every output flag goes through here so that a missing or unwritable folder is a
 * coded ERR_IO naming the flag, never an uncaught exception, and is found before any slow work is done.
 */
import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { TensorRTError } from '../errors.js';

function ioError(flag: string, path: string, reason: string, cause?: unknown): TensorRTError {
  return new TensorRTError('ERR_IO', `Could not write ${flag} ${path}: ${reason}`, { option: flag, path }, cause === undefined ? undefined : { cause });
}

/**
 * Checks that the folder of every given output path exists, so that a typo fails before a build or a benchmark
 * rather than after it. `outputs` maps a flag name (as the user typed it, e.g. `--report`) to a path.
 */
export async function checkOutputFolders(outputs: Record<string, unknown>): Promise<void> {
  for (const [flag, path] of Object.entries(outputs)) {
    if (path === undefined || path === false) continue;
    if (typeof path !== 'string' || path.trim() === '') throw new TensorRTError('ERR_INVALID_OPTION', `Expected a file path for ${flag}, got '${String(path)}'.`, { option: flag });
    const folder = dirname(resolve(path));
    const info = await stat(folder).catch(() => undefined);
    if (!info) throw ioError(flag, path, `the folder ${folder} does not exist.`);
    if (!info.isDirectory()) throw ioError(flag, path, `${folder} is not a folder.`);
  }
}

/** Writes one output file; any failure is ERR_IO naming the flag and the path. */
export async function writeOutputFile(flag: string, path: string, content: string | Uint8Array): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    const message = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `the folder ${dirname(resolve(path))} does not exist.` : `${(error as Error).message}.`;
    throw ioError(flag, path, message, error);
  }
}
