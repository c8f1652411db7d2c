// GPU facts for reports. NVML is optional (libnvidia-ml.so.1 via dlopen): without it there are no current clocks.
#include "environment.h"

#include <dlfcn.h>

#include <memory>
#include <mutex>
#include <string>

#include "cuda_resources.h"
#include "errors.h"
#include "tensorrt_library.h"

namespace trtn {

namespace {

using NvmlDevice = struct NvmlDeviceOpaque*;
// nvmlClockType_t values: graphics 0, SM 1, memory 2 (facts of the NVML ABI).
constexpr int kNvmlClockSm = 1;
constexpr int kNvmlClockMemory = 2;

struct NvmlApi {
  bool ready = false;
  int (*init)() = nullptr;
  int (*byPciBusId)(const char*, NvmlDevice*) = nullptr;
  int (*byIndex)(unsigned, NvmlDevice*) = nullptr;
  int (*clock)(NvmlDevice, int, unsigned*) = nullptr;
  int (*maxClock)(NvmlDevice, int, unsigned*) = nullptr;
};

NvmlApi LoadNvml() {
  NvmlApi api;
  void* handle = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return api;
  api.init = reinterpret_cast<int (*)()>(dlsym(handle, "nvmlInit_v2"));
  api.byPciBusId = reinterpret_cast<int (*)(const char*, NvmlDevice*)>(dlsym(handle, "nvmlDeviceGetHandleByPciBusId_v2"));
  api.byIndex = reinterpret_cast<int (*)(unsigned, NvmlDevice*)>(dlsym(handle, "nvmlDeviceGetHandleByIndex_v2"));
  api.clock = reinterpret_cast<int (*)(NvmlDevice, int, unsigned*)>(dlsym(handle, "nvmlDeviceGetClockInfo"));
  api.maxClock = reinterpret_cast<int (*)(NvmlDevice, int, unsigned*)>(dlsym(handle, "nvmlDeviceGetMaxClockInfo"));
  api.ready = api.init && api.byIndex && api.clock && api.maxClock && api.init() == 0;
  return api;
}

// nvmlInit costs up to a second on a GPU without persistence mode (the driver brings the device up): once per
// process, under call_once, so that WarmEnvironment() on a worker thread pays it and the main thread never does.
std::once_flag nvmlOnce;
NvmlApi nvmlApi;

NvmlApi& Nvml() {
  std::call_once(nvmlOnce, [] { nvmlApi = LoadNvml(); });
  return nvmlApi;
}

}  // namespace

void WarmEnvironment() noexcept {
  try {
    Nvml();
  } catch (...) {
    // Only a warm-up: environment() loads NVML itself (or goes without clocks) if this failed.
  }
}

EnvironmentFacts CollectEnvironment(int index) {
  TensorRtLibrary& library = RequireLibrary();
  const CudaDriverApi& api = library.cuda;
  EnvironmentFacts facts;
  int driverVersion = 0;
  if (api.cuDriverGetVersion(&driverVersion) == kCudaSuccess) facts.cudaDriverVersion = driverVersion;
  facts.tensorrtVersion = VersionText(library.libraryVersion);
  int count = 0;
  CheckCuda(api.cuDeviceGetCount(&count), "cuDeviceGetCount");
  if (index < 0 || index >= count) return facts;
  CUdevice device = 0;
  CheckCuda(api.cuDeviceGet(&device, index), "cuDeviceGet");
  facts.hasGpu = true;
  facts.index = index;
  char name[256] = {0};
  if (api.cuDeviceGetName(name, sizeof(name) - 1, device) == kCudaSuccess) facts.name = name;
  auto attribute = [&](int which) {
    int value = 0;
    return api.cuDeviceGetAttribute(&value, which, device) == kCudaSuccess ? value : -1;
  };
  const int major = attribute(kAttrComputeCapabilityMajor);
  const int minor = attribute(kAttrComputeCapabilityMinor);
  if (major >= 0 && minor >= 0) facts.computeCapability = std::to_string(major) + "." + std::to_string(minor);
  facts.smCount = attribute(kAttrMultiprocessorCount);
  facts.memoryBusWidthBits = attribute(kAttrGlobalMemoryBusWidth);
  facts.l2CacheBytes = attribute(kAttrL2CacheSize);
  facts.maxSmClockKHz = attribute(kAttrClockRateKHz);
  facts.maxMemoryClockKHz = attribute(kAttrMemoryClockRateKHz);
  facts.integrated = attribute(kAttrIntegrated);
  size_t memory = 0;
  if (api.cuDeviceTotalMem(&memory, device) == kCudaSuccess) facts.memoryBytes = static_cast<double>(memory);
  NvmlApi& nvml = Nvml();
  if (nvml.ready) {
    NvmlDevice handle = nullptr;
    // NVML and CUDA may number devices differently (CUDA_DEVICE_ORDER); index order is the fallback only.
    if (nvml.byIndex(static_cast<unsigned>(index), &handle) == 0 && handle != nullptr) {
      facts.hasClocks = true;
      unsigned mhz = 0;
      if (nvml.clock(handle, kNvmlClockSm, &mhz) == 0) facts.smMHz = static_cast<int>(mhz);
      if (nvml.clock(handle, kNvmlClockMemory, &mhz) == 0) facts.memoryMHz = static_cast<int>(mhz);
      if (nvml.maxClock(handle, kNvmlClockSm, &mhz) == 0) facts.maxSmMHz = static_cast<int>(mhz);
      if (nvml.maxClock(handle, kNvmlClockMemory, &mhz) == 0) facts.maxMemoryMHz = static_cast<int>(mhz);
    }
  }
  return facts;
}

std::unique_ptr<EnvironmentFacts> CollectEnvironmentQuietly(int index) noexcept {
  try {
    return std::make_unique<EnvironmentFacts>(CollectEnvironment(index));
  } catch (...) {
    return nullptr;
  }
}

Napi::Object EnvironmentToJs(Napi::Env env, const EnvironmentFacts& facts) {
  Napi::Object out = Napi::Object::New(env);
  if (facts.cudaDriverVersion >= 0) out.Set("cudaDriverVersion", facts.cudaDriverVersion);
  out.Set("tensorrtVersion", facts.tensorrtVersion);
  out.Set("tensorrtHeaderVersion", compat::HeaderVersion());
  if (!facts.hasGpu) return out;
  Napi::Object gpu = Napi::Object::New(env);
  gpu.Set("index", facts.index);
  if (!facts.name.empty()) gpu.Set("name", facts.name);
  if (!facts.computeCapability.empty()) gpu.Set("computeCapability", facts.computeCapability);
  // -1: the driver did not say, so the key is left out.
  auto setKnown = [](Napi::Object& object, const char* key, int value) {
    if (value >= 0) object.Set(key, value);
  };
  setKnown(gpu, "smCount", facts.smCount);
  setKnown(gpu, "memoryBusWidthBits", facts.memoryBusWidthBits);
  setKnown(gpu, "l2CacheBytes", facts.l2CacheBytes);
  setKnown(gpu, "maxSmClockKHz", facts.maxSmClockKHz);
  setKnown(gpu, "maxMemoryClockKHz", facts.maxMemoryClockKHz);
  if (facts.integrated >= 0) gpu.Set("integrated", facts.integrated != 0);
  if (facts.memoryBytes >= 0) gpu.Set("memoryBytes", facts.memoryBytes);
  if (facts.hasClocks) {
    Napi::Object clocks = Napi::Object::New(env);
    setKnown(clocks, "smMHz", facts.smMHz);
    setKnown(clocks, "memoryMHz", facts.memoryMHz);
    setKnown(clocks, "maxSmMHz", facts.maxSmMHz);
    setKnown(clocks, "maxMemoryMHz", facts.maxMemoryMHz);
    gpu.Set("clocks", clocks);
    gpu.Set("clocksSource", "nvml-by-index");
  }
  out.Set("gpu", gpu);
  return out;
}

Napi::Value Environment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    const int index = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
    return EnvironmentToJs(env, CollectEnvironment(index));
  });
}

}  // namespace trtn
