/**
 * Reader for TensorRT's verbose builder log (8.5 to 11): the sparsity report, every timed tactic per layer (the
 * classic autotuner of 8.x-10.x and the editable-timing-cache tables of 10.8+/11), and the final engine layer
 * lines with their tensor formats. Accepts trtexec's `[date] [V] [TRT] ` prefixes, bare messages, CRLF, and
 * long lines that a terminal or a forum post wrapped.
 */
import { TensorRTError } from '../../errors.js';
import type { LayerTactics, LayerTensor, SparsitySummary, TacticCandidate } from '../../types.js';
import { parseBracketTensor, splitTopLevel } from './tensor-format.js';

/** A layer as the log's engine summary prints it: `Layer(CaskConvolution): name, Tactic: 0x…, in (Half[…]) -> out (…)`. */
export interface EngineLayerLine {
  name: string;
  layerType: string;
  tactic: string;
  inputs: LayerTensor[];
  outputs: LayerTensor[];
}

/** An implementation the autotuner tried and found nothing for (`X has no valid tactics for this config, skipping`). */
export interface SkippedRunner {
  layer: string;
  implementation: string;
  /** Format combination it was tried under, TensorRT's notation. */
  formats?: string;
  reason: string;
}

/** The fastest tactic of one runner under one format combination (`Fastest Tactic: …`). */
export interface RunnerFastest {
  layer: string;
  implementation: string;
  formats?: string;
  tactic: string;
  timeMs: number | null;
}

/** Everything {@link parseBuildLog} found. */
export interface ParsedBuildLog {
  /** TensorRT version, when a line reveals it (`TensorRT version: 8.5.2`, `[TensorRT v100800]`). */
  tensorrtVersion?: string;
  /** The two sparsity lists; empty when the log has none (see {@link ParsedBuildLog.sparsityListsFound}). */
  sparsity: SparsitySummary;
  /** Whether each sparsity line was present (absent is not the same as empty). */
  sparsityListsFound: { eligible: boolean; picked: boolean };
  /** Per layer (classic log) or per op (editable timing cache): every timed candidate and the choice. */
  tactics: LayerTactics[];
  /** Engine layer lines, in log order. */
  engineLayers: EngineLayerLine[];
  /** Input and output tensors of each engine layer, by layer name. */
  formatsByLayer: Record<string, { inputs: LayerTensor[]; outputs: LayerTensor[] }>;
  /** Runners that had no valid tactic for a format combination. */
  skippedRunners: SkippedRunner[];
  /** Per-runner fastest tactics as the log states them. */
  fastest: RunnerFastest[];
  /** Reasons the log (the mock's, or TensorRT's own) gives for a layer not being eligible for sparse math. */
  ineligible: Record<string, string>;
  /** Things the reader noticed but could not use. */
  warnings: string[];
  /** Logical lines (after joining wrapped lines). */
  lineCount: number;
  /** Lines that matched one of the patterns above. */
  recognisedLines: number;
  /** Lines that matched nothing (most of a verbose log is unrelated to tactics; this is not an error). */
  unparsedLines: number;
}

// trtexec writes `[date] [V] [TRT] `, the Python logger `[date] [TRT] [V] `, TensorRT 7 `[TensorRT] VERBOSE: `.
const PREFIX = /^(?:\[\d{2}\/\d{2}\/\d{4}-\d{2}:\d{2}:\d{2}\]\s*)?(?:\[(?:TRT|TensorRT|V|I|W|E|F|VERBOSE|INFO|WARNING|ERROR)\]\s*)*(?:(?:VERBOSE|INFO|WARNING|ERROR|INTERNAL_ERROR):\s+)?/;
const HAS_PREFIX = /^(?:\[\d{2}\/\d{2}\/\d{4}-\d{2}:\d{2}:\d{2}\]|\[(?:V|I|W|E|F)\]|\[TRT\]|\[TensorRT\])/;

