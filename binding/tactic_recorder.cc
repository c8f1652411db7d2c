#include "tactic_recorder.h"

namespace trtn {


#if TRTN_HAS_ALGORITHM_SELECTOR
namespace {
AlgorithmIo DescribeIo(nvinfer1::IAlgorithmIOInfo const* info) {
  AlgorithmIo io;
  if (info == nullptr) return io;
  io.dataType = compat::DataTypeName(info->getDataType());
  const nvinfer1::Dims strides = info->getStrides();
  for (int32_t i = 0; i < strides.nbDims && i < nvinfer1::Dims::MAX_DIMS; ++i) io.strides.push_back(strides.d[i]);
  io.vectorizedDim = info->getVectorizedDim();
  io.componentsPerElement = info->getComponentsPerElement();
  return io;
}

AlgorithmRecord Describe(nvinfer1::IAlgorithmContext const& context, nvinfer1::IAlgorithm const& algorithm) {
  AlgorithmRecord record;
  record.layer = context.getName() ? context.getName() : "";
  record.implementation = algorithm.getAlgorithmVariant().getImplementation();
  record.tactic = algorithm.getAlgorithmVariant().getTactic();
  record.timeMs = algorithm.getTimingMSec();
  const int32_t inputs = context.getNbInputs();
  const int32_t outputs = context.getNbOutputs();
  for (int32_t i = 0; i < inputs; ++i) record.inputs.push_back(DescribeIo(algorithm.getAlgorithmIOInfoByIndex(i)));
  for (int32_t i = 0; i < outputs; ++i) {
    record.outputs.push_back(DescribeIo(algorithm.getAlgorithmIOInfoByIndex(inputs + i)));
  }
  return record;
}
}  // namespace

int32_t AlgorithmRecorder::selectAlgorithms(nvinfer1::IAlgorithmContext const& context,
                                            nvinfer1::IAlgorithm const* const* choices, int32_t nbChoices,
                                            int32_t* selection) noexcept {
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string layer = context.getName() ? context.getName() : "";
    for (int32_t i = 0; i < nbChoices; ++i) {
      if (choices[i] != nullptr) records_.push_back(Describe(context, *choices[i]));
    }
    auto wanted = replay_.find(layer);
    if (wanted != replay_.end()) {
      for (int32_t i = 0; i < nbChoices; ++i) {
        if (choices[i] == nullptr) continue;
        const auto& variant = choices[i]->getAlgorithmVariant();
        if (variant.getTactic() == wanted->second.tactic &&
            (!wanted->second.hasImplementation || variant.getImplementation() == wanted->second.implementation)) {
          selection[0] = i;
          return 1;
        }
      }
      warnings_.push_back("Replay: the recorded tactic for layer '" + layer +
                          "' is not among this build's choices; TensorRT chose freely for it.");
    }
  } catch (...) {
  }
  // No restriction: offer every choice.
  for (int32_t i = 0; i < nbChoices; ++i) selection[i] = i;
  return nbChoices;
}

void AlgorithmRecorder::reportAlgorithms(nvinfer1::IAlgorithmContext const* const* contexts,
                                         nvinfer1::IAlgorithm const* const* choices, int32_t nbAlgorithms) noexcept {
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int32_t i = 0; i < nbAlgorithms; ++i) {
      if (contexts[i] == nullptr || choices[i] == nullptr) continue;
      AlgorithmRecord record = Describe(*contexts[i], *choices[i]);
      record.chosen = true;
      records_.push_back(std::move(record));
    }
  } catch (...) {
  }
}

std::vector<AlgorithmRecord> AlgorithmRecorder::Records() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_;
}

std::vector<std::string> AlgorithmRecorder::Warnings() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return warnings_;
}
#endif

}  // namespace trtn
