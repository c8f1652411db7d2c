// trtexec's timing loop over one context: events around H2D / compute / D2H per iteration, host enqueue time,
// warm-up, minimum iterations and duration, optional CUDA graph and spin-wait. Returns raw per-iteration records;
// statistics are computed in TypeScript (lib/timing).
//
// As trtexec (--overlap, its default): input copies, compute and output copies on three streams linked by events,
// two inferences in flight, page-locked host buffers.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <sched.h>
#include <sys/resource.h>
#include <system_error>
#include <thread>

#include "environment.h"
#include "errors.h"
#include "execution_context.h"
#include "tensorrt_library.h"

namespace trtn {

namespace {

struct BenchmarkSettings {
  int minIterations = 10;
  double durationMs = 3000;
  double warmUpMs = 200;
  bool useCudaGraph = false;
  bool useSpinWait = false;
  bool noDataTransfers = false;
  // Every event blocking-sync when not spinning, as trtexec's (blockingEvents: 'all'); otherwise only the waited one.
  bool allBlockingEvents = false;
  // Safety stops so that a bad option can never run forever.
  int maxIterations = 1000000;
  double maxWallMs = 600000;
  // The context is the run's own (engine.benchmark()/profile()): free it on the worker when the run ends, so that
  // unpinning large staging buffers never stalls the event loop.
  bool releaseAfter = false;
};

struct Record {
  double startEnq, endEnq, startH2d, endH2d, startCompute, endCompute, startD2h, endD2h;
  double hostDone;  // host ms (from the loop's start) when this inference was seen complete
};

BenchmarkSettings ReadBenchmarkSettings(Napi::Object options) {
  // Defaults live in the TypeScript layer, which sends every field; only the safety stops are optional here.
  BenchmarkSettings settings;
  auto wrong = [](const char* key, const char* expected) {
    throw NativeError("ERR_INTERNAL", std::string("benchmark: option '") + key + "' must be " + expected +
                                          "; the TypeScript layer sends every option, so this is a bug in tensorrt-node (please report it).");
  };
  auto number = [&](const char* key) {
    Napi::Value value = options.Get(key);
    if (!value.IsNumber()) wrong(key, "a number");
    return value.As<Napi::Number>().DoubleValue();
  };
  auto optionalNumber = [&](const char* key, double fallback) {
    Napi::Value value = options.Get(key);
    return value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : fallback;
  };
  auto flag = [&](const char* key) {
    Napi::Value value = options.Get(key);
    if (!value.IsBoolean()) wrong(key, "a boolean");
    return value.As<Napi::Boolean>().Value();
  };
  settings.minIterations = static_cast<int>(number("iterations"));
  settings.durationMs = number("duration") * 1000.0;
  settings.warmUpMs = number("warmUp");
  settings.useCudaGraph = flag("useCudaGraph");
  settings.useSpinWait = flag("useSpinWait");
  settings.noDataTransfers = flag("noDataTransfers");
  settings.maxIterations = static_cast<int>(optionalNumber("maxIterations", 1000000));
  settings.maxWallMs = optionalNumber("maxWallMs", 600000);
  Napi::Value events = options.Get("blockingEvents");
  if (events.IsString()) {
    const std::string which = events.As<Napi::String>().Utf8Value();
    if (which != "waited" && which != "all") wrong("blockingEvents", "'waited' or 'all'");
    settings.allBlockingEvents = which == "all";
  }
  Napi::Value release = options.Get("releaseAfter");
  settings.releaseAfter = release.IsBoolean() && release.As<Napi::Boolean>().Value();
  return settings;
}

/** Per-layer times from one reportToProfiler() call. */
class LayerProfiler : public nvinfer1::IProfiler {
 public:
  void reportLayerTime(char const* layerName, float ms) noexcept override {
    try {
      current.emplace_back(layerName ? layerName : "", ms);
    } catch (...) {
    }
  }
  std::vector<std::pair<std::string, float>> current;
};

/** One output copy of a timed run: from its device buffer into its page-locked staging buffer. */
struct Download {
  CUdeviceptr device;
  uint8_t* host;
  size_t bytes;
};

/** The output copies of one inference at the context's current shapes (staging buffers sized for them). */
std::vector<Download> OutputDownloads(ContextCore& core) {
  std::vector<Download> downloads;
  nvinfer1::ICudaEngine& engine = *core.engine->engine;
  for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
    const char* name = engine.getIOTensorName(i);
    if (engine.getTensorIOMode(name) != nvinfer1::TensorIOMode::kOUTPUT) continue;
    const size_t bytes = core.TensorBytes(name);
    downloads.push_back({core.buffers[name].get(), core.Staging(name, bytes).data(), bytes});
  }
  return downloads;
}

// The benchmark's A/B knobs, read per run: whether environment variable `name` is set to `value`.
// TRTN_BENCH_STREAMS=non-blocking: the loop's streams CU_STREAM_NON_BLOCKING instead of trtexec's legacy ones.
// TRTN_BENCH_THREAD=own: the loop on a std::thread of its own (BenchmarkWorker::Execute).
// TRTN_BENCH_PIN=loop: the loop thread pinned to one CPU for the loop (BenchmarkWorker::Run).
bool EnvIs(const char* name, const char* value) {
  const char* set = std::getenv(name);
  return set != nullptr && std::strcmp(set, value) == 0;
}

/** Pins the calling thread to one CPU until destroyed, then gives it back the affinity it had. */
class ThreadAffinityGuard {
 public:
  ThreadAffinityGuard() { CPU_ZERO(&before_); }
  ~ThreadAffinityGuard() {
    if (pinned_) sched_setaffinity(0, sizeof(before_), &before_);
  }
  ThreadAffinityGuard(const ThreadAffinityGuard&) = delete;
  ThreadAffinityGuard& operator=(const ThreadAffinityGuard&) = delete;
  bool PinTo(int cpu) {
    if (pinned_ || sched_getaffinity(0, sizeof(before_), &before_) != 0) return false;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pinned_ = sched_setaffinity(0, sizeof(one), &one) == 0;
    return pinned_;
  }

