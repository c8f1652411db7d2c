/**
 * Pure helpers of bench/vs-trtexec.mjs, kept apart so that test/scripts/bench-lib.test.ts can hold them against
 * real trtexec output (test/fixtures/real) without a GPU; probeAllCpus alone starts processes.
 */
import { spawnSync } from 'node:child_process';

/**
 * trtexec's summary figures from its output: `[I] GPU Compute Time: min = …, max = …, mean = …, median = X ms` and
 * `[I] Throughput: Y qps` (the `[I] ` prefix keeps "Latency" from matching "H2D Latency").
 */
export function trtexecFigures(text) {
  const stat = (label, name) => {
    const match = new RegExp(`\\[I\\] ${label}: min = [^,]+, max = [^,]+, mean = [^,]+, median = ([0-9.e+-]+) ms`).exec(text);
    return match ? { [name]: Number(match[1]) } : {};
  };
  const throughput = /\[I\] Throughput: ([0-9.e+-]+) qps/.exec(text);
  return {
    ...stat('GPU Compute Time', 'gpuComputeMedianMs'),
    ...stat('H2D Latency', 'h2dMedianMs'),
    ...stat('Latency', 'latencyMedianMs'),
    ...stat('Enqueue Time', 'enqueueMedianMs'),
    ...(throughput ? { throughputQps: Number(throughput[1]) } : {}),
  };
}

/** The figures the ratios use, in every run. */
export const FIGURES = ['gpuComputeMedianMs', 'throughputQps', 'latencyMedianMs', 'h2dMedianMs', 'enqueueMedianMs'];

