#include "builder_session.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compat.h"
#include "cuda_resources.h"
#include "engine.h"
#include "errors.h"
#include "logger.h"
#include "tactic_recorder.h"
#include "tensorrt_library.h"

namespace trtn {

namespace {

struct IoFormat {
  std::string dataType;  // empty: keep the network's type
  std::vector<std::string> formats;
};

struct ProfileShape {
  std::string name;
  std::vector<int64_t> min, opt, max;
};

struct ReplayEntry {
  std::string layer;
  std::string cacheKey;  // 0x + 32 hex, editable timing cache
  std::string tactic;    // 0x hex: tactic id (selector) or tactic hash (editable cache)
  std::string implementation;
  double timeMs = 0;
};

/** Everything the build needs, copied out of JS before the worker starts. */
struct BuildSettings {
  int device = 0;
  bool fp16 = false;
  bool sparseWeights = false;
  std::vector<IoFormat> inputFormats, outputFormats;
  std::vector<ProfileShape> shapes;
  std::vector<std::pair<std::string, double>> memoryPools;
  int builderOptimizationLevel = 3;
  std::vector<std::string> tacticEnable, tacticDisable;
  std::vector<uint8_t> timingCache;
  std::string profilingVerbosity = "detailed";
  int avgTiming = 8;
  bool recordTactics = true;
  bool errorOnTimingCacheMiss = false;
  std::vector<ReplayEntry> replay;
};

struct CacheEntry {
  std::string key;
  std::string tacticHash;
  float timingMs = 0;
};

/** What the builder config holds after every option was applied, read back through its getters. */
struct ConfigReadBack {
  std::vector<std::string> flags;           // BuilderFlag names (trtexec spelling) that are set
  std::vector<std::string> tacticSources;   // enabled tactic sources
  std::vector<std::pair<std::string, double>> memoryPools;  // pool name -> limit in bytes
  int builderOptimizationLevel = -1;
  std::string profilingVerbosity;
  int avgTiming = 0;
  int optimizationProfiles = 0;
};

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
};

template <typename T>
using TrtPtr = std::unique_ptr<T>;

std::string Hex64(uint64_t value) {
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "0x%llx", static_cast<unsigned long long>(value));
  return buffer;
}

bool ParseHex64(const std::string& text, uint64_t& out) {
  if (text.empty()) return false;
  try {
    size_t used = 0;
    out = std::stoull(text, &used, 16);  // accepts the 0x prefix
    return used == text.size();
  } catch (...) {
    return false;
  }
}

// ---- copying options out of JS --------------------------------------------------------------------------------

std::string GetString(Napi::Object object, const char* key, const std::string& fallback = "") {
  Napi::Value value = object.Get(key);
  return value.IsString() ? value.As<Napi::String>().Utf8Value() : fallback;
}

double GetNumber(Napi::Object object, const char* key, double fallback) {
  Napi::Value value = object.Get(key);
  return value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : fallback;
}

bool GetBool(Napi::Object object, const char* key, bool fallback) {
  Napi::Value value = object.Get(key);
  return value.IsBoolean() ? value.As<Napi::Boolean>().Value() : fallback;
}

std::vector<std::string> GetStrings(Napi::Value value) {
  std::vector<std::string> out;
  if (!value.IsArray()) return out;
  Napi::Array list = value.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    if (item.IsString()) out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

std::vector<int64_t> GetDims(Napi::Value value, const std::string& what) {
  std::vector<int64_t> out;
  if (!value.IsArray()) throw NativeError("ERR_INVALID_OPTION", "Expected an array of integers for " + what + ".");
  Napi::Array list = value.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    if (!item.IsNumber()) throw NativeError("ERR_INVALID_OPTION", "Expected an array of integers for " + what + ".");
    out.push_back(item.As<Napi::Number>().Int64Value());
  }
  return out;
}

