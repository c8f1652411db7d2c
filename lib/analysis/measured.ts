/**
 * Per-layer times MEASURED on a GPU (trtexec `--exportProfile`, the `--dumpProfile` table in its log, or
 * Engine.profile()), laid out without any device profile: what each layer and each reformat copy took, and
 * what the IO reformats would save. Needs no peaks, so it is shown even when the inputs name no known GPU.
 */
import type { LayerInfo, LayerProfile, LayerTensor } from '../types/index.js';
import type { TrtexecComputeTime } from './parse/build-log.js';
import { dataTypeFacts } from '../tensors/facts.js';

/** One profiled layer. */
export interface MeasuredLayerTime {
  name: string;
  /** From the layer information, when given. */
  layerType?: string;
  isReformat: boolean;
  /** Per-run average and median over the profiled iterations, ms. */
  averageMs: number;
  medianMs: number;
  /** Share of the sum of all layers' averages, percent. */
  sharePercent: number;
  /** Input and output layouts, e.g. `chw -> hwc8`, when the layer information gives them. */
  formats?: string;
}

/** A reformat copy between the application's IO layout and the kernels' (first layer's input, last layer's output). */
export interface IoReformat {
  name: string;
  direction: 'input' | 'output';
  /** The network tensor on the application's side. */
  tensor?: string;
  /** Layout and type on the kernels' side, as trtexec spells an IO format (`fp16:hwc8`), when known. */
  kernelFormat?: string;
  averageMs: number;
}

/** What {@link measuredLayerTimes} returns. */
export interface MeasuredLayerTimes {
  /** Always true: these times are measurements, not estimates. */
  measured: true;
  source: string;
  layers: MeasuredLayerTime[];
  /** Sum of the per-layer averages, ms (profiling adds some overhead; trtexec's GPU compute time is the whole-run figure). */
  totalMs: number;
  reformats: { count: number; totalMs: number; sharePercent: number; names: string[] };
  ioReformats: IoReformat[];
  /** trtexec's whole-run GPU compute time from the same log, when there is one (measured without the profiler). */
  computeTime?: TrtexecComputeTime;
  /** Advice these measurements support, with the time it concerns. */
  advice: string[];
}

const IO_REFORMAT = /^Reformatting CopyNode for (?:(Input|Output) Tensor \d+ to .*|Network (Input|Output) .*)$/;

function shortFormat(tensor: LayerTensor): string {
  if (tensor.format !== 'unknown') return tensor.format;
  if (tensor.channelAlignment > 1) return `c%${tensor.channelAlignment}`;
  return 'unknown';
}

/**
 * Lays out measured per-layer times.
 *
 * @param input.profile - measured per-layer profile (never an estimate: the caller keeps estimates out)
 * @param input.layers - the engine's layer information, for types, layouts and which tensors are network IO
 * @param input.source - where the profile came from, for the heading
 * @param input.computeTime - trtexec's GPU compute time from the same run, when known
 */
