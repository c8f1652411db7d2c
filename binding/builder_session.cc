#include "builder_session.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "builder_options.h"
#include "compat.h"
#include "cuda_resources.h"
#include "engine.h"
#include "environment.h"
#include "errors.h"
#include "inspector.h"
#include "logger.h"
#include "progress_monitor.h"
#include "tactic_recorder.h"
#include "tensorrt_library.h"
#include "timing_cache.h"
#include "worker.h"

namespace trtn {

namespace {

/** A JS array of `convert(item)` for every item of `items`, in order. */
template <typename Item, typename Convert>
Napi::Array ToJsArray(Napi::Env env, const std::vector<Item>& items, Convert convert) {
  Napi::Array array = Napi::Array::New(env, items.size());
  for (size_t i = 0; i < items.size(); ++i) array.Set(static_cast<uint32_t>(i), convert(items[i]));
  return array;
}

struct BuildOutput {
  ConfigReadBack config;
  std::vector<uint8_t> plan;
  std::vector<uint8_t> timingCache;
  std::string inspectorJson;
  std::vector<LogEntry> log;
  bool logTruncated = false;
  std::vector<CacheEntry> cacheEntries;
  std::vector<AlgorithmRecord> algorithms;
  std::string tacticRecording = "none";
  std::vector<std::string> warnings;
  double buildTimeMs = 0;
  // Where the build job's time went, in order: (phase, ms). See the phase names at each Mark() below.
  std::vector<std::pair<std::string, double>> phasesMs;
};

template <typename T>
using TrtPtr = std::unique_ptr<T>;

/** Forwards a shared builder's log to the logger of the build that holds it. */
class RoutingLogger : public nvinfer1::ILogger {
 public:
  void log(Severity severity, const char* message) noexcept override {
    Logger* target = target_.load();
    if (target != nullptr) target->log(severity, message);
    else GlobalLogger().log(severity, message);
  }
  void Route(Logger* target) { target_.store(target); }

 private:
  std::atomic<Logger*> target_{nullptr};
};

/**
 * A builder kept for later builds on one device (BuildOptions.keepBuilder): creating an IBuilder loads the builder
 * kernel library (seconds, and about 1.3 GB of device memory on the H200), which repeated builds then skip. One
 * build at a time holds it; releaseBuilders() frees them.
 */
struct SharedBuilder {
  std::mutex mutex;
  RoutingLogger logger;
  nvinfer1::IBuilder* builder = nullptr;
};

std::mutex sharedBuildersMutex;
std::map<int, SharedBuilder*>& SharedBuilders() {
  // Deliberately leaked, like the global logger: TensorRT objects must not be destroyed after static destructors ran.
  static auto* builders = new std::map<int, SharedBuilder*>();
  return *builders;
}

SharedBuilder& SharedBuilderFor(int device) {
  std::lock_guard<std::mutex> lock(sharedBuildersMutex);
  SharedBuilder*& shared = SharedBuilders()[device];
  if (shared == nullptr) shared = new SharedBuilder();
  return *shared;
}

class BuildWorker : public PromiseWorker {
 public:
  BuildWorker(Napi::Env env, BuildSettings settings, std::vector<uint8_t> onnx, std::shared_ptr<std::atomic<bool>> cancelled,
              Napi::ThreadSafeFunction progress, bool hasProgress)
      : PromiseWorker(env, "trtn:build", "ERR_BUILD_FAILED"),
        settings_(std::move(settings)),
        onnx_(std::move(onnx)),
        cancelled_(std::move(cancelled)),
        progress_(progress),
        hasProgress_(hasProgress) {}