 private:
  cpu_set_t before_;
  bool pinned_ = false;
};

/**
 * Shared scaffolding: device current, buffers bound, inputs on the device. `transfers`: the loop copies through the
 * page-locked staging buffers (benchmark with transfers, raw loop); otherwise nothing is pinned (see StartDeviceRun).
 */
void PrepareRun(ContextCore& core, const std::vector<HostTensor>& inputs, bool transfers) {
  if (!transfers) {
    core.StartDeviceRun(inputs);
    return;
  }
  core.StartRun(inputs);
  core.stream->Synchronize("cuStreamSynchronize");
}

class BenchmarkWorker : public ContextWorker {
 public:
  BenchmarkWorker(Napi::Env env, std::shared_ptr<ContextCore> core, BenchmarkSettings settings, std::vector<HostTensor> inputs,
                  Napi::Object self)
      : ContextWorker(env, "trtn:benchmark", std::move(core), std::move(inputs), self), settings_(settings) {}

  void Execute() override {
    // TRTN_BENCH_THREAD=own: the loop on a thread of its own (default attributes, as a plain program's) instead of
    // the libuv pool's, for an A/B of the process around the loop. Failing to start one runs it here.
    ownThread_ = false;
    if (EnvIs("TRTN_BENCH_THREAD", "own")) {
      try {
        std::thread loop([this] { ContextWorker::Execute(); });
        ownThread_ = true;
        loop.join();
      } catch (const std::system_error&) {
        warnings_.push_back("TRTN_BENCH_THREAD=own: no thread could be started; the loop ran on the worker thread.");
      }
    }
    if (!ownThread_) ContextWorker::Execute();
    environment_ = CollectEnvironmentQuietly(core_->engine->device);
    if (settings_.releaseAfter) core_->ReleaseResources();
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    Napi::Array records = Napi::Array::New(env, records_.size());
    for (size_t i = 0; i < records_.size(); ++i) {
      const Record& r = records_[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("startEnqMs", r.startEnq);
      o.Set("endEnqMs", r.endEnq);
      o.Set("startH2dMs", r.startH2d);
      o.Set("endH2dMs", r.endH2d);
      o.Set("startComputeMs", r.startCompute);
      o.Set("endComputeMs", r.endCompute);
      o.Set("startD2hMs", r.startD2h);
      o.Set("endD2hMs", r.endD2h);
      o.Set("h2dMs", r.endH2d - r.startH2d);
      o.Set("computeMs", r.endCompute - r.startCompute);
      o.Set("d2hMs", r.endD2h - r.startD2h);
      o.Set("latencyMs", (r.endH2d - r.startH2d) + (r.endCompute - r.startCompute) + (r.endD2h - r.startD2h));
      o.Set("hostDoneMs", r.hostDone);
      records.Set(static_cast<uint32_t>(i), o);
    }
    result.Set("records", records);
    result.Set("usedCudaGraph", usedGraph_);
    result.Set("totalHostWalltimeMs", hostWallMs_);
    {
      // Where the loop's host time goes, µs per iteration (all iterations, warm-up included): a host-bound engine
      // shows it here rather than in the GPU figures.
      Napi::Object steps = Napi::Object::New(env);
      const double count = records_.empty() ? 1.0 : static_cast<double>(records_.size());
      steps.Set("iterations", static_cast<double>(records_.size()));
      steps.Set("beforeEnqueueUs", steps_.beforeEnqueue / count);
      steps.Set("enqueueUs", steps_.enqueue / count);
      steps.Set("afterEnqueueUs", steps_.afterEnqueue / count);
      steps.Set("waitUs", steps_.wait / count);
      steps.Set("timingReadsUs", steps_.timingReads / count);
      steps.Set("elapsedTimeUs", steps_.elapsedTime / count);
      steps.Set("elapsedTimeEntry", Library().cuda.eventElapsedTimeEntry);
      steps.Set("perIterationUs", steps_.loop / count);
      // What the loop runs on: the cost of one host clock read (a slow clocksource shows here) and the CPUs the
      // loop thread ran on (a thread that moves, or runs far from the GPU's NUMA node, launches slower).
      steps.Set("clockReadNs", clockReadNs_);
      steps.Set("cpuFirst", cpuFirst_);
      steps.Set("cpuLast", cpuLast_);
      steps.Set("cpuChanges", cpuChanges_);
      // TensorRT log() calls during the loop (0 expected: a per-enqueue warning costs every iteration).
      steps.Set("logCalls", static_cast<double>(logCalls_));
      steps.Set("blockingEventsPerInference", blockingEvents_);
      steps.Set("streams", legacyStreams_ ? "legacy" : "non-blocking");
      steps.Set("thread", ownThread_ ? "own" : "worker");
      if (pinnedCpu_ >= 0) steps.Set("pinnedCpu", pinnedCpu_);
      if (allowedCpus_ >= 0) steps.Set("allowedCpus", allowedCpus_);
      if (involuntarySwitches_ >= 0) {
        steps.Set("involuntarySwitches", involuntarySwitches_);
        steps.Set("voluntarySwitches", voluntarySwitches_);
        steps.Set("threadCpuUs", threadCpuUs_ / count);
      }
      result.Set("hostSteps", steps);
    }
    Napi::Array warnings = Napi::Array::New(env, warnings_.size());
    for (size_t i = 0; i < warnings_.size(); ++i) warnings.Set(static_cast<uint32_t>(i), warnings_[i]);
    result.Set("warnings", warnings);
    if (environment_) result.Set("environment", EnvironmentToJs(env, *environment_));
    deferred_.Resolve(result);
  }

 private:
  void Enqueue(CUstream stream, Graph& graph) {
    if (graph.valid()) {
      graph.Launch(stream);
    } else if (!core_->context->enqueueV3(stream)) {
      throw NativeError("ERR_INFERENCE", "enqueueV3 failed during the benchmark.", core_->engine->logger->Recent());
    }
  }

  void CaptureGraph(CUstream stream, Graph& graph) {
    const CudaDriverApi& api = RequireLibrary().cuda;
    // One un-captured run first: TensorRT may allocate or initialise lazily, which a capture cannot record.
    Enqueue(stream, graph);
    CheckCuda(api.cuStreamSynchronize(stream), "cuStreamSynchronize");
    if (api.cuStreamBeginCapture(stream, kStreamCaptureModeThreadLocal) != kCudaSuccess) {
      warnings_.push_back("CUDA graph capture could not start; timing without a graph.");
      return;
    }
    const bool enqueued = core_->context->enqueueV3(stream);
    CUgraph captured = nullptr;
    const CUresult ended = api.cuStreamEndCapture(stream, &captured);
    if (!enqueued || ended != kCudaSuccess || captured == nullptr) {
      if (captured != nullptr) api.cuGraphDestroy(captured);
      warnings_.push_back("CUDA graph capture failed (the engine may use operations that cannot be captured); timing without a graph.");
      return;
    }
    CUgraphExec exec = nullptr;
    if (api.cuGraphInstantiateWithFlags(&exec, captured, 0) != kCudaSuccess || exec == nullptr) {
      api.cuGraphDestroy(captured);
      warnings_.push_back("CUDA graph instantiation failed; timing without a graph.");
      return;
    }
    graph.Adopt(captured, exec);
    usedGraph_ = true;
  }

  /**
   * One in-flight inference: its events and host enqueue times (trtexec's Iteration at one depth). With `blocking`
   * (no spin-wait), only the event the loop waits on (the output copies' end with transfers, the compute's end
   * without) is a blocking-sync event. trtexec makes all six so; the timestamps are the same either way, but on the
   * H200 a blocking-sync record costs 1.36 us against 0.94 (bench/results/driver-call-costs-*), which a host-bound
   * engine pays five times an iteration for events nobody waits on.
   */
  struct Slot {
    // allBlocking: every event blocking-sync when `blocking`, as trtexec's (blockingEvents: 'all').
    Slot(bool blocking, bool transfers, bool allBlocking)
        : inputStart(blocking && allBlocking),
          inputEnd(blocking && allBlocking),
          computeStart(blocking && allBlocking),
          computeEnd(blocking && (allBlocking || !transfers)),
          outputStart(blocking && allBlocking),
          outputEnd(blocking && (allBlocking || transfers)) {}
    Event inputStart, inputEnd, computeStart, computeEnd, outputStart, outputEnd;
    std::chrono::steady_clock::time_point enqueueStart, enqueueEnd;
    bool active = false;
  };

  void Run() override {
    ContextCore& core = *core_;
    const bool transfers = !settings_.noDataTransfers;
    PrepareRun(core, inputs_, transfers);
    const CudaDriverApi& api = RequireLibrary().cuda;
    // The loop's three streams: legacy ones (flags 0) as trtexec's cudaStreamCreate makes them, unless
    // TRTN_BENCH_STREAMS=non-blocking asks for CU_STREAM_NON_BLOCKING (the context's own stream's kind), for an A/B.
    legacyStreams_ = !EnvIs("TRTN_BENCH_STREAMS", "non-blocking");
    const unsigned streamFlags = legacyStreams_ ? 0u : kStreamNonBlocking;
    // Whatever PrepareRun queued on the context's stream is finished before the loop's own streams start.
    core.stream->Synchronize("cuStreamSynchronize");
    Stream computeStream(streamFlags);
    CUstream compute = computeStream.get();
    Graph graph;
    if (settings_.useCudaGraph) CaptureGraph(compute, graph);

    // trtexec's overlapped loop (--overlap, its default): copies in, compute and copies out on three streams linked
    // by events, two inferences in flight; inference k+1 is enqueued before waiting for inference k. Copies go
    // through the context's page-locked staging buffers, as trtexec's host buffers are page-locked.
    const bool blocking = !settings_.useSpinWait;
    Stream inputStream(streamFlags), outputStream(streamFlags);
    const std::vector<Download> downloads = transfers ? OutputDownloads(core) : std::vector<Download>{};
    const bool allBlocking = settings_.allBlockingEvents;
    Slot slots[2] = {Slot(blocking, transfers, allBlocking), Slot(blocking, transfers, allBlocking)};
    // Blocking-sync events recorded per inference: 1, or trtexec's 6 (2 without transfers) with 'all'; 0 spinning.
    blockingEvents_ = !blocking ? 0 : !allBlocking ? 1 : transfers ? 6 : 2;

    using Clock = std::chrono::steady_clock;
    {
      constexpr int kReads = 1000;
      const Clock::time_point from = Clock::now();
      Clock::time_point last = from;
      for (int i = 0; i < kReads; ++i) last = Clock::now();
      clockReadNs_ = std::chrono::duration<double, std::nano>(last - from).count() / kReads;
    }
    int cpu = sched_getcpu();
    cpuFirst_ = cpu;
    // TRTN_BENCH_PIN=loop: the loop thread alone pinned to the CPU it starts on (the process's other threads keep
    // their CPUs), for an A/B of where its wake-ups land. The guard gives the thread its affinity back on every path
    // out of the loop: a pool thread must not stay pinned.
    ThreadAffinityGuard affinity;
    {
      cpu_set_t allowed;
      CPU_ZERO(&allowed);
      allowedCpus_ = sched_getaffinity(0, sizeof(allowed), &allowed) == 0 ? CPU_COUNT(&allowed) : -1;
    }
    pinnedCpu_ = -1;
    if (EnvIs("TRTN_BENCH_PIN", "loop") && cpu >= 0) {
      if (affinity.PinTo(cpu)) pinnedCpu_ = cpu;
      else warnings_.push_back("TRTN_BENCH_PIN=loop: the loop thread could not be pinned; it ran unpinned.");
    }
    // The loop thread's context switches and CPU time over the loop: involuntary switches are other threads taking
    // its CPU (in a process pinned to one CPU, any thread of the process), voluntary ones its sleeps in blocking sync.
    rusage usageBefore{};
    const bool haveUsage = getrusage(RUSAGE_THREAD, &usageBefore) == 0;
    const size_t logCallsBefore = core.engine->logger->Calls();
    // The origin is only read, never waited on: blocking sync only with 'all' (trtexec's gpuStart event has it).
    Event origin(blocking && allBlocking);
    origin.Record(compute);
    // Nothing on the copy streams may start before the origin, or its times would come out negative.
    CheckCuda(api.cuStreamWaitEvent(inputStream.get(), origin.get(), 0), "cuStreamWaitEvent");
    CheckCuda(api.cuStreamWaitEvent(outputStream.get(), origin.get(), 0), "cuStreamWaitEvent");
    const Clock::time_point hostOrigin = Clock::now();
    const auto sinceOrigin = [&](Clock::time_point at) { return std::chrono::duration<double, std::milli>(at - hostOrigin).count(); };
    const auto us = [](Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double, std::micro>(to - from).count(); };
    records_.reserve(4096);

    // Host clock reads per iteration: five (trtexec takes two); the end of one step is the start of the next.
    Clock::time_point stepEnd = Clock::now();
    auto enqueue = [&](Slot& slot) {
      const Clock::time_point begun = stepEnd;
      if (transfers) {
        slot.inputStart.Record(inputStream.get());
        core.Upload(inputs_, inputStream.get());
        slot.inputEnd.Record(inputStream.get());
        CheckCuda(api.cuStreamWaitEvent(compute, slot.inputEnd.get(), 0), "cuStreamWaitEvent");
      }
      slot.computeStart.Record(compute);
      // Enqueue time is the enqueueV3 / graph launch alone, as trtexec measures it.
      slot.enqueueStart = Clock::now();
      Enqueue(compute, graph);
      slot.enqueueEnd = Clock::now();
      slot.computeEnd.Record(compute);
      if (transfers) {
        CheckCuda(api.cuStreamWaitEvent(outputStream.get(), slot.computeEnd.get(), 0), "cuStreamWaitEvent");
        slot.outputStart.Record(outputStream.get());
        for (const auto& download : downloads) {
          CheckCuda(api.cuMemcpyDtoHAsync(download.host, download.device, download.bytes, outputStream.get()), "cuMemcpyDtoHAsync");
        }
        slot.outputEnd.Record(outputStream.get());
      }
      slot.active = true;
      stepEnd = Clock::now();
      steps_.beforeEnqueue += us(begun, slot.enqueueStart);
      steps_.enqueue += us(slot.enqueueStart, slot.enqueueEnd);
      steps_.afterEnqueue += us(slot.enqueueEnd, stepEnd);
    };
    auto complete = [&](Slot& slot) {
      const Clock::time_point waitStart = stepEnd;
      (transfers ? slot.outputEnd : slot.computeEnd).Wait(settings_.useSpinWait);
      const Clock::time_point waited = Clock::now();
      steps_.wait += us(waitStart, waited);
      Record record{};
      record.hostDone = sinceOrigin(waited);
      record.startEnq = sinceOrigin(slot.enqueueStart);
      record.endEnq = sinceOrigin(slot.enqueueEnd);
      const Clock::time_point elapsedFrom = Clock::now();
      record.startCompute = slot.computeStart.ElapsedSince(origin);
      record.endCompute = slot.computeEnd.ElapsedSince(origin);
      // Without transfers there is nothing to time around the compute: H2D and D2H are zero, as in trtexec.
      record.startH2d = transfers ? slot.inputStart.ElapsedSince(origin) : record.startCompute;
      record.endH2d = transfers ? slot.inputEnd.ElapsedSince(origin) : record.startCompute;
      record.startD2h = transfers ? slot.outputStart.ElapsedSince(origin) : record.endCompute;
      record.endD2h = transfers ? slot.outputEnd.ElapsedSince(origin) : record.endCompute;
      steps_.elapsedTime += us(elapsedFrom, Clock::now());
      records_.push_back(record);
      slot.active = false;
      stepEnd = Clock::now();
      steps_.timingReads += us(waited, stepEnd);
      // Which CPU the loop is on, every 64th inference: sched_getcpu may be a system call (a VM without a fast
      // getcpu), which a host-bound loop would pay every iteration.
      if ((records_.size() & 63) == 0) {
        const int now = sched_getcpu();
        if (now != cpu) ++cpuChanges_;
        cpu = now;
      }
    };

    // trtexec's stop rule: at least minIterations and at least durationMs after the warm-up, where the warm-up
    // ends at the first inference whose compute starts warmUpMs after the first one's start.
    int kept = 0;
    double firstKeptStart = -1;
    bool done = false;
    int next = 0;
    for (int iteration = 0; iteration < settings_.maxIterations && !done; ++iteration) {
      enqueue(slots[next]);
      Slot& previous = slots[1 - next];
      if (previous.active) {
        complete(previous);
        const Record& record = records_.back();
        const double sinceStart = record.startCompute - std::min(records_.front().startH2d, records_.front().startCompute);
        if (sinceStart >= settings_.warmUpMs) {
          if (firstKeptStart < 0) firstKeptStart = std::min(record.startH2d, record.startCompute);
          ++kept;
          if (kept >= settings_.minIterations && record.endD2h - firstKeptStart >= settings_.durationMs) done = true;
        }
        if (!done && sinceOrigin(Clock::now()) > settings_.maxWallMs) {
          warnings_.push_back("The benchmark stopped at the wall-time safety limit before reaching its iteration/duration targets.");
          done = true;
        }
      }
      next = 1 - next;
    }
    steps_.loop = us(hostOrigin, Clock::now());
    rusage usageAfter{};
    if (haveUsage && getrusage(RUSAGE_THREAD, &usageAfter) == 0) {
      const auto cpuUs = [](const rusage& u) {
        return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
      };
      involuntarySwitches_ = static_cast<double>(usageAfter.ru_nivcsw - usageBefore.ru_nivcsw);
      voluntarySwitches_ = static_cast<double>(usageAfter.ru_nvcsw - usageBefore.ru_nvcsw);
      threadCpuUs_ = cpuUs(usageAfter) - cpuUs(usageBefore);
    }
    cpuLast_ = sched_getcpu();
    if (cpuLast_ != cpu) ++cpuChanges_;
    logCalls_ = core.engine->logger->Calls() - logCallsBefore;
    // Drain: the inference still in flight is timed too (trtexec keeps it).
    for (int i = 0; i < 2; ++i) {
      Slot& slot = slots[(next + i) % 2];
      if (slot.active) complete(slot);
    }
    hostWallMs_ = sinceOrigin(Clock::now());
    graph.Reset();
  }

  /** Host µs summed over all iterations, by step of the loop. */
  struct HostSteps {
    // elapsedTime: the cuEventElapsedTime calls alone, part of timingReads.
    double beforeEnqueue = 0, enqueue = 0, afterEnqueue = 0, wait = 0, timingReads = 0, elapsedTime = 0, loop = 0;
  };

  BenchmarkSettings settings_;
  std::vector<Record> records_;
  std::vector<std::string> warnings_;
  bool usedGraph_ = false;
  double hostWallMs_ = 0;
  HostSteps steps_;
  double clockReadNs_ = 0;
  int cpuFirst_ = -1, cpuLast_ = -1, cpuChanges_ = 0;
  size_t logCalls_ = 0;
  // From getrusage(RUSAGE_THREAD) around the loop; -1 where it failed.
  double involuntarySwitches_ = -1, voluntarySwitches_ = -1, threadCpuUs_ = 0;
  int blockingEvents_ = 0;
  bool legacyStreams_ = true;
  bool ownThread_ = false;
  int pinnedCpu_ = -1;
  int allowedCpus_ = -1;
  std::unique_ptr<EnvironmentFacts> environment_;
};

class ProfileWorker : public ContextWorker {
 public:
  ProfileWorker(Napi::Env env, std::shared_ptr<ContextCore> core, BenchmarkSettings settings, std::vector<HostTensor> inputs,
                Napi::Object self)
      : ContextWorker(env, "trtn:profile", std::move(core), std::move(inputs), self), settings_(settings) {}

