#include "cuda_driver.h"

#include <dlfcn.h>

#include <cstdlib>

namespace trtn {

namespace {

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn& slot) {
  slot = reinterpret_cast<Fn>(dlsym(handle, name));
  return slot != nullptr;
}

}  // namespace

CudaDriverLoad LoadCudaDriver(CudaDriverApi& api, bool requireAll) {
  CudaDriverLoad result;
  if (api.handle != nullptr) {
    result.loaded = true;
    return result;
  }
  dlerror();
  void* handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* message = dlerror();
    result.error = message ? message : "dlopen(libcuda.so.1) failed";
    return result;
  }
  // Symbols every consumer needs; the probe stops at these.
  struct Required {
    const char* name;
    bool ok;
  };
  Required basics[] = {
      {"cuInit", Resolve(handle, "cuInit", api.cuInit)},
      {"cuDriverGetVersion", Resolve(handle, "cuDriverGetVersion", api.cuDriverGetVersion)},
      {"cuDeviceGetCount", Resolve(handle, "cuDeviceGetCount", api.cuDeviceGetCount)},
      {"cuDeviceGet", Resolve(handle, "cuDeviceGet", api.cuDeviceGet)},
      {"cuDeviceGetName", Resolve(handle, "cuDeviceGetName", api.cuDeviceGetName)},
      {"cuDeviceGetAttribute", Resolve(handle, "cuDeviceGetAttribute", api.cuDeviceGetAttribute)},
      {"cuDeviceTotalMem_v2", Resolve(handle, "cuDeviceTotalMem_v2", api.cuDeviceTotalMem)},
  };
  Resolve(handle, "cuGetErrorName", api.cuGetErrorName);
  Resolve(handle, "cuGetErrorString", api.cuGetErrorString);
  Required full[] = {
      {"cuDevicePrimaryCtxRetain", Resolve(handle, "cuDevicePrimaryCtxRetain", api.cuDevicePrimaryCtxRetain)},
      {"cuDevicePrimaryCtxRelease_v2", Resolve(handle, "cuDevicePrimaryCtxRelease_v2", api.cuDevicePrimaryCtxRelease)},
      {"cuCtxSetCurrent", Resolve(handle, "cuCtxSetCurrent", api.cuCtxSetCurrent)},
      {"cuMemAlloc_v2", Resolve(handle, "cuMemAlloc_v2", api.cuMemAlloc)},
      {"cuMemFree_v2", Resolve(handle, "cuMemFree_v2", api.cuMemFree)},
      {"cuMemGetInfo_v2", Resolve(handle, "cuMemGetInfo_v2", api.cuMemGetInfo)},
      {"cuMemHostAlloc", Resolve(handle, "cuMemHostAlloc", api.cuMemHostAlloc)},
      {"cuMemFreeHost", Resolve(handle, "cuMemFreeHost", api.cuMemFreeHost)},
      {"cuMemsetD8Async", Resolve(handle, "cuMemsetD8Async", api.cuMemsetD8Async)},
      {"cuMemcpyHtoDAsync_v2", Resolve(handle, "cuMemcpyHtoDAsync_v2", api.cuMemcpyHtoDAsync)},
      {"cuMemcpyDtoHAsync_v2", Resolve(handle, "cuMemcpyDtoHAsync_v2", api.cuMemcpyDtoHAsync)},
      {"cuMemcpyDtoDAsync_v2", Resolve(handle, "cuMemcpyDtoDAsync_v2", api.cuMemcpyDtoDAsync)},
      {"cuStreamCreate", Resolve(handle, "cuStreamCreate", api.cuStreamCreate)},
      {"cuStreamDestroy_v2", Resolve(handle, "cuStreamDestroy_v2", api.cuStreamDestroy)},
      {"cuStreamSynchronize", Resolve(handle, "cuStreamSynchronize", api.cuStreamSynchronize)},
      {"cuCtxSynchronize", Resolve(handle, "cuCtxSynchronize", api.cuCtxSynchronize)},
      {"cuStreamQuery", Resolve(handle, "cuStreamQuery", api.cuStreamQuery)},
      {"cuStreamWaitEvent", Resolve(handle, "cuStreamWaitEvent", api.cuStreamWaitEvent)},
      {"cuEventCreate", Resolve(handle, "cuEventCreate", api.cuEventCreate)},
      {"cuEventDestroy_v2", Resolve(handle, "cuEventDestroy_v2", api.cuEventDestroy)},
      {"cuEventRecord", Resolve(handle, "cuEventRecord", api.cuEventRecord)},
      {"cuEventQuery", Resolve(handle, "cuEventQuery", api.cuEventQuery)},
      {"cuEventSynchronize", Resolve(handle, "cuEventSynchronize", api.cuEventSynchronize)},
      {"cuEventElapsedTime", Resolve(handle, "cuEventElapsedTime", api.cuEventElapsedTime)},
      {"cuStreamBeginCapture_v2", Resolve(handle, "cuStreamBeginCapture_v2", api.cuStreamBeginCapture)},
      {"cuStreamEndCapture", Resolve(handle, "cuStreamEndCapture", api.cuStreamEndCapture)},
      {"cuGraphInstantiateWithFlags", Resolve(handle, "cuGraphInstantiateWithFlags", api.cuGraphInstantiateWithFlags)},
      {"cuGraphLaunch", Resolve(handle, "cuGraphLaunch", api.cuGraphLaunch)},
      {"cuGraphExecDestroy", Resolve(handle, "cuGraphExecDestroy", api.cuGraphExecDestroy)},
      {"cuGraphDestroy", Resolve(handle, "cuGraphDestroy", api.cuGraphDestroy)},
  };
  for (const Required& symbol : basics) {
    if (!symbol.ok) {
      result.error = std::string("libcuda.so.1 has no symbol ") + symbol.name;
      dlclose(handle);
      api = CudaDriverApi{};
      return result;
    }
  }
  if (requireAll) {
    for (const Required& symbol : full) {
      if (!symbol.ok) {
        result.error = std::string("libcuda.so.1 has no symbol ") + symbol.name + " (driver too old?)";
        dlclose(handle);
        api = CudaDriverApi{};
        return result;
      }
    }
  }
  // The timing loops read event times per iteration: on driver 580 the original cuEventElapsedTime cost about 4 us a
  // call in them (H200, 2026-12-03), while trtexec, through CUDA 13's runtime, calls cuEventElapsedTime_v2.
  // TRTN_CUDA_EVENT_ELAPSED=v1 keeps the original entry (a diagnostic switch: bench/vs-trtexec.mjs --diagnose times
  // both).
  const char* forced = std::getenv("TRTN_CUDA_EVENT_ELAPSED");
  const bool originalOnly = forced != nullptr && std::string(forced) == "v1";
  decltype(api.cuEventElapsedTime) elapsedV2 = nullptr;
  if (!originalOnly && Resolve(handle, "cuEventElapsedTime_v2", elapsedV2)) {
    api.cuEventElapsedTime = elapsedV2;
    api.eventElapsedTimeEntry = "cuEventElapsedTime_v2";
  }
  api.handle = handle;
  result.loaded = true;
  return result;
}

std::string CudaErrorText(const CudaDriverApi& api, CUresult result) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (api.cuGetErrorName != nullptr) api.cuGetErrorName(result, &name);
  if (api.cuGetErrorString != nullptr) api.cuGetErrorString(result, &text);
  std::string out = name ? name : ("CUDA error " + std::to_string(result));
  if (text != nullptr) out += std::string(" (") + text + ")";
  return out;
}

}  // namespace trtn
