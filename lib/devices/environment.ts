/**
 * Where a report was produced: host facts, and on a Jetson the board, its nvpmodel power mode and whether the GPU
 * clocks are locked. Numbers taken on a Jetson in a low power mode or with DVFS clocks are not comparable with
 * anything else, so reports carry these facts and warn about them.
 *
 * All reads go through a {@link SystemReader} so that tests can describe a fake board.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname } from 'node:os';
import type { EnvironmentInfo, JetsonInfo } from '../types/index.js';

/** Result of reading one file. */
export type FileReadResult = { ok: true; text: string } | { ok: false; reason: 'missing' | 'unreadable'; message?: string };

/** Result of running one command. */
export interface CommandResult {
  stdout: string;
  /** Exit status; `null` when it was killed (e.g. by the timeout). */
  exitCode: number | null;
  timedOut: boolean;
}

/** The file and process access environment capture needs; injectable for tests. */
export interface SystemReader {
  readFile(path: string): FileReadResult;
  /** Entries of a folder, or `undefined` when it is missing or unreadable. */
  listDir(path: string): string[] | undefined;
  /** Runs a program; `undefined` when it does not exist. */
  run(program: string, args: string[], timeoutMs: number): CommandResult | undefined;
}

/** The real machine. */
export const nodeSystemReader: SystemReader = {
  readFile(path) {
    try {
      return { ok: true, text: readFileSync(path, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ok: false, reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', message: (error as Error).message };
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
  run(program, args, timeoutMs) {
    const result = spawnSync(program, args, { timeout: timeoutMs, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    return { stdout: `${result.stdout ?? ''}`, exitCode: result.status, timedOut };
  },
};

/** How long `nvpmodel -q` may take before it is given up on, ms. */
const NVPMODEL_TIMEOUT_MS = 3000;
const NVPMODEL_CANDIDATES = ['/usr/sbin/nvpmodel', '/usr/bin/nvpmodel', 'nvpmodel'];
/** devfreq device names of Tegra GPUs (gm20b … gb10b) and the generic `gpu` of newer kernels. */
const GPU_DEVFREQ_NAME = /gpu|g[mpvab]\d+b/i;
const DEVFREQ_FOLDERS = ['/sys/devices/gpu.0/devfreq', '/sys/class/devfreq'];
/** Common clock framework debugfs folders of the Tegra GPU clock (root only). */
const DEBUG_CLOCKS = ['/sys/kernel/debug/clk/gpcclk', '/sys/kernel/debug/clk/gpc0clk', '/sys/kernel/debug/clk/gpu'];

/** Options for {@link captureHostEnvironment}. */
export interface CaptureOptions {
  /** File and process access. Defaults to `nodeSystemReader` (the real file system and processes). */
  reader?: SystemReader;
  /** Record the host name (reports may be shared). Defaults to `true`. */
  includeHostname?: boolean;
}

/**
 * Host facts (platform, CPU count, Node version, host name) and, on a Jetson, {@link detectJetson}'s findings.
 * GPU, driver, CUDA and TensorRT fields are left for the backend to fill.
 */
export function captureHostEnvironment(options: CaptureOptions = {}): EnvironmentInfo {
  const reader = options.reader ?? nodeSystemReader;
  const environment: EnvironmentInfo = {
    host: {
      platform: process.platform,
      arch: process.arch,
      cpus: typeof availableParallelism === 'function' ? availableParallelism() : cpus().length,
      node: process.version,
    },
  };
  if (options.includeHostname !== false) environment.host.hostname = hostname();
  if (process.platform === 'linux' || options.reader) {
    const jetson = detectJetson(reader);
    if (jetson) environment.jetson = jetson;
  }
  return environment;
}

/**
 * Detects a Jetson (`/etc/nv_tegra_release`, or "Jetson" in `/proc/device-tree/model`) and records its model,
 * L4T release, nvpmodel power mode (`nvpmodel -q`, with a timeout; else `/var/lib/nvpmodel/status` with the names
 * in `/etc/nvpmodel.conf`) and whether the GPU clocks are locked: devfreq `min_freq == max_freq` as
 * `jetson_clocks` leaves them (or `cur_freq == max_freq` when min is unreadable), else the clock framework's
 * debugfs `clk_min_rate == clk_max_rate` where readable. What could not be read is said in `notes`.
 *
 * @param reader - file and process access. Defaults to `nodeSystemReader` (the real file system and processes).
 * @returns `undefined` when this is not a Jetson.
 */
export function detectJetson(reader: SystemReader = nodeSystemReader): JetsonInfo | undefined {
  const release = reader.readFile('/etc/nv_tegra_release');
  const modelFile = reader.readFile('/proc/device-tree/model');
  const model = modelFile.ok ? modelFile.text.replace(/\0/g, '').trim() : undefined;
  if (!release.ok && !(model && /jetson/i.test(model))) return undefined;

  const info: JetsonInfo = { notes: [] };
  if (model) info.model = model;
  if (release.ok) {
    const match = /R(\d+)\s*\(release\),\s*REVISION:\s*([\d.]+)/.exec(release.text);
    if (match) info.notes.push(`L4T R${match[1]}.${match[2]}`);
  }

  const power = readPowerMode(reader);
  if (power.mode) info.nvpmodelMode = power.mode;
  info.notes.push(...power.notes);

  const clocks = readGpuClocks(reader);
  if (clocks.locked !== undefined) info.clocksLocked = clocks.locked;
  info.notes.push(...clocks.notes);
  return info;
}

function readPowerMode(reader: SystemReader): { mode?: string; notes: string[] } {
  const notes: string[] = [];
  for (const program of NVPMODEL_CANDIDATES) {
    const result = reader.run(program, ['-q'], NVPMODEL_TIMEOUT_MS);
    if (!result) continue;
    if (result.timedOut) {
      notes.push(`nvpmodel -q did not answer within ${NVPMODEL_TIMEOUT_MS / 1000} s.`);
      break;
    }
    const match = /NV Power Mode:\s*([^\r\n]+)/.exec(result.stdout);
    if (match) {
      const id = /^\s*(\d+)\s*$/m.exec(result.stdout.slice(match.index + match[0].length));
      const mode = match[1].trim();
      notes.push(`nvpmodel mode ${mode}${id ? ` (id ${id[1]})` : ''}${maxnHint(reader, mode)}`);
      return { mode, notes };
    }
    notes.push(`nvpmodel -q printed no "NV Power Mode" line (exit ${String(result.exitCode)}).`);
    break;
  }
  // Without the binary (containers), the daemon's status file and the mode table still tell the mode.
  const status = reader.readFile('/var/lib/nvpmodel/status');
  const id = status.ok ? /pmode:\s*0*(\d+)/.exec(status.text)?.[1] : undefined;
  if (id !== undefined) {
    const name = modeNames(reader).get(id);
    if (name) {
      notes.push(`nvpmodel mode ${name} (id ${id}, from /var/lib/nvpmodel/status)${maxnHint(reader, name)}`);
      return { mode: name, notes };
    }
    notes.push(`nvpmodel mode id ${id} (from /var/lib/nvpmodel/status); its name is not in /etc/nvpmodel.conf.`);
    return { notes };
  }
  notes.push('nvpmodel mode unknown: nvpmodel is not installed and /var/lib/nvpmodel/status is unreadable.');
  return { notes };
}

/** Mode id → name from `/etc/nvpmodel.conf` (`< POWER_MODEL ID=0 NAME=MAXN >`). */
function modeNames(reader: SystemReader): Map<string, string> {
  const conf = reader.readFile('/etc/nvpmodel.conf');
  const names = new Map<string, string>();
  if (!conf.ok) return names;
  for (const match of conf.text.matchAll(/<\s*POWER_MODEL\s+ID=(\d+)\s+NAME=([^\s>]+)/g)) names.set(match[1], match[2]);
  return names;
}

function maxnHint(reader: SystemReader, mode: string): string {
  if (/^MAXN/i.test(mode)) return '.';
  const maxn = [...modeNames(reader)].find(([, name]) => /^MAXN/i.test(name));
  return maxn ? `; MAXN is id ${maxn[0]} (sudo nvpmodel -m ${maxn[0]}).` : '.';
}

function readNumber(reader: SystemReader, path: string): { value?: number; unreadable: boolean } {
  const result = reader.readFile(path);
  if (!result.ok) return { unreadable: result.reason === 'unreadable' };
  const value = Number.parseInt(result.text.trim(), 10);
  return Number.isFinite(value) ? { value, unreadable: false } : { unreadable: false };
}

function readGpuClocks(reader: SystemReader): { locked?: boolean; notes: string[] } {
  const notes: string[] = [];
  let unreadable = false;
  for (const folder of DEVFREQ_FOLDERS) {
    const entries = reader.listDir(folder)?.filter((name) => GPU_DEVFREQ_NAME.test(name)) ?? [];
    for (const entry of entries) {
      const base = `${folder}/${entry}`;
      const current = readNumber(reader, `${base}/cur_freq`);
      const max = readNumber(reader, `${base}/max_freq`);
      const min = readNumber(reader, `${base}/min_freq`);
      unreadable ||= current.unreadable || max.unreadable;
      if (current.value === undefined || max.value === undefined) continue;
      const mhz = (hz: number): string => `${Math.round(hz / 1e6)} MHz`;
      const locked = min.value !== undefined ? min.value === max.value : current.value === max.value;
      notes.push(
        `GPU clock ${mhz(current.value)} (devfreq min ${min.value !== undefined ? mhz(min.value) : 'unreadable'}, max ${mhz(max.value)}, ${base}): ${locked ? 'locked' : 'not locked (DVFS)'}.`,
      );
      return { locked, notes };
    }
  }
  for (const base of DEBUG_CLOCKS) {
    const min = readNumber(reader, `${base}/clk_min_rate`);
    const max = readNumber(reader, `${base}/clk_max_rate`);
    const rate = readNumber(reader, `${base}/clk_rate`);
    unreadable ||= min.unreadable || max.unreadable || rate.unreadable;
    if (min.value === undefined || max.value === undefined) continue;
    const locked = min.value === max.value;
    notes.push(`GPU clock ${rate.value !== undefined ? `${Math.round(rate.value / 1e6)} MHz` : 'unknown'} (clk min ${Math.round(min.value / 1e6)}, max ${Math.round(max.value / 1e6)} MHz, ${base}): ${locked ? 'locked' : 'not locked (DVFS)'}.`);
    return { locked, notes };
  }
  notes.push(unreadable ? 'GPU clock state unreadable (permission denied): run as root, or check with sudo jetson_clocks --show.' : 'GPU clock state unknown: no GPU devfreq entry found.');
  return { notes };
}

export { environmentWarnings } from './warnings.js';
