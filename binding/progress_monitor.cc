#include "progress_monitor.h"

namespace trtn {

bool ProgressQueue::Push(const ProgressEvent& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool merged = false;
  if (event.kind == "step") {
    for (auto waiting = pending_.rbegin(); waiting != pending_.rend(); ++waiting) {
      if (waiting->phase != event.phase) continue;
      if (waiting->kind == "step") {
        waiting->step = event.step;
        merged = true;
      }
      break;
    }
  }
  // A step is dropped only while kMaxPending events wait undrained; a drain is asked for either way.
  const bool dropped = !merged && event.kind == "step" && pending_.size() >= kMaxPending;
  if (!merged && !dropped) pending_.push_back(event);
  if (scheduled_) return false;
  scheduled_ = true;
  return true;
}

std::vector<ProgressEvent> ProgressQueue::Drain() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ProgressEvent> events;
  events.swap(pending_);
  scheduled_ = false;
  return events;
}

void ProgressQueue::Unschedule() {
  std::lock_guard<std::mutex> lock(mutex_);
  scheduled_ = false;
}

#if TRTN_HAS_PROGRESS_MONITOR
void ProgressMonitor::phaseStart(char const* phaseName, char const* parentPhase, int32_t nbSteps) noexcept {
  try {
    ProgressEvent event;
    event.kind = "start";
    event.phase = phaseName ? phaseName : "";
    event.parent = parentPhase ? parentPhase : "";
    event.steps = nbSteps;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto parent = phases_.find(event.parent);
      event.depth = parent == phases_.end() ? 0 : parent->second.depth + 1;
      phases_[event.phase] = event;
    }
    if (report_) report_(event);
  } catch (...) {
  }
}

bool ProgressMonitor::stepComplete(char const* phaseName, int32_t step) noexcept {
  // Checked first so that a cancelled build stops even if reporting fails.
  if (cancelled_ != nullptr && cancelled_->load()) return false;
  try {
    ProgressEvent event;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = phases_.find(phaseName ? phaseName : "");
      if (found != phases_.end()) event = found->second;
    }
    event.kind = "step";
    event.phase = phaseName ? phaseName : "";
    event.step = step + 1;  // TensorRT counts from 0; progress bars want steps done.
    if (report_) report_(event);
  } catch (...) {
  }
  return true;
}

void ProgressMonitor::phaseFinish(char const* phaseName) noexcept {
  try {
    ProgressEvent event;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = phases_.find(phaseName ? phaseName : "");
      if (found != phases_.end()) {
        event = found->second;
        phases_.erase(found);
      }
    }
    event.kind = "finish";
    event.phase = phaseName ? phaseName : "";
    event.step = event.steps;
    if (report_) report_(event);
  } catch (...) {
  }
}
#endif

}  // namespace trtn
