#!/usr/bin/env python3
"""The GPU's clocks while the bench times: nvidia-smi's readings every PERIOD ms, appended to FILE as they come.

    python3 bench/gpu-sampler.py FILE [PERIOD_MS (500)] [GPU_INDEX (0)]

Each line of FILE is `<epoch ms of this host>, <nvidia-smi's CSV fields>` and is flushed at once, so the bench can
read the file between its synchronous timing runs and attribute each reading to the run it fell in. The fields are
those of FIELDS (the first of them that this driver's nvidia-smi accepts); the first line of FILE names them. Runs
until killed (the bench kills its process group, nvidia-smi included).
"""
import os
import subprocess
import sys
import time

FIELDS = [
    # Driver 535 and later call the reasons "clocks event reasons"; older drivers "clocks throttle reasons".
    'clocks.sm,clocks.mem,pstate,utilization.gpu,power.draw,clocks_event_reasons.active',
    'clocks.sm,clocks.mem,pstate,utilization.gpu,power.draw,clocks_throttle_reasons.active',
    'clocks.sm,clocks.mem,pstate,utilization.gpu,power.draw',
]


def main() -> int:
    out_path = sys.argv[1]
    period_ms = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    gpu = sys.argv[3] if len(sys.argv) > 3 else '0'
    with open(out_path, 'w', encoding='utf-8') as out:
        for fields in FIELDS:
            probe = subprocess.run(['nvidia-smi', f'--query-gpu={fields}', '--format=csv,noheader,nounits', '-i', gpu], capture_output=True, text=True, check=False)
            if probe.returncode == 0 and 'Field' not in probe.stdout:
                break
        else:
            out.write(f'# nvidia-smi took none of the field sets: {probe.stdout.strip()} {probe.stderr.strip()}\n')
            return 1
        out.write(f'# fields: epochMs,{fields}\n')
        out.flush()
        smi = subprocess.Popen(['nvidia-smi', f'--query-gpu={fields}', '--format=csv,noheader,nounits', '-i', gpu, '-lms', str(period_ms)], stdout=subprocess.PIPE, text=True)
        assert smi.stdout is not None
        parent = os.getppid()
        for line in smi.stdout:
            out.write(f'{time.time() * 1000:.0f}, {line}')
            out.flush()
            # The bench was killed without killing this group (a device call's time limit): stop polling the GPU.
            if os.getppid() != parent:
                smi.kill()
                break
    return 0


if __name__ == '__main__':
    sys.exit(main())
