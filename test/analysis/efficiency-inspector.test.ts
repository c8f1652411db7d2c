/**
 * End to end over real, user-posted trtexec exports (seed 000, TensorRT 8.5 on a Jetson Orin): the other
 * analysis' parsers feed analyzeEfficiency, and the figures are checked by hand from the JSON.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeEfficiency, formatEfficiency } from '../../lib/analysis/efficiency.js';
import { normalizeInspectorJson } from '../../lib/analysis/parse/inspector.js';
import { parseTrtexecProfile } from '../../lib/analysis/parse/trtexec.js';
import { resolvePeaks } from '../../lib/analysis/peaks.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/trtexec');
const layers = normalizeInspectorJson(JSON.parse(readFileSync(resolve(fixtures, 'seed000-layerinfo.json'), 'utf8')));
const profile = parseTrtexecProfile(JSON.parse(readFileSync(resolve(fixtures, 'seed000-profile.json'), 'utf8')));
const peaks = resolvePeaks({ deviceProfileId: 'orin-agx-64gb-maxn' });
const report = analyzeEfficiency({ layers, profile, peaks });
const byName = (name: string) => report.layers.find((layer) => layer.name === name);

describe('analyzeEfficiency over the seed 000 inspector and profile exports', () => {
  it('counts the fused 1x1 conv + residual add: FLOPs from Weights.Count, two input tensors, sparse peak', () => {
    const layer = byName('Conv_276 + Add_277 + Relu_278');
    // Output 2x160x16x30, 1x1 kernel, Weights.Count 25600 = 160·160: 2 · 2·16·30 · 25600.
    expect(layer?.flops).toBe(2 * 2 * 16 * 30 * 25600);
    // Conv input and residual input, and the output, each 2·160·16·30 halves (160 is a multiple of 16: no padding).
    const activation = 2 * 160 * 16 * 30 * 2;
    expect(layer?.bytes?.activationsIn).toBe(2 * activation);
    expect(layer?.bytes?.activationsOut).toBe(activation);
    expect(layer?.bytes?.weights).toBe((25600 + 160) * 2);
    expect(layer?.bytes?.padding).toBe(0);
    // Its tactic is a sparse kernel (sptensor), so its roof is the 2:4 sparse peak.
    expect(layer?.sparse).toBe(true);
    expect(layer?.peakTflops).toBe(85);
    expect(layer?.timeMs).toBe(0.0207939);
    expect(layer?.timeSource).toBe('measured');
    expect(layer?.achievedTflops).toBeCloseTo((2 * 2 * 16 * 30 * 25600) / 0.0207939e-3 / 1e12, 9);
  });

  it('treats the NoOp reformat copy as a reformat that moves data and took 0 ms', () => {
    const layer = byName('Reformatting CopyNode for Input Tensor 0 to Conv_663 + Add_664 + Relu_665');
    expect(layer?.isReformat).toBe(true);
    expect(layer?.flops).toBe(0);
    expect(layer?.bytes?.total).toBe(2 * (288 * 88 * 64 * 2));
    expect(layer?.timeMs).toBe(0);
    expect(layer?.percentOfRoofline).toBeNull();
  });

  it('notes the profiled layers the inspector excerpt does not contain', () => {
    expect(report.notes.join(' ')).toMatch(/profiled layer\(s\) have no matching engine layer/);
    expect(formatEfficiency(report)).toContain('Conv_663 + Add_664 + Relu_665');
  });
});
