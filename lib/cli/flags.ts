/**
 * The CLI speaks in its own flag names. The API validates options and names them as API callers write them
 * (`shapes.input`, `iterations`); here the CLI parses flag text strictly and turns API option errors back into
 * the flags the user typed, with the text they typed (`--iterations 'abc'`, not "got number NaN").
 */
import { TensorRTError, isTensorRTError } from '../errors.js';

/** One flag as the user typed it. */
export interface GivenFlag {
  /** The flag, e.g. `--optShapes`. */
  flag: string;
  /** Its text, e.g. `input:1x16x8x8`; absent for boolean flags. */
  text?: string;
}

/** API option paths (`iterations`, `shapes.input`, `shapes`) to the flags that set them. */
export type FlagMap = Record<string, GivenFlag[]>;

/**
 * Parses a numeric flag strictly: the whole text must be a number (an integer when `integer`). Commander hands
 * flags over as strings; `Number('abc')` would reach the API as NaN and be reported as "number NaN".
 */
export function numberFlag(flag: string, text: unknown, options: { integer?: boolean } = {}): number | undefined {
  if (text === undefined) return undefined;
  const raw = String(text).trim();
  const pattern = options.integer ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
  if (!pattern.test(raw)) {
    throw new TensorRTError('ERR_INVALID_OPTION', `Expected ${options.integer ? 'an integer' : 'a number'} for ${flag}, got '${String(text)}'.`, { option: flag, got: String(text) });
  }
  return Number(raw);
}

/** Adds `flag text` under `option` (several flags may set one option, e.g. min/opt/max shapes). */
export function addFlag(map: FlagMap, option: string, flag: string, text?: unknown): void {
  if (text === undefined || text === false) return;
  (map[option] ??= []).push(text === true ? { flag } : { flag, text: String(text) });
}

/** The flags of `option` or of its nearest parent: `shapes.input.max.0` falls back to `shapes.input`, then `shapes`. */
function flagsFor(map: FlagMap, option: string): GivenFlag[] | undefined {
  const parts = option.split('.');
  for (let length = parts.length; length > 0; length--) {
    const given = map[parts.slice(0, length).join('.')];
    if (given) return given;
  }
  return undefined;
}

/**
 * Re-words an API error about an option in the CLI's flag names: every `` `option` `` becomes the flag(s), and the
 * API's rendering of the value ("number NaN", "object") becomes the text the user typed. Errors about anything
 * else, and options the CLI did not set, pass through unchanged.
 */
export function inFlagNames(error: unknown, map: FlagMap): unknown {
  if (!isTensorRTError(error)) return error;
  const reworded = REASONS[String(error.details.reason)]?.(error.details);
  if (reworded) return new TensorRTError(error.code, reworded.message, { ...error.details, option: reworded.option, apiOption: error.details.option }, { cause: error });
  const option = error.details.option;
  if (typeof option !== 'string' || option.startsWith('-')) return error;
  const given = flagsFor(map, option);
  if (!given || given.length === 0) return error;
  const flags = [...new Set(given.map((item) => item.flag))];
  const flagText = flags.join('/');
  const typed = given.length === 1 ? (given[0].text === undefined ? given[0].flag : `'${given[0].text}'`) : given.map((item) => `${item.flag} ${item.text ?? ''}`.trim()).join(', ');
  let message = error.message;
  const parts = option.split('.');
  for (let length = parts.length; length > 0; length--) message = message.split(`\`${parts.slice(0, length).join('.')}\``).join(flagText);
  if (typeof error.details.got === 'string' && message.includes(`got ${error.details.got}`)) message = message.replace(`got ${error.details.got}`, `got ${typed}`);
  const translated = new TensorRTError(error.code, message, { ...error.details, option: flagText, apiOption: option }, { cause: error });
  return translated;
}

/** CLI wording for API errors that carry a `reason` and the facts behind it. */
const REASONS: Record<string, (details: Record<string, unknown>) => { message: string; option: string } | undefined> = {
  'dynamic-input-needs-shapes': (details) => {
    const dimensions = details.dimensions as string[] | undefined;
    if (typeof details.input !== 'string' || !Array.isArray(dimensions)) return undefined;
    const example = dimensions.map((dim) => (dim === '?' ? '1' : dim)).join('x');
    return {
      option: '--minShapes/--optShapes/--maxShapes',
      message: `Input '${details.input}' has dynamic dimensions [${dimensions.join(',')}]; give its shapes with --minShapes/--optShapes/--maxShapes, e.g. --optShapes ${details.input}:${example}.`,
    };
  },
};

/** Runs `work` and re-words option errors in flag names (see {@link inFlagNames}). */
export async function withFlagNames<T>(map: FlagMap, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw inFlagNames(error, map);
  }
}

/**
 * Bench and build warnings name the API's boolean options (`noDataTransfers: true`); trtexec's flags, and so the
 * CLI's, have the same names, so on the command line they read as the flags.
 */
export function warningInFlagNames(text: string): string {
  return text.replace(/\b(useCudaGraph|useSpinWait|noDataTransfers): true\b/g, '--$1');
}