std::vector<IoFormat> GetFormats(Napi::Value value) {
  std::vector<IoFormat> out;
  if (!value.IsArray()) return out;
  Napi::Array list = value.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    if (!item.IsObject()) continue;
    Napi::Object spec = item.As<Napi::Object>();
    IoFormat format;
    format.dataType = GetString(spec, "dataType");
    format.formats = GetStrings(spec.Get("formats"));
    out.push_back(format);
  }
  return out;
}

BuildSettings ReadSettings(Napi::Object options) {
  BuildSettings settings;
  settings.device = static_cast<int>(GetNumber(options, "device", 0));
  settings.fp16 = GetBool(options, "fp16", false);
  settings.sparseWeights = GetString(options, "sparsity", "disable") != "disable";
  settings.inputFormats = GetFormats(options.Get("inputIOFormats"));
  settings.outputFormats = GetFormats(options.Get("outputIOFormats"));
  Napi::Value shapes = options.Get("shapes");
  if (shapes.IsObject()) {
    Napi::Object map = shapes.As<Napi::Object>();
    Napi::Array names = map.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      const std::string name = names.Get(i).As<Napi::String>().Utf8Value();
      Napi::Value range = map.Get(name);
      if (!range.IsObject()) continue;
      Napi::Object object = range.As<Napi::Object>();
      ProfileShape shape;
      shape.name = name;
      shape.min = GetDims(object.Get("min"), "shapes." + name + ".min");
      shape.opt = GetDims(object.Get("opt"), "shapes." + name + ".opt");
      shape.max = GetDims(object.Get("max"), "shapes." + name + ".max");
      settings.shapes.push_back(shape);
    }
  }
  Napi::Value pools = options.Get("memPoolSize");
  if (pools.IsObject()) {
    Napi::Object map = pools.As<Napi::Object>();
    Napi::Array names = map.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      const std::string name = names.Get(i).As<Napi::String>().Utf8Value();
      Napi::Value bytes = map.Get(name);
      if (bytes.IsNumber()) settings.memoryPools.emplace_back(name, bytes.As<Napi::Number>().DoubleValue());
    }
  }
  settings.builderOptimizationLevel = static_cast<int>(GetNumber(options, "builderOptimizationLevel", 3));
  Napi::Value sources = options.Get("tacticSources");
  if (sources.IsObject()) {
    settings.tacticEnable = GetStrings(sources.As<Napi::Object>().Get("enable"));
    settings.tacticDisable = GetStrings(sources.As<Napi::Object>().Get("disable"));
  }
  Napi::Value cache = options.Get("timingCache");
  if (cache.IsTypedArray()) {
    Napi::Uint8Array bytes = cache.As<Napi::Uint8Array>();
    settings.timingCache.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
  }
  settings.profilingVerbosity = GetString(options, "profilingVerbosity", "detailed");
  settings.avgTiming = static_cast<int>(GetNumber(options, "avgTiming", 8));
  settings.recordTactics = GetBool(options, "recordTactics", true);
  settings.errorOnTimingCacheMiss = GetBool(options, "errorOnTimingCacheMiss", false);
  Napi::Value replay = options.Get("replay");
  if (replay.IsArray()) {
    Napi::Array list = replay.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      Napi::Value item = list.Get(i);
      if (!item.IsObject()) continue;
      Napi::Object object = item.As<Napi::Object>();
      ReplayEntry entry;
      entry.layer = GetString(object, "layer");
      entry.cacheKey = GetString(object, "cacheKey");
      entry.tactic = GetString(object, "tactic");
      entry.implementation = GetString(object, "implementation");
      entry.timeMs = GetNumber(object, "timeMs", 0);
      settings.replay.push_back(entry);
    }
  }
#if !TRTN_HAS_PRECISION_FLAGS
  if (settings.fp16) {
    throw NativeError("ERR_UNSUPPORTED",
                      "TensorRT 11 has no FP16 builder flag; convert the ONNX model to FP16 first (the TypeScript "
                      "layer does this for fp16: true).");
  }
#endif
  return settings;
}

// ---- the build itself -------------------------------------------------------------------------------------------

