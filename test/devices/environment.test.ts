import { describe, expect, it } from 'vitest';
import { captureHostEnvironment, detectJetson, environmentWarnings, nodeSystemReader, type CommandResult, type SystemReader } from '../../lib/devices/environment.js';
import type { EnvironmentInfo } from '../../lib/types/index.js';

const UNREADABLE = Symbol('EACCES');
type FakeFile = string | typeof UNREADABLE;

/** A fake machine: files by path (folders are implied by paths), and programs by name. */
function fakeReader(files: Record<string, FakeFile>, programs: Record<string, CommandResult> = {}): SystemReader & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    readFile(path) {
      const value = files[path];
      if (value === undefined) return { ok: false, reason: 'missing' };
      if (value === UNREADABLE) return { ok: false, reason: 'unreadable', message: 'EACCES' };
      return { ok: true, text: value };
    },
    listDir(path) {
      const prefix = `${path}/`;
      const names = new Set(Object.keys(files).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length).split('/')[0]));
      return names.size > 0 ? [...names] : undefined;
    },
    run(program, args, timeoutMs) {
      ran.push(`${program} ${args.join(' ')} (${timeoutMs} ms)`);
      return programs[program];
    },
  };
}

const ORIN_MODEL = 'NVIDIA Jetson AGX Orin Developer Kit\0';
const RELEASE = '# R35 (release), REVISION: 3.1, GCID: 32827747, BOARD: t186ref, EABI: aarch64, DATE: Sun Mar 19 15:19:21 UTC 2023\n';
const NVPMODEL_CONF = '< POWER_MODEL ID=0 NAME=MAXN >\nCPU_ONLINE CORE_0 1\n< POWER_MODEL ID=1 NAME=MODE_15W >\n< POWER_MODEL ID=2 NAME=MODE_30W >\n< POWER_MODEL ID=3 NAME=MODE_50W >\n';
const DEVFREQ = '/sys/devices/gpu.0/devfreq/17000000.ga10b';