/** The median of the finite numbers among `values` (mean of the middle two for an even count); undefined for none. */
function medianOf(values) {
  const sorted = values.filter((value) => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of every figure over the runs that have it (mean of the middle two for an even count); errors kept. */
export function medians(runs) {
  const out = {};
  for (const key of FIGURES) {
    const median = medianOf(runs.map((figures) => figures?.[key]));
    if (median !== undefined) out[key] = median;
  }
  const failed = runs.filter((figures) => figures?.error);
  if (failed.length) out.errors = failed.map((figures) => figures.error);
  return out;
}

/** A Linux CPU list (`0-3,8,10-11`, as /proc and sysfs print it) as numbers; '' or null gives []. */
export function parseCpuList(text) {
  return (text ?? '').split(',').flatMap((range) => {
    const [from, to] = range.trim().split('-').map((part) => (part === '' ? Number.NaN : Number(part)));
    if (Number.isFinite(from) && Number.isFinite(to)) return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    return Number.isFinite(from) ? [from] : [];
  });
}

/**
 * Two CPUs for the timing runs: the highest allowed one that is not CPU 0 (which takes the interrupts), and the
 * highest other one off its physical core (`siblingsOf(cpu)`: its SMT siblings, itself included). Falls back to a
 * sibling, then to one CPU, then to whatever is allowed.
 */
export function pickCpus(allowed, siblingsOf) {
  const candidates = allowed.filter((cpu) => cpu !== 0).sort((a, b) => b - a);
  if (candidates.length === 0) return allowed.join(',') || '0';
  const first = candidates[0];
  const shared = new Set(siblingsOf(first));
  const second = candidates.find((cpu) => !shared.has(cpu)) ?? candidates[1];
  return second === undefined ? String(first) : `${first},${second}`;
}

/**
 * The CPU for the timing runs from a probe of every allowed CPU (`msByCpu`: the best time of a fixed integer loop
 * pinned there): the fastest that is not CPU 0 (which takes the interrupts), ties to the higher number. On the H200
 * box CPUs differed by 2x in such a probe and in host-bound timing alike (another tenant's load), and a run given two
 * CPUs landed on either, so each tool's figures came out bimodal.
 */
export function fastestCpu(msByCpu) {
  return fastestCpus(msByCpu, 1)[0];
}

/**
 * The probe behind fastestCpus: for each of `cpus`, the best of 5 timings (ms) of a fixed integer loop in a node
 * process pinned there with taskset; a CPU whose probe failed is left out. About 0.1 s per CPU.
 */
export function probeAllCpus(cpus) {
  const code = 'let best = Infinity; let x = 1; for (let r = 0; r < 5; r++) { const t = process.hrtime.bigint(); for (let i = 0; i < 2e6; i++) x = (Math.imul(x, 1664525) + 1013904223) >>> 0; best = Math.min(best, Number(process.hrtime.bigint() - t)); } globalThis.sink = x; console.log(best / 1e6);';
  const msByCpu = {};
  for (const cpu of cpus) {
    const probe = spawnSync('taskset', ['-c', String(cpu), process.execPath, '-e', code], { encoding: 'utf8', timeout: 20_000 });
    const ms = Number(probe.stdout?.trim());
    if (probe.status === 0 && Number.isFinite(ms)) msByCpu[cpu] = ms;
  }
  return msByCpu;
}

/**
 * The `count` fastest CPUs of such a probe, fastest first, CPU 0 only when no other was probed (as fastestCpu).
 * Two (the bench's default) let CUDA's own thread (cuda-EvtHandlr, which took 20-25% of a single CPU in both tools on
 * the H200 box and preempted the timing loop about once per inference) run beside the loop instead of in its time.
 */
export function fastestCpus(msByCpu, count) {
  const entries = Object.entries(msByCpu).map(([cpu, ms]) => [Number(cpu), ms]).filter(([, ms]) => Number.isFinite(ms) && ms > 0);
  const candidates = entries.filter(([cpu]) => cpu !== 0);
  const pool = candidates.length ? candidates : entries;
  pool.sort((a, b) => a[1] - b[1] || b[0] - a[0]);
  return pool.slice(0, Math.max(1, count)).map(([cpu]) => cpu);
}

/**
 * The build's own time as each tool prints it, in seconds: trtexec's `[I] Engine built in X sec.` (the
 * buildSerializedNetwork call) and the trtn CLI's `build time: N ms` (builder, parse and buildSerializedNetwork).
 * Set beside the wall times, they say whether a gap is inside the TensorRT build or around it.
 */
export function buildSeconds(text) {
  const trtexec = /\[I\] Engine built in ([0-9.e+-]+) sec\./.exec(text ?? '');
  if (trtexec) return Number(trtexec[1]);
  const trtn = /^build time: ([0-9.]+) ms/m.exec(text ?? '');
  return trtn ? Number(trtn[1]) / 1000 : undefined;
}

/**
 * The trtn CLI build's native phases (its `build phases: cudaContext 251 ms, builder 5801 ms, …` line, from
 * report.buildPhases), in order; undefined when the output has none (the mock, or an addon without phases).
 */
export function cliBuildPhases(text) {
  const line = /^build phases: (.+)$/m.exec(text ?? '');
  if (!line) return undefined;
  return line[1].split(', ').map((entry) => /^(\S+) ([0-9.]+) ms$/.exec(entry)).filter(Boolean).map((match) => ({ phase: match[1], ms: Number(match[2]) }));
}

/**
 * Where a V8 CPU profile (inspector Profiler.stop's `profile`: nodes, samples, timeDeltas, startTime in µs) spent
 * the window [fromUs, toUs] (the profile's clock): milliseconds by leaf frame, most first, each with the stack of its
 * heaviest sample, root first. A sample lasts until the next one. Frames read `name (file:line)`; V8's pseudo-frames
 * ('(program)': native code outside JS, '(garbage collector)', '(idle)') keep their names.
 */
export function profileWindow(profile, fromUs, toUs, top = 12) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const frame = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    if (!url) return name;
    return `${name} (${url.split('/').at(-1)}:${lineNumber + 1})`;
  };
  const stackOf = (id) => {
    const frames = [];
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at);
      if (node.callFrame.functionName !== '(root)') frames.unshift(frame(node));
    }
    return frames;
  };
  const leaves = new Map();
  let sampledMs = 0;
  let time = profile.startTime;
  const times = profile.timeDeltas.map((delta) => (time += delta));
  for (let index = 0; index < profile.samples.length; index++) {
    const at = times[index];
    const next = index + 1 < times.length ? times[index + 1] : profile.endTime;
    const from = Math.max(at, fromUs);
    const to = Math.min(next, toUs);
    if (to <= from) continue;
    const ms = (to - from) / 1000;
    sampledMs += ms;
    const id = profile.samples[index];
    const key = frame(byId.get(id));
    const entry = leaves.get(key) ?? { frame: key, ms: 0, heaviest: { ms: 0, id } };
    entry.ms += ms;
    if (ms > entry.heaviest.ms) entry.heaviest = { ms, id };
    leaves.set(key, entry);
  }
  const ranked = [...leaves.values()].sort((a, b) => b.ms - a.ms).slice(0, top);
  return { windowMs: (toUs - fromUs) / 1000, sampledMs, leaves: ranked.map((entry) => ({ frame: entry.frame, ms: entry.ms, stack: stackOf(entry.heaviest.id) })) };
}

