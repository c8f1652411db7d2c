// bench/lib.mjs, the benchmark's parsing and protocol helpers, against real trtexec output from the H200
// (test/fixtures/real): the figures the ratios are made of must be trtexec's own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTrtexecTimesJson, toTrtexecTimesJson } from '../../lib/timing/index.js';
// @ts-expect-error — a plain .mjs module without type declarations
import { buildSeconds, buildWarnings, ratioInterval, worstCases, parseGpuSamples, summarizeGpuSamples, cliBuildPhases, fastestCpu, fastestCpus, probeAllCpus, medians, parseCpuList, pickCpus, trtexecFigures, profileWindow, hostTimeline, gpuTimeline, pairedMedianRatio, partialState, resumeState, parseTask, describeThreads, ratioSteady, runSpread, timeModesInRounds } from '../../bench/lib.mjs';

const real = resolve(import.meta.dirname, '..', 'fixtures', 'real', 'trt10.6-h200');

describe('bench/lib.mjs', () => {
  it("reads trtexec 10.6's performance summary: GPU compute, latency (not H2D latency), H2D, enqueue, throughput", () => {
    const log = gunzipSync(readFileSync(join(real, 'seed003-default', 'trtexec-verbose.log.gz'))).toString('utf8');
    const summary = (label: string) => {
      const match = new RegExp(`\\[I\\] ${label}: min = [^,]+, max = [^,]+, mean = [^,]+, median = ([0-9.e+-]+) ms`).exec(log);
      return Number(match![1]);
    };
    const figures = trtexecFigures(log);
    expect(figures.gpuComputeMedianMs).toBe(summary('GPU Compute Time'));
    expect(figures.h2dMedianMs).toBe(summary('H2D Latency'));
    expect(figures.enqueueMedianMs).toBe(summary('Enqueue Time'));
    expect(figures.latencyMedianMs).toBe(summary('Latency'));
    expect(figures.latencyMedianMs).not.toBe(figures.h2dMedianMs);
    expect(figures.throughputQps).toBe(Number(/\[I\] Throughput: ([0-9.]+) qps/.exec(log)![1]));
    // The verbose explanations ("[V] GPU Compute Time: the GPU latency …") are not figures.
    expect(Number.isFinite(figures.gpuComputeMedianMs)).toBe(true);
    expect(trtexecFigures('no summary here')).toEqual({});
  });

  it('medians per figure over the runs that have it; failed runs kept as errors', () => {
    const runs = [{ throughputQps: 30, gpuComputeMedianMs: 0.02 }, { throughputQps: 10 }, { throughputQps: 20, gpuComputeMedianMs: 0.04 }, { error: 'trtn failed' }];
    expect(medians(runs)).toEqual({ throughputQps: 20, gpuComputeMedianMs: 0.03, errors: ['trtn failed'] });
    expect(medians([])).toEqual({});
  });

  it('CPU lists as /proc and sysfs print them', () => {
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('')).toEqual([]);
    expect(parseCpuList(null)).toEqual([]);
    expect(parseCpuList('5')).toEqual([5]);
  });

  it('picks two CPUs on different cores, CPU 0 last', () => {
    // 16 CPUs, SMT pairs (n, n + 8): 15's sibling is 7, so 14 is the next one off its core.
    const pairs = (cpu: number) => [cpu % 8, (cpu % 8) + 8];
    expect(pickCpus(Array.from({ length: 16 }, (_, i) => i), pairs)).toBe('15,14');
    // Adjacent siblings (2n, 2n + 1): 15 shares its core with 14, so 13.
    expect(pickCpus(Array.from({ length: 16 }, (_, i) => i), (cpu: number) => [cpu & ~1, cpu | 1])).toBe('15,13');
    expect(pickCpus([0, 1], (cpu: number) => [cpu])).toBe('1');
    expect(pickCpus([0], (cpu: number) => [cpu])).toBe('0');
    expect(pickCpus([2, 3], () => [2, 3])).toBe('3,2');
  });
  it('picks the fastest probed CPU other than CPU 0, ties to the higher number; CPU 0 only when alone', () => {
    // Probe times as the H200 box gave them: CPU 14 twice as slow as CPU 15.
    expect(fastestCpu({ 0: 1.0, 3: 2.5, 14: 5.1, 15: 2.5 })).toBe(15);
    expect(fastestCpu({ 0: 1.0, 14: 5.1, 15: 2.6 })).toBe(15);
    expect(fastestCpu({ 0: 3 })).toBe(0);
    expect(fastestCpu({ 2: Number.NaN, 5: 0 })).toBeUndefined();
    expect(fastestCpu({})).toBeUndefined();
    expect(fastestCpus({ 0: 1.0, 3: 2.5, 14: 5.1, 15: 2.5, 7: 2.0 }, 2)).toEqual([7, 15]);
    expect(fastestCpus({ 0: 1.0, 3: 2.5 }, 2)).toEqual([3]);
    expect(fastestCpus({}, 2)).toEqual([]);
  });
  it.skipIf(process.platform !== 'linux')('probes the CPUs this process may use and leaves out one it may not', () => {
    const allowed = parseCpuList(readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(.+)$/m)![1]);
    const probed = probeAllCpus([allowed[0], 4095]);
    expect(Object.keys(probed)).toEqual([String(allowed[0])]);
    expect(probed[allowed[0]]).toBeGreaterThan(0);
  });
  it("reads the build's own time from trtexec 10.6 and 8.6 logs and from the trtn CLI's summary", () => {
    const log10 = gunzipSync(readFileSync(join(real, 'seed003-default', 'trtexec-verbose.log.gz'))).toString('utf8');
    expect(buildSeconds(log10)).toBeCloseTo(5.41499, 6);
    const log8 = gunzipSync(readFileSync(join(real, '..', 'trt8.6-h200', 'seed003-default', 'trtexec-verbose.log.gz'))).toString('utf8');
    expect(buildSeconds(log8)).toBeGreaterThan(0);
    expect(buildSeconds('backend: tensorrt\ngpu: NVIDIA H200\nbuild time: 12345 ms   layers: 5   reformats: 0\n')).toBeCloseTo(12.345, 9);
    expect(cliBuildPhases('build time: 12345 ms   layers: 5   reformats: 0\nbuild phases: cudaContext 251 ms, builder 5801 ms, release 1002 ms\n')).toEqual([
      { phase: 'cudaContext', ms: 251 },
      { phase: 'builder', ms: 5801 },
      { phase: 'release', ms: 1002 },
    ]);
    expect(cliBuildPhases('build time: 12345 ms   layers: 5   reformats: 0\n')).toBeUndefined();
    expect(buildSeconds('no build here')).toBeUndefined();
  });
});

