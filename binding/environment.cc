// GPU facts for reports. NVML is optional (libnvidia-ml.so.1 via dlopen): without it there are no current clocks.
#include "environment.h"

#include <dlfcn.h>

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

Napi::Value Environment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    TensorRtLibrary& library = RequireLibrary();
    const CudaDriverApi& api = library.cuda;
    const int index = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
    Napi::Object out = Napi::Object::New(env);
    int driverVersion = 0;
    if (api.cuDriverGetVersion(&driverVersion) == kCudaSuccess) out.Set("cudaDriverVersion", driverVersion);
    out.Set("tensorrtVersion", VersionText(library.libraryVersion));
    out.Set("tensorrtHeaderVersion", compat::HeaderVersion());
    int count = 0;
    CheckCuda(api.cuDeviceGetCount(&count), "cuDeviceGetCount");
    if (index < 0 || index >= count) return out;
    CUdevice device = 0;
    CheckCuda(api.cuDeviceGet(&device, index), "cuDeviceGet");
    Napi::Object gpu = Napi::Object::New(env);
    gpu.Set("index", index);
    char name[256] = {0};
    if (api.cuDeviceGetName(name, sizeof(name) - 1, device) == kCudaSuccess) gpu.Set("name", std::string(name));
    auto attribute = [&](int which, int& value) { return api.cuDeviceGetAttribute(&value, which, device) == kCudaSuccess; };
    int major = 0, minor = 0, value = 0;
    if (attribute(kAttrComputeCapabilityMajor, major) && attribute(kAttrComputeCapabilityMinor, minor)) {
      gpu.Set("computeCapability", std::to_string(major) + "." + std::to_string(minor));
    }
    if (attribute(kAttrMultiprocessorCount, value)) gpu.Set("smCount", value);
    if (attribute(kAttrGlobalMemoryBusWidth, value)) gpu.Set("memoryBusWidthBits", value);
    if (attribute(kAttrL2CacheSize, value)) gpu.Set("l2CacheBytes", value);
    if (attribute(kAttrClockRateKHz, value)) gpu.Set("maxSmClockKHz", value);
    if (attribute(kAttrMemoryClockRateKHz, value)) gpu.Set("maxMemoryClockKHz", value);
    if (attribute(kAttrIntegrated, value)) gpu.Set("integrated", value != 0);
    size_t memory = 0;
    if (api.cuDeviceTotalMem(&memory, device) == kCudaSuccess) gpu.Set("memoryBytes", static_cast<double>(memory));
    NvmlApi& nvml = Nvml();
    if (nvml.ready) {
      NvmlDevice handle = nullptr;
      // NVML and CUDA may number devices differently (CUDA_DEVICE_ORDER); index order is the fallback only.
      if (nvml.byIndex(static_cast<unsigned>(index), &handle) == 0 && handle != nullptr) {
        unsigned mhz = 0;
        Napi::Object clocks = Napi::Object::New(env);
        if (nvml.clock(handle, kNvmlClockSm, &mhz) == 0) clocks.Set("smMHz", mhz);
        if (nvml.clock(handle, kNvmlClockMemory, &mhz) == 0) clocks.Set("memoryMHz", mhz);
        if (nvml.maxClock(handle, kNvmlClockSm, &mhz) == 0) clocks.Set("maxSmMHz", mhz);
        if (nvml.maxClock(handle, kNvmlClockMemory, &mhz) == 0) clocks.Set("maxMemoryMHz", mhz);
        gpu.Set("clocks", clocks);
        gpu.Set("clocksSource", "nvml-by-index");
      }
    }
    out.Set("gpu", gpu);
    return out;
  });
}

}  // namespace trtn
