#include "inspector.h"

#include <memory>

#include "tensorrt_library.h"

namespace trtn {

std::string InspectorJson(nvinfer1::ICudaEngine& engine) {
  std::unique_ptr<nvinfer1::IEngineInspector> inspector(engine.createEngineInspector());
  if (!inspector) return "";
  const char* text = inspector->getEngineInformation(nvinfer1::LayerInformationFormat::kJSON);
  return text ? std::string(text) : std::string();
}

std::string InspectPlan(const std::vector<uint8_t>& plan, Logger& logger) {
  TensorRtLibrary& library = RequireLibrary();
  std::unique_ptr<nvinfer1::IRuntime> runtime(static_cast<nvinfer1::IRuntime*>(library.createInferRuntime(&logger, NV_TENSORRT_VERSION)));
  if (!runtime) return "";
  std::unique_ptr<nvinfer1::ICudaEngine> engine(runtime->deserializeCudaEngine(plan.data(), plan.size()));
  if (!engine) return "";
  std::string json = InspectorJson(*engine);
  engine.reset();
  return json;
}

}  // namespace trtn