void SetFlag(nvinfer1::IBuilderConfig& config, const char* name) {
  nvinfer1::BuilderFlag flag;
  if (!compat::BuilderFlagByName(name, flag)) {
    throw NativeError("ERR_UNSUPPORTED", std::string("TensorRT ") + compat::HeaderVersion() + " has no builder flag " + name + ".");
  }
  config.setFlag(flag);
}

ConfigReadBack ReadBackConfig(nvinfer1::IBuilderConfig& config) {
  ConfigReadBack out;
  for (const char* name : {"FP16", "SPARSE_WEIGHTS", "TF32", "DISABLE_TIMING_CACHE", "ERROR_ON_TIMING_CACHE_MISS", "EDITABLE_TIMING_CACHE"}) {
    nvinfer1::BuilderFlag flag;
    if (compat::BuilderFlagByName(name, flag) && config.getFlag(flag)) out.flags.push_back(name);
  }
  const nvinfer1::TacticSources sources = config.getTacticSources();
  for (const char* name : {"CUBLAS", "CUBLAS_LT", "CUDNN", "EDGE_MASK_CONVOLUTIONS", "JIT_CONVOLUTIONS"}) {
    nvinfer1::TacticSource source;
    if (compat::TacticSourceByName(name, source) && (sources & (1U << static_cast<uint32_t>(source))) != 0) out.tacticSources.push_back(name);
  }
  for (const char* name : {"workspace", "tacticSharedMemory"}) {
    nvinfer1::MemoryPoolType type;
    if (compat::MemoryPoolByName(name, type)) out.memoryPools.emplace_back(name, static_cast<double>(config.getMemoryPoolLimit(type)));
  }
  out.builderOptimizationLevel = config.getBuilderOptimizationLevel();
  switch (config.getProfilingVerbosity()) {
    case nvinfer1::ProfilingVerbosity::kNONE: out.profilingVerbosity = "none"; break;
    case nvinfer1::ProfilingVerbosity::kLAYER_NAMES_ONLY: out.profilingVerbosity = "layer_names_only"; break;
    case nvinfer1::ProfilingVerbosity::kDETAILED: out.profilingVerbosity = "detailed"; break;
    default: out.profilingVerbosity = "unknown"; break;
  }
  out.avgTiming = config.getAvgTimingIterations();
  out.optimizationProfiles = config.getNbOptimizationProfiles();
  return out;
}

void ApplyFormats(nvinfer1::INetworkDefinition& network, const std::vector<IoFormat>& specs, bool inputs) {
  if (specs.empty()) return;
  const int32_t count = inputs ? network.getNbInputs() : network.getNbOutputs();
  if (specs.size() != 1 && static_cast<int32_t>(specs.size()) != count) {
    throw NativeError("ERR_INVALID_OPTION", std::string("Expected one IO format spec for all ") + (inputs ? "inputs" : "outputs") +
                                                " or one per tensor (" + std::to_string(count) + "), got " +
                                                std::to_string(specs.size()) + ".");
  }
  for (int32_t i = 0; i < count; ++i) {
    const IoFormat& spec = specs.size() == 1 ? specs[0] : specs[static_cast<size_t>(i)];
    nvinfer1::ITensor* tensor = inputs ? network.getInput(i) : network.getOutput(i);
    if (tensor == nullptr) continue;
    if (!spec.dataType.empty()) {
#if TRTN_HAS_PRECISION_FLAGS
      nvinfer1::DataType type;
      if (!compat::DataTypeByIoName(spec.dataType, type)) {
        throw NativeError("ERR_INVALID_OPTION", "Unknown IO data type '" + spec.dataType + "'.");
      }
      tensor->setType(type);
#else
      throw NativeError("ERR_UNSUPPORTED", "TensorRT 11 takes IO types from the ONNX model; give formats only (e.g. 'hwc8').");
#endif
    }
    nvinfer1::TensorFormats mask = 0;
    for (const std::string& name : spec.formats) {
      nvinfer1::TensorFormat format;
      if (!compat::TensorFormatByName(name, format)) {
        throw NativeError("ERR_INVALID_OPTION", "Unknown tensor format '" + name + "'.");
      }
      mask |= 1U << static_cast<uint32_t>(format);
    }
    if (mask != 0) tensor->setAllowedFormats(mask);
  }
}