/**
 * Where a run's host time went between inferences, from its per-iteration records (trtexec --exportTimes or
 * `trtn bench --exportTimes`, in order): the enqueue itself (endEnqMs - startEnqMs), the host time between one
 * enqueue's end and the next one's start (copies queued, events, the wait), and the enqueue-to-enqueue period; each
 * as median, mean and 90th percentile in µs. Two tools with the same enqueue and different periods differ between
 * enqueues. trtexec prints host times to the µs, so medians step by 1 µs.
 */
export function hostTimeline(times) {
  const enqueue = [];
  const between = [];
  const period = [];
  for (let index = 0; index < times.length; index++) {
    enqueue.push(times[index].endEnqMs - times[index].startEnqMs);
    if (index > 0) {
      between.push(times[index].startEnqMs - times[index - 1].endEnqMs);
      period.push(times[index].startEnqMs - times[index - 1].startEnqMs);
    }
  }
  return { iterations: times.length, enqueueUs: summaryUs(enqueue), betweenEnqueuesUs: summaryUs(between), periodUs: summaryUs(period) };
}

/** Median, mean and 90th percentile in µs of values in ms; null for none. */
function summaryUs(valuesMs) {
  if (valuesMs.length === 0) return null;
  const sorted = valuesMs.map((ms) => ms * 1000).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return {
    medianUs: sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2,
    meanUs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    p90Us: sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))],
  };
}

/**
 * The GPU side of a run with transfers, from its per-iteration records (trtexec --exportTimes or `trtn bench
 * --exportTimes`, in order, GPU times in ms from one origin): with two inferences in flight, inference j+1's input copy
 * either starts before j's output copy ends (overlapped) or after it, when the GPU had nothing queued and waited for
 * the host to see j done and queue more: `idleGapUs` is that wait (h2dStart of j+1 minus d2hEnd of j, over the idle
 * pairs; the host's wake-up and its calls up to the copy), `idleShare` the share of such pairs. `inputHopUs`
 * (computeStart - h2dEnd) and `outputHopUs` (d2hStart - computeEnd) are the cross-stream waits inside one inference;
 * `completionPeriodUs` is d2hEnd to d2hEnd. Two tools with the same hops and different periods differ in idleGapUs.
 */
export function gpuTimeline(times) {
  const idleGaps = [];
  const inputHops = [];
  const outputHops = [];
  const periods = [];
  let pairs = 0;
  for (let index = 0; index < times.length; index++) {
    const record = times[index];
    inputHops.push(record.startComputeMs - record.endH2dMs);
    outputHops.push(record.startD2hMs - record.endComputeMs);
    if (index === 0) continue;
    const previous = times[index - 1];
    pairs++;
    periods.push(record.endD2hMs - previous.endD2hMs);
    if (record.startH2dMs >= previous.endD2hMs) idleGaps.push(record.startH2dMs - previous.endD2hMs);
  }
  return {
    iterations: times.length,
    idleShare: pairs === 0 ? null : idleGaps.length / pairs,
    idleGapUs: summaryUs(idleGaps),
    inputHopUs: summaryUs(inputHops),
    outputHopUs: summaryUs(outputHops),
    completionPeriodUs: summaryUs(periods),
  };
}

/**
 * The median over adjacent pairs of runs (trtexec's i-th run and trtn's i-th run, timed one after the other) of
 * ours/theirs for one figure: host state that drifts over seconds (a busy neighbour on a sibling hyperthread) moves
 * both runs of a pair alike, so this ratio carries less of it than the ratio of the two medians. Null without a pair.
 */
export function pairedMedianRatio(theirRuns, ourRuns, key) {
  const ratios = [];
  for (let index = 0; index < Math.min(theirRuns.length, ourRuns.length); index++) {
    const theirs = theirRuns[index]?.[key];
    const ours = ourRuns[index]?.[key];
    if (typeof theirs === 'number' && typeof ours === 'number' && theirs > 0 && ours > 0) ratios.push(ours / theirs);
  }
  return medianOf(ratios) ?? null;
}