describe('buildWarnings', () => {
  it("keeps trtexec 8.6's [W] lines from a real build log once each, without timestamps, and no [I] or [V] line", () => {
    const log = gunzipSync(readFileSync(join(real, '..', 'trt8.6-h200', 'seed003-default', 'trtexec-verbose.log.gz'))).toString('utf8');
    const warnings: string[] = buildWarnings(log);
    const raw = log.split('\n').filter((line) => line.includes('[W] '));
    expect(raw.length).toBeGreaterThan(warnings.length - 1);
    expect(warnings).toContain('[TRT] Check verbose logs for the list of affected weights.');
    expect(new Set(warnings).size).toBe(warnings.length);
    expect(warnings.every((warning) => !/^\[\d\d\/|\[I\]|\[V\]/.test(warning))).toBe(true);
    // The log repeats its throughput hint once per bound (inputs, outputs): one entry.
    expect(raw.filter((line) => line.endsWith('Add --noDataTransfers flag to disable data transfers.')).length).toBeGreaterThan(1);
    expect(warnings.filter((warning) => warning === 'Add --noDataTransfers flag to disable data transfers.')).toHaveLength(1);
  });

  it('reads the trtn CLI\'s warning: lines', () => {
    expect(buildWarnings('build time: 12 ms\nwarning: a\ntrtn: warning: b\nwarning: a\n')).toEqual(['a', 'b']);
  });
});

describe('parseGpuSamples and summarizeGpuSamples', () => {
  // bench/gpu-sampler.py's own file from the idle H200 (2026-12-04, driver 580): 200 ms apart for 3 s.
  const text = readFileSync(join(real, '..', 'nvidia-smi', 'gpu-sampler-idle-h200-2026-12-04.csv'), 'utf8');

  it("reads the sampler's real lines: epoch ms, SM and memory clocks, P-state, utilization, power, the reasons bitmask decoded", () => {
    const samples = parseGpuSamples(text);
    const lines = text.split('\n').filter((line) => /^\d/.test(line));
    expect(samples).toHaveLength(lines.length);
    const [first] = lines[0].split(', ');
    expect(samples[0].atMs).toBe(Number(first));
    expect(samples.every((sample: { atMs: number }, index: number) => index === 0 || sample.atMs > samples[index - 1].atMs)).toBe(true);
    // Idle: the SM clock parked far below its 1980 MHz maximum, with the idle reason set.
    expect(samples.every((sample: { smMhz: number; pstate: string; reasons: string[] }) => sample.smMhz < 1000 && sample.pstate === 'P0' && sample.reasons.includes('gpuIdle'))).toBe(true);
    expect(samples[0].memMhz).toBe(Number(lines[0].split(', ')[2]));
    expect(samples[0].powerW).toBeGreaterThan(10);
  });

  it('keeps only the readings inside a run and says nothing for a run between readings', () => {
    const samples = parseGpuSamples(text);
    const from = samples[2].atMs;
    const to = samples[5].atMs;
    const summary = summarizeGpuSamples(samples, from, to);
    expect(summary.samples).toBe(4);
    expect(summary.smMhzMin).toBeLessThanOrEqual(summary.smMhzMedian);
    expect(summary.smMhzMax).toBeGreaterThanOrEqual(summary.smMhzMedian);
    expect(summary.reasons).toEqual(['gpuIdle']);
    expect(summarizeGpuSamples(samples, from + 1, from + 100)).toBeNull();
  });

  it('skips a cut last line and unreadable fields instead of inventing values', () => {
    const samples = parseGpuSamples(`${text}1796414773430, 34`);
    expect(samples.at(-1).smMhz).toBe(34);
    expect(samples.at(-1).memMhz).toBeUndefined();
    expect(parseGpuSamples('1796414773430, [N/A], 3201, P0, 0, 79.9, 0x1\n')).toEqual([]);
  });
});

describe('ratioInterval and worstCases', () => {
  const results = resolve(import.meta.dirname, '..', '..', 'bench', 'results');
  const load = (name: string) => JSON.parse(readFileSync(join(results, name), 'utf8'));

  it('brackets the ratio of the medians, repeats itself for the same runs and needs two runs of each tool', () => {
    const theirs = [25272, 29827, 25137, 25822, 29996, 31217, 29037, 29038];
    const ours = [25957, 26596, 31742, 21570, 20799, 27605, 27809, 22915];
    const interval = ratioInterval(theirs, ours);
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return (sorted[3] + sorted[4]) / 2;
    };
    expect(interval[0]).toBeLessThanOrEqual(median(ours) / median(theirs));
    expect(interval[1]).toBeGreaterThanOrEqual(median(ours) / median(theirs));
    expect(ratioInterval(theirs, ours)).toEqual(interval);
    expect(ratioInterval([10, 10, 10], [11, 11])).toEqual([1.1, 1.1].map((value) => expect.closeTo(value, 12)));
    expect(ratioInterval([10], [11, 12])).toBeNull();
    expect(() => ratioInterval([1, 2], [1, 2], { statistic: 'mode' })).toThrow(/median or mean/);
  });

  it("names the case behind each ratio of a real H200 file, and the bound lies within the host-bound mode's spread", () => {
    const file = load('vs-trtexec-2026-12-04-2016-nvidia-h200-trt10.6.0.json');
    const cases = worstCases(file);
    expect(cases.gpuComputeMedianMax.ratio).toBeCloseTo(file.ratios.gpuComputeMedianMax, 12);
    expect(cases.throughputMin.ratio).toBeCloseTo(file.ratios.throughputMin, 12);
    expect(cases.buildWallMax.ratio).toBeCloseTo(file.ratios.buildWallMax, 12);
    expect(cases.throughputMin).toMatchObject({ model: 'resnet-like-2of4', mode: 'no-transfers', bound: 0.98, within: true });
  });

  it('tells a real difference from noise: 8.6 transfers+graph before blocking events followed trtexec (0257) sits clear of 0.98', () => {
    const cases = worstCases(load('vs-trtexec-2026-12-04-0257-nvidia-h200-trt8.6.1.json'));
    expect(cases.throughputMin).toMatchObject({ model: 'resnet-like-2of4', mode: 'transfers+graph', within: false });
    expect(cases.throughputMin.interval95[1]).toBeLessThan(0.98);
    // One build per tool: no interval, no verdict.
    expect(cases.buildWallMax).toMatchObject({ interval95: null, within: null, noVerdict: 'one run per tool' });
  });

  it('gives no verdict on two or three runs of a tool, only the interval', () => {
    const cases = worstCases(load('vs-trtexec-2026-12-04-2029-nvidia-h200-trt8.6.1.json'));
    expect(cases.buildWallMax).toMatchObject({ model: 'seed003-hwc8', runs: [3, 3], within: null });
    expect(cases.buildWallMax.interval95).toHaveLength(2);
    expect(cases.buildWallMax.noVerdict).toMatch(/fewer than 4 runs/);
  });
});

