/**
 * Device profiles: peak throughput and memory bandwidth of GPUs, with where each figure comes from.
 *
 * Datasheet peaks are upper bounds a real kernel never reaches; `trtn calibrate` measures this GPU's own
 * ceilings and those should be preferred when present. The mock backend estimates against these profiles and
 * the efficiency analysis normalises against them (labelled as datasheet figures).
 */

/** Peak figures of one GPU at one clock. */
export interface DeviceProfile {
  /** Stable id, e.g. `h100-sxm`. */
  id: string;
  /** Marketing name. */
  name: string;
  /** Compute capability, e.g. `9.0`. */
  computeCapability: string;
  /** Streaming multiprocessors. */
  smCount: number;
  /** GPU clock the figures assume, MHz. */
  clockMHz: number;
  /** Dense FP16 Tensor Core peak (FP16 accumulate where the product distinguishes), TFLOP/s (1 FMA = 2 FLOPs). */
  fp16DenseTflops: number;
  /** 2:4 sparse FP16 Tensor Core peak, TFLOP/s (effective, i.e. counting the skipped zeros). */
  fp16SparseTflops: number;
  /** Non-tensor FP32 peak, TFLOP/s. */
  fp32Tflops: number;
  /** DRAM bandwidth, GB/s (10^9 bytes per second). */
  memoryBandwidthGBs: number;
  /** Per-kernel launch/scheduling overhead the mock assumes, microseconds. */
  kernelOverheadUs: number;
  /** Where the figures come from. */
  sources: string[];
  /** Caveats. */
  notes?: string;
  /** True when the figures were measured on a real device (calibration), false for datasheet numbers. */
  measured: boolean;
}

