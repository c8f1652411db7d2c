// Build-time hooks: the progress monitor (10+, cancellation and progress) and the algorithm selector (<=10,
// tactic recording and replay).
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

/** One IO of an algorithm, as Polygraphy records it. */
struct AlgorithmIo {
  std::string dataType;
  std::vector<int64_t> strides;
  int64_t vectorizedDim = -1;
  int64_t componentsPerElement = 1;
};

/** One timed algorithm of one layer. */
struct AlgorithmRecord {
  std::string layer;
  int64_t implementation = 0;
  int64_t tactic = 0;
  float timeMs = -1.0f;
  bool chosen = false;
  std::vector<AlgorithmIo> inputs;
  std::vector<AlgorithmIo> outputs;
};

/** A tactic to force for one layer (replay through the selector). */
struct ReplayChoice {
  int64_t implementation = 0;
  int64_t tactic = 0;
  bool hasImplementation = false;
};

#if TRTN_HAS_ALGORITHM_SELECTOR
/**
 * Records every algorithm TensorRT offers per layer (selectAlgorithms) and the final choice (reportAlgorithms).
 * With replay choices it restricts a layer to its recorded tactic when that tactic is among the choices.
 */
class AlgorithmRecorder : public nvinfer1::IAlgorithmSelector {
 public:
  explicit AlgorithmRecorder(std::map<std::string, ReplayChoice> replay) : replay_(std::move(replay)) {}
  int32_t selectAlgorithms(nvinfer1::IAlgorithmContext const& context, nvinfer1::IAlgorithm const* const* choices,
                           int32_t nbChoices, int32_t* selection) noexcept override;
  void reportAlgorithms(nvinfer1::IAlgorithmContext const* const* contexts,
                        nvinfer1::IAlgorithm const* const* choices, int32_t nbAlgorithms) noexcept override;
  std::vector<AlgorithmRecord> Records() const;
  std::vector<std::string> Warnings() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ReplayChoice> replay_;
  std::vector<AlgorithmRecord> records_;
  std::vector<std::string> warnings_;
};
#endif

}  // namespace trtn
