/**
 * Which peak figures an analysis divides by: a GPU's own measured ceilings (a calibration, cached per GPU) or
 * datasheet figures from a built-in device profile, labelled as such.
 *
 * The measurement itself lives in the native backend; this file only resolves, validates and caches records.
 */
import { approximateDeviceProfile, deviceProfiles, findDeviceProfile, matchDeviceProfile, type DeviceProfile } from '../devices/profiles.js';
import { TensorRTError } from '../errors.js';
import type { EnvironmentInfo } from '../types/index.js';

/** One measurement of a GPU's ceilings, as `trtn calibrate` records it. */
export interface CalibrationResult {
  /** GPU name as the driver reports it, e.g. `NVIDIA H100 80GB HBM3`. */
  gpuName: string;
  /** GPU UUID, when known; a cached record for another UUID of the same model is still used, with a note. */
  uuid?: string;
  /** TensorRT version the kernels ran under. */
  tensorrtVersion: string;
  /** ISO 8601 time of the measurement. */
  measuredAt: string;
  /** Device-to-device copy bandwidth, GB/s (10^9 bytes per second, bytes read + bytes written). */
  copyBandwidthGBs: number;
  /** Best dense FP16 Tensor Core throughput reached, TFLOP/s (multiply-add = 2 FLOPs). */
  fp16DenseTflops: number;
  /** Best 2:4 sparse FP16 throughput reached, TFLOP/s counting the skipped zeros; absent when not measured. */
  fp16SparseTflops?: number;
  /** How the figures were obtained (kernels, sizes, iterations), in words. */
  method: string;
  /** GPU SM clock during the measurement, MHz, when known. */
  smClockMHz?: number;
}

/** Peaks an efficiency analysis divides by, with where they come from. */
export interface ResolvedPeaks {
  /** The figures. `profile.measured` is true exactly when `source` is `'calibrated'`. */
  profile: DeviceProfile;
  /**
   * `calibrated`: this GPU's measured ceilings; `datasheet`: the built-in profile's published peaks;
   * `approximate`: no profile matches, so the peaks are computed from the GPU's SM count, clocks and bus.
   */
  source: 'calibrated' | 'datasheet' | 'approximate';
  /** Why these figures, and their caveats, in plain words. */
  notes: string[];
  /**
   * Reasons to distrust the figures: an approximate profile, or a `deviceProfileId` that differs from the device
   * the times were estimated for or measured on (percentages then compare one GPU's times with another's peaks).
   */
  warnings: string[];
}

/** Options for {@link resolvePeaks}. */
export interface ResolvePeaksOptions {
  /** Where the report was produced; its GPU name (or the mock's profile id) picks the datasheet profile. */
  environment?: EnvironmentInfo;
  /** A built-in profile id (see `deviceProfiles`); wins over the environment's GPU name. */
  deviceProfileId?: string;
  /**
   * How `deviceProfileId` is named in notes and errors, e.g. `'--gpu'` for the CLI. Defaults to
   * `'deviceProfileId'`.
   */
  deviceProfileOption?: string;
  /**
   * The device profile the times were estimated for when `environment` does not say (a mock `--exportLayerInfo`
   * or `--exportProfile` names it); used like `environment.deviceProfile`.
   */
  estimatedFor?: string;
  /** Measured ceilings of this GPU; win over datasheet figures when they belong to the same GPU. */
  calibration?: CalibrationResult;
}

/** Relative difference above which a clock mismatch is worth scaling for. */
const CLOCK_TOLERANCE = 0.05;

/**
 * Picks the peaks to normalise against. A calibration for the same GPU wins (its bandwidth and dense peak
 * replace the datasheet's; a missing sparse figure is taken as twice the measured dense one, with a note).
 * Otherwise the datasheet profile is used and, when the environment reports a maximum SM clock that differs
 * from the clock the datasheet assumes by more than 5%, the compute peaks are scaled by the clock ratio (memory
 * bandwidth is not: it does not follow the SM clock).
 *
 * @throws TensorRTError ERR_INVALID_OPTION for an unknown `deviceProfileId`; ERR_INVALID_ARGUMENT when neither
 * a profile id, a recognisable GPU name, a mock profile id nor a calibration says which GPU this is.
 */