const ELIGIBLE = /^\(Sparsity\) Layers eligible for sparse math:\s*(.*)$/;
const PICKED = /^\(Sparsity\) TRT inference plan picked sparse implementation for layers:\s*(.*)$/;
const NO_ELIGIBLE = /^\(Sparsity\) No layer is eligible/;
// TensorRT 10.x wording (seen on 10.6, test/fixtures/real): a count, then the list. The same lines prefixed
// `(foreignNode)` describe Myelin subgraphs and are not the engine's lists, so the anchor leaves them out.
const ELIGIBLE_10 = /^\(Sparsity\) Found \d+ layer\(s\) eligible to use sparse tactics:\s*(.*)$/;
const PICKED_10 = /^\(Sparsity\) Chose \d+ layer\(s\) using sparse tactics:\s*(.*)$/;
const COMPUTING = /^=+ Computing costs for\s*(.*)$/;
const FORMAT_COMBO = /^\*+ Autotuning format combination:\s*(.*?)\s*\*+$/;
const RUNNER = /^-+ Timing Runner:\s*(.*) \(([A-Za-z0-9_]+)\)\s*$/;
const TACTIC = /^(?:Tactic Name:\s*(\S+)\s+)?Tactic:?\s*(0x[0-9a-fA-F]+|-?\d+)\s+[Tt]ime:?\s*([0-9.eE+-]+|inf|nan)(?:\s.*)?$/;
// 8.x names a tactic on its own line before timing it: `<layer> Set Tactic Name: <kernel> Tactic: 0x…`.
const SET_TACTIC_NAME = /^(.*?)\s*Set Tactic Name:\s*(\S+)(?:\s+Tactic:\s*(0x[0-9a-fA-F]+|-?\d+))?\s*$/;
const TACTIC_SKIPPED = /^(?:Tactic Name:\s*(\S+)\s+)?Tactic:\s*(0x[0-9a-fA-F]+|-?\d+)\s+(?:skipped|failed|Skipping)\b(.*)$/i;
const SKIPPING_TACTIC = /^Skipping tactic\s+(0x[0-9a-fA-F]+|-?\d+)\s*(.*)$/;
const NO_VALID = /^(\S+) has no valid tactics for this config, skipping/;
const FASTEST = /^Fastest Tactic:\s*(0x[0-9a-fA-F]+|-?\d+)\s+Time:\s*([0-9.eE+-]+|inf|nan)/;
const CHOSE = /^>+ Chose Runner Type:\s*([A-Za-z0-9_]+)\s+Tactic:\s*(0x[0-9a-fA-F]+|-?\d+)/;
const ENGINE_LAYER = /^Layer\(([^)]+)\):\s*(.*?), Tactic:\s*(0x[0-9a-fA-F]+|-?\d+),\s*(.*)$/;
const AUTOTUNING_OP = /^Autotuning op\s+(.*)\(key:\s*(0x[0-9a-fA-F]+)\):?\s*$/;
const TABLE_TITLE = /^Sorted table of all evaluated tactics/;
const TABLE_HEADER = /^tactic_id,\s*cost\(in ms\)/;
const TABLE_ROW = /^\s*(\d+),\s*([0-9.eE+-]+|inf|nan),\s*([^,]*),\s*([^,]*),\s*([^,\s]+),\s*(0x[0-9a-fA-F]+),\s*(.*)$/;
const SELECTED = /^The selected tactic is \(tactic hash, cost\(in ms\)\):\s*(0x[0-9a-fA-F]+),\s*([0-9.eE+-]+|inf|nan)/;
const WRITING = /^Writing the best tactic \((0x[0-9a-fA-F]+)\) to cache/;
const VERSION_TEXT = /TensorRT version:\s*(\d+\.\d+(?:\.\d+){0,2})/;
const VERSION_TAG = /\[TensorRT v(\d{4,6})\]/;
const MOCK_INELIGIBLE = /^\[MOCK\] (.*) is not eligible for sparse math: (.*?)\.?$/;

/** `0x…` in lower case; decimal ids (TensorRT 8.0-8.2) become 64-bit two's-complement hex. */
export function normalizeTactic(text: string): string {
  if (/^0x/i.test(text)) return `0x${text.slice(2).toLowerCase()}`;
  const value = BigInt.asUintN(64, BigInt(text));
  return `0x${value.toString(16).padStart(16, '0')}`;
}

/** True when two tactic ids name the same tactic (padding and case aside). */
export function sameTactic(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  try {
    return BigInt(normalizeTactic(a)) === BigInt(normalizeTactic(b));
  } catch {
    return a === b;
  }
}

