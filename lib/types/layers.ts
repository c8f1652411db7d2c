/** Engine layers as the inspector, the build log and the mock describe them: tensors, tactics, sparsity, estimates. */
import type { DataTypeName, TensorFormatName } from './tensors.js';

/** A tensor as seen by one engine layer. */
export interface LayerTensor {
  /** Tensor name in the engine (TensorRT may rename tensors it fuses or reformats). */
  name: string;
  /** `Device` or `Host`. */
  location?: string;
  /** Dimensions; -1 for dynamic ones. */
  dimensions: number[];
  /** TensorRT's own text, e.g. `Channel major FP16 format where channel % 16 == 0`. */
  formatText: string;
  /** Element type. */
  dataType: DataTypeName;
  /** Short format name, e.g. `hwc8`, `chw16`, `chw`. */
  format: TensorFormatName | 'unknown';
  /** Channel alignment the format requires (8 for hwc8, 16 for chw16), 1 for linear. */
  channelAlignment: number;
}

/**
 * One engine layer, normalised from TensorRT's engine-inspector JSON (10.x and 11.x formats) or produced by
 * the mock backend.
 */
export interface LayerInfo {
  /** Layer name as the engine inspector reports it (fused layers join ONNX names with ` + `). */
  name: string;
  /** Inspector `LayerType`, e.g. `CaskConvolution`, `Reformat`, `NoOp`, `Myelin`. */
  layerType: string;
  /** Inspector `ParameterType`, e.g. `Convolution`, `Reformat`, `ElementWise`. */
  parameterType?: string;
  /** ONNX node names fused into this layer (from `Metadata` or the ` + `-joined name). */
  onnxNodes: string[];
  /** Tensors the layer reads. */
  inputs: LayerTensor[];
  /** Tensors the layer writes. */
  outputs: LayerTensor[];
  /** Kernel or tactic name the builder chose, when the inspector reports one. */
  tacticName?: string;
  /** Tactic id as hex (`0x...`), when the inspector reports one. */
  tacticValue?: string;
  /** True for reformat copies TensorRT inserted between layers or at the IO. */
  isReformat: boolean;
  /** Main compute precision, derived from the tensors and tactic name. */
  precision: DataTypeName | 'mixed';
  /** Convolution parameters, for convolution layers with `detailed` profiling verbosity. */
  convolution?: {
    /** Kernel size per spatial dimension. */
    kernel: number[];
    /** Stride per spatial dimension. */
    stride: number[];
    /** Padding before each spatial dimension. */
    prePadding: number[];
    /** Padding after each spatial dimension. */
    postPadding: number[];
    /** Dilation per spatial dimension. */
    dilation: number[];
    /** Convolution groups (1 for a plain convolution). */
    groups: number;
    /** Output channels. */
    outMaps: number;
    /** The weights as the engine stores them. */
    weights?: {
      /** Element type in the inspector's spelling, e.g. `Half`. */
      type: string;
      /** Number of elements. */
      count: number;
    };
    /** The bias as the engine stores it. */
    bias?: {
      /** Element type in the inspector's spelling, e.g. `Half`. */
      type: string;
      /** Number of elements. */
      count: number;
    };
    /** Whether the engine stores the weights in 2:4 sparse form. */
    hasSparseWeights: boolean;
    /** Whether a residual (elementwise) addition is fused into the layer. */
    hasResidual: boolean;
    /** Activation fused into the layer, in the inspector's spelling. */
    activation?: string;
  };
  /** The inspector's JSON object for this layer, unmodified. */
  raw?: Record<string, unknown>;
}

/** One timed candidate for a layer. */
export interface TacticCandidate {
  /** Tactic id or hash as hex, `0x...`. */
  tactic: string;
  /** Kernel name when known (TensorRT 10.8+ editable cache log, or tactic names in the verbose log). */
  kernelName?: string;
  /** Timing runner / implementation, e.g. `CaskConvolution`. */
  implementation?: string;
  /** Measured (or, on the mock, estimated) time in ms; `null` when the tactic was skipped or failed. */
  timeMs: number | null;
  /** Whether this tactic uses 2:4 sparse math (from its kernel name: `sparse`, `sptensor`). */
  sparse?: boolean;
  /** Format combination under which it was timed, in TensorRT's notation. */
  formats?: string;
  /** True when the time is a cost-model estimate. */
  estimated?: boolean;
  /**
   * Set when this layer was not timed itself but got a timing-cache hit (`got cached result`): the layer whose
   * timing was reused, or `unknown` when the log does not show it.
   */
  cachedFrom?: string;
}

/** Tactics for one layer: the choice and everything the builder timed. */
export interface LayerTactics {
  /** Engine layer name (or the autotuner's op name when it could not be matched). */
  layer: string;
  /** The tactic the builder picked, when known. */
  chosen?: TacticCandidate;
  /** Every tactic that was timed (or estimated), in the order they were timed. */
  candidates: TacticCandidate[];
  /** Where this record came from. */
  source: 'algorithm-selector' | 'editable-timing-cache' | 'verbose-log' | 'mock';
  /** Editable timing cache key (`0x` + 32 hex digits), when known. */
  cacheKey?: string;
}

/** The builder's sparsity lists ("Layers eligible for sparse math" / "picked sparse implementation"). */
export interface SparsitySummary {
  /** Layers the builder found eligible for 2:4 sparse math. */
  eligible: string[];
  /** Layers whose chosen tactic is a sparse implementation. */
  picked: string[];
}

/** Per-layer estimate from the mock's cost model. Every field is an estimate. */
export interface LayerEstimate {
  /** Engine layer name, as in {@link BuildReport.layers}. */
  layer: string;
  /** Always `true`: these figures come from the cost model. */
  estimated: true;
  /** Floating-point operations of the layer (a multiply-add counts 2). */
  flops: number;
  /** Bytes the layer reads and writes in device memory. */
  bytes: number;
  /** Estimated time with dense kernels, ms. */
  denseTimeMs: number;
  /** Estimated time with 2:4 sparse kernels, ms, for layers eligible for sparsity. */
  sparseTimeMs?: number;
  /** Estimated time of the implementation the mock builder chose, ms. */
  chosenTimeMs: number;
  /** What limits the layer: arithmetic, memory bandwidth, or fixed launch overhead. */
  bound: 'compute' | 'memory' | 'overhead';
}
