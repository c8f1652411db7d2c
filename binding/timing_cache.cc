#include "timing_cache.h"

#include <cstdio>

namespace trtn {

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

}  // namespace trtn