export function resolvePeaks(options: ResolvePeaksOptions = {}): ResolvedPeaks {
  const notes: string[] = [];
  const warnings: string[] = [];
  const environment = options.environment;
  const gpuName = environment?.gpu?.name;
  const option = options.deviceProfileOption ?? 'deviceProfileId';
  const estimatedFor = environment?.deviceProfile ?? options.estimatedFor;
  let base: DeviceProfile | undefined;

  if (options.deviceProfileId !== undefined) {
    base = findDeviceProfile(options.deviceProfileId);
    if (!base) {
      throw new TensorRTError(
        'ERR_INVALID_OPTION',
        `Expected a device profile id for ${option.startsWith('-') ? option : `\`${option}\``}, got ${JSON.stringify(options.deviceProfileId)}. Known ids: ${knownIds()}.`,
        { option },
      );
    }
    notes.push(`Device profile ${base.id} chosen with ${option}.`);
    const matched = gpuName ? matchDeviceProfile(gpuName) : undefined;
    if (estimatedFor && estimatedFor !== base.id) {
      warnings.push(
        `${option} ${base.id} overrides ${estimatedFor}, the device profile these times were estimated for: the percentages below divide ${estimatedFor} estimates by ${base.id} peaks and can exceed 100%. To estimate for ${base.id}, build on the mock for that device profile instead.`,
      );
    } else if (gpuName && matched?.id !== base.id) {
      warnings.push(`${option} ${base.id} is not the GPU these times were measured on ("${gpuName}"): the percentages below divide one GPU's times by another GPU's peaks.`);
    }
  } else if (gpuName) {
    base = matchDeviceProfile(gpuName);
    if (base) notes.push(`Device profile ${base.id} matched from the GPU name "${gpuName}".`);
  }
  if (!base && estimatedFor) {
    base = findDeviceProfile(estimatedFor);
    if (base) notes.push(`Device profile ${base.id} is the one the mock backend estimated against.`);
  }

  const jetson = environment?.jetson;
  if (jetson?.nvpmodelMode && !/^MAXN/i.test(jetson.nvpmodelMode)) {
    notes.push(`This Jetson ran in nvpmodel mode ${jetson.nvpmodelMode}, which caps GPU and memory clocks below the datasheet's: prefer a calibration taken in the same mode.`);
  }
  if (jetson?.clocksLocked === false) notes.push('GPU clocks were not locked (DVFS): measured times include clock ramp-up, so efficiency figures come out low.');

  const calibration = options.calibration;
  if (calibration) {
    validateCalibration(calibration, 'calibration');
    const otherGpu = gpuName !== undefined && normaliseGpuName(gpuName) !== normaliseGpuName(calibration.gpuName);
    if (otherGpu) {
      notes.push(`Calibration for "${calibration.gpuName}" ignored: this report comes from "${gpuName}".`);
    } else {
      return { profile: calibratedProfile(calibration, base, notes, environment), source: 'calibrated', notes, warnings };
    }
  }

  if (!base && gpuName) {
    const gpu = environment?.gpu;
    const approximate = approximateDeviceProfile({
      name: gpuName,
      computeCapability: gpu?.computeCapability,
      smCount: gpu?.smCount,
      smClockMHz: gpu?.clocks?.maxSmMHz ?? gpu?.clocks?.smMHz,
      memoryClockMHz: gpu?.clocks?.maxMemoryMHz ?? gpu?.clocks?.memoryMHz,
      memoryBusWidthBits: gpu?.memoryBusWidthBits,
    });
    if (approximate) {
      const warning = `No built-in device profile matches the GPU "${gpuName}": using approximate peaks computed from its configuration (FP16 dense ${approximate.fp16DenseTflops} TFLOP/s, ${approximate.memoryBandwidthGBs} GB/s). Pass \`deviceProfileId\` or run \`trtn calibrate\` for firmer figures.`;
      notes.push(warning, ...approximate.sources);
      return { profile: approximate, source: 'approximate', notes, warnings: [...warnings, warning] };
    }
  }
  if (!base) {
    throw new TensorRTError(
      'ERR_INVALID_ARGUMENT',
      gpuName
        ? `No built-in device profile matches the GPU "${gpuName}" and the report lacks the SM count, clocks or memory bus to approximate one. Pass \`deviceProfileId\` (one of ${knownIds()}) or run \`trtn calibrate\` on this GPU to measure its peaks.`
        : `Cannot tell which GPU to normalise against: pass \`deviceProfileId\` (one of ${knownIds()}), an environment with a GPU name, or a calibration.`,
    );
  }

  const profile: DeviceProfile = { ...base, sources: [...base.sources] };
  notes.push(
    `Datasheet peaks: FP16 dense ${profile.fp16DenseTflops} TFLOP/s, FP16 2:4 sparse ${profile.fp16SparseTflops} TFLOP/s, DRAM ${profile.memoryBandwidthGBs} GB/s at ${profile.clockMHz} MHz. Real kernels do not reach them; run \`trtn calibrate\` for this GPU's measured ceilings.`,
  );
  const maxSmMHz = environment?.gpu?.clocks?.maxSmMHz;
  if (maxSmMHz !== undefined && maxSmMHz > 0 && Math.abs(maxSmMHz / profile.clockMHz - 1) > CLOCK_TOLERANCE) {
    const ratio = maxSmMHz / profile.clockMHz;
    profile.fp16DenseTflops *= ratio;
    profile.fp16SparseTflops *= ratio;
    profile.fp32Tflops *= ratio;
    notes.push(
      `The GPU reports a maximum SM clock of ${maxSmMHz} MHz but the datasheet figures assume ${base.clockMHz} MHz: compute peaks scaled by ${ratio.toFixed(3)} (bandwidth unchanged).`,
    );
    profile.clockMHz = maxSmMHz;
    profile.sources.push(`Compute peaks scaled from ${base.clockMHz} MHz to the reported maximum of ${maxSmMHz} MHz.`);
  }
  return { profile, source: 'datasheet', notes, warnings };
}

function calibratedProfile(calibration: CalibrationResult, base: DeviceProfile | undefined, notes: string[], environment?: EnvironmentInfo): DeviceProfile {
  const sparse = calibration.fp16SparseTflops;
  if (sparse === undefined) {
    notes.push('The calibration did not measure 2:4 sparse throughput: the sparse peak is taken as twice the measured dense peak, an upper bound.');
  }
  if (environment?.tensorrtVersion && environment.tensorrtVersion !== calibration.tensorrtVersion) {
    notes.push(`The calibration ran under TensorRT ${calibration.tensorrtVersion}; this report comes from TensorRT ${environment.tensorrtVersion}.`);
  }
  notes.push(
    `Measured peaks of this GPU (${calibration.measuredAt}): FP16 dense ${round(calibration.fp16DenseTflops)} TFLOP/s, copy bandwidth ${round(calibration.copyBandwidthGBs)} GB/s${sparse !== undefined ? `, FP16 2:4 sparse ${round(sparse)} TFLOP/s` : ''}.`,
  );
  if (base) {
    notes.push(
      `For comparison, the ${base.id} datasheet says FP16 dense ${base.fp16DenseTflops} TFLOP/s and ${base.memoryBandwidthGBs} GB/s: measured/datasheet = ${round(calibration.fp16DenseTflops / base.fp16DenseTflops, 2)} and ${round(calibration.copyBandwidthGBs / base.memoryBandwidthGBs, 2)}.`,
    );
  }
  const fp32Ratio = base ? base.fp32Tflops / base.fp16DenseTflops : undefined;
  return {
    id: base ? `${base.id}-calibrated` : `calibrated-${slugify(calibration.gpuName)}`,
    name: calibration.gpuName,
    computeCapability: base?.computeCapability ?? environment?.gpu?.computeCapability ?? 'unknown',
    smCount: base?.smCount ?? environment?.gpu?.smCount ?? 0,
    clockMHz: calibration.smClockMHz ?? environment?.gpu?.clocks?.smMHz ?? base?.clockMHz ?? 0,
    fp16DenseTflops: calibration.fp16DenseTflops,
    fp16SparseTflops: sparse ?? calibration.fp16DenseTflops * 2,
    // FP32 is not calibrated; keep the datasheet's FP32:FP16 ratio applied to the measured dense peak.
    fp32Tflops: fp32Ratio !== undefined ? calibration.fp16DenseTflops * fp32Ratio : 0,
    memoryBandwidthGBs: calibration.copyBandwidthGBs,
    kernelOverheadUs: base?.kernelOverheadUs ?? 5,
    sources: [`Calibration ${calibration.measuredAt} under TensorRT ${calibration.tensorrtVersion}: ${calibration.method}`],
    notes: base ? `Calibrated; datasheet profile ${base.id} for reference.` : 'Calibrated; no built-in datasheet profile matches this GPU.',
    measured: true,
  };
}

/** @internal Checks a calibration record; `where` names the option, or the cache file (ending in .json). */
export function validateCalibration(value: unknown, where: string): asserts value is CalibrationResult {
  const fail = (what: string): never => {
    const fromFile = where.endsWith('.json');
    throw new TensorRTError(
      fromFile ? 'ERR_ANALYSIS_INPUT' : 'ERR_INVALID_ARGUMENT',
      `Expected ${what} in ${fromFile ? `the calibration cache ${where}` : `\`${where}\``}.${fromFile ? ' Delete the file and run `trtn calibrate` again.' : ''}`,
    );
  };
  if (typeof value !== 'object' || value === null) return fail('a calibration record object');
  const record = value as Record<string, unknown>;
  for (const key of ['gpuName', 'tensorrtVersion', 'measuredAt', 'method'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') fail(`a non-empty string \`${key}\``);
  }
  for (const key of ['copyBandwidthGBs', 'fp16DenseTflops'] as const) {
    const number = record[key];
    if (typeof number !== 'number' || !(number > 0) || !Number.isFinite(number)) fail(`a positive number \`${key}\`, got ${String(number)}`);
  }
  const sparse = record.fp16SparseTflops;
  if (sparse !== undefined && (typeof sparse !== 'number' || !(sparse > 0) || !Number.isFinite(sparse))) {
    fail(`\`fp16SparseTflops\` to be a positive number or absent, got ${String(sparse)}`);
  }
}

/** @internal GPU names compare case- and space-insensitively. */
export function normaliseGpuName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** @internal The GPU name as a file-name and id part. */
export function slugify(name: string): string {
  const slug = normaliseGpuName(name).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug || 'gpu';
}

function knownIds(): string {
  return deviceProfiles.map((profile) => profile.id).join(', ');
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
