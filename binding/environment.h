#pragma once
#include <napi.h>
#include <memory>
#include <string>

namespace trtn {

/** What environment() reports, gathered without N-API (any thread): -1 / empty where the driver did not say. */
struct EnvironmentFacts {
  int cudaDriverVersion = -1;
  std::string tensorrtVersion;
  bool hasGpu = false;
  int index = 0;
  std::string name, computeCapability;
  int smCount = -1, memoryBusWidthBits = -1, l2CacheBytes = -1, maxSmClockKHz = -1, maxMemoryClockKHz = -1, integrated = -1;
  double memoryBytes = -1;
  bool hasClocks = false;
  int smMHz = -1, memoryMHz = -1, maxSmMHz = -1, maxMemoryMHz = -1;
};

/** The driver's and NVML's facts for device `index` (NVML clock reads can take milliseconds: call it on a worker). */
EnvironmentFacts CollectEnvironment(int index);
/** CollectEnvironment on a worker, where a failure only means the caller falls back to environment(): null then. */
std::unique_ptr<EnvironmentFacts> CollectEnvironmentQuietly(int index) noexcept;
/** The JS object environment() returns. */
Napi::Object EnvironmentToJs(Napi::Env env, const EnvironmentFacts& facts);
/** environment(device) → GPU facts from the driver API, current clocks through NVML when available. */
Napi::Value Environment(const Napi::CallbackInfo& info);
/**
 * Loads NVML once per process (nvmlInit can take a second): called at the start of the build and deserialize
 * workers, so that the main thread's environment() after a build or a load never blocks the event loop on it.
 */
void WarmEnvironment() noexcept;
}  // namespace trtn
