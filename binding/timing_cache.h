// The timing cache: TensorRT 10.8+/11's editable cache, read for tactic recording and written for replay.
#pragma once

#include <string>
#include <vector>

#include "builder_options.h"
#include "compat.h"

namespace trtn {

struct CacheEntry {
  std::string key;
  std::string tacticHash;
  float timingMs = 0;
};

#if TRTN_HAS_EDITABLE_TIMING_CACHE
/** Parses a "0x" + 32-hex cache key. */
bool ParseCacheKey(const std::string& text, nvinfer1::TimingCacheKey& key);
/** "0x" + 32 hex of a cache key. */
std::string CacheKeyText(const nvinfer1::TimingCacheKey& key);
/** Every entry of the cache: key, tactic hash, time. */
std::vector<CacheEntry> ReadCacheEntries(nvinfer1::ITimingCache& cache);
/** Pins replay entries into the cache; returns the entries whose key the cache does not have yet. */
std::vector<ReplayEntry> PinTactics(nvinfer1::ITimingCache& cache, const std::vector<ReplayEntry>& replay,
                                    std::vector<std::string>& warnings);
#endif

}  // namespace trtn
