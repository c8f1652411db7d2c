// The handful of CUDA driver API entry points this package uses, declared here and resolved with dlopen/dlsym
// from libcuda.so.1 at run time. Declaring them ourselves means neither the probe nor the backends need the CUDA
// toolkit to link, and a machine without a driver can still load the addon and say why TensorRT is unavailable.
//
// The symbol names are the versioned exports (`cuMemAlloc_v2` …) that cuda.h maps the plain names to; dlsym
// needs the exported name, not the macro.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

// Same global tag types as the CUDA headers, so a CUstream is the very type TensorRT's cudaStream_t names.
struct CUctx_st;
struct CUstream_st;
struct CUevent_st;
struct CUgraph_st;
struct CUgraphExec_st;

namespace trtn {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = ::CUctx_st*;
using CUstream = ::CUstream_st*;
using CUevent = ::CUevent_st*;
using CUgraph = ::CUgraph_st*;
using CUgraphExec = ::CUgraphExec_st*;

constexpr CUresult kCudaSuccess = 0;
constexpr CUresult kCudaErrorOutOfMemory = 2;
constexpr CUresult kCudaErrorNotInitialized = 3;
constexpr CUresult kCudaErrorNoDevice = 100;
constexpr CUresult kCudaErrorNotReady = 600;

// CUdevice_attribute values (facts of the driver ABI, stable across CUDA versions).
constexpr int kAttrClockRateKHz = 13;
constexpr int kAttrMultiprocessorCount = 16;
constexpr int kAttrMemoryClockRateKHz = 36;
constexpr int kAttrGlobalMemoryBusWidth = 37;
constexpr int kAttrL2CacheSize = 38;
constexpr int kAttrComputeCapabilityMajor = 75;
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kAttrPciBusId = 33;
constexpr int kAttrIntegrated = 18;

constexpr unsigned kEventDefault = 0x0;
constexpr unsigned kEventBlockingSync = 0x1;
constexpr unsigned kStreamNonBlocking = 0x1;
constexpr int kStreamCaptureModeThreadLocal = 1;

/** Function pointers into libcuda.so.1; a null member means the symbol was missing. */
struct CudaDriverApi {
  void* handle = nullptr;
  CUresult (*cuInit)(unsigned) = nullptr;
  CUresult (*cuDriverGetVersion)(int*) = nullptr;
  CUresult (*cuDeviceGetCount)(int*) = nullptr;
  CUresult (*cuDeviceGet)(CUdevice*, int) = nullptr;
  CUresult (*cuDeviceGetName)(char*, int, CUdevice) = nullptr;
  CUresult (*cuDeviceGetAttribute)(int*, int, CUdevice) = nullptr;
  CUresult (*cuDeviceTotalMem)(size_t*, CUdevice) = nullptr;
  CUresult (*cuGetErrorName)(CUresult, const char**) = nullptr;
  CUresult (*cuGetErrorString)(CUresult, const char**) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext*, CUdevice) = nullptr;
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice) = nullptr;
  CUresult (*cuCtxSetCurrent)(CUcontext) = nullptr;
  CUresult (*cuMemAlloc)(CUdeviceptr*, size_t) = nullptr;
  CUresult (*cuMemGetInfo)(size_t*, size_t*) = nullptr;
  CUresult (*cuMemFree)(CUdeviceptr) = nullptr;
  CUresult (*cuMemHostAlloc)(void**, size_t, unsigned) = nullptr;
  CUresult (*cuMemFreeHost)(void*) = nullptr;
  CUresult (*cuMemsetD8Async)(CUdeviceptr, unsigned char, size_t, CUstream) = nullptr;
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr, const void*, size_t, CUstream) = nullptr;
  CUresult (*cuMemcpyDtoHAsync)(void*, CUdeviceptr, size_t, CUstream) = nullptr;
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream) = nullptr;
  CUresult (*cuStreamCreate)(CUstream*, unsigned) = nullptr;
  CUresult (*cuStreamDestroy)(CUstream) = nullptr;
  CUresult (*cuStreamSynchronize)(CUstream) = nullptr;
  CUresult (*cuCtxSynchronize)() = nullptr;
  CUresult (*cuStreamQuery)(CUstream) = nullptr;
  CUresult (*cuStreamWaitEvent)(CUstream, CUevent, unsigned) = nullptr;
  CUresult (*cuEventCreate)(CUevent*, unsigned) = nullptr;
  CUresult (*cuEventDestroy)(CUevent) = nullptr;
  CUresult (*cuEventRecord)(CUevent, CUstream) = nullptr;
  CUresult (*cuEventQuery)(CUevent) = nullptr;
  CUresult (*cuEventSynchronize)(CUevent) = nullptr;
  // cuEventElapsedTime_v2 where the driver has it (CUDA 12.8+: what cuda.h and the runtime's cudaEventElapsedTime,
  // and so trtexec, call), else the original entry point; `eventElapsedTimeEntry` says which.
  CUresult (*cuEventElapsedTime)(float*, CUevent, CUevent) = nullptr;
  const char* eventElapsedTimeEntry = "cuEventElapsedTime";
  CUresult (*cuStreamBeginCapture)(CUstream, int) = nullptr;
  CUresult (*cuStreamEndCapture)(CUstream, CUgraph*) = nullptr;
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec*, CUgraph, unsigned long long) = nullptr;
  CUresult (*cuGraphLaunch)(CUgraphExec, CUstream) = nullptr;
  CUresult (*cuGraphExecDestroy)(CUgraphExec) = nullptr;
  CUresult (*cuGraphDestroy)(CUgraph) = nullptr;
};

/** Outcome of trying to open the driver library. */
struct CudaDriverLoad {
  bool loaded = false;
  std::string error;  // dlerror text, or the name of the first missing symbol
};

/**
 * Opens libcuda.so.1 and resolves every symbol above. `requireAll` = false (the probe) tolerates missing
 * entry points that only the backends use.
 */
CudaDriverLoad LoadCudaDriver(CudaDriverApi& api, bool requireAll);

/** "CUDA_ERROR_OUT_OF_MEMORY (out of memory)" or the bare number when the driver cannot name it. */
std::string CudaErrorText(const CudaDriverApi& api, CUresult result);

}  // namespace trtn
