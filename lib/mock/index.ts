/**
 * The mock backend: the same Backend interface as TensorRT, with a documented cost model in place of a GPU
 * (see cost-model.ts and docs/mock-cost-model.md). Inference is real (onnxruntime-node on the CPU); every time
 * is an estimate and says so.
 */
import { hostname } from 'node:os';
import os from 'node:os';
import type { Backend, BackendBuildOutput, BuildHooks, EngineHandle } from '../backend/types.js';
import { TensorRTError } from '../errors.js';
import type { BackendInfo, BackendUnavailableReason, EnvironmentInfo, ResolvedBuildOptions } from '../types/index.js';
import { packageVersion } from '../version.js';
import { planEngine, resolveDeviceProfile } from './builder.js';
import { decodeMockPlan, encodeMockPlan, isMockPlan } from './container.js';
import { MockEngineHandle } from './engine.js';

export { MOCK_PLAN_MAGIC, MOCK_PLAN_VERSION, decodeMockPlan, encodeMockPlan, isMockPlan } from './container.js';
export { fuseGraph, paddedMatrixFlops, estimateDenseMatrix, estimateSparseMatrix, estimateMemoryBound, sparseShapeEligible } from './cost-model.js';
export type { FusedGroup, MatrixShape, TimeEstimate } from './cost-model.js';
export { formatText } from './formats.js';
export { rawLayer, MockEngineHandle } from './engine.js';
export { resolveDeviceProfile, tacticId } from './builder.js';

/** Options for {@link createMockBackend}. */
export interface MockBackendOptions {
  /** Why TensorRT is not in use (joined messages), reported by `info()`. Defaults to none. */
  reason?: string;
  /** Structured reasons, reported by `info()` before `reason`. Defaults to none. */
  reasons?: BackendUnavailableReason[];
  /** Things to try, reported by `info()`. Defaults to none. */
  possibleSolutions?: string[];
  /** Whether the TensorRT backend loaded (the mock was then chosen explicitly). Defaults to `false`. */
  tensorrtAvailable?: boolean;
}

function hostEnvironment(): EnvironmentInfo['host'] {
  return { platform: process.platform, arch: process.arch, cpus: os.cpus().length, node: process.version, hostname: hostname() };
}

/**
 * Creates the mock backend (kind `'mock'`). Builds estimate layers, tactics and times against a device profile
 * (`mockDevice`, default `h100-sxm`); engines run real inference on the CPU through onnxruntime-node.
 */
export function createMockBackend(options: MockBackendOptions = {}): Backend {
  const reasons: BackendUnavailableReason[] = [...(options.reasons ?? [])];
  if (options.reason) reasons.push({ code: 'LOAD_FAILED', message: options.reason });
  const environment = (deviceProfile = 'h100-sxm'): EnvironmentInfo => ({ host: hostEnvironment(), deviceProfile });
  return {
    kind: 'mock',
    info(): BackendInfo {
      return { active: 'mock', tensorrtAvailable: options.tensorrtAvailable ?? false, reasons: reasons.map((reason) => ({ ...reason })), possibleSolutions: [...(options.possibleSolutions ?? [])] };
    },
    environment(): EnvironmentInfo {
      return environment();
    },
    async build(onnx: Uint8Array, resolved: ResolvedBuildOptions, hooks: BuildHooks): Promise<BackendBuildOutput> {
      if (!(onnx instanceof Uint8Array)) {
        throw new TensorRTError('ERR_INVALID_ARGUMENT', `Expected the ONNX model as a Uint8Array, got ${onnx === null ? 'null' : typeof onnx}.`);
      }
      resolveDeviceProfile(resolved.mockDevice);
      const plan = await planEngine(onnx, resolved, hooks, environment(resolved.mockDevice), { tensorrtNode: packageVersion, node: process.version });
      return { plan: encodeMockPlan(plan), report: plan.report };
    },
    async deserialize(plan: Uint8Array): Promise<EngineHandle> {
      const contents = decodeMockPlan(plan);
      return new MockEngineHandle(contents, environment(contents.report.environment.deviceProfile));
    },
    recognizes(plan: Uint8Array): boolean {
      return isMockPlan(plan);
    },
  };
}