  void Execute() override {
    ContextWorker::Execute();
    // Never leave the profiler attached: the profiler object dies with this worker.
    if (core_->context) core_->context->setProfiler(nullptr);
    environment_ = CollectEnvironmentQuietly(core_->engine->device);
    if (settings_.releaseAfter) core_->ReleaseResources();
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Array iterations = Napi::Array::New(env, iterations_.size());
    for (size_t i = 0; i < iterations_.size(); ++i) {
      Napi::Array layers = Napi::Array::New(env, iterations_[i].size());
      for (size_t j = 0; j < iterations_[i].size(); ++j) {
        Napi::Object layer = Napi::Object::New(env);
        layer.Set("name", iterations_[i][j].first);
        layer.Set("ms", iterations_[i][j].second);
        layers.Set(static_cast<uint32_t>(j), layer);
      }
      iterations.Set(static_cast<uint32_t>(i), layers);
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("iterations", iterations);
    result.Set("warmUpIterations", warmUpIterations_);
    if (environment_) result.Set("environment", EnvironmentToJs(env, *environment_));
    deferred_.Resolve(result);
  }

 private:
  void Run() override {
    ContextCore& core = *core_;
    PrepareRun(core, inputs_, /*transfers=*/false);
    CUstream stream = core.stream->get();
    core.context->setProfiler(&profiler_);
    // Profiling data is pulled after each synchronised run rather than emitted by enqueue (trtexec does the same).
    core.context->setEnqueueEmitsProfile(false);
    using Clock = std::chrono::steady_clock;
    const Clock::time_point start = Clock::now();
    Clock::time_point keptStart{};
    bool warm = false;
    for (int iteration = 0; iteration < settings_.maxIterations; ++iteration) {
      if (!core.context->enqueueV3(stream)) throw NativeError("ERR_INFERENCE", "enqueueV3 failed while profiling.", core.engine->logger->Recent());
      core.stream->Synchronize("cuStreamSynchronize");
      profiler_.current.clear();
      if (!core.context->reportToProfiler()) throw NativeError("ERR_INFERENCE", "reportToProfiler failed.", core.engine->logger->Recent());
      const Clock::time_point now = Clock::now();
      const double elapsed = std::chrono::duration<double, std::milli>(now - start).count();
      if (!warm) {
        if (elapsed < settings_.warmUpMs) {
          ++warmUpIterations_;
          continue;
        }
        warm = true;
        keptStart = now;
      }
      iterations_.push_back(profiler_.current);
      const double keptMs = std::chrono::duration<double, std::milli>(now - keptStart).count();
      if (static_cast<int>(iterations_.size()) >= settings_.minIterations && keptMs >= settings_.durationMs) break;
      if (elapsed > settings_.maxWallMs) break;
    }
  }

  BenchmarkSettings settings_;
  LayerProfiler profiler_;
  std::vector<std::vector<std::pair<std::string, float>>> iterations_;
  int warmUpIterations_ = 0;
  std::unique_ptr<EnvironmentFacts> environment_;
};

/**
 * The floor under infer(): `iterations` of what one infer() does on the GPU side (copies in from the staging
 * buffers, enqueueV3, copies out, synchronize) in a tight C++ loop on one thread, with no JS, no N-API and no
 * worker hand-off. infer()'s per-call time minus this is the binding's host overhead.
 */
class RawLoopWorker : public ContextWorker {
 public:
  RawLoopWorker(Napi::Env env, std::shared_ptr<ContextCore> core, int iterations, std::vector<HostTensor> inputs, Napi::Object self)
      : ContextWorker(env, "trtn:rawLoop", std::move(core), std::move(inputs), self), iterations_(iterations) {}

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    result.Set("iterations", iterations_);
    result.Set("totalMs", totalMs_);
    result.Set("perIterationUs", iterations_ > 0 ? totalMs_ * 1000.0 / iterations_ : 0.0);
    // By step, µs per iteration: queueing the input copies, enqueueV3, queueing the output copies, the synchronize.
    const double count = iterations_ > 0 ? static_cast<double>(iterations_) : 1.0;
    result.Set("uploadUs", uploadUs_ / count);
    result.Set("enqueueUs", enqueueUs_ / count);
    result.Set("downloadUs", downloadUs_ / count);
    result.Set("syncUs", syncUs_ / count);
    deferred_.Resolve(result);
  }