describe('profileWindow', () => {
  // A hand-made profile: root -> main -> (parse, (garbage collector)); samples every 1000 µs from t = 1000.
  const profile = {
    startTime: 0,
    endTime: 7000,
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 5] },
      { id: 2, callFrame: { functionName: 'main', url: 'file:///a/b/main.js', lineNumber: 9 }, children: [3, 4] },
      { id: 3, callFrame: { functionName: 'parse', url: 'file:///a/b/parse.js', lineNumber: 0 } },
      { id: 4, callFrame: { functionName: '', url: 'file:///a/b/main.js', lineNumber: 20 } },
      { id: 5, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
    ],
    samples: [2, 3, 3, 5, 4, 3],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
  };

  it('charges each sample until the next one, clipped to the window, by leaf frame', () => {
    const window = profileWindow(profile, 2500, 6500);
    expect(window.windowMs).toBe(4);
    expect(window.sampledMs).toBeCloseTo(4);
    expect(window.leaves.map((leaf: { frame: string; ms: number }) => [leaf.frame, leaf.ms])).toEqual([
      ['parse (parse.js:1)', 1.5 + 0.5],
      ['(garbage collector)', 1],
      ['(anonymous) (main.js:21)', 1],
    ]);
    expect(window.leaves[0].stack).toEqual(['main (main.js:10)', 'parse (parse.js:1)']);
  });

  it('finds nothing outside the samples', () => {
    expect(profileWindow(profile, 8000, 9000).leaves).toEqual([]);
  });
});

