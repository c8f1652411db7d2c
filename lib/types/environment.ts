/** The backend, the machine, the GPU and the software versions a result comes from. */

/** Which backend produced a result. `mock` results are estimates from a cost model, never measurements. */
export type BackendKind = 'tensorrt' | 'mock';

/** GPU clocks in MHz, where readable. */
export interface ClockInfo {
  /** Current SM clock. */
  smMHz?: number;
  /** Current memory clock. */
  memoryMHz?: number;
  /** Maximum SM clock. */
  maxSmMHz?: number;
  /** Maximum memory clock. */
  maxMemoryMHz?: number;
  /** Whether the application clocks appear locked (current == max under load is not proof; see notes). */
  locked?: boolean;
}

/** Jetson power-mode facts, when the machine is a Jetson. */
export interface JetsonInfo {
  /** Board model from the device tree, e.g. `NVIDIA Jetson AGX Orin`. */
  model?: string;
  /** Current `nvpmodel` power mode, when readable. */
  nvpmodelMode?: string;
  /** Whether `jetson_clocks` appears to have locked the clocks at their maximum. */
  clocksLocked?: boolean;
  /** The L4T release, what could not be read, and what the clock readings mean for timings. */
  notes: string[];
}

/** Where a report was produced. */
export interface EnvironmentInfo {
  /** The host: `os.platform()`, `os.arch()`, CPU count, Node.js version and hostname. */
  host: {
    /** `os.platform()`, e.g. `linux`. */
    platform: string;
    /** `os.arch()`, e.g. `x64`, `arm64`. */
    arch: string;
    /** Logical CPUs. */
    cpus: number;
    /** Node.js version. */
    node: string;
    /** `os.hostname()`. */
    hostname?: string;
  };
  /** The CUDA device the result is for; absent when none is known. */
  gpu?: {
    /** CUDA device index. */
    index: number;
    /** Device name, e.g. `NVIDIA H200`. */
    name: string;
    /** Compute capability, e.g. `9.0`. */
    computeCapability?: string;
    /** Streaming multiprocessors. */
    smCount?: number;
    /** Device memory in bytes. */
    memoryBytes?: number;
    /** Memory bus width in bits. */
    memoryBusWidthBits?: number;
    /** L2 cache size in bytes. */
    l2CacheBytes?: number;
    /** Clock readings, where readable. */
    clocks?: ClockInfo;
  };
  /** NVIDIA driver version, e.g. `550.54.15`. */
  driverVersion?: string;
  /** CUDA runtime version TensorRT uses, e.g. `12.4`. */
  cudaRuntimeVersion?: string;
  /** TensorRT runtime version, e.g. `10.6.0`. */
  tensorrtVersion?: string;
  /** Jetson power-mode facts, on Jetson boards only. */
  jetson?: JetsonInfo;
  /** The mock's device profile id, when the figures are estimates against a profile. */
  deviceProfile?: string;
}

/** Versions of the pieces that produced a report. */
export interface VersionInfo {
  /** This package's version. */
  tensorrtNode: string;
  /** Node.js version (`process.version`). */
  node: string;
  /** TensorRT runtime version; absent on the mock. */
  tensorrt?: string;
  /** ONNX parser version; absent on the mock. */
  onnxParser?: string;
  /** CUDA runtime version; absent on the mock. */
  cudaRuntime?: string;
  /** CUDA driver API version; absent on the mock. */
  cudaDriver?: string;
}

/** What `backendInfo()` reports. */
export interface BackendInfo {
  /** The backend calls use when they ask for `'auto'`. */
  active: BackendKind;
  /** True when the TensorRT backend loaded. */
  tensorrtAvailable: boolean;
  /** Why TensorRT is unavailable, most specific first; empty when it is available. */
  reasons: BackendUnavailableReason[];
  /** Things to try, in plain words. */
  possibleSolutions: string[];
  /** Runtime TensorRT version, e.g. `10.6.0`. */
  tensorrtVersion?: string;
  /** The trtn_trt<major>.node file in use. */
  nativeAddonPath?: string;
  /** The libnvinfer file the addon opened. */
  backendLibraryPath?: string;
  /**
   * How `TRTN_TENSORRT_LIB_DIR` alone is made enough, without `LD_LIBRARY_PATH`: libraries next to libnvinfer that
   * were opened first (8.6's plugin library), libnvinfer's imports redirected to that folder (`dlopen`, `dlmopen`:
   * its builder resource is opened by bare name), and what did not work.
   */
  libraryLoading?: {
    /** Libraries next to libnvinfer that were opened before it. */
    preloaded: string[];
    /** Libraries libnvinfer asked for by name that were opened from its folder instead. */
    redirectedLoads: string[];
    /** What could not be preloaded or redirected. */
    warnings: string[];
  };
}

/** One classified reason the TensorRT backend could not be used. */
export interface BackendUnavailableReason {
  /** What kind of problem it is; each code has its own possible solutions. */
  code: 'NO_NATIVE_BUILD' | 'NO_LIBNVINFER' | 'NO_LIBCUDART' | 'NO_CUDA_DRIVER' | 'DRIVER_TOO_OLD' | 'NO_GPU' | 'VERSION_MISMATCH' | 'DISABLED' | 'LOAD_FAILED';
  /** What was tried and what failed, in plain words. */
  message: string;
  /** Candidate path or library that was tried, when relevant. */
  candidate?: string;
}