  ~BuildWorker() override {
    if (hasProgress_) progress_.Release();
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    Napi::ArrayBuffer plan = Napi::ArrayBuffer::New(env, output_.plan.size());
    if (!output_.plan.empty()) std::memcpy(plan.Data(), output_.plan.data(), output_.plan.size());
    result.Set("plan", plan);
    Napi::ArrayBuffer cache = Napi::ArrayBuffer::New(env, output_.timingCache.size());
    if (!output_.timingCache.empty()) std::memcpy(cache.Data(), output_.timingCache.data(), output_.timingCache.size());
    result.Set("timingCache", cache);
    result.Set("inspectorJson", output_.inspectorJson);
    result.Set("log", ToJsArray(env, output_.log, [&](const LogEntry& entry) {
                 Napi::Object line = Napi::Object::New(env);
                 line.Set("severity", entry.severity);
                 line.Set("message", entry.message);
                 return line;
               }));
    result.Set("logTruncated", output_.logTruncated);
    if (environment_) result.Set("environment", EnvironmentToJs(env, *environment_));
    result.Set("cacheEntries", ToJsArray(env, output_.cacheEntries, [&](const CacheEntry& cached) {
                 Napi::Object entry = Napi::Object::New(env);
                 entry.Set("key", cached.key);
                 entry.Set("tacticHash", cached.tacticHash);
                 entry.Set("timingMs", cached.timingMs);
                 return entry;
               }));
    result.Set("algorithms", ToJsArray(env, output_.algorithms, [&](const AlgorithmRecord& record) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("layer", record.layer);
      object.Set("implementation", Hex64(static_cast<uint64_t>(record.implementation)));
      object.Set("tactic", Hex64(static_cast<uint64_t>(record.tactic)));
      object.Set("timeMs", record.timeMs >= 0 ? Napi::Value(Napi::Number::New(env, record.timeMs)) : env.Null());
      object.Set("chosen", record.chosen);
      auto describe = [&](const AlgorithmIo& tensor) {
        Napi::Object io = Napi::Object::New(env);
        io.Set("dataType", tensor.dataType);
        io.Set("strides", ToJsArray(env, tensor.strides, [](auto stride) { return static_cast<double>(stride); }));
        io.Set("vectorizedDim", static_cast<double>(tensor.vectorizedDim));
        io.Set("componentsPerElement", static_cast<double>(tensor.componentsPerElement));
        return io;
      };
      object.Set("inputs", ToJsArray(env, record.inputs, describe));
      object.Set("outputs", ToJsArray(env, record.outputs, describe));
      return object;
    }));
    result.Set("tacticRecording", output_.tacticRecording);
    {
      const ConfigReadBack& readBack = output_.config;
      Napi::Object config = Napi::Object::New(env);
      auto name = [&](const std::string& text) { return Napi::String::New(env, text); };
      config.Set("flags", ToJsArray(env, readBack.flags, name));
      config.Set("tacticSources", ToJsArray(env, readBack.tacticSources, name));
      Napi::Object pools = Napi::Object::New(env);
      for (const auto& pool : readBack.memoryPools) pools.Set(pool.first, pool.second);
      config.Set("memoryPools", pools);
      config.Set("builderOptimizationLevel", readBack.builderOptimizationLevel);
      config.Set("profilingVerbosity", readBack.profilingVerbosity);
      config.Set("avgTiming", readBack.avgTiming);
      config.Set("optimizationProfiles", readBack.optimizationProfiles);
      result.Set("config", config);
    }
    result.Set("warnings", ToJsArray(env, output_.warnings, [&](const std::string& text) { return Napi::String::New(env, text); }));
    result.Set("buildTimeMs", output_.buildTimeMs);
    result.Set("phasesMs", ToJsArray(env, output_.phasesMs, [&](const auto& mark) {
                 Napi::Object phase = Napi::Object::New(env);
                 phase.Set("phase", mark.first);
                 phase.Set("ms", mark.second);
                 return phase;
               }));
    result.Set("tensorrtVersion", VersionText(Library().libraryVersion));
    deferred_.Resolve(result);
  }

  std::vector<std::string> RecentLog() const override { return logger_ ? logger_->Recent() : std::vector<std::string>{}; }

 protected:
  void Execute() override {
    PromiseWorker::Execute();
    // The report's environment, gathered here: NVML's init and clock reads take milliseconds, off the event loop
    // (on a failure the report's comes from environment() on the main thread).
    lastMark_ = std::chrono::steady_clock::now();
    environment_ = CollectEnvironmentQuietly(settings_.device);
    Mark("environment");
  }

