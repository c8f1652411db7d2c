// The TensorRT logger: keeps every line (thread-safe) so builds can return their whole log and errors can carry
// the recent lines.
#pragma once

#include <NvInfer.h>

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace trtn {

struct LogEntry {
  const char* severity;  // "internal_error" | "error" | "warning" | "info" | "verbose"
  std::string message;
};

class Logger : public nvinfer1::ILogger {
 public:
  /** `verbose`: keep kVERBOSE lines (needed to record tactics from the autotuner's log). */
  explicit Logger(bool verbose = false) : verbose_(verbose) {}
  void log(Severity severity, const char* message) noexcept override;

  std::vector<LogEntry> Lines() const;
  /** Last `count` lines as "severity: message", for error details. */
  std::vector<std::string> Recent(size_t count = 30) const;
  /** Any kept line containing `needle` (case-sensitive). */
  bool Contains(const std::string& needle) const;
  bool Truncated() const;

 private:
  // A verbose build of a large model logs hundreds of MB; beyond this the oldest verbose lines are not kept.
  static constexpr size_t kMaxBytes = 256u * 1024u * 1024u;
  mutable std::mutex mutex_;
  std::vector<LogEntry> lines_;
  size_t bytes_ = 0;
  bool verbose_;
  bool truncated_ = false;
};

}  // namespace trtn
