/**
 * Hand-written SVG charts for the HTML report: no scripts, no external resources, text escaped.
 */
import { escapeHtml } from './escape.js';
import { fmt } from './format.js';

/** One bar of the latency chart. */
export interface LatencyBar {
  label: string;
  ms: number;
  estimated: boolean;
  reformat: boolean;
}

/** Horizontal bars, one per layer, labelled; estimated times are hatched and say so in their title. */
export function latencyBarsSvg(bars: LatencyBar[]): string {
  const rowHeight = 22;
  const labelWidth = 330;
  const plotWidth = 520;
  const valueWidth = 110;
  const top = 8;
  const width = labelWidth + plotWidth + valueWidth;
  const height = top + bars.length * rowHeight + 8;
  const max = Math.max(...bars.map((bar) => bar.ms), 1e-9);
  const rows = bars.map((bar, index) => {
    const y = top + index * rowHeight;
    const length = Math.max((bar.ms / max) * plotWidth, 1);
    const kind = bar.estimated ? 'estimated' : 'measured';
    const label = bar.label.length > 48 ? `${bar.label.slice(0, 47)}…` : bar.label;
    const title = `${bar.label}: ${bar.ms.toFixed(4)} ms (${kind}${bar.reformat ? ', reformat' : ''})`;
    return (
      `<g><title>${escapeHtml(title)}</title>` +
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" class="axis-label">${escapeHtml(label)}</text>` +
      `<rect class="bar ${kind}${bar.reformat ? ' reformat' : ''}" x="${labelWidth}" y="${y + 3}" width="${length.toFixed(2)}" height="${rowHeight - 6}"/>` +
      `<text x="${(labelWidth + length + 6).toFixed(2)}" y="${y + 15}" class="value-label">${bar.ms.toFixed(3)} ms${bar.estimated ? ' (est.)' : ''}</text></g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart latency" role="img" aria-label="Per-layer latency" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f6c48f"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8701e" stroke-width="3"/></pattern></defs>' +
    rows.join('') +
    '</svg>'
  );
}

/** One point of the roofline chart. */
export interface RooflinePoint {
  label: string;
  /** FLOP/B. */
  intensity: number;
  /** Achieved TFLOP/s. */
  tflops: number;
  estimated: boolean;
  /** Extra text for the hover title. */
  detail: string;
}

/** Roofs of the chart. */
export interface Roofs {
  bandwidthGBs: number;
  /** Compute roofs, highest first is not required; each drawn as a horizontal line, e.g. FP16 dense and sparse. */
  compute: { label: string; tflops: number; dashed?: boolean }[];
}

/**
 * Log-log roofline: x = arithmetic intensity (FLOP/B), y = achieved TFLOP/s; the memory roof is
 * y = x × bandwidth, each compute roof a horizontal line from its ridge point. One dot per point.
 */
export function rooflineSvg(points: RooflinePoint[], roofs: Roofs): string {
  const width = 720;
  const height = 420;
  const margin = { left: 70, right: 150, top: 16, bottom: 50 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const bandwidthTflopsPerIntensity = roofs.bandwidthGBs / 1000;
  const peaks = roofs.compute.map((roof) => roof.tflops).filter((value) => value > 0);
  const maxPeak = Math.max(...peaks, 1e-6);
  const ridges = peaks.map((peak) => peak / bandwidthTflopsPerIntensity);
  const xs = [...points.map((point) => point.intensity), ...ridges].filter((value) => value > 0);
  const ys = [...points.map((point) => point.tflops), maxPeak].filter((value) => value > 0);
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...xs, 1)) - 0.3);
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(...xs, 10)) + 0.3);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys, xMin * bandwidthTflopsPerIntensity)));
  const yMax = 10 ** Math.ceil(Math.log10(maxPeak * 1.5));
  const sx = (x: number): number => margin.left + ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * plotWidth;
  const sy = (y: number): number => margin.top + plotHeight - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotHeight;
  const parts: string[] = [];
  // Grid and decade ticks.
  for (let decade = Math.log10(xMin); decade <= Math.log10(xMax) + 1e-9; decade += 1) {
    const x = sx(10 ** decade);
    parts.push(`<line class="grid" x1="${x.toFixed(1)}" y1="${margin.top}" x2="${x.toFixed(1)}" y2="${margin.top + plotHeight}"/>`);
    parts.push(`<text class="tick" x="${x.toFixed(1)}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${fmt(10 ** decade, 2)}</text>`);
  }
  for (let decade = Math.log10(yMin); decade <= Math.log10(yMax) + 1e-9; decade += 1) {
    const y = sy(10 ** decade);
    parts.push(`<line class="grid" x1="${margin.left}" y1="${y.toFixed(1)}" x2="${margin.left + plotWidth}" y2="${y.toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${margin.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${fmt(10 ** decade, 2)}</text>`);
  }
  // Memory roof, clipped to the plot, up to the highest compute roof.
  const highestRidge = maxPeak / bandwidthTflopsPerIntensity;
  const memoryStartX = Math.max(xMin, yMin / bandwidthTflopsPerIntensity);
  parts.push(
    `<line class="roof memory-roof" x1="${sx(memoryStartX).toFixed(1)}" y1="${sy(memoryStartX * bandwidthTflopsPerIntensity).toFixed(1)}" x2="${sx(highestRidge).toFixed(1)}" y2="${sy(maxPeak).toFixed(1)}"><title>${escapeHtml(`Memory roof: ${fmt(roofs.bandwidthGBs, 4)} GB/s`)}</title></line>`,
  );
  parts.push(`<text class="roof-label" x="${(sx(memoryStartX) + 8).toFixed(1)}" y="${(sy(memoryStartX * bandwidthTflopsPerIntensity) - 8).toFixed(1)}">${escapeHtml(`${fmt(roofs.bandwidthGBs, 4)} GB/s`)}</text>`);
  for (const roof of roofs.compute) {
    if (!(roof.tflops > 0)) continue;
    const ridge = roof.tflops / bandwidthTflopsPerIntensity;
    parts.push(
      `<line class="roof compute-roof${roof.dashed ? ' dashed' : ''}" x1="${sx(ridge).toFixed(1)}" y1="${sy(roof.tflops).toFixed(1)}" x2="${margin.left + plotWidth}" y2="${sy(roof.tflops).toFixed(1)}"><title>${escapeHtml(`${roof.label}: ${fmt(roof.tflops, 4)} TFLOP/s, ridge ${fmt(ridge, 3)} FLOP/B`)}</title></line>`,
    );
    parts.push(`<text class="roof-label" x="${margin.left + plotWidth + 4}" y="${(sy(roof.tflops) + 4).toFixed(1)}">${escapeHtml(`${roof.label} ${fmt(roof.tflops, 4)}`)}</text>`);
    parts.push(`<line class="ridge" x1="${sx(ridge).toFixed(1)}" y1="${sy(roof.tflops).toFixed(1)}" x2="${sx(ridge).toFixed(1)}" y2="${margin.top + plotHeight}"/>`);
  }
  for (const point of points) {
    if (!(point.intensity > 0 && point.tflops > 0)) continue;
    parts.push(
      `<circle class="dot${point.estimated ? ' estimated' : ''}" cx="${sx(point.intensity).toFixed(1)}" cy="${sy(point.tflops).toFixed(1)}" r="6"><title>${escapeHtml(`${point.label}: ${fmt(point.intensity, 3)} FLOP/B, ${fmt(point.tflops, 3)} TFLOP/s${point.estimated ? ' (estimated)' : ''}. ${point.detail}`)}</title></circle>`,
    );
  }
  parts.push(`<rect class="frame" x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}"/>`);
  parts.push(`<text class="axis-title" x="${margin.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">Arithmetic intensity (FLOP/B, log)</text>`);
  parts.push(`<text class="axis-title" transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">Achieved TFLOP/s (log)</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart roofline" role="img" aria-label="Roofline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}
