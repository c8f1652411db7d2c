#include "logger.h"

namespace trtn {

namespace {
const char* SeverityName(nvinfer1::ILogger::Severity severity) {
  using S = nvinfer1::ILogger::Severity;
  switch (severity) {
    case S::kINTERNAL_ERROR: return "internal_error";
    case S::kERROR: return "error";
    case S::kWARNING: return "warning";
    case S::kINFO: return "info";
    default: return "verbose";
  }
}
}  // namespace

void Logger::log(Severity severity, const char* message) noexcept {
  calls_.fetch_add(1, std::memory_order_relaxed);
  if (severity == Severity::kVERBOSE && !verbose_) return;
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string text = message ? message : "";
    if (bytes_ + text.size() > kMaxBytes && severity == Severity::kVERBOSE) {
      truncated_ = true;
      return;
    }
    bytes_ += text.size();
    lines_.push_back(LogEntry{SeverityName(severity), text});
    if (maxLines_ != 0 && lines_.size() > maxLines_) {
      bytes_ -= lines_.front().message.size();
      lines_.erase(lines_.begin());
    }
  } catch (...) {
    // A logger must never throw into TensorRT; losing a line is the lesser evil.
  }
}

std::vector<LogEntry> Logger::Lines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lines_;
}

std::vector<std::string> Logger::Recent(size_t count) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  // Verbose lines drown out the reason for a failure, so recent lines prefer info and above.
  for (auto it = lines_.rbegin(); it != lines_.rend() && out.size() < count; ++it) {
    if (std::string(it->severity) == "verbose") continue;
    out.insert(out.begin(), std::string(it->severity) + ": " + it->message);
  }
  return out;
}

bool Logger::Contains(const std::string& needle) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const LogEntry& line : lines_) {
    if (line.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string Logger::FindLine(const std::string& needle) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = lines_.rbegin(); it != lines_.rend(); ++it) {
    if (it->message.find(needle) != std::string::npos) return it->message;
  }
  return std::string();
}

Logger& GlobalLogger() {
  // Deliberately leaked: TensorRT may log to it until the process exits, after static destructors would run.
  static Logger* logger = new Logger(false, 256);
  return *logger;
}

bool Logger::Truncated() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return truncated_;
}

}  // namespace trtn