/**
 * The partial file a bench writes after each model (so that a run cut off, or stopped by --models-only, can be
 * resumed), and what --resume takes back from it: the models measured, the infer() overhead runs, the diagnostics
 * and the CPU probes.
 */
export function partialState({ createdAt, durationS, repeats, system, models, selectedModels = null, inferOverheadRuns, diagnostics }) {
  return { partial: true, createdAt, durationS, repeats, system, models, selectedModels, inferOverheadRuns, diagnostics };
}

/** What --resume keeps from a partial file (see {@link partialState}); missing parts come back empty. */
export function resumeState(partial) {
  return {
    createdAt: partial?.createdAt ?? null,
    models: partial?.models ?? [],
    inferOverheadRuns: partial?.inferOverheadRuns ?? {},
    diagnostics: partial?.diagnostics ?? [],
    cpuProbes: partial?.system?.cpuProbes ?? [],
    // The first part's --models (null: every model), which a --resume without --models keeps.
    selectedModels: Array.isArray(partial?.selectedModels) ? partial.selectedModels : null,
  };
}

/**
 * One thread of a process, from Linux's /proc/<pid>/task/<tid>/ files: `stat` (its name, state and the CPU it last
 * ran on), `status` (voluntary and involuntary context switches) and `schedstat` (ns on a CPU, ns runnable but
 * waiting for one, timeslices). A file that could not be read is passed as undefined and its fields are left out.
 */
export function parseTask(stat, status, schedstat) {
  const out = {};
  if (stat) {
    // The name is in parentheses and may itself hold spaces and parentheses: the fields start after the last ')'.
    const close = stat.lastIndexOf(')');
    out.name = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).trim().split(/\s+/);
    out.state = fields[0];
    // Fields 3.. of proc(5) from index 0: processor is field 39.
    const lastCpu = Number(fields[36]);
    if (Number.isFinite(lastCpu)) out.lastCpu = lastCpu;
  }
  if (status) {
    const voluntary = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status);
    const involuntary = /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status);
    if (voluntary) out.voluntarySwitches = Number(voluntary[1]);
    if (involuntary) out.involuntarySwitches = Number(involuntary[1]);
  }
  if (schedstat) {
    const [runNs, waitNs, slices] = schedstat.trim().split(/\s+/).map(Number);
    if ([runNs, waitNs, slices].every(Number.isFinite)) Object.assign(out, { runMs: runNs / 1e6, waitMs: waitNs / 1e6, timeslices: slices });
  }
  return out;
}

/**
 * A process's threads in a compact form for a log line: the `top` threads by context switches (voluntary plus
 * involuntary), each `name#tid run/wait ms, v/i switches`.
 */
export function describeThreads(threads, top = 4) {
  const switches = (thread) => (thread.voluntarySwitches ?? 0) + (thread.involuntarySwitches ?? 0);
  return [...threads]
    .sort((a, b) => switches(b) - switches(a))
    .slice(0, top)
    .map((thread) => `${thread.name}#${thread.tid} ${thread.runMs?.toFixed(0) ?? '?'}/${thread.waitMs?.toFixed(0) ?? '?'} ms, ${thread.voluntarySwitches ?? '?'}v/${thread.involuntarySwitches ?? '?'}i`)
    .join('; ');
}

/**
 * The figures of a `trtn bench --json` run from its process result (`stdout`, and `text`: all its output), or its
 * error (the output's last lines) when stdout is not that JSON.
 */
export function trtnFigures(result) {
  try {
    const parsed = JSON.parse(result.stdout);
    const bench = parsed.benchmark ?? parsed;
    return {
      gpuComputeMedianMs: bench.gpuCompute?.median,
      throughputQps: bench.throughput,
      latencyMedianMs: bench.latency?.median,
      h2dMedianMs: bench.h2d?.median,
      enqueueMedianMs: bench.enqueue?.median,
      mode: bench.mode,
      hostSteps: bench.hostSteps,
    };
  } catch {
    return { error: result.text.split('\n').slice(-3).join(' | ') };
  }
}

/**
 * The launcher of a timing run on `cpus` (a taskset list) with `pinning`: 'split' (where there are two
 * CPUs or more) runs the command on the first CPU alone and moves CUDA's own threads to the others
 * (bench/pinned-run.mjs, itself on the others); 'shared' (the bench's default) puts the whole process on all of them (taskset -c).
 */