describe('gpuTimeline', () => {
  const record = (h2d: number, compute: number, d2h: number) => ({ startH2dMs: h2d, endH2dMs: h2d + 0.01, startComputeMs: compute, endComputeMs: compute + 0.02, startD2hMs: d2h, endD2hMs: d2h + 0.005 });
  it('splits consecutive inferences into overlapped and idle pairs, and measures the hops inside each', () => {
    // The second input copy starts before the first output copy ends; the third 7 µs after the second one's end.
    const times = [record(0, 0.012, 0.034), record(0.011, 0.035, 0.057), record(0.069, 0.081, 0.103)];
    const timeline = gpuTimeline(times);
    expect(timeline.iterations).toBe(3);
    expect(timeline.idleShare).toBeCloseTo(0.5);
    expect(timeline.idleGapUs!.medianUs).toBeCloseTo(7);
    expect(timeline.inputHopUs!.medianUs).toBeCloseTo(2);
    expect(timeline.outputHopUs!.medianUs).toBeCloseTo(2);
    expect(timeline.completionPeriodUs!.meanUs).toBeCloseTo(34.5);
    expect(gpuTimeline([]).idleShare).toBeNull();
    expect(gpuTimeline([times[0]]).idleGapUs).toBeNull();
  });

  it('reads both tools\' transfers+graph timelines from the H200: inferences in pairs, periods adding up to the span', () => {
    for (const tool of ['trtexec', 'trtn']) {
      const times = JSON.parse(readFileSync(join(real, 'resnet-like-2of4', `${tool}-times-transfers-graph-first200.json`), 'utf8'));
      const timeline = gpuTimeline(times);
      expect(timeline.iterations).toBe(200);
      expect(timeline.completionPeriodUs!.meanUs).toBeCloseTo(((times[199].endD2hMs - times[0].endD2hMs) * 1000) / 199, 6);
      // Two in flight, and about every other inference waits for the host (see test/fixtures/real/README.md).
      expect(timeline.idleShare!).toBeGreaterThan(0.3);
      expect(timeline.idleShare!).toBeLessThan(0.7);
      expect(timeline.idleGapUs!.medianUs).toBeGreaterThan(0);
      expect(timeline.inputHopUs!.medianUs).toBeGreaterThan(0);
      expect(timeline.outputHopUs!.medianUs).toBeGreaterThan(0);
    }
  });
});