 private:
  void Run() override {
    lastMark_ = std::chrono::steady_clock::now();
    MakeDeviceCurrent(settings_.device);
    Mark("cudaContext");
    RunBuild();
    // What the builder, network, parser, config and their kin cost to destroy (the builder kernel library's memory
    // goes back here; a kept builder stays): RunBuild's locals ended at its return.
    Mark("release");
  }

  /** Adds the time since the last mark as `phase`. */
  void Mark(const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    output_.phasesMs.emplace_back(phase, std::chrono::duration<double, std::milli>(now - lastMark_).count());
    lastMark_ = now;
  }

  void RunBuild() {
    TensorRtLibrary& library = RequireLibrary();
    const auto started = std::chrono::steady_clock::now();
    const bool editable = TRTN_HAS_EDITABLE_TIMING_CACHE && (settings_.recordTactics || !settings_.replay.empty());
    const bool useSelector = !editable && TRTN_HAS_ALGORITHM_SELECTOR && (settings_.recordTactics || !settings_.replay.empty());
    // The autotuner's candidate table is only in the kVERBOSE log, so recording needs verbose lines.
    logger_ = std::make_unique<Logger>(settings_.recordTactics);

    // A kept builder (keepBuilder) is held for the whole build and its log routed to this build's logger.
    SharedBuilder* shared = settings_.keepBuilder ? &SharedBuilderFor(settings_.device) : nullptr;
    std::unique_lock<std::mutex> holdShared;
    if (shared != nullptr) holdShared = std::unique_lock<std::mutex>(shared->mutex);
    struct Unroute {
      SharedBuilder* shared;
      ~Unroute() {
        if (shared != nullptr) shared->logger.Route(nullptr);
      }
    } unroute{shared};
    TrtPtr<nvinfer1::IBuilder> ownedBuilder;
    nvinfer1::IBuilder* builder = nullptr;
    if (shared != nullptr) {
      shared->logger.Route(logger_.get());
      if (shared->builder == nullptr) {
        shared->builder = static_cast<nvinfer1::IBuilder*>(library.createInferBuilder(&shared->logger, NV_TENSORRT_VERSION));
      }
      builder = shared->builder;
    } else {
      ownedBuilder.reset(static_cast<nvinfer1::IBuilder*>(library.createInferBuilder(logger_.get(), NV_TENSORRT_VERSION)));
      builder = ownedBuilder.get();
    }
    if (!builder) {
      ThrowIfBuilderUnavailable(*logger_);
      throw NativeError("ERR_BUILD_FAILED", "createInferBuilder failed (TensorRT version mismatch?).", logger_->Recent());
    }
    // createInferBuilder loads the builder kernel library (seconds); a kept builder only the first time.
    Mark("builder");

    TrtPtr<nvinfer1::INetworkDefinition> network(builder->createNetworkV2(compat::NetworkCreationFlags()));
    if (!network) {
      ThrowIfBuilderUnavailable(*logger_);
      throw NativeError("ERR_BUILD_FAILED", "createNetworkV2 failed.", logger_->Recent());
    }

    TrtPtr<nvonnxparser::IParser> parser(
        static_cast<nvonnxparser::IParser*>(library.createParser(network.get(), logger_.get(), NV_ONNX_PARSER_VERSION_VALUE)));
    if (!parser) throw NativeError("ERR_BUILD_FAILED", "createNvOnnxParser failed (parser version mismatch?).", logger_->Recent());
    if (!parser->parse(onnx_.data(), onnx_.size())) {
      std::vector<std::string> errors;
      for (int i = 0; i < parser->getNbErrors(); ++i) {
        const nvonnxparser::IParserError* error = parser->getError(i);
        if (error == nullptr) continue;
        errors.push_back("node " + std::to_string(error->node()) + ": " + (error->desc() ? error->desc() : "") +
                         " (parser code " + std::to_string(compat::ParserErrorCode(error)) + ")");
      }
      std::string message = "TensorRT's ONNX parser rejected the model";
      if (!errors.empty()) message += ": " + errors.front();
      std::vector<std::string> log = logger_->Recent();
      log.insert(log.end(), errors.begin(), errors.end());
      throw NativeError("ERR_ONNX_UNSUPPORTED", message + ".", log);
    }
    onnx_.clear();
    onnx_.shrink_to_fit();
    Mark("parse");
    if (cancelled_->load()) throw NativeError("ERR_ABORTED", "The build was aborted.");

    // As trtexec: the builder times tactics on a non-blocking stream of the build's own (without one, TensorRT picks
    // a stream itself). Declared before the config, so it outlives every use of the config.
    Stream profileStream;
    TrtPtr<nvinfer1::IBuilderConfig> config(builder->createBuilderConfig());
    if (!config) throw NativeError("ERR_BUILD_FAILED", "createBuilderConfig failed.", logger_->Recent());
    config->setProfileStream(profileStream.get());
    if (settings_.fp16) SetFlag(*config, "FP16");
    if (settings_.sparseWeights) SetFlag(*config, "SPARSE_WEIGHTS");
    if (settings_.errorOnTimingCacheMiss) SetFlag(*config, "ERROR_ON_TIMING_CACHE_MISS");
    if (editable) SetFlag(*config, "EDITABLE_TIMING_CACHE");
    ApplyFormats(*network, settings_.inputFormats, true);
    ApplyFormats(*network, settings_.outputFormats, false);

    if (!settings_.shapes.empty()) {
      nvinfer1::IOptimizationProfile* profile = builder->createOptimizationProfile();
      for (const ProfileShape& shape : settings_.shapes) {
        using nvinfer1::OptProfileSelector;
        const bool ok = profile->setDimensions(shape.name.c_str(), OptProfileSelector::kMIN, ToDims(shape.min, shape.name)) &&
                        profile->setDimensions(shape.name.c_str(), OptProfileSelector::kOPT, ToDims(shape.opt, shape.name)) &&
                        profile->setDimensions(shape.name.c_str(), OptProfileSelector::kMAX, ToDims(shape.max, shape.name));
        if (!ok) {
          throw NativeError("ERR_INVALID_OPTION", "TensorRT rejected the shape range for input '" + shape.name + "'.", logger_->Recent());
        }
      }
      if (config->addOptimizationProfile(profile) < 0) {
        throw NativeError("ERR_INVALID_OPTION", "TensorRT rejected the optimization profile.", logger_->Recent());
      }
    }
    for (const auto& pool : settings_.memoryPools) {
      nvinfer1::MemoryPoolType type;
      if (!compat::MemoryPoolByName(pool.first, type)) {
        throw NativeError("ERR_UNSUPPORTED", "TensorRT " + compat::HeaderVersion() + " has no memory pool '" + pool.first + "'.");
      }
      config->setMemoryPoolLimit(type, static_cast<size_t>(pool.second));
    }
    config->setBuilderOptimizationLevel(settings_.builderOptimizationLevel);
    if (!settings_.tacticEnable.empty() || !settings_.tacticDisable.empty()) {
      nvinfer1::TacticSources sources = config->getTacticSources();
      for (const std::string& name : settings_.tacticEnable) {
        nvinfer1::TacticSource source;
        if (!compat::TacticSourceByName(name, source)) throw NativeError("ERR_UNSUPPORTED", "TensorRT " + compat::HeaderVersion() + " has no tactic source " + name + ".");
        sources |= 1U << static_cast<uint32_t>(source);
      }
      for (const std::string& name : settings_.tacticDisable) {
        nvinfer1::TacticSource source;
        if (!compat::TacticSourceByName(name, source)) throw NativeError("ERR_UNSUPPORTED", "TensorRT " + compat::HeaderVersion() + " has no tactic source " + name + ".");
        sources &= ~(1U << static_cast<uint32_t>(source));
      }
      config->setTacticSources(sources);
    }
    config->setProfilingVerbosity(compat::ProfilingVerbosityByName(settings_.profilingVerbosity));
    config->setAvgTimingIterations(settings_.avgTiming);

    output_.config = ReadBackConfig(*config);
    TrtPtr<nvinfer1::ITimingCache> cache(config->createTimingCache(settings_.timingCache.data(), settings_.timingCache.size()));
    if (!cache) throw NativeError("ERR_BUILD_FAILED", "The timing cache could not be created (corrupt cache bytes?).", logger_->Recent());
    if (!config->setTimingCache(*cache, false)) {
      throw NativeError("ERR_BUILD_FAILED", "TensorRT rejected the timing cache (made by another TensorRT version or GPU?).", logger_->Recent());
    }

#if TRTN_HAS_PROGRESS_MONITOR
    // Events wait in a queue that one scheduled call drains (see ProgressQueue): a burst of steps costs the event
    // loop a few JS calls, not one each. The queue lives as long as the last call that may still drain it.
    auto queue = std::make_shared<ProgressQueue>();
    auto report = [this, queue](const ProgressEvent& event) {
      if (!hasProgress_ || !queue->Push(event)) return;
      auto* held = new std::shared_ptr<ProgressQueue>(queue);
      // Non-blocking: a slow JS callback must never stall the builder.
      if (progress_.NonBlockingCall(held, [](Napi::Env env, Napi::Function callback, std::shared_ptr<ProgressQueue>* data) {
            std::unique_ptr<std::shared_ptr<ProgressQueue>> owned(data);
            std::vector<ProgressEvent> events = (*owned)->Drain();
            if (env == nullptr || callback.IsEmpty()) return;
            for (const ProgressEvent& event : events) {
              Napi::Object object = Napi::Object::New(env);
              object.Set("kind", event.kind);
              object.Set("phase", event.phase);
              if (!event.parent.empty()) object.Set("parent", event.parent);
              object.Set("step", event.step);
              object.Set("steps", event.steps);
              object.Set("depth", event.depth);
              try {
                callback.Call({object});
              } catch (const Napi::Error& error) {
                // The caller's onProgress threw: that surfaces as an uncaught exception, as from any callback; the
                // rest of this batch is not delivered.
                error.ThrowAsJavaScriptException();
                return;
              }
            }
          }) != napi_ok) {
        delete held;
        queue->Unschedule();
      }
    };
    ProgressMonitor monitor(cancelled_.get(), report);
    config->setProgressMonitor(&monitor);
#endif

#if TRTN_HAS_ALGORITHM_SELECTOR
    std::map<std::string, ReplayChoice> choices;
    for (const ReplayEntry& entry : settings_.replay) {
      ReplayChoice choice;
      uint64_t tactic = 0;
      if (!ParseHex64(entry.tactic, tactic)) continue;
      choice.tactic = static_cast<int64_t>(tactic);
      uint64_t implementation = 0;
      if (ParseHex64(entry.implementation, implementation)) {
        choice.implementation = static_cast<int64_t>(implementation);
        choice.hasImplementation = true;
      }
      choices[entry.layer] = choice;
    }
    AlgorithmRecorder recorder(choices);
    if (useSelector) {
      config->setAlgorithmSelector(&recorder);
      output_.tacticRecording = "algorithm-selector";
    }
#else
    (void)useSelector;
#endif

    // The config keeps raw pointers to the monitor and the selector, which die before it (declared later, destroyed
    // first); detach them on every path, exceptions included, before that happens.
    struct DetachFromConfig {
      nvinfer1::IBuilderConfig* config;
      ~DetachFromConfig() {
#if TRTN_HAS_PROGRESS_MONITOR
        config->setProgressMonitor(nullptr);
#endif
#if TRTN_HAS_ALGORITHM_SELECTOR
        config->setAlgorithmSelector(nullptr);
#endif
      }
    } detach{config.get()};

    Mark("configure");
#if TRTN_HAS_EDITABLE_TIMING_CACHE
    if (editable) output_.tacticRecording = "editable-timing-cache";
    if (!settings_.replay.empty()) {
      std::vector<ReplayEntry> missing = PinTactics(*cache, settings_.replay, output_.warnings);
      if (!missing.empty()) {
        // The cache must hold a key before update() accepts it, so a first build fills the cache.
        TrtPtr<nvinfer1::IHostMemory> warmup(builder->buildSerializedNetwork(*network, *config));
        if (cancelled_->load()) throw NativeError("ERR_ABORTED", "The build was aborted.");
        if (!warmup) ThrowIfBuilderUnavailable(*logger_);
        if (!warmup) throw NativeError("ERR_BUILD_FAILED", "The first (cache-filling) build for tactic replay failed.", logger_->Recent());
        Mark("cacheFillBuild");
        missing = PinTactics(*cache, missing, output_.warnings);
        for (const ReplayEntry& entry : missing) {
          output_.warnings.push_back("Replay: cache key " + entry.cacheKey + " of layer '" + entry.layer +
                                     "' does not occur in this build; the layer was not pinned.");
        }
      }
    }
#endif

    TrtPtr<nvinfer1::IHostMemory> plan(builder->buildSerializedNetwork(*network, *config));
    if (cancelled_->load()) throw NativeError("ERR_ABORTED", "The build was aborted.", logger_->Recent());
    if (!plan || plan->size() == 0) {
      ThrowIfBuilderUnavailable(*logger_);
      throw NativeError("ERR_BUILD_FAILED", "TensorRT could not build the engine; see the log lines for the reason.", logger_->Recent());
    }
    output_.buildTimeMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    Mark("engineBuild");
    const uint8_t* bytes = static_cast<const uint8_t*>(plan->data());
    output_.plan.assign(bytes, bytes + plan->size());

    TrtPtr<nvinfer1::IHostMemory> cacheBytes(cache->serialize());
    if (cacheBytes) {
      const uint8_t* data = static_cast<const uint8_t*>(cacheBytes->data());
      output_.timingCache.assign(data, data + cacheBytes->size());
    }
#if TRTN_HAS_EDITABLE_TIMING_CACHE
    if (editable) output_.cacheEntries = ReadCacheEntries(*cache);
#endif
#if TRTN_HAS_ALGORITHM_SELECTOR
    if (useSelector) {
      output_.algorithms = recorder.Records();
      for (const std::string& warning : recorder.Warnings()) output_.warnings.push_back(warning);
    }
#endif
    Mark("outputs");
    output_.inspectorJson = InspectPlan(output_.plan, *logger_);
    output_.log = logger_->Lines();
    output_.logTruncated = logger_->Truncated();
    Mark("inspect");
  }

