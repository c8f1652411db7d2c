// The progress monitor (10+): build progress to JS without blocking the builder, and cancellation.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

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

/**
 * Progress events on their way to the main thread. A builder completes up to thousands of steps in a millisecond;
 * as one JS call each they held the event loop for that long. A step waits as the newest step of its phase: a later
 * step of the same phase, with no start or finish of that phase between them, replaces it. Starts and finishes are
 * all kept, in order.
 */
class ProgressQueue {
 public:
  /** Adds an event; true when the caller must schedule a drain (none is scheduled). */
  bool Push(const ProgressEvent& event);
  /** Takes every waiting event; the next Push schedules a drain again. */
  std::vector<ProgressEvent> Drain();
  /** The drain the last Push asked for could not be scheduled: the next Push asks again. */
  void Unschedule();

 private:
  // Waiting steps beyond this are dropped (only while the main thread does not drain); starts and finishes never.
  static constexpr size_t kMaxPending = 4096;
  std::mutex mutex_;
  std::vector<ProgressEvent> pending_;
  bool scheduled_ = false;
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