export function timingLauncher(cpus, pinning, pinnedRun, node = process.execPath) {
  const list = String(cpus).split(',').filter(Boolean);
  if (pinning !== 'split' || list.length < 2 || list.some((cpu) => !/^\d+$/.test(cpu))) return ['taskset', '-c', String(cpus)];
  const [loop, ...rest] = list;
  return ['taskset', '-c', rest.join(','), node, pinnedRun, '--cpu', loop, '--helpers', rest.join(','), '--'];
}

/** What bench/pinned-run.mjs reported on a run's stderr (its last `pinned-run: {...}` line), or undefined. */
export function pinningOf(text) {
  const lines = String(text ?? '').split('\n').filter((entry) => entry.startsWith('pinned-run: {'));
  if (lines.length === 0) return undefined;
  try {
    const report = JSON.parse(lines.at(-1).slice('pinned-run: '.length));
    return { loopCpu: report.loopCpu, helpers: report.helpers, moved: (report.moved ?? []).map(({ name, afterMs, ok }) => ({ name, afterMs, ok })) };
  } catch {
    return undefined;
  }
}

/** How far apart a set of runs' figures for `key` are: max/min - 1 (Infinity with fewer than two numbers above 0). */
export function runSpread(runs, key) {
  const values = runs.map((figures) => figures?.[key]).filter((value) => typeof value === 'number' && value > 0);
  return values.length < 2 ? Infinity : Math.max(...values) / Math.min(...values) - 1;
}

/**
 * Whether the ratio of medians trtn/trtexec for `key` is pinned down by these pairs: leaving out any one pair (both of
 * its runs) moves it by at most `tolerance` (1%). A precision test, blind to the ratio's value: a noisy mode whose
 * pairs agree on the ratio stops repeating, one whose ratio still turns on a single pair does not.
 */
export function ratioSteady(trtexecRuns, trtnRuns, key, tolerance = 0.01) {
  const ratioOf = (theirs, ours) => {
    const a = medians(ours)[key];
    const b = medians(theirs)[key];
    return typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : undefined;
  };
  const full = ratioOf(trtexecRuns, trtnRuns);
  if (full === undefined || trtexecRuns.length !== trtnRuns.length || trtexecRuns.length < 3) return false;
  for (let left = 0; left < trtexecRuns.length; left++) {
    const without = (runs) => runs.filter((_, index) => index !== left);
    const ratio = ratioOf(without(trtexecRuns), without(trtnRuns));
    if (ratio === undefined || Math.abs(ratio / full - 1) > tolerance) return false;
  }
  return true;
}

/**
 * Times `modes` in rounds: round r runs `timePair(mode, trtexecFirst)` (one adjacent pair of runs, one per tool) for
 * every mode not yet settled, trtexec first when (mode index + r) is even, so that a mode's pairs are as far apart in
 * time as the model's whole timing (a host-bound mode's level drifts over minutes; back-to-back runs agree with each
 * other and not with the next minute). Two rounds always; a further round (up to `repeats`) skips a mode whose runs of
 * both tools are within 1% in GPU compute and in throughput, or, from four rounds on, whose ratios are steady
 * (ratioSteady: no single pair moves them by more than 1%). Returns, per mode in order, { mode, trtexecRuns, trtnRuns }.
 */
export function timeModesInRounds(modes, repeats, timePair) {
  const byMode = modes.map((mode) => ({ mode, trtexecRuns: [], trtnRuns: [] }));
  const settled = ({ trtexecRuns, trtnRuns }) =>
    [trtexecRuns, trtnRuns].every((runs) => runSpread(runs, 'gpuComputeMedianMs') <= 0.01 && runSpread(runs, 'throughputQps') <= 0.01) ||
    (trtexecRuns.length >= 4 && ['gpuComputeMedianMs', 'throughputQps'].every((key) => ratioSteady(trtexecRuns, trtnRuns, key)));
  for (let round = 0; round < repeats; round++) {
    for (const [index, entry] of byMode.entries()) {
      if (round >= 2 && settled(entry)) continue;
      const { theirs, ours } = timePair(entry.mode, (index + round) % 2 === 0);
      entry.trtexecRuns.push(theirs);
      entry.trtnRuns.push(ours);
    }
  }
  return byMode;
}

