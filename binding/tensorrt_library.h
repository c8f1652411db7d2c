// libnvinfer / libnvonnxparser opened at run time from the directory the probe found. Nothing links them, so the
// addon loads on machines without TensorRT and the loader can say why.
#pragma once

#include <string>
#include <vector>

#include "compat.h"
#include "cuda_driver.h"

namespace trtn {

class Logger;

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
  /** The folder libnvinfer was opened from (resolved with dladdr when it came from the loader path). */
  std::string directory;
  /** Sibling libraries opened RTLD_GLOBAL so that later NEEDED entries (8.6's parser needs the plugin) resolve. */
  std::vector<std::string> preloaded;
  /** libnvinfer's imports (`dlopen`, `dlmopen`) pointed at the folder-aware wrappers of library_redirect.h. */
  std::vector<std::string> redirectedLoads;
  /** Siblings that exist but did not open (dlerror text); not fatal, a later step says what it lacks. */
  std::vector<std::string> preloadWarnings;
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

/**
 * Whether headers major.minor may drive library `libraryVersion` (getInferLibVersion()): same major, header minor
 * not newer. A library older than the headers can miss virtual functions the headers call.
 */
bool HeaderFitsLibrary(int headerMajor, int headerMinor, int libraryVersion);

/**
 * ERR_BUILDER_UNAVAILABLE when the logs say TensorRT could not load a builder resource library (a runtime-only
 * install, e.g. 11.2 with only libnvinfer_builder_resource_ptx.so for this GPU); otherwise nothing.
 * Looks in `logger` and in the global logger.
 */
void ThrowIfBuilderUnavailable(const Logger& logger);

/** "10.16.0" from getInferLibVersion()'s integer (which changed encoding in 10: MMmmpp vs Mmpp). */
std::string VersionText(int version);

}  // namespace trtn