describe('detectJetson', () => {
  it('MAXN with locked clocks: no warnings', () => {
    const reader = fakeReader(
      {
        '/etc/nv_tegra_release': RELEASE,
        '/proc/device-tree/model': ORIN_MODEL,
        [`${DEVFREQ}/cur_freq`]: '1300500000\n',
        [`${DEVFREQ}/max_freq`]: '1300500000\n',
        [`${DEVFREQ}/min_freq`]: '1300500000\n',
      },
      { '/usr/sbin/nvpmodel': { stdout: 'NV Power Mode: MAXN\n0\n', exitCode: 0, timedOut: false } },
    );
    const jetson = detectJetson(reader);
    expect(jetson).toMatchObject({ model: 'NVIDIA Jetson AGX Orin Developer Kit', nvpmodelMode: 'MAXN', clocksLocked: true });
    expect(jetson?.notes).toContain('L4T R35.3.1');
    expect(jetson?.notes.join(' ')).toMatch(/GPU clock 1301 MHz .*locked/);
    expect(reader.ran[0]).toBe('/usr/sbin/nvpmodel -q (3000 ms)');
    expect(environmentWarnings({ host: { platform: 'linux', arch: 'arm64', cpus: 12, node: 'v20' }, jetson })).toEqual([]);
  });

  it('15 W with DVFS clocks: warns about both, naming the MAXN id', () => {
    const reader = fakeReader(
      {
        '/proc/device-tree/model': ORIN_MODEL,
        '/etc/nvpmodel.conf': NVPMODEL_CONF,
        '/sys/class/devfreq/17000000.ga10b/cur_freq': '306000000',
        '/sys/class/devfreq/17000000.ga10b/max_freq': '612000000',
        '/sys/class/devfreq/17000000.ga10b/min_freq': '306000000',
        '/sys/class/devfreq/15340000.vic/cur_freq': '1',
      },
      { nvpmodel: { stdout: 'NVPM WARN: fan mode is not set!\nNV Power Mode: MODE_15W\n1\n', exitCode: 0, timedOut: false } },
    );
    const jetson = detectJetson(reader);
    expect(jetson).toMatchObject({ nvpmodelMode: 'MODE_15W', clocksLocked: false });
    const warnings = environmentWarnings({ host: { platform: 'linux', arch: 'arm64', cpus: 8, node: 'v20' }, jetson });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/not in MAXN \(nvpmodel mode MODE_15W\).*sudo nvpmodel -m 0/);
    expect(warnings[1]).toMatch(/not locked.*sudo jetson_clocks.*3–4×/);
  });

  it('unreadable clocks and no nvpmodel binary: falls back to the status file and says what it could not read', () => {
    const reader = fakeReader({
      '/etc/nv_tegra_release': RELEASE,
      '/etc/nvpmodel.conf': NVPMODEL_CONF,
      '/var/lib/nvpmodel/status': 'pmode:0002 fmode:quiet\n',
      [`${DEVFREQ}/cur_freq`]: UNREADABLE,
      [`${DEVFREQ}/max_freq`]: UNREADABLE,
      '/sys/kernel/debug/clk/gpcclk/clk_rate': UNREADABLE,
    });
    const jetson = detectJetson(reader);
    expect(jetson?.model).toBeUndefined();
    expect(jetson?.nvpmodelMode).toBe('MODE_30W');
    expect(jetson?.clocksLocked).toBeUndefined();
    expect(jetson?.notes.join(' ')).toMatch(/unreadable \(permission denied\)/);
    const warnings = environmentWarnings({ host: { platform: 'linux', arch: 'arm64', cpus: 8, node: 'v20' }, jetson });
    expect(warnings.join(' ')).toMatch(/Could not tell whether the GPU clocks/);
    expect(warnings.join(' ')).toMatch(/not in MAXN/);
  });

  it('reads clock locking from the clock framework debugfs when devfreq is absent', () => {
    const reader = fakeReader({
      '/proc/device-tree/model': 'NVIDIA Jetson Xavier NX\0',
      '/sys/kernel/debug/clk/gpcclk/clk_rate': '1100000000',
      '/sys/kernel/debug/clk/gpcclk/clk_min_rate': '1100000000',
      '/sys/kernel/debug/clk/gpcclk/clk_max_rate': '1100000000',
    });
    expect(detectJetson(reader)?.clocksLocked).toBe(true);
  });

  it('gives up on a hung nvpmodel and returns undefined on a machine that is not a Jetson', () => {
    const hung = fakeReader({ '/etc/nv_tegra_release': RELEASE }, { '/usr/sbin/nvpmodel': { stdout: '', exitCode: null, timedOut: true } });
    expect(detectJetson(hung)?.notes.join(' ')).toMatch(/did not answer within 3 s/);
    expect(detectJetson(fakeReader({ '/proc/device-tree/model': 'Raspberry Pi 4 Model B\0' }))).toBeUndefined();
    expect(detectJetson(fakeReader({}))).toBeUndefined();
  });
});

describe('captureHostEnvironment and environmentWarnings', () => {
  it('captures this host and attaches the Jetson facts from the reader', () => {
    const environment = captureHostEnvironment({ reader: fakeReader({ '/etc/nv_tegra_release': RELEASE }), includeHostname: false });
    expect(environment.host.platform).toBe(process.platform);
    expect(environment.host.node).toBe(process.version);
    expect(environment.host.cpus).toBeGreaterThan(0);
    expect(environment.host.hostname).toBeUndefined();
    expect(environment.jetson?.notes).toContain('L4T R35.3.1');
  });

  it('on this (non-Jetson) machine the real reader finds no Jetson', () => {
    expect(captureHostEnvironment({ reader: nodeSystemReader }).jetson).toBeUndefined();
  });

  it('warns about unlocked discrete-GPU clocks and about estimates without a GPU', () => {
    const host = { platform: 'linux', arch: 'x64', cpus: 16, node: 'v20' };
    const unlocked: EnvironmentInfo = { host, gpu: { index: 0, name: 'NVIDIA H100 80GB HBM3', clocks: { smMHz: 1755, maxSmMHz: 1980, locked: false } } };
    expect(environmentWarnings(unlocked)[0]).toMatch(/nvidia-smi -lgc 1980/);
    expect(environmentWarnings({ host, deviceProfile: 'h100-sxm' })[0]).toMatch(/estimates against the device profile h100-sxm/);
    expect(environmentWarnings({ host, gpu: { index: 0, name: 'x', clocks: { locked: true } } })).toEqual([]);
  });
});