describe('hostTimeline', () => {
  it('splits each period into the enqueue and the time between enqueues', () => {
    const times = [
      { startEnqMs: 1.0, endEnqMs: 1.02 },
      { startEnqMs: 1.05, endEnqMs: 1.08 },
      { startEnqMs: 1.1, endEnqMs: 1.11 },
    ];
    const timeline = hostTimeline(times);
    expect(timeline.iterations).toBe(3);
    expect(timeline.enqueueUs!.medianUs).toBeCloseTo(20);
    expect(timeline.enqueueUs!.meanUs).toBeCloseTo(20);
    expect(timeline.betweenEnqueuesUs!.meanUs).toBeCloseTo(25);
    expect(timeline.periodUs!.medianUs).toBeCloseTo(50);
    expect(timeline.periodUs!.p90Us).toBeCloseTo(50);
  });

  it('reads trtexec --exportTimes from the H200: the periods add up to the span of the enqueues', () => {
    const times = JSON.parse(readFileSync(join(real, 'resnet-like-2of4', 'trtexec-times-first200.json'), 'utf8'));
    const timeline = hostTimeline(times);
    expect(timeline.iterations).toBe(200);
    expect(timeline.periodUs!.meanUs).toBeCloseTo(((times[199].startEnqMs - times[0].startEnqMs) * 1000) / 199, 6);
    expect(timeline.enqueueUs!.medianUs).toBeGreaterThan(0);
    expect(timeline.betweenEnqueuesUs!.medianUs + timeline.enqueueUs!.medianUs).toBeGreaterThan(timeline.periodUs!.medianUs * 0.5);
  });

  it('reads what `trtn bench --exportTimes` writes (trtexec\'s keys) as it reads trtexec\'s own file', () => {
    const times = JSON.parse(readFileSync(join(real, 'resnet-like-2of4', 'trtexec-times-first200.json'), 'utf8'));
    const ours = toTrtexecTimesJson(parseTrtexecTimesJson(times));
    expect(hostTimeline(JSON.parse(JSON.stringify(ours)))).toEqual(hostTimeline(times));
  });

  it('has no periods for a single iteration', () => {
    expect(hostTimeline([{ startEnqMs: 1, endEnqMs: 1.5 }]).periodUs).toBeNull();
  });
});

describe('pairedMedianRatio', () => {
  it('takes the median of ours/theirs over runs paired by index, skipping failed runs', () => {
    const theirs = [{ throughputQps: 100 }, { throughputQps: 200 }, { throughputQps: 100 }, { error: 'x' }];
    const ours = [{ throughputQps: 90 }, { throughputQps: 210 }, { throughputQps: 100 }, { throughputQps: 50 }];
    expect(pairedMedianRatio(theirs, ours, 'throughputQps')).toBeCloseTo(1.0);
    expect(pairedMedianRatio(theirs.slice(0, 2), ours.slice(0, 2), 'throughputQps')).toBeCloseTo((0.9 + 1.05) / 2);
    expect(pairedMedianRatio([], ours, 'throughputQps')).toBeNull();
  });
});

