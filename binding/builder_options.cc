#include "builder_options.h"

#include <cstdio>
#include <type_traits>

#include "errors.h"

namespace trtn {

namespace {

// ---- copying options out of JS --------------------------------------------------------------------------------
// Defaults live in one place, the TypeScript layer (lib/options.ts), which sends every field; a missing or
// mistyped field here is a bug on our side and is reported as one rather than silently defaulted.

[[noreturn]] void WrongType(const char* key, const char* expected) {
  throw NativeError("ERR_INTERNAL", std::string("startBuild: option '") + key + "' must be " + expected +
                                        "; the TypeScript layer sends every option, so this is a bug in tensorrt-node (please report it).");
}

std::string RequireString(Napi::Object object, const char* key) {
  Napi::Value value = object.Get(key);
  if (!value.IsString()) WrongType(key, "a string");
  return value.As<Napi::String>().Utf8Value();
}

double RequireNumber(Napi::Object object, const char* key) {
  Napi::Value value = object.Get(key);
  if (!value.IsNumber()) WrongType(key, "a number");
  return value.As<Napi::Number>().DoubleValue();
}

bool RequireBool(Napi::Object object, const char* key) {
  Napi::Value value = object.Get(key);
  if (!value.IsBoolean()) WrongType(key, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

Napi::Value RequireKind(Napi::Object object, const char* key, bool array) {
  Napi::Value value = object.Get(key);
  if (array ? !value.IsArray() : !value.IsObject()) WrongType(key, array ? "an array" : "an object");
  return value;
}

std::string GetString(Napi::Object object, const char* key, const std::string& fallback = "") {
  Napi::Value value = object.Get(key);
  return value.IsString() ? value.As<Napi::String>().Utf8Value() : fallback;
}

double GetNumber(Napi::Object object, const char* key, double fallback) {
  Napi::Value value = object.Get(key);
  return value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : fallback;
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

}  // namespace

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

BuildSettings ReadSettings(Napi::Object options) {
  BuildSettings settings;
  settings.device = static_cast<int>(RequireNumber(options, "device"));
  settings.fp16 = RequireBool(options, "fp16");
  settings.sparseWeights = RequireString(options, "sparsity") != "disable";
  settings.inputFormats = GetFormats(RequireKind(options, "inputIOFormats", true));
  settings.outputFormats = GetFormats(RequireKind(options, "outputIOFormats", true));
  Napi::Value shapes = RequireKind(options, "shapes", false);
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
  Napi::Value pools = RequireKind(options, "memPoolSize", false);
  if (pools.IsObject()) {
    Napi::Object map = pools.As<Napi::Object>();
    Napi::Array names = map.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      const std::string name = names.Get(i).As<Napi::String>().Utf8Value();
      Napi::Value bytes = map.Get(name);
      if (bytes.IsNumber()) settings.memoryPools.emplace_back(name, bytes.As<Napi::Number>().DoubleValue());
    }
  }
  settings.builderOptimizationLevel = static_cast<int>(RequireNumber(options, "builderOptimizationLevel"));
  Napi::Value sources = RequireKind(options, "tacticSources", false);
  if (sources.IsObject()) {
    settings.tacticEnable = GetStrings(sources.As<Napi::Object>().Get("enable"));
    settings.tacticDisable = GetStrings(sources.As<Napi::Object>().Get("disable"));
  }
  Napi::Value cache = options.Get("timingCache");
  if (cache.IsTypedArray()) {
    Napi::Uint8Array bytes = cache.As<Napi::Uint8Array>();
    settings.timingCache.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
  }
  settings.profilingVerbosity = RequireString(options, "profilingVerbosity");
  settings.avgTiming = static_cast<int>(RequireNumber(options, "avgTiming"));
  settings.recordTactics = RequireBool(options, "recordTactics");
  settings.errorOnTimingCacheMiss = RequireBool(options, "errorOnTimingCacheMiss");
  settings.keepBuilder = RequireBool(options, "keepBuilder");
  Napi::Value replay = RequireKind(options, "replay", true);
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

}  // namespace trtn
