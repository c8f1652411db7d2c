/**
 * `trtn explain`, `compare` and `inspect` on trtexec's real output (test/fixtures/real, H200, TensorRT 10.6.0 and
 * 8.6.1). Expected values come from TensorRT's and trtexec's own lines and exports, read here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const real = join(import.meta.dirname, '..', 'fixtures', 'real');
const file = (version: string, name: string, leaf: string) => join(real, version, name, leaf);
const exportedJson = (version: string, name: string, leaf: string) => JSON.parse(readFileSync(file(version, name, leaf), 'utf8'));

/** TensorRT's engine-level `(Sparsity)` list from the log (not the ` (foreignNode) ` ones). */
function tensorrtList(version: string, name: string, word: 'Found' | 'Chose'): { count: number; names: string[] } {
  const text = gunzipSync(readFileSync(file(version, name, 'trtexec-verbose.log.gz'))).toString('utf8');
  const line = text.split('\n').find((item) => item.includes(`[I] [TRT] (Sparsity) ${word} `))!;
  const list = line.slice(line.indexOf('tactics:') + 'tactics:'.length).trim();
  return { count: Number(/(\d+) layer\(s\)/.exec(line)![1]), names: list === '' ? [] : list.split(', ') };
}

describe('trtn explain <trtexec --verbose log>', () => {
  it('resnet18 2:4: names TensorRT\'s 19 eligible and 1 chosen layer, as the trtexec log printed them', async () => {
    const eligible = tensorrtList('trt10.6-h200', 'resnet18-2of4', 'Found');
    const chosen = tensorrtList('trt10.6-h200', 'resnet18-2of4', 'Chose');
    // What this trtexec run printed (our own build of the same model chose a different layer).
    expect([eligible.count, chosen.count]).toEqual([19, 1]);
    expect(chosen.names).toEqual(['/layer3/layer3.0/downsample/downsample.0/Conv + /layer3/layer3.0/Add + /layer3/layer3.0/relu_1/Relu']);

    const json = await runCli(['explain', file('trt10.6-h200', 'resnet18-2of4', 'trtexec-verbose.log.gz'), '--json']);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.sparsity.counts.eligible).toBe(19);
    expect(result.sparsity.counts.picked).toBe(1);
    const listed = result.sparsity.layers.filter((layer: { eligible: boolean }) => layer.eligible).map((layer: { layer: string }) => layer.layer);
    expect([...listed].sort()).toEqual([...eligible.names].sort());
    expect(result.sparsity.layers.filter((layer: { picked: boolean }) => layer.picked).map((layer: { layer: string }) => layer.layer)).toEqual(chosen.names);
    expect(result.sparsity.eligibleNotPicked).toHaveLength(18);

    // Each eligible-not-chosen layer: best sparse and best dense = its fastest sparse and dense `Tactic Name` lines
    // (over all format combinations); a layer timed through the timing cache takes those of the layer whose
    // Tactic line its `got cached result: …, tactic 0x…, <ms> ms` repeats.
    const lines = gunzipSync(readFileSync(file('trt10.6-h200', 'resnet18-2of4', 'trtexec-verbose.log.gz'))).toString('utf8').split('\n').map((line) => line.replace(/^\[[^\]]*\] \[V\] \[TRT\] /, '').trim());
    const named: { layer: string; kernel: string; tactic: string; time: number }[] = [];
    let runner = '';
    for (const line of lines) {
      const header = /^-+ Timing Runner: (.*) \([A-Za-z]+\[0x[0-9a-f]+\]\)$/.exec(line);
      if (header) runner = header[1];
      const tactic = /^Tactic Name: (\S+) .*Tactic: (0x[0-9a-f]+) Time: ([0-9.e+-]+)/.exec(line);
      if (tactic) named.push({ layer: runner, kernel: tactic[1], tactic: tactic[2], time: Number(tactic[3]) });
    }
    for (const layerName of result.sparsity.eligibleNotPicked as string[]) {
      let own = named.filter((line) => line.layer === layerName);
      if (own.length === 0) {
        const hit = lines.find((line) => line.startsWith(`${layerName} [`) && line.includes('] got cached result: CaskConvolution'))!;
        const [, tactic, time] = /tactic (0x[0-9a-f]+), ([0-9.e+-]+) ms/.exec(hit)!;
        const source = named.find((line) => line.tactic === tactic && line.time === Number(time))!.layer;
        own = named.filter((line) => line.layer === source);
      }
      const best = (sparse: boolean) => Math.min(...own.filter((line) => /sparse|sptensor/.test(line.kernel) === sparse).map((line) => line.time));
      const entry = result.sparsity.layers.find((layer: { layer: string }) => layer.layer === layerName);
      expect(entry.overall.bestSparse.timeMs, layerName).toBe(best(true));
      expect(entry.overall.bestDense.timeMs, layerName).toBe(best(false));
      expect(entry.reason).toBe('dense-faster');
    }

    const text = await runCli(['explain', file('trt10.6-h200', 'resnet18-2of4', 'trtexec-verbose.log.gz')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('1 of 19 eligible layer(s) went sparse; 18 stayed dense.');
    // The text is wrapped to the terminal width.
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(`${chosen.names[0]} (C_in 128, C_out 256, 1x1) went sparse`);
    // Its first convolution (C=3) reads a 4-wide channel-last layout no IO format names: no made-up flag to set.
    const io = result.efficiency.advice.find((item: { kind: string }) => item.kind === 'io-reformats');
    expect(io.message).toContain('no IO format name');
    expect(io.message).not.toMatch(/inputIOFormats[=:] ?'?fp16:chw/);
  });

  it('resnet-like 2:4: 2 eligible, 1 chosen, as the trtexec log printed (HasSparseWeights on a third layer does not add it)', async () => {
    const eligible = tensorrtList('trt10.6-h200', 'resnet-like-2of4', 'Found');
    const result = JSON.parse((await runCli(['explain', file('trt10.6-h200', 'resnet-like-2of4', 'trtexec-verbose.log.gz'), '--json'])).stdout);
    expect(result.sparsity.counts.eligible).toBe(eligible.count);
    expect(result.sparsity.counts.picked).toBe(tensorrtList('trt10.6-h200', 'resnet-like-2of4', 'Chose').count);
    const b2 = result.sparsity.layers.find((layer: { layer: string }) => layer.layer === '/b2/conv/Conv + /b2/Add + /b2/Relu');
    expect(b2.eligible).toBe(false);
  });

  for (const version of ['trt10.6-h200', 'trt8.6-h200']) {
    it(`${version} seed-003 default: per-layer times MEASURED from the log's --dumpProfile, peaks from the GPU it names, hwc8 IO advised`, async () => {
      const run = await runCli(['explain', file(version, 'seed003-default', 'trtexec-verbose.log.gz'), '--json']);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.estimated).toBe(false);
      expect(result.measured.measured).toBe(true);
      expect(result.measured.source).toContain('--dumpProfile');
      const exported = exportedJson(version, 'seed003-default', 'trtexec-profile.json').slice(1);
      expect(result.measured.layers.map((layer: { name: string }) => layer.name)).toEqual(exported.map((row: { name: string }) => row.name));
      expect(result.measured.ioReformats.map((item: { kernelFormat: string }) => item.kernelFormat)).toEqual(['fp16:hwc8', 'fp16:hwc8']);
      // No formats left unknown in this engine.
      for (const layer of result.measured.layers) expect(layer.formats).not.toContain('unknown');
      // "Selected Device: NVIDIA H200" in the log picks the datasheet profile without --gpu.
      expect(result.efficiency.peaks.profile.id).toBe('h200-sxm');
      const advice = result.efficiency.advice.find((item: { kind: string }) => item.kind === 'io-reformats');
      expect(advice.message).toContain('--inputIOFormats=fp16:hwc8 --outputIOFormats=fp16:hwc8');
      expect(advice.estimated).toBe(false);
    });
  }
});

