#include "inspector.h"

#include <memory>

#include "tensorrt_library.h"

namespace trtn {

std::string InspectorJson(nvinfer1::ICudaEngine& engine) {
  // As trtexec does, inspect through an execution context: with one, TensorRT names each tensor's format ("Channel
  // major FP16 format where channel % 8 == 0"); without one, 10.6 printed only the type ("Half") on the H200. The
  // context allocates no device memory, and dynamic inputs get the first profile's opt shape. It must outlive the
  // inspector, which keeps a pointer to it (declared first, destroyed last).
  std::unique_ptr<nvinfer1::IExecutionContext> context(compat::CreateContextWithoutDeviceMemory(engine));
  if (context) {
    for (int32_t i = 0; i < engine.getNbIOTensors(); ++i) {
      const char* name = engine.getIOTensorName(i);
      if (engine.getTensorIOMode(name) != nvinfer1::TensorIOMode::kINPUT) continue;
      const nvinfer1::Dims shape = engine.getTensorShape(name);
      bool dynamic = false;
      for (int32_t d = 0; d < shape.nbDims; ++d) dynamic = dynamic || shape.d[d] < 0;
      if (dynamic && engine.getNbOptimizationProfiles() > 0) {
        context->setInputShape(name, engine.getProfileShape(name, 0, nvinfer1::OptProfileSelector::kOPT));
      }
    }
  }
  std::unique_ptr<nvinfer1::IEngineInspector> inspector(engine.createEngineInspector());
  if (!inspector) return "";
  if (context) inspector->setExecutionContext(context.get());
  const char* text = inspector->getEngineInformation(nvinfer1::LayerInformationFormat::kJSON);
  std::string json = text ? std::string(text) : std::string();
  inspector.reset();
  return json;
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
