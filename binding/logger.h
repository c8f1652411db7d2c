// The TensorRT logger: keeps every line (thread-safe) so builds can return their whole log and errors can carry
// the recent lines.
#pragma once

#include <NvInfer.h>

#include <atomic>
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
  /** A logger that keeps only the newest `maxLines` lines (the process-wide logger, which lives forever). */
  Logger(bool verbose, size_t maxLines) : verbose_(verbose), maxLines_(maxLines) {}
  void log(Severity severity, const char* message) noexcept override;

  std::vector<LogEntry> Lines() const;
  /** Last `count` lines as "severity: message", for error details. */
  std::vector<std::string> Recent(size_t count = 30) const;
  /** Any kept line containing `needle` (case-sensitive). */
  bool Contains(const std::string& needle) const;
  /** The newest kept line containing `needle`, or '' when there is none. */
  std::string FindLine(const std::string& needle) const;
  bool Truncated() const;
  /** Calls TensorRT made to log(), kept or not (verbose lines included): a benchmark loop that logs shows here. */
  size_t Calls() const { return calls_.load(std::memory_order_relaxed); }

 private:
  std::atomic<size_t> calls_{0};
  // A verbose build of a large model logs hundreds of MB; beyond this the oldest verbose lines are not kept.
  static constexpr size_t kMaxBytes = 256u * 1024u * 1024u;
  mutable std::mutex mutex_;
  std::vector<LogEntry> lines_;
  size_t bytes_ = 0;
  bool verbose_;
  size_t maxLines_ = 0;  // 0: no line cap
  bool truncated_ = false;
};

/**
 * The logger handed to TensorRT first. TensorRT keeps the first logger it is given as its global logger and may
 * write to it from any later object, so it is never destroyed; it keeps the last few hundred lines, which errors
 * consult as well as the per-object logger (some messages, e.g. builder-resource load failures, may land here).
 */
Logger& GlobalLogger();

}  // namespace trtn
