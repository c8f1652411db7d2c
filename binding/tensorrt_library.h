// libnvinfer / libnvonnxparser opened at run time from the directory the probe found. Nothing links them, so the
// addon loads on machines without TensorRT and the loader can say why.
#pragma once

#include <string>

#include "compat.h"
#include "cuda_driver.h"

namespace trtn {

struct TensorRtLibrary {
  bool loaded = false;
  std::string nvinferPath;
  std::string parserPath;
  int libraryVersion = 0;  // getInferLibVersion(), e.g. 100160 or 8601
  int parserVersion = 0;
  void* (*createInferBuilder)(void* logger, int32_t version) = nullptr;
  void* (*createInferRuntime)(void* logger, int32_t version) = nullptr;
  void* (*createParser)(void* network, void* logger, int version) = nullptr;
  int32_t (*getInferLibVersion)() = nullptr;
  CudaDriverApi cuda;
};

/** The process-wide library handles (loaded once; never closed, see probe.cc). */
TensorRtLibrary& Library();

/**
 * Opens libnvinfer.so.<major> and libnvonnxparser.so.<major> from `directory` ('' = loader path) and
 * libcuda.so.1. Throws NativeError ERR_BACKEND_UNAVAILABLE with the dlerror text on failure.
 */
void LoadLibraries(const std::string& directory);

/** Throws ERR_BACKEND_UNAVAILABLE unless LoadLibraries() succeeded. */
TensorRtLibrary& RequireLibrary();

/** "10.16.0" from getInferLibVersion()'s integer (which changed encoding in 10: MMmmpp vs Mmpp). */
std::string VersionText(int version);

}  // namespace trtn
