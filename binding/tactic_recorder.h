// The algorithm selector (<= 10): tactic recording and replay through IAlgorithmSelector.
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
