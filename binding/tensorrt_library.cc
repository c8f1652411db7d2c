#include "tensorrt_library.h"

#include "library_redirect.h"

#include <dirent.h>
#include <dlfcn.h>

#include <algorithm>
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

std::string DirectoryOfSymbol(void* symbol) {
  Dl_info info{};
  if (symbol == nullptr || dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return std::string();
  const std::string path = info.dli_fname;
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

/** Files in `directory` whose name starts with `prefix` and contains ".so", sorted. */
std::vector<std::string> SiblingsWithPrefix(const std::string& directory, const std::string& prefix) {
  std::vector<std::string> names;
  DIR* dir = opendir(directory.empty() ? "." : directory.c_str());
  if (dir == nullptr) return names;
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.rfind(prefix, 0) == 0 && name.find(".so") != std::string::npos) names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

/**
 * 8.6's parser NEEDs libnvinfer_plugin.so.8, which the dynamic loader finds only on LD_LIBRARY_PATH or the system
 * path. A library already open under that soname is reused, so opening the folder's copy first makes the folder
 * alone (TRTN_TENSORRT_LIB_DIR) enough. (The builder resource cannot be handled this way: its SONAME is not its
 * file name; see library_redirect.h.)
 */
void PreloadSibling(TensorRtLibrary& library, const std::string& directory, const std::string& name, int flags) {
  const std::string path = directory + "/" + name;
  if (std::find(library.preloaded.begin(), library.preloaded.end(), path) != library.preloaded.end()) return;
  dlerror();
  if (dlopen(path.c_str(), flags | RTLD_GLOBAL) != nullptr) {
    library.preloaded.push_back(path);
  } else {
    const char* message = dlerror();
    library.preloadWarnings.push_back(path + ": " + (message ? message : "dlopen failed"));
  }
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

bool HeaderFitsLibrary(int headerMajor, int headerMinor, int libraryVersion) {
  const int major = libraryVersion >= 10000 ? libraryVersion / 10000 : libraryVersion / 1000;
  const int minor = libraryVersion >= 10000 ? (libraryVersion / 100) % 100 : (libraryVersion / 100) % 10;
  return major == headerMajor && headerMinor <= minor;
}

void ThrowIfBuilderUnavailable(const Logger& logger) {
  const std::string needle = "Unable to load library";
  std::string line = logger.FindLine(needle);
  if (line.empty()) line = GlobalLogger().FindLine(needle);
  if (line.empty() || line.find("builder_resource") == std::string::npos) return;
  // "Unable to load library: libnvinfer_builder_resource_sm90.so.11.2.1" (10.x/11.x) or "... library '%s'".
  std::string missing = line.substr(line.find(needle) + needle.size());
  const size_t start = missing.find("lib");
  if (start != std::string::npos) missing = missing.substr(start);
  while (!missing.empty() && (missing.back() == '\'' || missing.back() == ' ' || missing.back() == '.')) missing.pop_back();
  const size_t end = missing.find_first_of(" '\"");
  if (end != std::string::npos) missing = missing.substr(0, end);
  TensorRtLibrary& library = Library();
  std::string present;
  for (const std::string& name : SiblingsWithPrefix(library.directory, "libnvinfer_builder_resource")) {
    present += (present.empty() ? "" : ", ") + name;
  }
  throw NativeError("ERR_BUILDER_UNAVAILABLE",
                    "TensorRT " + VersionText(library.libraryVersion) + " cannot build engines here: it needs " + missing +
                        ", which is not in " + (library.directory.empty() ? std::string("the loader path") : library.directory) +
                        " (builder resources there: " + (present.empty() ? std::string("none") : present) +
                        "). This install is runtime-only for this GPU: loading, inspecting and running plans still work. "
                        "To build, install the TensorRT package that ships " + missing +
                        " next to libnvinfer, or build the plan with the same TensorRT version on a machine that can and load it here.",
                    logger.Recent());
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

  if (!HeaderFitsLibrary(NV_TENSORRT_MAJOR, NV_TENSORRT_MINOR, library.libraryVersion)) {
    throw NativeError("ERR_VERSION_MISMATCH", nvinferPath + " is TensorRT " + VersionText(library.libraryVersion) +
                                                 ", older than the headers " + compat::HeaderVersion() +
                                                 " this backend was compiled with; rebuild it against headers no newer "
                                                 "than the installed TensorRT (npm run build:native with TRTN_TENSORRT_INCLUDE_" +
                                                 major + ").");
  }
  library.directory = directory.empty() ? DirectoryOfSymbol(reinterpret_cast<void*>(library.getInferLibVersion)) : directory;
  // TensorRT opens its builder resource lazily (at the first createInferBuilder) by bare name; point its dlopen at
  // this folder so that the folder alone (TRTN_TENSORRT_LIB_DIR, no LD_LIBRARY_PATH) is enough.
  {
    std::string redirectError;
    library.redirectedLoads = RedirectSiblingLoads(nvinfer, library.directory, redirectError);
    if (library.redirectedLoads.empty()) {
      library.preloadWarnings.push_back(nvinferPath + ": dlopen of sibling libraries not redirected (" + redirectError +
                                        "); TensorRT finds its builder resource only on LD_LIBRARY_PATH.");
    }
  }
  // 8.6's parser needs libnvinfer_plugin.so.8 (itself needing cuBLAS and cuDNN from the loader path). Opened after
  // libnvinfer so that its own need for libnvinfer.so.<major> resolves to the copy already open.
  const std::string plugin = "libnvinfer_plugin.so." + major;
  if (!library.directory.empty() && !SiblingsWithPrefix(library.directory, plugin).empty()) {
    PreloadSibling(library, library.directory, plugin, RTLD_LAZY);
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
  // This is the first logger TensorRT sees, so it becomes TensorRT's global logger: it must outlive every
  // TensorRT object, hence the never-destroyed GlobalLogger().
  {
    Logger& probeLogger = GlobalLogger();
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
