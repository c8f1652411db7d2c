// bench/pinned-run.mjs, the bench's launcher for timing runs (--pinning split): the command on one CPU, CUDA's own
// threads moved to the others. A python3 stand-in names a thread the way the CUDA driver names its event handler;
// what is tested is the moving, the pass-through of output and exit status, and the report the bench reads back.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs module without type declarations
import { pinningOf, timingLauncher } from '../../bench/lib.mjs';

const repo = resolve(import.meta.dirname, '..', '..');
const script = join(repo, 'bench', 'pinned-run.mjs');
const canPin = process.platform === 'linux' && availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0 && spawnSync('python3', ['-c', 'pass']).status === 0;

// Two threads named as they start (one like CUDA's event handler, one not), each printing the CPUs it may run on
// after half a second; then the main thread's, and exit status 3.
const standIn = `
import ctypes, threading, time, sys
libc = ctypes.CDLL(None)
lock = threading.Lock()
def worker(name):
    libc.prctl(15, name.encode(), 0, 0, 0)
    time.sleep(0.5)
    tid = threading.get_native_id()
    line = [l for l in open(f'/proc/self/task/{tid}/status') if l.startswith('Cpus_allowed_list')][0]
    with lock:
        sys.stdout.write(name + ' ' + line.split()[1] + '\\n')
        sys.stdout.flush()
time.sleep(0.1)
threads = [threading.Thread(target=worker, args=(n,)) for n in ('cuda-EvtHandlr', 'loop-thread')]
for t in threads: t.start()
for t in threads: t.join()
print('main', [l for l in open('/proc/self/status') if l.startswith('Cpus_allowed_list')][0].split()[1], flush=True)
sys.stderr.write('its own stderr\\n')
sys.exit(3)
`;

describe('bench/pinned-run.mjs', () => {
  it.skipIf(!canPin)("runs the command on --cpu, moves threads named cuda* to --helpers, passes output and exit status through, and reports what it moved", () => {
    const run = spawnSync('taskset', ['-c', '1', process.execPath, script, '--cpu', '0', '--helpers', '1', '--', 'python3', '-c', standIn], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status, run.stderr).toBe(3);
    const allowed = Object.fromEntries(run.stdout.trim().split('\n').map((entry) => entry.split(' ')));
    expect(allowed).toEqual({ 'cuda-EvtHandlr': '1', 'loop-thread': '0', main: '0' });
    expect(run.stderr).toContain('its own stderr');
    const report = pinningOf(run.stderr);
    expect(report).toMatchObject({ loopCpu: 0, helpers: '1' });
    expect(report!.moved).toHaveLength(1);
    expect(report!.moved[0]).toMatchObject({ name: 'cuda-EvtHandlr', ok: true });
    expect(report!.moved[0].afterMs).toBeGreaterThan(0);
  }, 30_000);

  it.skipIf(!canPin)('moves a thread that names itself long after it started (as a CUDA thread on a busy loop CPU)', () => {
    // The thread runs 150 ms under its creator's name before it names itself: many polls see it as 'python3' first.
    const lateNamer = standIn.replace('def worker(name):\n', "def worker(name):\n    time.sleep(0.15 if name.startswith('cuda') else 0)\n").replace("'cuda-EvtHandlr'", "'cuda00001400006'");
    const run = spawnSync('taskset', ['-c', '1', process.execPath, script, '--cpu', '0', '--helpers', '1', '--', 'python3', '-c', lateNamer], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status, run.stderr).toBe(3);
    const allowed = Object.fromEntries(run.stdout.trim().split('\n').map((entry) => entry.split(' ')));
    expect(allowed).toEqual({ cuda00001400006: '1', 'loop-thread': '0', main: '0' });
    const report = pinningOf(run.stderr);
    expect(report!.moved.map((thread: { name: string }) => thread.name)).toEqual(['cuda00001400006']);
    expect(report!.moved[0].afterMs).toBeGreaterThan(150);
  }, 30_000);

  it('refuses a call without one CPU, a helper list and a command, and says how to call it', () => {
    for (const args of [[], ['--cpu', '0', '--helpers', '1'], ['--cpu', '0,1', '--helpers', '1', '--', 'true'], ['--cpu', '0', '--helpers', 'x', '--', 'true']]) {
      const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('usage: pinned-run.mjs --cpu <one CPU>');
    }
  });

  it.skipIf(!canPin)('passes a command that cannot start as exit status 127, still with its report', () => {
    const run = spawnSync(process.execPath, [script, '--cpu', '0', '--helpers', '1', '--', '/nonexistent/tool'], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).not.toBe(0);
    expect(pinningOf(run.stderr)).toMatchObject({ loopCpu: 0, moved: [] });
  });
});

describe('timingLauncher and pinningOf (bench/lib.mjs)', () => {
  it('split: the process on the first CPU through pinned-run, itself on the rest; shared, one CPU or a range: taskset on all', () => {
    expect(timingLauncher('9,14', 'split', '/r/pinned-run.mjs', '/bin/node')).toEqual(['taskset', '-c', '14', '/bin/node', '/r/pinned-run.mjs', '--cpu', '9', '--helpers', '14', '--']);
    expect(timingLauncher('3,5,7', 'split', '/p', 'node')).toEqual(['taskset', '-c', '5,7', 'node', '/p', '--cpu', '3', '--helpers', '5,7', '--']);
    expect(timingLauncher('9,14', 'shared', '/p')).toEqual(['taskset', '-c', '9,14']);
    expect(timingLauncher('9', 'split', '/p')).toEqual(['taskset', '-c', '9']);
    expect(timingLauncher('2-5', 'split', '/p')).toEqual(['taskset', '-c', '2-5']);
  });

  it("reads the last report line, and nothing from text without one or with a broken one", () => {
    const text = 'trtexec output\npinned-run: {"loopCpu":1,"helpers":"2","moved":[],"threadsSeen":3}\npinned-run: {"loopCpu":9,"helpers":"14","moved":[{"tid":5,"name":"cuda-EvtHandlr","afterMs":80.5,"ok":true}],"threadsSeen":12}\n';
    expect(pinningOf(text)).toEqual({ loopCpu: 9, helpers: '14', moved: [{ name: 'cuda-EvtHandlr', afterMs: 80.5, ok: true }] });
    expect(pinningOf('no report here')).toBeUndefined();
    expect(pinningOf('pinned-run: {broken')).toBeUndefined();
    expect(pinningOf(undefined)).toBeUndefined();
  });
});
