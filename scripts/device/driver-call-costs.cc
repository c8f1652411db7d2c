// What one iteration of the timing loop's own CUDA calls costs on the host, by how they are made: through the CUDA
// runtime (as trtexec makes them) or through driver entry points taken with dlsym from libcuda.so.1 (as the addon
// does), on streams created blocking (trtexec's cudaStreamCreate) or non-blocking (the addon's), with events
// created with or without blocking sync. No kernels: only the calls around an enqueue (event records, stream
// waits, one small pinned copy each way, the wait for the older inference, six event reads), in the overlapped
// order of trtexec's loop with two inferences in flight; and whether dlsym's entries are the ones the runtime takes
// (cudaGetDriverEntryPointByVersion). A diagnostic for the device box, never part of the addon.
//
//   g++ -O2 -std=c++17 -I/usr/local/cuda/include driver-call-costs.cc -L/usr/local/cuda/lib64 -lcudart -ldl -o calls
//   taskset -c 5 ./calls [iterations]
//
// Prints one line per variant: µs per iteration (median of 5 rounds) and µs per call of each kind.
#include <cuda.h>
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Driver {
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*streamWaitEvent)(CUstream, CUevent, unsigned);
  CUresult (*memcpyHtoDAsync)(CUdeviceptr, const void*, size_t, CUstream);
  CUresult (*memcpyDtoHAsync)(void*, CUdeviceptr, size_t, CUstream);
  CUresult (*eventSynchronize)(CUevent);
  CUresult (*eventElapsedTime)(float*, CUevent, CUevent);
};

template <typename Fn>
void Resolve(void* handle, const char* name, Fn& slot) {
  slot = reinterpret_cast<Fn>(dlsym(handle, name));
  if (slot == nullptr) {
    std::fprintf(stderr, "calls: libcuda.so.1 has no %s\n", name);
    std::exit(2);
  }
}

void Check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "calls: %s: %s\n", what, cudaGetErrorString(error));
    std::exit(2);
  }
}

struct Slot {
  cudaEvent_t inputStart, inputEnd, computeStart, computeEnd, outputStart, outputEnd;
};

struct Variant {
  const char* name;
  bool runtime;          // cuda* calls; otherwise the dlsym'd driver entries
  bool blockingStreams;  // cudaStreamCreate (synchronizes with the legacy stream); otherwise non-blocking
  bool blockingSyncEvents;
  bool runtimeEntries = false;  // driver calls through cudaGetDriverEntryPointByVersion's pointers, not dlsym's
};

// Per-call sums over one round, µs.
struct Costs {
  double record = 0, wait = 0, copy = 0, sync = 0, elapsed = 0;
  int records = 0, waits = 0, copies = 0, syncs = 0, reads = 0;
};