describe('partialState and resumeState', () => {
  it('give back, through JSON, what a bench measured before it stopped', () => {
    const state = partialState({
      createdAt: '2026-12-03T17:00:00.000Z',
      durationS: 1,
      repeats: 6,
      system: { cpuProbes: [{ before: 'seed003-default', chosen: 13 }] },
      models: [{ name: 'seed003-default', modes: [] }],
      selectedModels: ['seed003-default', 'resnet-like-2of4'],
      inferOverheadRuns: { overhead: { overheadUs: 12 }, overheadCopy: undefined, overheadWorker: { overheadUs: 30 } },
      diagnostics: [{ model: 'resnet-like-2of4' }],
    });
    const resumed = resumeState(JSON.parse(JSON.stringify(state)));
    expect(resumed.createdAt).toBe('2026-12-03T17:00:00.000Z');
    expect(resumed.models.map((model: { name: string }) => model.name)).toEqual(['seed003-default']);
    expect(resumed.inferOverheadRuns.overhead.overheadUs).toBe(12);
    expect(resumed.inferOverheadRuns.overheadWorker.overheadUs).toBe(30);
    expect(resumed.diagnostics).toEqual([{ model: 'resnet-like-2of4' }]);
    expect(resumed.cpuProbes).toEqual([{ before: 'seed003-default', chosen: 13 }]);
    expect(resumed.selectedModels).toEqual(['seed003-default', 'resnet-like-2of4']);
  });

  it('resumes nothing from an empty or older partial file', () => {
    expect(resumeState({ partial: true, models: [{ name: 'a' }] })).toEqual({ createdAt: null, models: [{ name: 'a' }], inferOverheadRuns: {}, diagnostics: [], cpuProbes: [], selectedModels: null });
    expect(resumeState(undefined).models).toEqual([]);
  });
});

