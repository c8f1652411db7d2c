#!/usr/bin/env python3
"""Runs one command while a thread of this separate process sleeps 1 ms at a time, and reports how late it woke.

    python3 scripts/device/stall-probe.py --label NAME [--out FILE.jsonl] -- <command> [args...]

Why: the bench's event-loop lag during a TensorRT 8.6 build (4-12 ms on the H200 box) came from the main thread
sleeping in epoll_wait well past its 1 ms timer, not from work on it or a wait for a CPU (its schedstat did not move;
bench/results 2026-12-04). A probe outside the Node process, running beside trtexec's build as beside trtn's,
tells whether such stalls are the machine's while TensorRT builds (then both tools' processes meet them) or trtn's.

The command's stdout and stderr pass through; its exit status is this one's. One JSON line goes to --out (appended)
and to stderr: {"label", "wallS", "status", "worstMs" (the longest 1 ms sleep, less 1 ms), "over2ms" (how many woke
more than 2 ms late), "gaps" (the 20 worst: [ms late, seconds after start])}.
"""
import json
import subprocess
import sys
import threading
import time


def main() -> int:
    args = sys.argv[1:]
    if '--' not in args:
        print('stall-probe: usage: stall-probe.py --label NAME [--out FILE.jsonl] -- <command> [args...]', file=sys.stderr)
        return 2
    own, command = args[: args.index('--')], args[args.index('--') + 1 :]
    options = dict(zip(own[::2], own[1::2]))
    if not command or '--label' not in options:
        print('stall-probe: usage: stall-probe.py --label NAME [--out FILE.jsonl] -- <command> [args...]', file=sys.stderr)
        return 2
    late = []
    stop = threading.Event()
    started = time.monotonic()

    def sleeper() -> None:
        while not stop.is_set():
            before = time.monotonic()
            time.sleep(0.001)
            after = time.monotonic()
            late.append(((after - before) * 1000 - 1, after - started))

    thread = threading.Thread(target=sleeper, daemon=True)
    thread.start()
    status = subprocess.call(command)
    wall = time.monotonic() - started
    stop.set()
    thread.join()
    worst = sorted(late, reverse=True)
    record = {
        'label': options['--label'],
        'wallS': round(wall, 3),
        'status': status,
        'sleeps': len(late),
        'worstMs': round(worst[0][0], 2) if worst else None,
        'over2ms': sum(1 for ms, _ in late if ms > 2),
        'gaps': [[round(ms, 2), round(at, 3)] for ms, at in worst[:20]],
    }
    line = json.dumps(record)
    print(f'stall-probe: {line}', file=sys.stderr)
    if '--out' in options:
        with open(options['--out'], 'a', encoding='utf8') as out:
            out.write(line + '\n')
    return status


if __name__ == '__main__':
    sys.exit(main())