double RunRound(const Variant& variant, const Driver& dlsymDriver, const Driver& runtimeDriver, int iterations, Costs& costs) {
  const Driver& driver = variant.runtimeEntries ? runtimeDriver : dlsymDriver;
  cudaStream_t input, compute, output;
  const unsigned streamFlags = variant.blockingStreams ? cudaStreamDefault : cudaStreamNonBlocking;
  Check(cudaStreamCreateWithFlags(&input, streamFlags), "cudaStreamCreateWithFlags");
  Check(cudaStreamCreateWithFlags(&compute, streamFlags), "cudaStreamCreateWithFlags");
  Check(cudaStreamCreateWithFlags(&output, streamFlags), "cudaStreamCreateWithFlags");
  const unsigned eventFlags = variant.blockingSyncEvents ? cudaEventBlockingSync : cudaEventDefault;
  Slot slots[2];
  for (Slot& slot : slots) {
    for (cudaEvent_t* event : {&slot.inputStart, &slot.inputEnd, &slot.computeStart, &slot.computeEnd, &slot.outputStart, &slot.outputEnd}) {
      Check(cudaEventCreateWithFlags(event, eventFlags), "cudaEventCreateWithFlags");
    }
  }
  cudaEvent_t origin;
  Check(cudaEventCreateWithFlags(&origin, eventFlags), "cudaEventCreateWithFlags");
  constexpr size_t kBytes = 4096;
  void* hostIn = nullptr;
  void* hostOut = nullptr;
  void* deviceIn = nullptr;
  void* deviceOut = nullptr;
  Check(cudaMallocHost(&hostIn, kBytes), "cudaMallocHost");
  Check(cudaMallocHost(&hostOut, kBytes), "cudaMallocHost");
  Check(cudaMalloc(&deviceIn, kBytes), "cudaMalloc");
  Check(cudaMalloc(&deviceOut, kBytes), "cudaMalloc");
  Check(cudaEventRecord(origin, compute), "cudaEventRecord");
  Check(cudaStreamSynchronize(compute), "cudaStreamSynchronize");

  auto timed = [](double& sum, int& count, auto&& call) {
    const Clock::time_point from = Clock::now();
    call();
    sum += std::chrono::duration<double, std::micro>(Clock::now() - from).count();
    ++count;
  };
  auto record = [&](cudaEvent_t event, cudaStream_t stream) {
    timed(costs.record, costs.records, [&] {
      if (variant.runtime) cudaEventRecord(event, stream);
      else driver.eventRecord(reinterpret_cast<CUevent>(event), reinterpret_cast<CUstream>(stream));
    });
  };
  auto wait = [&](cudaStream_t stream, cudaEvent_t event) {
    timed(costs.wait, costs.waits, [&] {
      if (variant.runtime) cudaStreamWaitEvent(stream, event, 0);
      else driver.streamWaitEvent(reinterpret_cast<CUstream>(stream), reinterpret_cast<CUevent>(event), 0);
    });
  };
  auto copyIn = [&](cudaStream_t stream) {
    timed(costs.copy, costs.copies, [&] {
      if (variant.runtime) cudaMemcpyAsync(deviceIn, hostIn, kBytes, cudaMemcpyHostToDevice, stream);
      else driver.memcpyHtoDAsync(reinterpret_cast<CUdeviceptr>(deviceIn), hostIn, kBytes, reinterpret_cast<CUstream>(stream));
    });
  };
  auto copyOut = [&](cudaStream_t stream) {
    timed(costs.copy, costs.copies, [&] {
      if (variant.runtime) cudaMemcpyAsync(hostOut, deviceOut, kBytes, cudaMemcpyDeviceToHost, stream);
      else driver.memcpyDtoHAsync(hostOut, reinterpret_cast<CUdeviceptr>(deviceOut), kBytes, reinterpret_cast<CUstream>(stream));
    });
  };
  auto synchronize = [&](cudaEvent_t event) {
    timed(costs.sync, costs.syncs, [&] {
      if (variant.runtime) cudaEventSynchronize(event);
      else driver.eventSynchronize(reinterpret_cast<CUevent>(event));
    });
  };
  float sink = 0;
  auto read = [&](cudaEvent_t event) {
    float ms = 0;
    timed(costs.elapsed, costs.reads, [&] {
      if (variant.runtime) cudaEventElapsedTime(&ms, origin, event);
      else driver.eventElapsedTime(&ms, reinterpret_cast<CUevent>(origin), reinterpret_cast<CUevent>(event));
    });
    sink += ms;
  };

  bool active[2] = {false, false};
  int next = 0;
  const Clock::time_point started = Clock::now();
  for (int iteration = 0; iteration < iterations; ++iteration) {
    Slot& slot = slots[next];
    record(slot.inputStart, input);
    copyIn(input);
    record(slot.inputEnd, input);
    wait(compute, slot.inputEnd);
    record(slot.computeStart, compute);
    // (the enqueue would be here)
    record(slot.computeEnd, compute);
    wait(output, slot.computeEnd);
    record(slot.outputStart, output);
    copyOut(output);
    record(slot.outputEnd, output);
    active[next] = true;
    Slot& older = slots[1 - next];
    if (active[1 - next]) {
      synchronize(older.outputEnd);
      for (cudaEvent_t event : {older.inputStart, older.inputEnd, older.computeStart, older.computeEnd, older.outputStart, older.outputEnd}) read(event);
      active[1 - next] = false;
    }
    next = 1 - next;
  }
  const double perIterationUs = std::chrono::duration<double, std::micro>(Clock::now() - started).count() / iterations;
  Check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  if (sink < 0) std::printf("%f\n", sink);
  for (Slot& slot : slots) {
    for (cudaEvent_t event : {slot.inputStart, slot.inputEnd, slot.computeStart, slot.computeEnd, slot.outputStart, slot.outputEnd}) cudaEventDestroy(event);
  }
  cudaEventDestroy(origin);
  cudaFreeHost(hostIn);
  cudaFreeHost(hostOut);
  cudaFree(deviceIn);
  cudaFree(deviceOut);
  cudaStreamDestroy(input);
  cudaStreamDestroy(compute);
  cudaStreamDestroy(output);
  return perIterationUs;
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
  Check(cudaSetDevice(0), "cudaSetDevice");
  Check(cudaFree(nullptr), "cudaFree(0)");
  void* handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::fprintf(stderr, "calls: dlopen(libcuda.so.1): %s\n", dlerror());
    return 2;
  }
  Driver driver{};
  Resolve(handle, "cuEventRecord", driver.eventRecord);
  Resolve(handle, "cuStreamWaitEvent", driver.streamWaitEvent);
  Resolve(handle, "cuMemcpyHtoDAsync_v2", driver.memcpyHtoDAsync);
  Resolve(handle, "cuMemcpyDtoHAsync_v2", driver.memcpyDtoHAsync);
  Resolve(handle, "cuEventSynchronize", driver.eventSynchronize);
  Resolve(handle, "cuEventElapsedTime_v2", driver.eventElapsedTime);
  // The entries the runtime itself would take (cudaGetDriverEntryPointByVersion at this runtime's version).
  Driver fromRuntime{};
  auto entry = [](const char* name, auto& slot) {
    void* pointer = nullptr;
    cudaDriverEntryPointQueryResult status{};
    if (cudaGetDriverEntryPointByVersion(name, &pointer, CUDART_VERSION, cudaEnableDefault, &status) != cudaSuccess || pointer == nullptr) {
      std::fprintf(stderr, "calls: cudaGetDriverEntryPointByVersion(%s) failed\n", name);
      std::exit(2);
    }
    slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(pointer);
  };
  entry("cuEventRecord", fromRuntime.eventRecord);
  entry("cuStreamWaitEvent", fromRuntime.streamWaitEvent);
  entry("cuMemcpyHtoDAsync", fromRuntime.memcpyHtoDAsync);
  entry("cuMemcpyDtoHAsync", fromRuntime.memcpyDtoHAsync);
  entry("cuEventSynchronize", fromRuntime.eventSynchronize);
  entry("cuEventElapsedTime", fromRuntime.eventElapsedTime);
  std::printf("calls: dlsym and the runtime's entry points are %s\n",
              fromRuntime.eventRecord == driver.eventRecord && fromRuntime.streamWaitEvent == driver.streamWaitEvent && fromRuntime.memcpyHtoDAsync == driver.memcpyHtoDAsync &&
                      fromRuntime.eventElapsedTime == driver.eventElapsedTime
                  ? "the same functions"
                  : "different functions");
  const Variant variants[] = {
      {"runtime, blocking streams, blocking-sync events (trtexec)", true, true, true},
      {"driver dlsym, non-blocking streams, blocking-sync events (the addon)", false, false, true},
      {"driver dlsym, blocking streams, blocking-sync events", false, true, true},
      {"runtime, non-blocking streams, blocking-sync events", true, false, true},
      {"driver dlsym, non-blocking streams, default events", false, false, false},
      {"driver via the runtime's entry points, non-blocking streams, blocking-sync events", false, false, true, true},
  };
  {
    // The speculation mitigations the kernel applies to this process, to set beside node's (bench system info).
    FILE* status = std::fopen("/proc/self/status", "r");
    char text[512];
    while (status != nullptr && std::fgets(text, sizeof(text), status) != nullptr) {
      if (std::strncmp(text, "Speculation", 11) == 0) std::printf("calls: %s", text);
    }
    if (status != nullptr) std::fclose(status);
  }
  std::printf("calls: %d iterations per round, 5 rounds per variant, interleaved; us per iteration (median round) and per call\n", iterations);
  std::vector<std::vector<double>> rounds(sizeof(variants) / sizeof(variants[0]));
  std::vector<Costs> costs(rounds.size());
  for (int round = 0; round < 5; ++round) {
    for (size_t index = 0; index < rounds.size(); ++index) {
      Costs roundCosts;
      rounds[index].push_back(RunRound(variants[index], driver, fromRuntime, iterations, roundCosts));
      Costs& total = costs[index];
      total.record += roundCosts.record, total.records += roundCosts.records;
      total.wait += roundCosts.wait, total.waits += roundCosts.waits;
      total.copy += roundCosts.copy, total.copies += roundCosts.copies;
      total.sync += roundCosts.sync, total.syncs += roundCosts.syncs;
      total.elapsed += roundCosts.elapsed, total.reads += roundCosts.reads;
    }
  }
  for (size_t index = 0; index < rounds.size(); ++index) {
    std::vector<double> sorted = rounds[index];
    std::sort(sorted.begin(), sorted.end());
    const Costs& c = costs[index];
    std::printf("%-72s %7.2f us/iteration | record %.2f, stream wait %.2f, copy %.2f, event sync %.2f, event read %.2f us\n", variants[index].name, sorted[2],
                c.record / c.records, c.wait / c.waits, c.copy / c.copies, c.sync / c.syncs, c.elapsed / c.reads);
  }
  return 0;
}