/** nvidia-smi's clocks event (throttle) reason bits, as nvml.h names them. */
const CLOCK_REASONS = [
  [0x1n, 'gpuIdle'],
  [0x2n, 'applicationsClocksSetting'],
  [0x4n, 'swPowerCap'],
  [0x8n, 'hwSlowdown'],
  [0x10n, 'syncBoost'],
  [0x20n, 'swThermalSlowdown'],
  [0x40n, 'hwThermalSlowdown'],
  [0x80n, 'hwPowerBrakeSlowdown'],
  [0x100n, 'displayClockSetting'],
];

/**
 * bench/gpu-sampler.py's file: one reading per line (`<epoch ms>, <sm MHz>, <mem MHz>, <pstate>, <util %>, <power W>[,
 * <reasons bitmask>]`), its `# fields:` line naming them. Readings nvidia-smi could not take ('[N/A]', '[Not
 * Supported]') are left out of that field; lines that are not readings (a cut last line) are skipped.
 */
export function parseGpuSamples(text) {
  const samples = [];
  for (const line of (text ?? '').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [at, sm, mem, pstate, util, power, reasons] = line.split(',').map((field) => field.trim());
    const number = (field) => (field !== undefined && /^[0-9.]+$/.test(field) ? Number(field) : undefined);
    const atMs = number(at);
    const smMhz = number(sm);
    if (atMs === undefined || smMhz === undefined) continue;
    const sample = { atMs, smMhz };
    if (number(mem) !== undefined) sample.memMhz = number(mem);
    if (/^P\d+$/.test(pstate ?? '')) sample.pstate = pstate;
    if (number(util) !== undefined) sample.utilizationPercent = number(util);
    if (number(power) !== undefined) sample.powerW = number(power);
    if (/^0x[0-9a-fA-F]+$/.test(reasons ?? '')) {
      const bits = BigInt(reasons);
      sample.reasons = CLOCK_REASONS.filter(([bit]) => bits & bit).map(([, name]) => name);
      const unknown = bits & ~CLOCK_REASONS.reduce((all, [bit]) => all | bit, 0n);
      if (unknown) sample.reasons.push(`0x${unknown.toString(16)}`);
    }
    samples.push(sample);
  }
  return samples;
}

/**
 * The readings taken within [fromMs, toMs] (epoch ms) summed up: how many, the SM clock's median, min and max, the
 * memory clock's median, the power's median, every P-state and every clocks event reason seen. null when none fell
 * in the window (a run shorter than the sampling period, or no sampler).
 */
export function summarizeGpuSamples(samples, fromMs, toMs) {
  const inside = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
  if (!inside.length) return null;
  const sm = inside.map((sample) => sample.smMhz);
  const summary = { samples: inside.length, smMhzMedian: medianOf(sm), smMhzMin: Math.min(...sm), smMhzMax: Math.max(...sm) };
  const memMhzMedian = medianOf(inside.map((sample) => sample.memMhz));
  if (memMhzMedian !== undefined) summary.memMhzMedian = memMhzMedian;
  const powerWMedian = medianOf(inside.map((sample) => sample.powerW));
  if (powerWMedian !== undefined) summary.powerWMedian = powerWMedian;
  const pstates = [...new Set(inside.map((sample) => sample.pstate).filter(Boolean))];
  if (pstates.length) summary.pstates = pstates;
  if (inside.some((sample) => sample.reasons)) summary.reasons = [...new Set(inside.flatMap((sample) => sample.reasons ?? []))];
  return summary;
}

/**
 * A build's warnings as each tool prints them, once each and in order: trtexec's `[W] …` lines (TensorRT's own
 * warnings among them, `[W] [TRT] …`) without their timestamp, and the trtn CLI's `warning: …` lines.
 */
export function buildWarnings(text) {
  const warnings = [];
  for (const line of (text ?? '').split('\n')) {
    const trtexec = /\[W\]\s+(.*\S)/.exec(line);
    const trtn = /^(?:trtn: )?warning: (.*\S)/.exec(line);
    const warning = trtexec ? trtexec[1] : trtn?.[1];
    if (warning && !warnings.includes(warning)) warnings.push(warning);
  }
  return warnings;
}