 private:
  void Run() override {
    ContextCore& core = *core_;
    PrepareRun(core, inputs_, /*transfers=*/true);
    const CudaDriverApi& api = RequireLibrary().cuda;
    CUstream stream = core.stream->get();
    const std::vector<Download> downloads = OutputDownloads(core);
    using Clock = std::chrono::steady_clock;
    const auto us = [](Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double, std::micro>(to - from).count(); };
    const Clock::time_point started = Clock::now();
    Clock::time_point step = started;
    for (int i = 0; i < iterations_; ++i) {
      core.Upload(inputs_, stream);
      const Clock::time_point uploaded = Clock::now();
      if (!core.context->enqueueV3(stream)) throw NativeError("ERR_INFERENCE", "enqueueV3 failed in the raw loop.", core.engine->logger->Recent());
      const Clock::time_point enqueued = Clock::now();
      for (const auto& download : downloads) {
        CheckCuda(api.cuMemcpyDtoHAsync(download.host, download.device, download.bytes, stream), "cuMemcpyDtoHAsync");
      }
      const Clock::time_point queued = Clock::now();
      core.stream->Synchronize("cuStreamSynchronize in the raw loop");
      const Clock::time_point synced = Clock::now();
      uploadUs_ += us(step, uploaded);
      enqueueUs_ += us(uploaded, enqueued);
      downloadUs_ += us(enqueued, queued);
      syncUs_ += us(queued, synced);
      step = synced;
    }
    totalMs_ = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  }

