#!/usr/bin/env node
/**
 * Runs a command pinned to one CPU and moves CUDA's own threads to others, for the bench's timing runs:
 *
 *   taskset -c <helpers> node bench/pinned-run.mjs --cpu <loop CPU> --helpers <CPU list> -- <command> [args...]
 *
 * The command (every thread it starts: the timing loop's among them) runs on --cpu. Every thread whose name starts
 * with "cuda" (the driver's cuda-EvtHandlr, which wakes once per inference for blocking-sync events, and its other
 * helpers) is moved to --helpers as soon as it appears, so that it neither preempts the loop (as on one CPU) nor
 * lets the loop land on a second CPU of another speed (as with two CPUs for the whole process: on the H200 box the
 * same enqueue-bound run came out 2.7k or 4.4k qps by which of the two CPUs the loop landed on, 2026-12-04).
 * The same for both tools: the bench launches trtexec and `trtn bench` through it alike.
 *
 * stdout and stderr are the command's; its exit status is this one's. At the end one line goes to stderr:
 * `pinned-run: {"loopCpu":…,"helpers":"…","moved":[{"tid":…,"name":…,"afterMs":…,"ok":true}],"threadsSeen":…}`
 * (bench/lib.mjs pinningOf reads it back). Linux only (/proc and taskset).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const own = split >= 0 ? args.slice(0, split) : args;
const command = split >= 0 ? args.slice(split + 1) : [];
const option = (name) => {
  const index = own.indexOf(name);
  return index >= 0 ? own[index + 1] : undefined;
};
const loopCpu = option('--cpu');
const helpers = option('--helpers');
if (!/^\d+$/.test(loopCpu ?? '') || !/^[\d,-]+$/.test(helpers ?? '') || command.length === 0) {
  console.error('pinned-run: usage: pinned-run.mjs --cpu <one CPU> --helpers <CPU list, e.g. 14 or 3,5> -- <command> [args...]');
  process.exit(2);
}

const started = performance.now();
const child = spawn('taskset', ['-c', loopCpu, ...command], { stdio: ['ignore', 'inherit', 'inherit'] });
const moved = [];
// Threads done with: moved. Every other thread is read again at each poll: a new thread starts under its creator's
// name and names itself when it first runs, which on a busy loop CPU can be many polls later (on the H200 box,
// 2026-12-04 05:2x, trtn's CUDA thread was most likely taken for another thread seen twice under its first name, and was
// not moved in most runs, while trtexec's was in every one).
const done = new Set();
const firstNames = new Map();
const readName = (tid) => {
  try {
    return readFileSync(`/proc/${child.pid}/task/${tid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
};
const poll = () => {
  let tids;
  try {
    tids = readdirSync(`/proc/${child.pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    if (done.has(tid)) continue;
    const name = readName(tid);
    if (name === undefined) continue;
    if (!name.startsWith('cuda')) {
      if (!firstNames.has(tid)) firstNames.set(tid, name);
      continue;
    }
    done.add(tid);
    firstNames.set(tid, name);
    const result = spawnSync('taskset', ['-p', '-c', helpers, tid], { encoding: 'utf8' });
    moved.push({ tid: Number(tid), name, afterMs: Number((performance.now() - started).toFixed(1)), ok: result.status === 0 });
  }
};
// Threads appear while the process starts and creates its CUDA context: poll often then, rarely afterwards.
let fast = setInterval(poll, 2);
const slowDown = setTimeout(() => {
  clearInterval(fast);
  fast = setInterval(poll, 100);
}, 5000);
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill('SIGKILL'));
child.on('error', (error) => {
  console.error(`pinned-run: could not start ${command[0]}: ${error.message}`);
  process.exitCode = 127;
});
child.on('close', (status, signal) => {
  clearInterval(fast);
  clearTimeout(slowDown);
  console.error(`pinned-run: ${JSON.stringify({ loopCpu: Number(loopCpu), helpers, moved, threadsSeen: firstNames.size })}`);
  process.exitCode = status ?? (signal ? 128 + 9 : 1);
});