describe('parseTask and describeThreads', () => {
  const proc = '/proc/self/task';
  const linux = (() => {
    try {
      return readdirSync(proc).length > 0;
    } catch {
      return false;
    }
  })();
  it.skipIf(!linux)("read this process's own threads from Linux's /proc: name, state, CPU, switches, run and wait time", () => {
    const read = (path: string) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    };
    const tids = readdirSync(proc);
    const threads = tids.map((tid) => ({ tid: Number(tid), ...parseTask(read(`${proc}/${tid}/stat`), read(`${proc}/${tid}/status`), read(`${proc}/${tid}/schedstat`)) }));
    const main = threads.find((thread) => thread.tid === process.pid)!;
    expect(main).toBeDefined();
    expect(main.name).toBe(readFileSync(`/proc/self/comm`, 'utf8').trim());
    expect(main.state).toBe('R');
    expect(main.lastCpu).toBeGreaterThanOrEqual(0);
    expect(main.voluntarySwitches).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(main.involuntarySwitches)).toBe(true);
    // This thread has run this test's code: some CPU time, as schedstat counts it (where the kernel has schedstats).
    if (main.runMs !== undefined) expect(main.runMs).toBeGreaterThan(0);
    const line = describeThreads(threads, 2);
    expect(line.split('; ').length).toBe(Math.min(2, threads.length));
    expect(line).toMatch(/#\d+ [0-9?]+\/[0-9?]+ ms, \d+v\/\d+i/);
  });

  it('takes the name from between the first ( and the last ), which may hold spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    const task = parseTask(`4242 (cuda (evt) x) ${fields.join(' ')}`, 'voluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t3\n', '2000000 500000 9\n');
    expect(task).toEqual({ name: 'cuda (evt) x', state: 'S', lastCpu: 39, voluntarySwitches: 7, involuntarySwitches: 3, runMs: 2, waitMs: 0.5, timeslices: 9 });
    expect(parseTask(undefined, undefined, undefined)).toEqual({});
    expect(describeThreads([{ tid: 1, name: 'a', voluntarySwitches: 1, involuntarySwitches: 0 }, { tid: 2, name: 'b', voluntarySwitches: 5, involuntarySwitches: 5, runMs: 3, waitMs: 1 }])).toBe('b#2 3/1 ms, 5v/5i; a#1 ?/? ms, 1v/0i');
  });
  it('times the modes in rounds across them, alternating the first tool, and stops repeating a mode once it settles', () => {
    const modes = [{ mode: 'gpu-bound' }, { mode: 'host-bound' }, { mode: 'host-bound, ratio unsteady' }];
    const calls: Array<{ mode: string; trtexecFirst: boolean }> = [];
    // A GPU-bound mode repeats itself exactly; the host-bound ones drift from pair to pair, the last one's ratio too.
    const byMode = timeModesInRounds(modes, 6, (mode: { mode: string }, trtexecFirst: boolean) => {
      calls.push({ mode: mode.mode, trtexecFirst });
      const pair = calls.filter((call) => call.mode === mode.mode).length;
      const qps = mode.mode === 'gpu-bound' ? 2000 : 20000 + 700 * (pair % 3);
      const ratio = mode.mode === 'host-bound, ratio unsteady' ? [0.8, 1.2][pair % 2] : 1.001;
      return { theirs: { throughputQps: qps, gpuComputeMedianMs: 0.5 }, ours: { throughputQps: qps * ratio, gpuComputeMedianMs: 0.5 } };
    });
    // Rounds interleave the modes: a mode's pairs are never back to back.
    expect(calls.slice(0, 6).map((call) => call.mode)).toEqual(['gpu-bound', 'host-bound', 'host-bound, ratio unsteady', 'gpu-bound', 'host-bound', 'host-bound, ratio unsteady']);
    expect(calls.slice(0, 6).map((call) => call.trtexecFirst)).toEqual([true, false, true, false, true, false]);
    // Settled within 1% after the two first rounds; steady ratio from the fourth; never steady: all six.
    expect(byMode.map((entry: { trtexecRuns: unknown[] }) => entry.trtexecRuns.length)).toEqual([2, 4, 6]);
    expect(byMode[2].trtnRuns).toHaveLength(6);
    expect(runSpread(byMode[0].trtexecRuns, 'throughputQps')).toBe(0);
    expect(runSpread([{ throughputQps: 100 }], 'throughputQps')).toBe(Infinity);
    expect(runSpread([{ throughputQps: 100 }, { throughputQps: 110 }, { error: 'failed' }], 'throughputQps')).toBeCloseTo(0.1, 10);
    // Fewer repeats than two: that many rounds, every mode in each.
    expect(timeModesInRounds(modes, 1, () => ({ theirs: {}, ours: {} })).map((entry: { trtnRuns: unknown[] }) => entry.trtnRuns.length)).toEqual([1, 1, 1]);
  });

  it('calls a ratio steady only when no single pair moves it by more than 1%, whatever its value', () => {
    const runs = (values: number[]) => values.map((throughputQps) => ({ throughputQps, gpuComputeMedianMs: 0.5 }));
    // Noisy runs (10% apart) whose pairs agree on the ratio (0.95): steady, though below parity.
    expect(ratioSteady(runs([20000, 22000, 21000, 19500]), runs([19000, 20900, 19950, 18525]), 'throughputQps')).toBe(true);
    // The same levels with one pair's ratio far off: the median ratio turns on that pair.
    expect(ratioSteady(runs([20000, 22000, 21000, 19500]), runs([19000, 20900, 23500, 21500]), 'throughputQps')).toBe(false);
    expect(ratioSteady(runs([20000, 22000]), runs([20000, 22000]), 'throughputQps')).toBe(false);
    expect(ratioSteady(runs([20000, 22000, 21000]), runs([20000, 22000]), 'throughputQps')).toBe(false);
    expect(ratioSteady([{ error: 'x' }, { error: 'x' }, { error: 'x' }], runs([1, 2, 3]), 'throughputQps')).toBe(false);
  });
});