/** Built-in profiles, datasheet figures. */
export const deviceProfiles: readonly DeviceProfile[] = Object.freeze([
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM5 80GB',
    computeCapability: '9.0',
    smCount: 132,
    clockMHz: 1980,
    fp16DenseTflops: 989.4,
    fp16SparseTflops: 1978.9,
    fp32Tflops: 66.9,
    memoryBandwidthGBs: 3350,
    kernelOverheadUs: 2.5,
    sources: [
      'NVIDIA H100 Tensor Core GPU datasheet (2023), SXM5 column: FP16 Tensor Core 1,979 TFLOPS with sparsity, FP32 67 TFLOPS, 3.35 TB/s',
      'NVIDIA H100 Tensor Core GPU Architecture whitepaper v1.04 (2022): 132 SMs on SXM5',
    ],
    notes: 'Dense figure is half of the sparse datasheet figure. On the lent H100 a bf16 8192^3 GEMM ran at ~798 TFLOP/s and a device copy at ~3.0 TB/s (workplace notes, 2026-11-13).',
    measured: false,
  },
  {
    id: 'h200-sxm',
    name: 'NVIDIA H200 SXM 141GB',
    computeCapability: '9.0',
    smCount: 132,
    clockMHz: 1980,
    fp16DenseTflops: 989.4,
    fp16SparseTflops: 1978.9,
    fp32Tflops: 66.9,
    memoryBandwidthGBs: 4800,
    kernelOverheadUs: 2.5,
    sources: [
      'NVIDIA H200 Tensor Core GPU datasheet (2024), H200 SXM column: FP16 Tensor Core 1,979 TFLOPS with sparsity, FP32 67 TFLOPS, 141 GB HBM3e at 4.8 TB/s',
      'Same GH100 compute configuration as H100 SXM5 (132 SMs); the lent H200 reports 132 SMs and a 1980 MHz maximum SM clock',
    ],
    notes:
      'Spec-sheet figures, not measured. Dense is half of the sparse datasheet figure. On the lent H200 a plain FP16 8192^3 GEMM reached about 790 TFLOP/s and `trtn calibrate` measured 584 TFLOP/s dense (issue 8, 2026-12-02).',
    measured: false,
  },
  {
    id: 'a100-sxm-80gb',
    name: 'NVIDIA A100 SXM4 80GB',
    computeCapability: '8.0',
    smCount: 108,
    clockMHz: 1410,
    fp16DenseTflops: 312,
    fp16SparseTflops: 624,
    fp32Tflops: 19.5,
    memoryBandwidthGBs: 2039,
    kernelOverheadUs: 3,
    sources: ['NVIDIA A100 Tensor Core GPU datasheet (2021): FP16 Tensor Core 312 | 624 TFLOPS (sparse), FP32 19.5 TFLOPS, 80GB SXM 2,039 GB/s'],
    measured: false,
  },
  {
    id: 'rtx-3080',
    name: 'NVIDIA GeForce RTX 3080 10GB',
    computeCapability: '8.6',
    smCount: 68,
    clockMHz: 1710,
    fp16DenseTflops: 119,
    fp16SparseTflops: 238,
    fp32Tflops: 29.8,
    memoryBandwidthGBs: 760,
    kernelOverheadUs: 4,
    sources: [
      'NVIDIA Ampere GA102 GPU Architecture whitepaper v2 (2021), RTX 3080 column: Peak FP16 Tensor TFLOPS with FP16 Accumulate 119/238 (dense/sparse), FP32 29.8 TFLOPS, 760 GB/s, 320-bit',
    ],
    notes: 'Seed 003 divides by the 238 TFLOPS sparse figure although the model is dense.',
    measured: false,
  },
  {
    id: 'orin-agx-32gb-816mhz',
    name: 'NVIDIA Jetson AGX Orin 32GB (GPU at 816 MHz, 40 W)',
    computeCapability: '8.7',
    smCount: 14,
    clockMHz: 816,
    fp16DenseTflops: 23.7,
    fp16SparseTflops: 47.4,
    fp32Tflops: 2.9,
    memoryBandwidthGBs: 204.8,
    kernelOverheadUs: 8,
    sources: [
      'NVIDIA Jetson AGX Orin Series Technical Brief v1.2 (2022): AGX Orin 32GB GPU 54 FP16 sparse TFLOPS at 930 MHz, 1792 CUDA cores / 56 Tensor Cores, LPDDR5 204.8 GB/s',
      'Scaled to 816 MHz as in seed 003 (54 * 816 / 930 = 47.4 sparse); dense = sparse / 2',
    ],
    notes: 'Memory is shared with the CPU. Figures assume nvpmodel 40 W with the GPU at 816 MHz.',
    measured: false,
  },
  {
    id: 'orin-agx-64gb-maxn',
    name: 'NVIDIA Jetson AGX Orin 64GB (MAXN, GPU at 1300 MHz)',
    computeCapability: '8.7',
    smCount: 16,
    clockMHz: 1300,
    fp16DenseTflops: 42.5,
    fp16SparseTflops: 85,
    fp32Tflops: 5.3,
    memoryBandwidthGBs: 204.8,
    kernelOverheadUs: 8,
    sources: ['NVIDIA Jetson AGX Orin Series Technical Brief v1.2 (2022): AGX Orin 64GB GPU 85 FP16 sparse TFLOPS, 2048 CUDA cores, 204.8 GB/s'],
    measured: false,
  },
]);

/** Looks a profile up by id, case-insensitively; `undefined` when unknown. */
export function findDeviceProfile(id: string): DeviceProfile | undefined {
  const wanted = id.toLowerCase();
  return deviceProfiles.find((profile) => profile.id === wanted);
}

/**
 * Picks the built-in profile that best matches a GPU name reported by the driver (e.g. `NVIDIA H100 80GB HBM3`),
 * or `undefined` when none does.
 */
export function matchDeviceProfile(gpuName: string): DeviceProfile | undefined {
  const name = gpuName.toLowerCase();
  // H200 NVL runs at a lower power limit and clock than the SXM part: no built-in figures for it.
  if (name.includes('h200')) return name.includes('nvl') ? undefined : findDeviceProfile('h200-sxm');
  if (name.includes('h100')) return findDeviceProfile('h100-sxm');
  if (name.includes('a100')) return findDeviceProfile('a100-sxm-80gb');
  if (name.includes('3080')) return findDeviceProfile('rtx-3080');
  if (name.includes('orin')) return name.includes('64') ? findDeviceProfile('orin-agx-64gb-maxn') : findDeviceProfile('orin-agx-32gb-816mhz');
  return undefined;
}

