// The progress monitor (10+): build progress to JS without blocking the builder, and cancellation.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "compat.h"

namespace trtn {

struct ProgressEvent {
  std::string kind;  // "start" | "step" | "finish"
  std::string phase;
  std::string parent;
  int step = 0;
  int steps = 0;
  int depth = 0;
};

#if TRTN_HAS_PROGRESS_MONITOR
/** Forwards progress (never blocking the builder) and turns the abort flag into a cancelled build. */
class ProgressMonitor : public nvinfer1::IProgressMonitor {
 public:
  ProgressMonitor(std::atomic<bool>* cancelled, std::function<void(const ProgressEvent&)> report)
      : cancelled_(cancelled), report_(std::move(report)) {}
  void phaseStart(char const* phaseName, char const* parentPhase, int32_t nbSteps) noexcept override;
  bool stepComplete(char const* phaseName, int32_t step) noexcept override;
  void phaseFinish(char const* phaseName) noexcept override;

 private:
  std::atomic<bool>* cancelled_;
  std::function<void(const ProgressEvent&)> report_;
  std::mutex mutex_;
  std::map<std::string, ProgressEvent> phases_;
};
#endif

}  // namespace trtn