nvinfer1::Dims ToDims(const std::vector<int64_t>& values, const std::string& what) {
  nvinfer1::Dims dims{};
  if (values.size() > static_cast<size_t>(nvinfer1::Dims::MAX_DIMS)) {
    throw NativeError("ERR_INVALID_OPTION", what + " has more than " + std::to_string(nvinfer1::Dims::MAX_DIMS) + " dimensions.");
  }
  dims.nbDims = static_cast<int32_t>(values.size());
  for (size_t i = 0; i < values.size(); ++i) dims.d[i] = static_cast<std::remove_reference_t<decltype(dims.d[0])>>(values[i]);
  return dims;
}

#if TRTN_HAS_EDITABLE_TIMING_CACHE
bool ParseCacheKey(const std::string& text, nvinfer1::TimingCacheKey& key) {
  std::string hex = text;
  if (hex.rfind("0x", 0) == 0 || hex.rfind("0X", 0) == 0) hex = hex.substr(2);
  if (hex.size() != 32) return false;
  for (size_t i = 0; i < 16; ++i) {
    try {
      key.data[i] = static_cast<uint8_t>(std::stoul(hex.substr(i * 2, 2), nullptr, 16));
    } catch (...) {
      return false;
    }
  }
  return true;
}

std::string CacheKeyText(const nvinfer1::TimingCacheKey& key) {
  std::string out = "0x";
  char byte[3];
  for (size_t i = 0; i < 16; ++i) {
    std::snprintf(byte, sizeof(byte), "%02x", key.data[i]);
    out += byte;
  }
  return out;
}

std::vector<CacheEntry> ReadCacheEntries(nvinfer1::ITimingCache& cache) {
  std::vector<CacheEntry> entries;
  const int64_t count = cache.queryKeys(nullptr, 0);
  if (count <= 0) return entries;
  std::vector<nvinfer1::TimingCacheKey> keys(static_cast<size_t>(count));
  const int64_t written = cache.queryKeys(keys.data(), count);
  for (int64_t i = 0; i < written && i < count; ++i) {
    const nvinfer1::TimingCacheValue value = cache.query(keys[static_cast<size_t>(i)]);
    CacheEntry entry;
    entry.key = CacheKeyText(keys[static_cast<size_t>(i)]);
    entry.tacticHash = Hex64(value.tacticHash);
    entry.timingMs = value.timingMSec;
    entries.push_back(entry);
  }
  return entries;
}

/** Pins replay entries into the cache; returns the entries whose key the cache does not have yet. */
std::vector<ReplayEntry> PinTactics(nvinfer1::ITimingCache& cache, const std::vector<ReplayEntry>& replay,
                                    std::vector<std::string>& warnings) {
  std::vector<ReplayEntry> missing;
  for (const ReplayEntry& entry : replay) {
    nvinfer1::TimingCacheKey key{};
    uint64_t hash = 0;
    if (!ParseCacheKey(entry.cacheKey, key) || !ParseHex64(entry.tactic, hash)) {
      warnings.push_back("Replay: layer '" + entry.layer + "' has no usable cache key/tactic hash; skipped.");
      continue;
    }
    nvinfer1::TimingCacheValue value{};
    value.tacticHash = hash;
    value.timingMSec = static_cast<float>(entry.timeMs);
    if (!cache.update(key, value)) missing.push_back(entry);
  }
  return missing;
}
#endif

