#include "cuda_resources.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>

#include "errors.h"
#include "tensorrt_library.h"

namespace trtn {

namespace {
const CudaDriverApi& Api() { return RequireLibrary().cuda; }

std::mutex contextMutex;
std::map<int, CUcontext>& PrimaryContexts() {
  static std::map<int, CUcontext> contexts;
  return contexts;
}
}  // namespace

void CheckCuda(CUresult result, const char* what) {
  if (result == kCudaSuccess) return;
  const std::string text = std::string(what) + " failed: " + CudaErrorText(Api(), result);
  if (result == kCudaErrorOutOfMemory) {
    throw NativeError("ERR_CUDA_OOM", text + ". Free GPU memory (other processes, other engines) or use smaller shapes.");
  }
  throw NativeError("ERR_CUDA", text);
}

void MakeDeviceCurrent(int device) {
  const CudaDriverApi& api = Api();
  CUcontext context = nullptr;
  {
    std::lock_guard<std::mutex> lock(contextMutex);
    auto found = PrimaryContexts().find(device);
    if (found != PrimaryContexts().end()) {
      context = found->second;
    } else {
      int count = 0;
      CheckCuda(api.cuDeviceGetCount(&count), "cuDeviceGetCount");
      if (device < 0 || device >= count) {
        throw NativeError("ERR_INVALID_OPTION", "Expected a CUDA device index in [0, " + std::to_string(count) +
                                                   ") for `device`, got " + std::to_string(device) + ".");
      }
      CUdevice handle = 0;
      CheckCuda(api.cuDeviceGet(&handle, device), "cuDeviceGet");
      CheckCuda(api.cuDevicePrimaryCtxRetain(&context, handle), "cuDevicePrimaryCtxRetain");
      PrimaryContexts()[device] = context;
    }
  }
  CheckCuda(api.cuCtxSetCurrent(context), "cuCtxSetCurrent");
}

void ReleasePrimaryContexts() {
  std::lock_guard<std::mutex> lock(contextMutex);
  TensorRtLibrary& library = Library();
  if (!library.loaded) return;
  for (const auto& entry : PrimaryContexts()) {
    CUdevice handle = 0;
    if (library.cuda.cuDeviceGet(&handle, entry.first) == kCudaSuccess) library.cuda.cuDevicePrimaryCtxRelease(handle);
  }
  PrimaryContexts().clear();
}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    Reset();
    pointer_ = other.pointer_;
    bytes_ = other.bytes_;
    other.pointer_ = 0;
    other.bytes_ = 0;
  }
  return *this;
}

void DeviceBuffer::Allocate(size_t bytes) {
  Reset();
  const size_t size = bytes == 0 ? 1 : bytes;
  CUdeviceptr pointer = 0;
  CheckCuda(Api().cuMemAlloc(&pointer, size), "cuMemAlloc");
  pointer_ = pointer;
  bytes_ = size;
}

void DeviceBuffer::Reset() noexcept {
  if (pointer_ != 0) {
    // Errors from cuMemFree are ignored: there is nothing useful to do with them in a destructor.
    Library().cuda.cuMemFree(pointer_);
    pointer_ = 0;
    bytes_ = 0;
  }
}

void PinnedBuffer::Reserve(size_t bytes) {
  if (pointer_ != nullptr && bytes_ >= bytes) return;
  Reset();
  const size_t size = bytes == 0 ? 1 : bytes;
  void* pointer = nullptr;
  CheckCuda(Api().cuMemHostAlloc(&pointer, size, 0), "cuMemHostAlloc");
  static std::atomic<uint64_t> allocations{0};
  pointer_ = pointer;
  bytes_ = size;
  id_ = ++allocations;
}

void PinnedBuffer::Reset() noexcept {
  if (pointer_ != nullptr) {
    Library().cuda.cuMemFreeHost(pointer_);
    pointer_ = nullptr;
    bytes_ = 0;
  }
}

Stream::Stream(unsigned flags) { CheckCuda(Api().cuStreamCreate(&stream_, flags), "cuStreamCreate"); }

Stream::~Stream() {
  if (stream_ != nullptr) Library().cuda.cuStreamDestroy(stream_);
}

void Stream::Synchronize(const char* what) const { CheckCuda(Api().cuStreamSynchronize(stream_), what); }

bool Stream::SpinUntilDone(double budgetUs, const char* what) const {
  const CudaDriverApi& api = Api();
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::nanoseconds(static_cast<int64_t>(budgetUs * 1000.0));
  for (;;) {
    const CUresult state = api.cuStreamQuery(stream_);
    if (state != kCudaErrorNotReady) {
      CheckCuda(state, what);
      return true;
    }
    if (Clock::now() >= deadline) return false;
  }
}

Event::Event(bool blockingSync) {
  CheckCuda(Api().cuEventCreate(&event_, blockingSync ? kEventBlockingSync : kEventDefault), "cuEventCreate");
}

Event::~Event() {
  if (event_ != nullptr) Library().cuda.cuEventDestroy(event_);
}

void Event::Record(CUstream stream) { CheckCuda(Api().cuEventRecord(event_, stream), "cuEventRecord"); }

void Event::Wait(bool spin) const {
  const CudaDriverApi& api = Api();
  if (spin) {
    for (;;) {
      const CUresult state = api.cuEventQuery(event_);
      if (state == kCudaSuccess) return;
      if (state != kCudaErrorNotReady) CheckCuda(state, "cuEventQuery");
    }
  }
  CheckCuda(api.cuEventSynchronize(event_), "cuEventSynchronize");
}

float Event::ElapsedSince(const Event& start) const {
  float ms = 0.0f;
  CheckCuda(Api().cuEventElapsedTime(&ms, start.event_, event_), "cuEventElapsedTime");
  return ms;
}

void Graph::Reset() noexcept {
  TensorRtLibrary& library = Library();
  if (exec_ != nullptr) library.cuda.cuGraphExecDestroy(exec_);
  if (graph_ != nullptr) library.cuda.cuGraphDestroy(graph_);
  exec_ = nullptr;
  graph_ = nullptr;
}

void Graph::Launch(CUstream stream) { CheckCuda(Api().cuGraphLaunch(exec_, stream), "cuGraphLaunch"); }

}  // namespace trtn