describe('trtn explain <--exportLayerInfo> <--exportProfile> (no GPU named)', () => {
  it('seed-003 default (10.6): the two reformat layers with their measured time and share, and hwc8 IO advice', async () => {
    const profile = exportedJson('trt10.6-h200', 'seed003-default', 'trtexec-profile.json').slice(1) as { name: string; averageMs: number }[];
    const run = await runCli(['explain', file('trt10.6-h200', 'seed003-default', 'trtexec-layerinfo.json'), file('trt10.6-h200', 'seed003-default', 'trtexec-profile.json')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Per-layer times, MEASURED (not estimates), from the per-layer profile (--exportProfile)');
    const total = profile.reduce((sum, row) => sum + row.averageMs, 0);
    for (const row of profile) {
      const line = run.stdout.split('\n').find((text) => text.startsWith(row.name))!;
      expect(line, row.name).toContain(row.averageMs.toFixed(4));
      expect(line).toContain(`${((row.averageMs / total) * 100).toFixed(1)}%`);
      expect(line).not.toContain('unknown');
    }
    const reformatMs = profile.filter((row) => row.name.startsWith('Reformatting CopyNode')).reduce((sum, row) => sum + row.averageMs, 0);
    expect(run.stdout).toContain(`Reformats: 2 layer(s), ${reformatMs.toFixed(4)} ms = ${((reformatMs / total) * 100).toFixed(1)}% of the layer time sum`);
    expect(run.stdout).toContain('--inputIOFormats=fp16:hwc8 --outputIOFormats=fp16:hwc8');
    expect(run.stdout).not.toMatch(/ESTIMATE/);
  });

  it('8.6 exports: the same answer from 8.6\'s sentences', async () => {
    const run = await runCli(['explain', file('trt8.6-h200', 'seed003-default', 'trtexec-layerinfo.json'), file('trt8.6-h200', 'seed003-default', 'trtexec-profile.json'), '--json']);
    const result = JSON.parse(run.stdout);
    expect(result.measured.layers.map((layer: { formats: string }) => layer.formats)).toEqual(['chw -> hwc8', 'hwc8 -> hwc8', 'hwc8 -> hwc8', 'hwc8 -> hwc8', 'hwc8 -> chw']);
    expect(result.measured.ioReformats.map((item: { averageMs: number }) => item.averageMs)).toEqual([0.0618003, 0.0549715]);
  });
});

describe('trtn explain on the resnet-like 2:4 exports without the log', () => {
  it('says that "eligible" then means HasSparseWeights, which counts one layer more than TensorRT\'s list', async () => {
    const run = await runCli(['explain', file('trt10.6-h200', 'resnet-like-2of4', 'trtexec-layerinfo.json'), file('trt10.6-h200', 'resnet-like-2of4', 'trtexec-profile.json'), '--json']);
    const result = JSON.parse(run.stdout);
    const flagged = exportedJson('trt10.6-h200', 'resnet-like-2of4', 'trtexec-layerinfo.json').Layers.filter((layer: { HasSparseWeights?: number }) => layer.HasSparseWeights === 1).length;
    expect(result.sparsity.counts.eligible).toBe(flagged);
    expect(flagged).toBe(tensorrtList('trt10.6-h200', 'resnet-like-2of4', 'Found').count + 1);
    expect(result.sparsity.warnings.join(' ')).toContain('means the layer information reports 2:4 weights (HasSparseWeights = 1)');
    // With the log, TensorRT's list decides (see above); the chosen layer is the same either way.
    expect(result.sparsity.layers.filter((layer: { picked: boolean }) => layer.picked).map((layer: { layer: string }) => layer.layer)).toEqual(tensorrtList('trt10.6-h200', 'resnet-like-2of4', 'Chose').names);
  });
});

describe('trtn compare on the seed-003 default and hwc8 trtexec exports', () => {
  it('the reformat layers are the difference, with measured profile times, and hwc8 wins on trtexec\'s own times', async () => {
    const side = (name: string) => `${file('trt10.6-h200', name, 'trtexec-layerinfo.json')},${file('trt10.6-h200', name, 'trtexec-profile.json')}`;
    const run = await runCli([
      'compare',
      side('seed003-default'),
      side('seed003-hwc8'),
      '--times',
      file('trt10.6-h200', 'seed003-default', 'trtexec-times-first200.json'),
      file('trt10.6-h200', 'seed003-hwc8', 'trtexec-times-first200.json'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    const profile = exportedJson('trt10.6-h200', 'seed003-default', 'trtexec-profile.json').slice(1) as { name: string; averageMs: number }[];
    const removed = result.layers.filter((layer: { status: string }) => layer.status === 'removed');
    expect(removed.map((layer: { nameA: string }) => layer.nameA)).toEqual(['Reformatting CopyNode for Input Tensor 0 to /conv1/Conv', 'Reformatting CopyNode for Output Tensor 0 to /conv3/Conv']);
    for (const layer of removed) {
      expect(layer.isReformat).toBe(true);
      expect(layer.timeA).toEqual({ ms: profile.find((row) => row.name === layer.nameA)!.averageMs, source: 'profile', estimated: false });
    }
    expect(result.layers.filter((layer: { status: string }) => layer.status === 'added')).toEqual([]);
    // The convolutions are the same kernels in the same layout on both sides: within 2% of each other.
    for (const layer of result.layers.filter((item: { status: string }) => item.status === 'matched')) expect(Math.abs(layer.deltaMs)).toBeLessThan(layer.timeA.ms * 0.02);
    const text = (await runCli(['compare', side('seed003-default'), side('seed003-hwc8'), '--times', file('trt10.6-h200', 'seed003-default', 'trtexec-times-first200.json'), file('trt10.6-h200', 'seed003-hwc8', 'trtexec-times-first200.json')])).stdout;
    expect(text).toMatch(/^Verdict: B is faster than A/);
    expect(text).toContain('Reformats: A 2 (0.115 ms), B 0');
  });
});

describe('trtn compare on the two seed-003 trtexec logs of 8.6 (layers and --dumpProfile from the logs themselves)', () => {
  it('the two IO reformats only in the default build, with the times of its --dumpProfile table', async () => {
    const run = await runCli(['compare', file('trt8.6-h200', 'seed003-default', 'trtexec-verbose.log.gz'), file('trt8.6-h200', 'seed003-hwc8', 'trtexec-verbose.log.gz'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    const table = gunzipSync(readFileSync(file('trt8.6-h200', 'seed003-default', 'trtexec-verbose.log.gz')))
      .toString('utf8')
      .split('\n')
      .map((line) => /\[I\]\s+[0-9.]+\s+([0-9.]+)\s+[0-9.]+\s+[0-9.]+\s+(Reformatting CopyNode.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match![2], Number(match![1])]);
    expect(table).toHaveLength(2);
    const removed = result.layers.filter((layer: { status: string }) => layer.status === 'removed').map((layer: { nameA: string; timeA: { ms: number; source: string } }) => [layer.nameA, layer.timeA.ms]);
    expect(removed).toEqual(table);
    expect(result.layers.filter((layer: { status: string }) => layer.status === 'added')).toEqual([]);
    expect(result.endToEnd.verdict).toBe('faster');
  });
});

describe('trtn inspect <--exportLayerInfo>', () => {
  for (const version of ['trt10.6-h200', 'trt8.6-h200']) {
    for (const name of ['seed003-default', 'seed003-hwc8']) {
      it(`${version}/${name}: real layer names, every format named`, async () => {
        const run = await runCli(['inspect', file(version, name, 'trtexec-layerinfo.json'), '--json']);
        expect(run.code).toBe(0);
        const { layers } = JSON.parse(run.stdout) as { layers: { name: string; inputs: { format: string }[]; outputs: { format: string }[] }[] };
        expect(layers.map((layer) => layer.name)).toEqual(exportedJson(version, name, 'trtexec-layerinfo.json').Layers.map((layer: { Name: string }) => layer.Name));
        for (const layer of layers) for (const tensor of [...layer.inputs, ...layer.outputs]) expect(tensor.format, layer.name).not.toBe('unknown');
        const conv = layers.find((layer) => layer.name === '/conv1/Conv')!;
        expect(conv.inputs[0].format).toBe('hwc8');
      });
    }
  }

  it('resnet18: only tensors TensorRT gives no layout name for stay unknown', async () => {
    const { layers } = JSON.parse((await runCli(['inspect', file('trt10.6-h200', 'resnet18-2of4', 'trtexec-layerinfo.json'), '--json'])).stdout) as {
      layers: { inputs: { name: string; format: string; formatText: string }[]; outputs: { name: string; format: string; formatText: string }[] }[];
    };
    const unknown = layers.flatMap((layer) => [...layer.inputs, ...layer.outputs]).filter((tensor) => tensor.format === 'unknown');
    // The 4-wide channel-last input of conv1 (no public TensorRT name) and Myelin-internal tensors without a named neighbour.
    for (const tensor of unknown) expect(tensor.formatText === 'Half' || tensor.formatText === 'Float' || tensor.formatText.endsWith('channel % 4 == 0'), tensor.name).toBe(true);
    expect(unknown.filter((tensor) => tensor.formatText === 'Half').length).toBeLessThan(27);
  });
});
