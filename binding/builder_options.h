// Build options: copied out of JS into plain structs before the worker starts, applied to TensorRT's network and
// builder config on the worker, and read back from the config's getters for the report.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compat.h"

namespace trtn {

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
  bool keepBuilder = false;  // keep the IBuilder (and its kernel library) for later builds on this device
  std::vector<ReplayEntry> replay;
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

/** "0x1a2b" for a 64-bit tactic id or hash. */
std::string Hex64(uint64_t value);
/** Parses "0x…" (or bare hex) into `out`; false when it is not hex. */
bool ParseHex64(const std::string& text, uint64_t& out);

/** Copies startBuild's options object into BuildSettings (on the main thread, before the worker starts). */
BuildSettings ReadSettings(Napi::Object options);

/** Sets a builder flag by trtexec name; ERR_UNSUPPORTED when this TensorRT has no such flag. */
void SetFlag(nvinfer1::IBuilderConfig& config, const char* name);
/** The config as TensorRT holds it, through its getters. */
ConfigReadBack ReadBackConfig(nvinfer1::IBuilderConfig& config);
/** Applies IO data types and allowed formats to the network's inputs or outputs. */
void ApplyFormats(nvinfer1::INetworkDefinition& network, const std::vector<IoFormat>& specs, bool inputs);
/** A Dims from a shape; ERR_INVALID_OPTION beyond MAX_DIMS. */
nvinfer1::Dims ToDims(const std::vector<int64_t>& values, const std::string& what);

}  // namespace trtn
