#include "tensorrt_library.h"

#include <dlfcn.h>

#include <memory>
#include <mutex>

#include "errors.h"
#include "logger.h"

namespace trtn {

namespace {
std::mutex loadMutex;

void* OpenOrThrow(const std::string& path) {
  dlerror();
  // RTLD_GLOBAL is not needed: every entry point is taken with dlsym from this handle.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* message = dlerror();
    throw NativeError("ERR_BACKEND_UNAVAILABLE", "Could not load " + path + ": " + (message ? message : "dlopen failed"));
  }
  return handle;
}

template <typename Fn>
void SymbolOrThrow(void* handle, const char* name, const std::string& library, Fn& slot) {
  slot = reinterpret_cast<Fn>(dlsym(handle, name));
  if (slot == nullptr) {
    throw NativeError("ERR_BACKEND_UNAVAILABLE", library + " has no symbol " + name + "; it is not a TensorRT " +
                                                    std::to_string(NV_TENSORRT_MAJOR) + " library.");
  }
}
}  // namespace

TensorRtLibrary& Library() {
  static TensorRtLibrary library;
  return library;
}

std::string VersionText(int version) {
  // 8.x encodes MMmmpp as M*1000 + m*100 + p; 10+ as M*10000 + m*100 + p.
  int major = 0;
  int minor = 0;
  int patch = 0;
  if (version >= 10000) {
    major = version / 10000;
    minor = (version / 100) % 100;
    patch = version % 100;
  } else {
    major = version / 1000;
    minor = (version / 100) % 10;
    patch = version % 100;
  }
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

void LoadLibraries(const std::string& directory) {
  std::lock_guard<std::mutex> lock(loadMutex);
  TensorRtLibrary& library = Library();
  if (library.loaded) return;
  const std::string prefix = directory.empty() ? std::string() : directory + "/";
  const std::string major = std::to_string(NV_TENSORRT_MAJOR);

  const CudaDriverLoad driver = LoadCudaDriver(library.cuda, true);
  if (!driver.loaded) throw NativeError("ERR_BACKEND_UNAVAILABLE", "CUDA driver: " + driver.error);

  const std::string nvinferPath = prefix + "libnvinfer.so." + major;
  void* nvinfer = OpenOrThrow(nvinferPath);
  SymbolOrThrow(nvinfer, "getInferLibVersion", nvinferPath, library.getInferLibVersion);
  SymbolOrThrow(nvinfer, "createInferBuilder_INTERNAL", nvinferPath, library.createInferBuilder);
  SymbolOrThrow(nvinfer, "createInferRuntime_INTERNAL", nvinferPath, library.createInferRuntime);
  library.libraryVersion = library.getInferLibVersion();
  const int loadedMajor = library.libraryVersion >= 10000 ? library.libraryVersion / 10000 : library.libraryVersion / 1000;
  if (loadedMajor != NV_TENSORRT_MAJOR) {
    throw NativeError("ERR_BACKEND_UNAVAILABLE", nvinferPath + " is TensorRT " + VersionText(library.libraryVersion) +
                                                    " but this backend was compiled for TensorRT " + major + ".");
  }

  const std::string parserPath = prefix + "libnvonnxparser.so." + major;
  void* parser = OpenOrThrow(parserPath);
  SymbolOrThrow(parser, "createNvOnnxParser_INTERNAL", parserPath, library.createParser);
  int (*parserVersion)() = nullptr;
  parserVersion = reinterpret_cast<int (*)()>(dlsym(parser, "getNvOnnxParserVersion"));
  library.parserVersion = parserVersion ? parserVersion() : 0;

  const CUresult init = library.cuda.cuInit(0);
  if (init != kCudaSuccess) {
    throw NativeError("ERR_BACKEND_UNAVAILABLE", "cuInit failed: " + CudaErrorText(library.cuda, init));
  }
  // A runtime made with this backend's header version proves the library accepts it (a library older than the
  // headers may refuse); failing here lets the loader fall back with a clear reason instead of failing later.
  {
    Logger probeLogger(false);
    std::unique_ptr<nvinfer1::IRuntime> runtime(
        static_cast<nvinfer1::IRuntime*>(library.createInferRuntime(&probeLogger, NV_TENSORRT_VERSION)));
    if (!runtime) {
      std::string detail;
      for (const std::string& line : probeLogger.Recent(5)) detail += " " + line;
      throw NativeError("ERR_BACKEND_UNAVAILABLE",
                        nvinferPath + " (TensorRT " + VersionText(library.libraryVersion) +
                            ") refused a runtime for headers " + compat::HeaderVersion() +
                            "; rebuild this backend against headers no newer than the installed TensorRT." + detail);
    }
  }
  library.nvinferPath = nvinferPath;
  library.parserPath = parserPath;
  library.loaded = true;
}

TensorRtLibrary& RequireLibrary() {
  TensorRtLibrary& library = Library();
  if (!library.loaded) {
    throw NativeError("ERR_BACKEND_UNAVAILABLE", "The TensorRT libraries are not loaded; call load() first.");
  }
  return library;
}

}  // namespace trtn
