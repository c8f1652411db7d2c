// The engine inspector: per-layer information (IEngineInspector, kJSON), as trtexec --exportLayerInfo writes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compat.h"
#include "logger.h"

namespace trtn {

/** The engine's inspector JSON; '' when TensorRT gives none. */
std::string InspectorJson(nvinfer1::ICudaEngine& engine);

/** Deserializes `plan` and returns the engine's inspector JSON (used by the builder, on the worker thread). */
std::string InspectPlan(const std::vector<uint8_t>& plan, Logger& logger);

}  // namespace trtn