export function measuredLayerTimes(input: { profile: LayerProfile[]; layers?: LayerInfo[]; source: string; computeTime?: TrtexecComputeTime }): MeasuredLayerTimes {
  const byName = new Map((input.layers ?? []).map((layer) => [layer.name, layer]));
  const produced = new Set((input.layers ?? []).flatMap((layer) => layer.outputs.map((tensor) => tensor.name)));
  const consumed = new Set((input.layers ?? []).flatMap((layer) => layer.inputs.map((tensor) => tensor.name)));
  const totalMs = input.profile.reduce((sum, row) => sum + row.averageMs, 0);
  const layers: MeasuredLayerTime[] = input.profile.map((row) => {
    const info = byName.get(row.name);
    const isReformat = info?.isReformat ?? /^Reformatting CopyNode/.test(row.name);
    return {
      name: row.name,
      ...(info ? { layerType: info.layerType } : {}),
      isReformat,
      averageMs: row.averageMs,
      medianMs: row.medianMs,
      sharePercent: totalMs > 0 ? (row.averageMs / totalMs) * 100 : 0,
      ...(info && (info.inputs.length > 0 || info.outputs.length > 0)
        ? { formats: `${info.inputs.map(shortFormat).join(',')} -> ${info.outputs.map(shortFormat).join(',')}` }
        : {}),
    };
  });
  const reformatRows = layers.filter((layer) => layer.isReformat && layer.averageMs > 0);
  const reformatMs = reformatRows.reduce((sum, layer) => sum + layer.averageMs, 0);

  const ioReformats: IoReformat[] = [];
  for (const layer of reformatRows) {
    const match = IO_REFORMAT.exec(layer.name);
    if (!match) continue;
    const direction = (match[1] ?? match[2]) === 'Input' ? 'input' : 'output';
    const info = byName.get(layer.name);
    // Network IO: the copied input is written by no layer, the written output read by none.
    const outer = direction === 'input' ? info?.inputs[0] : info?.outputs[0];
    const inner = direction === 'input' ? info?.outputs[0] : info?.inputs[0];
    if (info && outer && (direction === 'input' ? produced.has(outer.name) : consumed.has(outer.name))) continue;
    const type = inner ? dataTypeFacts(inner.dataType)?.ioType : undefined;
    const kernelFormat = inner && inner.format !== 'unknown' && type ? `${type}:${inner.format}` : undefined;
    ioReformats.push({ name: layer.name, direction, ...(outer ? { tensor: outer.name } : {}), ...(kernelFormat ? { kernelFormat } : {}), averageMs: layer.averageMs });
  }

  const advice: string[] = [];
  if (ioReformats.length > 0) {
    const ioMs = ioReformats.reduce((sum, item) => sum + item.averageMs, 0);
    const inputFormat = ioReformats.find((item) => item.direction === 'input')?.kernelFormat;
    const outputFormat = ioReformats.find((item) => item.direction === 'output')?.kernelFormat;
    const flags = [inputFormat ? `--inputIOFormats=${inputFormat}` : undefined, outputFormat ? `--outputIOFormats=${outputFormat}` : undefined].filter((flag) => flag !== undefined);
    advice.push(
      `${ioReformats.length} IO reformat layer(s) (${ioReformats.map((item) => item.name).join('; ')}) only convert between the application's layout and the kernels'; ` +
        `they took ${ms(ioMs)} ms measured = ${percent(totalMs > 0 ? (ioMs / totalMs) * 100 : 0)} of the layer time sum (${ms(totalMs)} ms).` +
        (flags.length > 0 ? ` Give the IO in the kernels' layout (trtexec ${flags.join(' ')}; in the API inputIOFormats/outputIOFormats) and they go; the application must then supply and read that layout.` : ' The layer information (trtexec --exportLayerInfo) would name the kernels\' layout to ask for.') +
        ` [expected gain up to ${ms(ioMs)} ms]`,
    );
  }
  return {
    measured: true,
    source: input.source,
    layers,
    totalMs,
    reformats: { count: reformatRows.length, totalMs: reformatMs, sharePercent: totalMs > 0 ? (reformatMs / totalMs) * 100 : 0, names: reformatRows.map((layer) => layer.name) },
    ioReformats,
    ...(input.computeTime ? { computeTime: input.computeTime } : {}),
    advice,
  };
}

function ms(value: number): string {
  return value.toFixed(4);
}

function percent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** Text for the CLI: one row per layer, MEASURED in the heading; `advice: false` leaves the advice out. */
export function formatMeasuredLayerTimes(times: MeasuredLayerTimes, options: { advice?: boolean } = {}): string {
  const rows = times.layers.map((layer) => [layer.name.length > 60 ? `${layer.name.slice(0, 59)}…` : layer.name, layer.layerType ?? '', layer.formats ?? '', ms(layer.averageMs), ms(layer.medianMs), percent(layer.sharePercent)]);
  const header = ['layer', 'type', 'formats', 'avg ms', 'median ms', 'share'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column >= 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd();
  const out = [`Per-layer times, MEASURED (not estimates), from ${times.source}:`, '', line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
  out.push('');
  out.push(`Layer time sum ${ms(times.totalMs)} ms (measured, with the profiler's per-layer synchronisation).`);
  if (times.computeTime) out.push(`trtexec GPU compute time of the same engine (no profiler): mean ${ms(times.computeTime.mean)} ms, median ${ms(times.computeTime.median)} ms, min ${ms(times.computeTime.min)} ms.`);
  out.push(times.reformats.count > 0 ? `Reformats: ${times.reformats.count} layer(s), ${ms(times.reformats.totalMs)} ms = ${percent(times.reformats.sharePercent)} of the layer time sum: ${times.reformats.names.join('; ')}.` : 'Reformats: none with a measured time.');
  // The efficiency analysis, when there are peaks, gives the same advice with the roofline; one list is enough.
  if (times.advice.length > 0 && options.advice !== false) {
    out.push('', 'Advice (from these measurements):');
    times.advice.forEach((text, index) => out.push(`${index + 1}. ${text}`));
  }
  return out.join('\n');
}