/** Ridge point (FLOPs per byte) where a kernel turns from memory-bound to compute-bound. */
export function ridgePoint(profile: DeviceProfile, sparse = false): number {
  const tflops = sparse ? profile.fp16SparseTflops : profile.fp16DenseTflops;
  return (tflops * 1e12) / (profile.memoryBandwidthGBs * 1e9);
}

/**
 * Tensor Core FP16 (FP16-accumulate) and FP32 FLOPs per SM per clock, dense, by compute capability, from NVIDIA's
 * architecture whitepapers (V100, T4, A100, GA102, AD102, Orin, H100): they reproduce each built-in datasheet
 * peak as SMs × clock × rate.
 */
const PER_SM_PER_CLOCK: Record<string, { fp16Dense: number; fp32: number }> = {
  '7.0': { fp16Dense: 1024, fp32: 128 },
  '7.2': { fp16Dense: 1024, fp32: 128 },
  '7.5': { fp16Dense: 1024, fp32: 128 },
  '8.0': { fp16Dense: 2048, fp32: 128 },
  '8.6': { fp16Dense: 1024, fp32: 256 },
  '8.7': { fp16Dense: 2048, fp32: 256 },
  '8.9': { fp16Dense: 1024, fp32: 256 },
  '9.0': { fp16Dense: 4096, fp32: 256 },
};

/** What {@link approximateDeviceProfile} needs to know about a GPU (the driver's own figures). */
export interface GpuFacts {
  name: string;
  computeCapability?: string;
  smCount?: number;
  /** Maximum (else current) SM clock, MHz. */
  smClockMHz?: number;
  /** Maximum (else current) memory clock as the driver reports it, MHz (data moves twice per clock). */
  memoryClockMHz?: number;
  memoryBusWidthBits?: number;
}

/**
 * An approximate profile for a GPU without a built-in one, computed from its SM count, clocks and memory bus
 * (peak = SMs × clock × per-SM rate of its architecture; bandwidth = 2 × memory clock × bus width). Labelled
 * approximate in its id, name and notes; `undefined` when the driver's figures are missing or the architecture
 * is not in the table.
 */
export function approximateDeviceProfile(gpu: GpuFacts): DeviceProfile | undefined {
  const rates = gpu.computeCapability ? PER_SM_PER_CLOCK[gpu.computeCapability] : undefined;
  if (!rates || !gpu.smCount || !gpu.smClockMHz || !gpu.memoryClockMHz || !gpu.memoryBusWidthBits) return undefined;
  const dense = (gpu.smCount * gpu.smClockMHz * 1e6 * rates.fp16Dense) / 1e12;
  const bandwidth = (2 * gpu.memoryClockMHz * 1e6 * (gpu.memoryBusWidthBits / 8)) / 1e9;
  const slug = gpu.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'gpu';
  return {
    id: `approximate-${slug}`,
    name: `${gpu.name} (approximate)`,
    computeCapability: gpu.computeCapability!,
    smCount: gpu.smCount,
    clockMHz: gpu.smClockMHz,
    fp16DenseTflops: Math.round(dense * 10) / 10,
    fp16SparseTflops: Math.round(dense * 20) / 10,
    fp32Tflops: Math.round(((gpu.smCount * gpu.smClockMHz * 1e6 * rates.fp32) / 1e12) * 10) / 10,
    memoryBandwidthGBs: Math.round(bandwidth),
    kernelOverheadUs: 5,
    sources: [
      `Approximate, not a datasheet: ${gpu.smCount} SMs × ${gpu.smClockMHz} MHz × ${rates.fp16Dense} FP16 Tensor Core FLOPs/clock/SM (compute capability ${gpu.computeCapability}); sparse = 2 × dense; bandwidth 2 × ${gpu.memoryClockMHz} MHz × ${gpu.memoryBusWidthBits}-bit bus`,
    ],
    notes: 'No built-in profile matches this GPU; figures derived from the driver-reported configuration. Run `trtn calibrate` for measured ceilings.',
    measured: false,
  };
}
