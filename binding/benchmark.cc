// trtexec's timing loop over one context: events around H2D / compute / D2H per iteration, host enqueue time,
// warm-up, minimum iterations and duration, optional CUDA graph and spin-wait. Returns raw per-iteration records;
// statistics are computed in TypeScript (lib/timing).
//
// Unlike trtexec, iterations are not double-buffered (each one is synchronised before the next starts). This
// keeps the code simple and the numbers per-iteration exact; throughput is therefore a lower bound.
#include <chrono>
#include <cmath>
#include <cstring>

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
  // Safety stops so that a bad option can never run forever.
  int maxIterations = 1000000;
  double maxWallMs = 600000;
};

struct Record {
  double startEnq, endEnq, startH2d, endH2d, startCompute, endCompute, startD2h, endD2h;
};

BenchmarkSettings ReadBenchmarkSettings(Napi::Object options) {
  BenchmarkSettings settings;
  auto number = [&](const char* key, double fallback) {
    Napi::Value value = options.Get(key);
    return value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : fallback;
  };
  auto flag = [&](const char* key) {
    Napi::Value value = options.Get(key);
    return value.IsBoolean() && value.As<Napi::Boolean>().Value();
  };
  settings.minIterations = static_cast<int>(number("iterations", 10));
  settings.durationMs = number("duration", 3) * 1000.0;
  settings.warmUpMs = number("warmUp", 200);
  settings.useCudaGraph = flag("useCudaGraph");
  settings.useSpinWait = flag("useSpinWait");
  settings.noDataTransfers = flag("noDataTransfers");
  settings.maxIterations = static_cast<int>(number("maxIterations", 1000000));
  settings.maxWallMs = number("maxWallMs", 600000);
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

/** Shared scaffolding: device current, buffers bound, inputs uploaded once (for noDataTransfers and profile). */
void PrepareRun(ContextCore& core, const std::vector<HostTensor>& inputs) {
  core.StartRun(inputs);
  core.stream->Synchronize("cuStreamSynchronize");
}

class BenchmarkWorker : public ContextWorker {
 public:
  BenchmarkWorker(Napi::Env env, std::shared_ptr<ContextCore> core, BenchmarkSettings settings, std::vector<HostTensor> inputs,
                  Napi::Object self)
      : ContextWorker(env, "trtn:benchmark", std::move(core), std::move(inputs), self), settings_(settings) {}

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
      records.Set(static_cast<uint32_t>(i), o);
    }
    result.Set("records", records);
    result.Set("usedCudaGraph", usedGraph_);
    result.Set("totalHostWalltimeMs", hostWallMs_);
    Napi::Array warnings = Napi::Array::New(env, warnings_.size());
    for (size_t i = 0; i < warnings_.size(); ++i) warnings.Set(static_cast<uint32_t>(i), warnings_[i]);
    result.Set("warnings", warnings);
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
    core_->stream->Synchronize("cuStreamSynchronize");
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

  void Run() override {
    ContextCore& core = *core_;
    PrepareRun(core, inputs_);
    const CudaDriverApi& api = RequireLibrary().cuda;
    CUstream stream = core.stream->get();
    Graph graph;
    if (settings_.useCudaGraph) CaptureGraph(stream, graph);

    const bool blocking = !settings_.useSpinWait;
    Event origin(blocking), h2dStart(blocking), computeStart(blocking), computeEnd(blocking), d2hEnd(blocking);
    std::vector<std::pair<std::string, std::vector<uint8_t>>> downloads;
    nvinfer1::ICudaEngine& engine = *core.engine->engine;
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
      const char* name = engine.getIOTensorName(i);
      if (engine.getTensorIOMode(name) == nvinfer1::TensorIOMode::kOUTPUT) {
        downloads.emplace_back(name, std::vector<uint8_t>(core.TensorBytes(name)));
      }
    }

    using Clock = std::chrono::steady_clock;
    origin.Record(stream);
    const Clock::time_point hostOrigin = Clock::now();
    int kept = 0;
    double firstKeptStart = -1;
    for (int iteration = 0; iteration < settings_.maxIterations; ++iteration) {
      Record record{};
      const Clock::time_point enqueueStart = Clock::now();
      // Without transfers there is nothing to time before the compute: as in trtexec, H2D and D2H are zero rather
      // than the host's gap between two back-to-back event records.
      if (!settings_.noDataTransfers) {
        h2dStart.Record(stream);
        core.Upload(inputs_, stream);
      }
      computeStart.Record(stream);
      Enqueue(stream, graph);
      computeEnd.Record(stream);
      const Clock::time_point enqueueEnd = Clock::now();
      if (!settings_.noDataTransfers) {
        for (auto& download : downloads) {
          CheckCuda(api.cuMemcpyDtoHAsync(download.second.data(), core.buffers[download.first].get(), download.second.size(), stream),
                    "cuMemcpyDtoHAsync");
        }
      }
      Event& last = settings_.noDataTransfers ? computeEnd : d2hEnd;
      if (!settings_.noDataTransfers) d2hEnd.Record(stream);
      last.Wait(settings_.useSpinWait);

      record.startEnq = std::chrono::duration<double, std::milli>(enqueueStart - hostOrigin).count();
      record.endEnq = std::chrono::duration<double, std::milli>(enqueueEnd - hostOrigin).count();
      record.endH2d = computeStart.ElapsedSince(origin);
      record.startH2d = settings_.noDataTransfers ? record.endH2d : h2dStart.ElapsedSince(origin);
      record.startCompute = record.endH2d;
      record.endCompute = computeEnd.ElapsedSince(origin);
      record.startD2h = record.endCompute;
      record.endD2h = settings_.noDataTransfers ? record.endCompute : d2hEnd.ElapsedSince(origin);
      records_.push_back(record);

      const double sinceStart = record.startCompute - records_.front().startH2d;
      if (sinceStart >= settings_.warmUpMs) {
        if (firstKeptStart < 0) firstKeptStart = record.startH2d;
        ++kept;
        const double keptSpan = record.endD2h - firstKeptStart;
        if (kept >= settings_.minIterations && keptSpan >= settings_.durationMs) break;
      }
      const double wall = std::chrono::duration<double, std::milli>(Clock::now() - hostOrigin).count();
      if (wall > settings_.maxWallMs) {
        warnings_.push_back("The benchmark stopped at the wall-time safety limit before reaching its iteration/duration targets.");
        break;
      }
    }
    hostWallMs_ = std::chrono::duration<double, std::milli>(Clock::now() - hostOrigin).count();
    graph.Reset();
  }

  BenchmarkSettings settings_;
  std::vector<Record> records_;
  std::vector<std::string> warnings_;
  bool usedGraph_ = false;
  double hostWallMs_ = 0;
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
    deferred_.Resolve(result);
  }

 private:
  void Run() override {
    ContextCore& core = *core_;
    PrepareRun(core, inputs_);
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
};

}  // namespace

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