  int iterations_;
  double totalMs_ = 0;
  double uploadUs_ = 0, enqueueUs_ = 0, downloadUs_ = 0, syncUs_ = 0;
};

}  // namespace

Napi::Value StartRawLoop(Napi::Env env, std::shared_ptr<ContextCore> core, int iterations, std::vector<HostTensor> inputs, Napi::Object self) {
  if (iterations < 1 || iterations > 10000000) throw NativeError("ERR_INVALID_ARGUMENT", "measureRaw needs 1 to 10,000,000 iterations, got " + std::to_string(iterations) + ".");
  ClaimContext(*core);
  auto* worker = new RawLoopWorker(env, core, iterations, std::move(inputs), self);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value StartBenchmark(Napi::Env env, std::shared_ptr<ContextCore> core, Napi::Object options, std::vector<HostTensor> inputs,
                           Napi::Object self) {
  BenchmarkSettings settings = ReadBenchmarkSettings(options);
  ClaimContext(*core);
  auto* worker = new BenchmarkWorker(env, core, settings, std::move(inputs), self);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value StartProfile(Napi::Env env, std::shared_ptr<ContextCore> core, Napi::Object options, std::vector<HostTensor> inputs,
                         Napi::Object self) {
  BenchmarkSettings settings = ReadBenchmarkSettings(options);
  ClaimContext(*core);
  auto* worker = new ProfileWorker(env, core, settings, std::move(inputs), self);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace trtn