class BuildWorker : public Napi::AsyncWorker {
 public:
  BuildWorker(Napi::Env env, BuildSettings settings, std::vector<uint8_t> onnx, std::shared_ptr<std::atomic<bool>> cancelled,
              Napi::ThreadSafeFunction progress, bool hasProgress)
      : Napi::AsyncWorker(env, "trtn:build"),
        deferred_(Napi::Promise::Deferred::New(env)),
        settings_(std::move(settings)),
        onnx_(std::move(onnx)),
        cancelled_(std::move(cancelled)),
        progress_(progress),
        hasProgress_(hasProgress) {}

  ~BuildWorker() override {
    if (hasProgress_) progress_.Release();
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      Run();
    } catch (const NativeError& error) {
      code_ = error.code();
      log_ = error.log().empty() && logger_ ? logger_->Recent() : error.log();
      SetError(error.what());
    } catch (const std::exception& error) {
      code_ = "ERR_INTERNAL";
      log_ = logger_ ? logger_->Recent() : std::vector<std::string>{};
      SetError(std::string("Unexpected native error during the build: ") + error.what());
    }
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
    Napi::Array log = Napi::Array::New(env, output_.log.size());
    for (size_t i = 0; i < output_.log.size(); ++i) {
      Napi::Object line = Napi::Object::New(env);
      line.Set("severity", output_.log[i].severity);
      line.Set("message", output_.log[i].message);
      log.Set(static_cast<uint32_t>(i), line);
    }
    result.Set("log", log);
    result.Set("logTruncated", output_.logTruncated);
    Napi::Array entries = Napi::Array::New(env, output_.cacheEntries.size());
    for (size_t i = 0; i < output_.cacheEntries.size(); ++i) {
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("key", output_.cacheEntries[i].key);
      entry.Set("tacticHash", output_.cacheEntries[i].tacticHash);
      entry.Set("timingMs", output_.cacheEntries[i].timingMs);
      entries.Set(static_cast<uint32_t>(i), entry);
    }
    result.Set("cacheEntries", entries);
    Napi::Array algorithms = Napi::Array::New(env, output_.algorithms.size());
    for (size_t i = 0; i < output_.algorithms.size(); ++i) {
      const AlgorithmRecord& record = output_.algorithms[i];
      Napi::Object object = Napi::Object::New(env);
      object.Set("layer", record.layer);
      object.Set("implementation", Hex64(static_cast<uint64_t>(record.implementation)));
      object.Set("tactic", Hex64(static_cast<uint64_t>(record.tactic)));
      object.Set("timeMs", record.timeMs >= 0 ? Napi::Value(Napi::Number::New(env, record.timeMs)) : env.Null());
      object.Set("chosen", record.chosen);
      auto describe = [&](const std::vector<AlgorithmIo>& list) {
        Napi::Array array = Napi::Array::New(env, list.size());
        for (size_t j = 0; j < list.size(); ++j) {
          Napi::Object io = Napi::Object::New(env);
          io.Set("dataType", list[j].dataType);
          Napi::Array strides = Napi::Array::New(env, list[j].strides.size());
          for (size_t k = 0; k < list[j].strides.size(); ++k) strides.Set(static_cast<uint32_t>(k), static_cast<double>(list[j].strides[k]));
          io.Set("strides", strides);
          io.Set("vectorizedDim", static_cast<double>(list[j].vectorizedDim));
          io.Set("componentsPerElement", static_cast<double>(list[j].componentsPerElement));
          array.Set(static_cast<uint32_t>(j), io);
        }
        return array;
      };
      object.Set("inputs", describe(record.inputs));
      object.Set("outputs", describe(record.outputs));
      algorithms.Set(static_cast<uint32_t>(i), object);
    }
    result.Set("algorithms", algorithms);
    result.Set("tacticRecording", output_.tacticRecording);
    {
      const ConfigReadBack& readBack = output_.config;
      Napi::Object config = Napi::Object::New(env);
      auto names = [&](const std::vector<std::string>& list) {
        Napi::Array array = Napi::Array::New(env, list.size());
        for (size_t i = 0; i < list.size(); ++i) array.Set(static_cast<uint32_t>(i), list[i]);
        return array;
      };
      config.Set("flags", names(readBack.flags));
      config.Set("tacticSources", names(readBack.tacticSources));
      Napi::Object pools = Napi::Object::New(env);
      for (const auto& pool : readBack.memoryPools) pools.Set(pool.first, pool.second);
      config.Set("memoryPools", pools);
      config.Set("builderOptimizationLevel", readBack.builderOptimizationLevel);
      config.Set("profilingVerbosity", readBack.profilingVerbosity);
      config.Set("avgTiming", readBack.avgTiming);
      config.Set("optimizationProfiles", readBack.optimizationProfiles);
      result.Set("config", config);
    }
    Napi::Array warnings = Napi::Array::New(env, output_.warnings.size());
    for (size_t i = 0; i < output_.warnings.size(); ++i) warnings.Set(static_cast<uint32_t>(i), output_.warnings[i]);
    result.Set("warnings", warnings);
    result.Set("buildTimeMs", output_.buildTimeMs);
    result.Set("tensorrtVersion", VersionText(Library().libraryVersion));
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error& error) override {
    deferred_.Reject(MakeError(Env(), code_.empty() ? "ERR_BUILD_FAILED" : code_, error.Message(), log_).Value());
  }

 private:
  void Run() {
    TensorRtLibrary& library = RequireLibrary();
    MakeDeviceCurrent(settings_.device);
    const auto started = std::chrono::steady_clock::now();
    const bool editable = TRTN_HAS_EDITABLE_TIMING_CACHE && (settings_.recordTactics || !settings_.replay.empty());
    const bool useSelector = !editable && TRTN_HAS_ALGORITHM_SELECTOR && (settings_.recordTactics || !settings_.replay.empty());
    // The autotuner's candidate table is only in the kVERBOSE log, so recording needs verbose lines.
    logger_ = std::make_unique<Logger>(settings_.recordTactics);

    TrtPtr<nvinfer1::IBuilder> builder(
        static_cast<nvinfer1::IBuilder*>(library.createInferBuilder(logger_.get(), NV_TENSORRT_VERSION)));
    if (!builder) {
      ThrowIfBuilderUnavailable(*logger_);
      throw NativeError("ERR_BUILD_FAILED", "createInferBuilder failed (TensorRT version mismatch?).", logger_->Recent());
    }

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
    if (cancelled_->load()) throw NativeError("ERR_ABORTED", "The build was aborted.");

    TrtPtr<nvinfer1::IBuilderConfig> config(builder->createBuilderConfig());
    if (!config) throw NativeError("ERR_BUILD_FAILED", "createBuilderConfig failed.", logger_->Recent());
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
    auto report = [this](const ProgressEvent& event) {
      if (!hasProgress_) return;
      auto* copy = new ProgressEvent(event);
      // Non-blocking: a slow JS callback must never stall the builder. On failure the event is dropped.
      if (progress_.NonBlockingCall(copy, [](Napi::Env env, Napi::Function callback, ProgressEvent* data) {
            std::unique_ptr<ProgressEvent> owned(data);
            if (env == nullptr || callback.IsEmpty()) return;
            Napi::Object object = Napi::Object::New(env);
            object.Set("kind", owned->kind);
            object.Set("phase", owned->phase);
            if (!owned->parent.empty()) object.Set("parent", owned->parent);
            object.Set("step", owned->step);
            object.Set("steps", owned->steps);
            object.Set("depth", owned->depth);
            callback.Call({object});
          }) != napi_ok) {
        delete copy;
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
    output_.inspectorJson = InspectPlan(output_.plan, *logger_);
    output_.log = logger_->Lines();
    output_.logTruncated = logger_->Truncated();
  }

  Napi::Promise::Deferred deferred_;
  BuildSettings settings_;
  std::vector<uint8_t> onnx_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  Napi::ThreadSafeFunction progress_;
  bool hasProgress_;
  std::unique_ptr<Logger> logger_;
  BuildOutput output_;
  std::string code_;
  std::vector<std::string> log_;
};

}  // namespace

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