  BuildSettings settings_;
  std::vector<uint8_t> onnx_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  Napi::ThreadSafeFunction progress_;
  bool hasProgress_;
  std::unique_ptr<Logger> logger_;
  BuildOutput output_;
  std::unique_ptr<EnvironmentFacts> environment_;
  std::chrono::steady_clock::time_point lastMark_;
};

}  // namespace

Napi::Value ReleaseBuilders(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::lock_guard<std::mutex> lock(sharedBuildersMutex);
    int released = 0;
    for (auto& entry : SharedBuilders()) {
      SharedBuilder* shared = entry.second;
      // Waits for a build that holds this builder to finish.
      std::lock_guard<std::mutex> hold(shared->mutex);
      if (shared->builder != nullptr) {
        MakeDeviceCurrent(entry.first);
        delete shared->builder;
        shared->builder = nullptr;
        ++released;
      }
    }
    return Napi::Number::New(env, released);
  });
}

Napi::Value StartBuild(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    RequireLibrary();
    if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsObject()) {
      throw NativeError("ERR_INVALID_ARGUMENT", "startBuild(onnx: Uint8Array, options: object, onProgress?) expected.");
    }
    Napi::TypedArray onnxArray = info[0].As<Napi::TypedArray>();
    const uint8_t* data = static_cast<const uint8_t*>(onnxArray.ArrayBuffer().Data()) + onnxArray.ByteOffset();
    std::vector<uint8_t> onnx(data, data + onnxArray.ByteLength());
    BuildSettings settings = ReadSettings(info[1].As<Napi::Object>());
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    Napi::ThreadSafeFunction progress;
    const bool hasProgress = info.Length() > 2 && info[2].IsFunction();
    if (hasProgress) progress = Napi::ThreadSafeFunction::New(env, info[2].As<Napi::Function>(), "trtn:build-progress", 0, 1);
    auto* worker = new BuildWorker(env, std::move(settings), std::move(onnx), cancelled, progress, hasProgress);
    Napi::Object job = Napi::Object::New(env);
    job.Set("promise", worker->Promise());
    job.Set("cancel", Napi::Function::New(env, [cancelled](const Napi::CallbackInfo&) { cancelled->store(true); }, "cancel"));
    worker->Queue();
    return job;
  });
}

}  // namespace trtn