/** Whether a kernel name says it uses 2:4 sparse math; `undefined` when there is no name to judge. */
export function kernelIsSparse(kernelName: string | undefined): boolean | undefined {
  if (!kernelName) return undefined;
  return /sparse|sptensor/i.test(kernelName);
}

function parseTime(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Splits a sparsity list. Layer names contain ` + ` and ` || ` but never `, `. */
function splitLayerList(text: string): string[] {
  return text
    .split(', ')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function versionFromTag(tag: string): string {
  // v8502 = 8.5.2; v100800 = 10.8.0 (major takes two digits from 10 on).
  const digits = tag.length >= 6 ? [tag.slice(0, 2), tag.slice(2, 4), tag.slice(4, 6)] : [tag.slice(0, 1), tag.slice(1, 2), tag.slice(2, 4)];
  return digits.map((part) => String(Number(part))).join('.');
}

function parseTensorList(text: string): LayerTensor[] {
  const tensors: LayerTensor[] = [];
  for (const item of splitTopLevel(text)) {
    const match = /^(.*)\s+\(([^()]*\[[^\]]*\])\)$/.exec(item);
    if (!match) continue;
    const tensor = parseBracketTensor(match[1].trim(), match[2]);
    if (tensor) tensors.push(tensor);
  }
  return tensors;
}

function toLines(text: string | string[]): string[] {
  if (Array.isArray(text)) {
    if (!text.every((line) => typeof line === 'string')) {
      throw new TensorRTError('ERR_ANALYSIS_INPUT', 'parseBuildLog expected a string or an array of strings (log lines); the array holds something else.');
    }
    return text.flatMap((line) => line.split(/\r?\n/));
  }
  if (typeof text !== 'string') {
    throw new TensorRTError('ERR_ANALYSIS_INPUT', `parseBuildLog expected the log as a string or an array of lines, got ${text === null ? 'null' : typeof text}.`);
  }
  return text.split(/\r\n|\n|\r/);
}

function startsKnownLine(message: string): boolean {
  return [ELIGIBLE, PICKED, SET_TACTIC_NAME, COMPUTING, FORMAT_COMBO, RUNNER, TACTIC, TACTIC_SKIPPED, SKIPPING_TACTIC, NO_VALID, FASTEST, CHOSE, ENGINE_LAYER, AUTOTUNING_OP, TABLE_ROW, SELECTED].some((pattern) => pattern.test(message));
}

/**
 * Joins lines a terminal or a forum post wrapped. Only the two kinds of line long enough to wrap are continued
 * (sparsity lists and engine `Layer(…)` lines), only when that line carried a logger prefix (in a log without
 * prefixes a wrapped piece cannot be told from the next message), and only by an unprefixed line that is not
 * itself a known line.
 */
function logicalLines(raw: string[], joinWrapped: boolean): string[] {
  const out: string[] = [];
  let open = false;
  for (const line of raw) {
    const prefixed = HAS_PREFIX.test(line);
    const message = line.replace(PREFIX, '').trimEnd();
    // A wrapped piece of a layer list has no "key: value" shape of its own (unlike "Engine Layer Information:").
    const looksLikeContinuation = message.trim() !== '' && !/^\.{3,}|^[[&]|:\s|:$/.test(message.trim()) && !startsKnownLine(message.trim());
    if (joinWrapped && open && !prefixed && looksLikeContinuation) {
      const previous = out[out.length - 1];
      const joiner = previous.endsWith(',') ? ' ' : '';
      out[out.length - 1] = previous + joiner + message.trim();
      continue;
    }
    out.push(message);
    const trimmed = message.trim();
    open = prefixed && (ELIGIBLE.test(trimmed) || PICKED.test(trimmed) || (ENGINE_LAYER.test(trimmed) && !/\)\s*$/.test(trimmed)) || (/^Layer\(/.test(trimmed) && !ENGINE_LAYER.test(trimmed)));
  }
  return out;
}

/**
 * Parses a TensorRT verbose build log.
 *
 * @param text - the whole log, or its messages one per element (never re-joined)
 * @returns the sparsity lists, per-layer tactic candidates and choices, and engine layer formats
 * @throws TensorRTError ERR_ANALYSIS_INPUT when `text` is not text, or when nothing in it is from TensorRT's builder
 */
export function parseBuildLog(text: string | string[]): ParsedBuildLog {
  // Lines handed over one by one (a logger's records) are whole messages; only text can have been wrapped.
  const lines = logicalLines(toLines(text), !Array.isArray(text));
  const result: ParsedBuildLog = {
    sparsity: { eligible: [], picked: [] },
    sparsityListsFound: { eligible: false, picked: false },
    tactics: [],
    engineLayers: [],
    formatsByLayer: {},
    skippedRunners: [],
    fastest: [],
    ineligible: {},
    warnings: [],
    lineCount: lines.length,
    recognisedLines: 0,
    unparsedLines: 0,
  };
  const byLayer = new Map<string, LayerTactics>();
  const record = (layer: string, source: LayerTactics['source']): LayerTactics => {
    let entry = byLayer.get(layer);
    if (!entry) {
      entry = { layer, candidates: [], source };
      byLayer.set(layer, entry);
      result.tactics.push(entry);
    }
    return entry;
  };

  let costsLayer: string | undefined;
  let formats: string | undefined;
  let runner: { layer: string; implementation: string } | undefined;
  let op: LayerTactics | undefined;
  const chosenByRunnerType = new Map<string, { implementation: string; tactic: string }>();
  const announcedNames = new Map<string, string>();

  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line === '') continue;
    let match: RegExpExecArray | null;
    let recognised = true;

    const version = VERSION_TEXT.exec(line) ?? VERSION_TAG.exec(line);
    if (version && !result.tensorrtVersion) {
      result.tensorrtVersion = version[0].startsWith('[') ? versionFromTag(version[1]) : version[1];
    }

    if ((match = ELIGIBLE.exec(line) ?? ELIGIBLE_10.exec(line))) {
      result.sparsity.eligible = splitLayerList(match[1]);
      result.sparsityListsFound.eligible = true;
    } else if ((match = PICKED.exec(line) ?? PICKED_10.exec(line))) {
      result.sparsity.picked = splitLayerList(match[1]);
      result.sparsityListsFound.picked = true;
    } else if (NO_ELIGIBLE.test(line)) {
      result.sparsityListsFound.eligible = true;
    } else if ((match = MOCK_INELIGIBLE.exec(line))) {
      result.ineligible[match[1]] = match[2];
    } else if ((match = COMPUTING.exec(line))) {
      costsLayer = match[1].trim() || undefined;
      formats = undefined;
      runner = undefined;
      op = undefined;
    } else if ((match = FORMAT_COMBO.exec(line))) {
      formats = match[1];
      runner = undefined;
    } else if ((match = RUNNER.exec(line))) {
      runner = { layer: match[1].trim(), implementation: match[2] };
      op = undefined;
      announcedNames.clear();
    } else if ((match = SET_TACTIC_NAME.exec(line))) {
      if (match[3]) announcedNames.set(normalizeTactic(match[3]), match[2]);
    } else if ((match = TACTIC.exec(line)) && runner) {
      const kernelName = match[1] ?? announcedNames.get(normalizeTactic(match[2]));
      const candidate: TacticCandidate = {
        tactic: normalizeTactic(match[2]),
        implementation: runner.implementation,
        timeMs: parseTime(match[3]),
        ...(kernelName ? { kernelName } : {}),
        sparse: kernelIsSparse(kernelName),
        ...(formats ? { formats } : {}),
      };
      record(runner.layer, 'verbose-log').candidates.push(candidate);
    } else if (((match = TACTIC_SKIPPED.exec(line)) || (match = SKIPPING_TACTIC.exec(line))) && runner) {
      const kernelName = match.length > 3 ? match[1] : undefined;
      const tactic = normalizeTactic(match.length > 3 ? match[2] : match[1]);
      record(runner.layer, 'verbose-log').candidates.push({
        tactic,
        implementation: runner.implementation,
        timeMs: null,
        ...(kernelName ? { kernelName } : {}),
        sparse: kernelIsSparse(kernelName),
        ...(formats ? { formats } : {}),
      });
    } else if ((match = NO_VALID.exec(line))) {
      const layer = runner?.layer ?? costsLayer;
      if (layer) result.skippedRunners.push({ layer, implementation: match[1], ...(formats ? { formats } : {}), reason: 'no valid tactics for this config' });
    } else if ((match = FASTEST.exec(line))) {
      if (runner) result.fastest.push({ layer: runner.layer, implementation: runner.implementation, ...(formats ? { formats } : {}), tactic: normalizeTactic(match[1]), timeMs: parseTime(match[2]) });
    } else if ((match = CHOSE.exec(line))) {
      const layer = costsLayer ?? runner?.layer;
      if (layer) chosenByRunnerType.set(layer, { implementation: match[1], tactic: normalizeTactic(match[2]) });
    } else if ((match = ENGINE_LAYER.exec(line))) {
      const [, layerType, name, tactic, tensors] = match;
      const [inputText, outputText = ''] = tensors.split(' -> ');
      const engineLayer: EngineLayerLine = { name, layerType, tactic: normalizeTactic(tactic), inputs: parseTensorList(inputText), outputs: parseTensorList(outputText) };
      result.engineLayers.push(engineLayer);
      result.formatsByLayer[name] = { inputs: engineLayer.inputs, outputs: engineLayer.outputs };
    } else if ((match = AUTOTUNING_OP.exec(line))) {
      const name = match[1].trim();
      op = { layer: name, candidates: [], source: 'editable-timing-cache', cacheKey: match[2].toLowerCase() };
      result.tactics.push(op);
      runner = undefined;
    } else if (TABLE_TITLE.test(line) || TABLE_HEADER.test(line) || WRITING.test(line)) {
      // Structure lines of the editable-cache table: nothing to keep.
    } else if ((match = TABLE_ROW.exec(line)) && op) {
      const kernelName = match[5];
      op.candidates.push({ tactic: normalizeTactic(match[6]), kernelName, timeMs: parseTime(match[2]), sparse: kernelIsSparse(kernelName) });
    } else if ((match = SELECTED.exec(line)) && op) {
      const tactic = normalizeTactic(match[1]);
      const known = op.candidates.find((candidate) => sameTactic(candidate.tactic, tactic));
      op.chosen = known ? { ...known } : { tactic, timeMs: parseTime(match[2]) };
    } else if (/^(Tactic|Fastest Tactic|Layer\(|Autotuning op|The selected tactic)/.test(line)) {
      recognised = false;
      if (result.warnings.length < 20) result.warnings.push(`Could not read this line: ${line.slice(0, 160)}`);
    } else {
      recognised = false;
    }
    if (recognised) result.recognisedLines += 1;
    else result.unparsedLines += 1;
  }

  // The choice: the engine's own layer line is final; "Chose Runner Type" is what the autotuner settled on.
  for (const entry of result.tactics) {
    if (entry.source !== 'verbose-log') continue;
    const engineLayer = result.engineLayers.find((layer) => layer.name === entry.layer);
    const runnerChoice = chosenByRunnerType.get(entry.layer);
    const tactic = engineLayer?.tactic ?? runnerChoice?.tactic;
    if (!tactic) continue;
    const implementation = engineLayer?.layerType ?? runnerChoice?.implementation;
    const timed = entry.candidates.filter((candidate) => sameTactic(candidate.tactic, tactic) && (!implementation || candidate.implementation === implementation));
    const best = timed.filter((candidate) => candidate.timeMs !== null).sort((a, b) => (a.timeMs as number) - (b.timeMs as number))[0] ?? timed[0];
    entry.chosen = best ? { ...best } : { tactic, ...(implementation ? { implementation } : {}), timeMs: null };
  }
  // Engine layers the autotuner never logged still have a choice worth recording.
  for (const engineLayer of result.engineLayers) {
    if (byLayer.has(engineLayer.name) || !/^Cask|Convolution|Gemm|MatrixMultiply/i.test(engineLayer.layerType)) continue;
    result.tactics.push({ layer: engineLayer.name, candidates: [], chosen: { tactic: engineLayer.tactic, implementation: engineLayer.layerType, timeMs: null }, source: 'verbose-log' });
  }

  if (result.recognisedLines === 0 && result.tensorrtVersion === undefined) {
    throw new TensorRTError(
      'ERR_ANALYSIS_INPUT',
      'This does not look like a TensorRT build log: no sparsity report, autotuning lines or engine layer lines were found. Capture one with `trtexec --verbose …` or buildEngine({ … }) with a verbose logger.',
      { lines: result.lineCount },
    );
  }
  return result;
}