/** A small seeded PRNG (mulberry32): the same resamples, and so the same interval, for the same runs. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const statistics = {
  median: medianOf,
  mean: (values) => values.reduce((sum, value) => sum + value, 0) / values.length,
};

/**
 * How far a ratio of two tools' figures moves with the runs alone: a percentile bootstrap of
 * statistic(ours) / statistic(theirs), each tool's runs resampled with replacement on their own (the tools' runs are
 * not paired by level on the H200 box: see docs/gpu-testing.md), `resamples` times with a fixed seed. Returns
 * [low, high] at `level` (0.95), or null with fewer than two runs of either tool. An interval that holds a bound
 * (0.98, 1.02, 1.10) says this many runs cannot tell the tools apart at that bound; one that excludes 1 says the
 * tools differ beyond their run-to-run spread.
 */
export function ratioInterval(theirs, ours, { statistic = 'median', level = 0.95, resamples = 4000, seed = 9 } = {}) {
  const clean = (values) => (values ?? []).filter((value) => typeof value === 'number' && Number.isFinite(value) && value > 0);
  const a = clean(theirs);
  const b = clean(ours);
  if (a.length < 2 || b.length < 2) return null;
  const stat = statistics[statistic];
  if (!stat) throw new Error(`ratioInterval: statistic is median or mean, got ${statistic}`);
  const random = seededRandom(seed);
  const draw = (values) => Array.from(values, () => values[Math.floor(random() * values.length)]);
  const ratios = Array.from({ length: resamples }, () => stat(draw(b)) / stat(draw(a))).sort((x, y) => x - y);
  const at = (fraction) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.round(fraction * (ratios.length - 1))))];
  return [at((1 - level) / 2), at(1 - (1 - level) / 2)];
}

/** Below this many runs of a tool, worstCases gives an interval and no verdict. */
const MIN_RUNS_FOR_VERDICT = 4;

/**
 * The cases behind a vs-trtexec file's three ratios, each with its runs' bootstrap interval (ratioInterval): the
 * model and mode of the highest GPU-compute ratio and of the lowest throughput ratio (medians of the runs, as the
 * ratios are), and the model of the highest build ratio (means of the builds, as buildWallS is). `within` says
 * whether the issue's bound lies inside the interval, i.e. whether these runs could have landed on either side of it
 * (null, with noVerdict saying why, when a tool has fewer than four runs).
 */
export function worstCases(file, bounds = { gpuComputeMedianMax: 1.02, throughputMin: 0.98, buildWallMax: 1.1 }) {
  const valuesOf = (runs, key) => (runs ?? []).map((run) => run?.[key]);
  const modeCase = (key, pick) => {
    let worst = null;
    for (const model of file.models ?? []) {
      for (const mode of model.modes ?? []) {
        const theirs = mode.trtexec?.[key];
        const ours = mode.trtn?.[key];
        if (typeof theirs !== 'number' || typeof ours !== 'number' || theirs <= 0) continue;
        const ratio = ours / theirs;
        if (!worst || pick(ratio, worst.ratio)) worst = { model: model.name, mode: mode.mode, ratio, runs: [mode.trtexec.runs?.length ?? 0, mode.trtn.runs?.length ?? 0], interval95: ratioInterval(valuesOf(mode.trtexec.runs, key), valuesOf(mode.trtn.runs, key)) };
      }
    }
    return worst;
  };
  let build = null;
  for (const model of file.models ?? []) {
    const wall = model.buildWallS;
    if (!wall?.trtn || !wall?.trtexec) continue;
    const ratio = wall.trtn / wall.trtexec;
    if (!build || ratio > build.ratio) build = { model: model.name, ratio, runs: [wall.runs?.trtexec?.length ?? 0, wall.runs?.trtn?.length ?? 0], interval95: ratioInterval(wall.runs?.trtexec, wall.runs?.trtn, { statistic: 'mean' }) };
  }
  const cases = { gpuComputeMedianMax: modeCase('gpuComputeMedianMs', (a, b) => a > b), throughputMin: modeCase('throughputQps', (a, b) => a < b), buildWallMax: build };
  for (const [key, entry] of Object.entries(cases)) {
    if (!entry) continue;
    entry.bound = bounds[key];
    // Resampling two or three runs gives a handful of distinct medians: an interval, but too narrow to judge by.
    const enough = entry.interval95 && Math.min(...entry.runs) >= MIN_RUNS_FOR_VERDICT;
    entry.within = enough ? entry.interval95[0] <= bounds[key] && bounds[key] <= entry.interval95[1] : null;
    if (!enough) entry.noVerdict = entry.interval95 ? `fewer than ${MIN_RUNS_FOR_VERDICT} runs of a tool: the interval understates the spread` : 'one run per tool';
  }
  return cases;
}
