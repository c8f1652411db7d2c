// trtn_probe.node: answers "could the TensorRT backend work here, and if not, why?" without needing CUDA or
// TensorRT at build or run time. It only dlopens and reports plain data; lib/native/loader.ts classifies the result.
#include <dlfcn.h>
#include <unistd.h>
#include <napi.h>

#include <string>
#include <vector>

#include "cuda_driver.h"

namespace {

using trtn::CudaDriverApi;

struct LibraryAttempt {
  std::string candidate;
  std::string directory;
  int major = 0;
  bool ok = false;
  std::string error;
  int version = 0;
  std::string resolvedPath;
  bool parserFound = false;
  std::string parserError;
};

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// Tries one libnvinfer candidate. The handle is deliberately never closed: closing TensorRT can run static
// destructors in an order the library does not expect, and the backend reopens the same file anyway.
LibraryAttempt TryLibnvinfer(const std::string& directory, int major) {
  LibraryAttempt attempt;
  attempt.major = major;
  attempt.directory = directory;
  const std::string name = "libnvinfer.so." + std::to_string(major);
  attempt.candidate = directory.empty() ? name : directory + "/" + name;
  dlerror();
  void* handle = dlopen(attempt.candidate.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* message = dlerror();
    attempt.error = message ? message : "dlopen failed";
    return attempt;
  }
  using VersionFn = int32_t (*)();
  auto getVersion = reinterpret_cast<VersionFn>(dlsym(handle, "getInferLibVersion"));
  if (getVersion == nullptr) {
    const char* message = dlerror();
    attempt.error = std::string("no getInferLibVersion: ") + (message ? message : "missing symbol");
    return attempt;
  }
  attempt.ok = true;
  attempt.version = getVersion();
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(getVersion), &info) != 0 && info.dli_fname != nullptr) {
    attempt.resolvedPath = info.dli_fname;
  } else {
    attempt.resolvedPath = attempt.candidate;
  }
  // The parser must come from the same directory as libnvinfer, or the two could disagree on the ABI.
  const std::string parserDirectory = DirectoryOf(attempt.resolvedPath);
  const std::string parserName = "libnvonnxparser.so." + std::to_string(major);
  const std::string parserPath = parserDirectory.empty() ? parserName : parserDirectory + "/" + parserName;
  // 8.6's parser needs libnvinfer_plugin.so.8 by soname; opening the folder's copy first lets the folder alone
  // (TRTN_TENSORRT_LIB_DIR, no LD_LIBRARY_PATH) be enough. A failure here shows up as the parser's error.
  const std::string pluginPath = (parserDirectory.empty() ? std::string() : parserDirectory + "/") + "libnvinfer_plugin.so." + std::to_string(major);
  if (!parserDirectory.empty() && access(pluginPath.c_str(), F_OK) == 0) dlopen(pluginPath.c_str(), RTLD_LAZY | RTLD_GLOBAL);
  dlerror();
  void* parser = dlopen(parserPath.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (parser == nullptr) {
    const char* message = dlerror();
    attempt.parserError = message ? message : "dlopen failed";
  } else {
    attempt.parserFound = true;
  }
  return attempt;
}

Napi::Object ProbeCuda(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  static CudaDriverApi api;
  const trtn::CudaDriverLoad load = trtn::LoadCudaDriver(api, false);
  out.Set("loaded", load.loaded);
  if (!load.loaded) {
    out.Set("error", load.error);
    return out;
  }
  int driverVersion = 0;
  if (api.cuDriverGetVersion(&driverVersion) == trtn::kCudaSuccess) out.Set("driverVersion", driverVersion);
  const trtn::CUresult init = api.cuInit(0);
  out.Set("initResult", init);
  if (init != trtn::kCudaSuccess) {
    out.Set("initError", trtn::CudaErrorText(api, init));
    return out;
  }
  int count = 0;
  const trtn::CUresult countResult = api.cuDeviceGetCount(&count);
  out.Set("deviceCount", countResult == trtn::kCudaSuccess ? count : 0);
  Napi::Array devices = Napi::Array::New(env);
  for (int index = 0; index < count; ++index) {
    trtn::CUdevice device = 0;
    if (api.cuDeviceGet(&device, index) != trtn::kCudaSuccess) continue;
    Napi::Object entry = Napi::Object::New(env);
    char name[256] = {0};
    api.cuDeviceGetName(name, sizeof(name) - 1, device);
    entry.Set("index", index);
    entry.Set("name", std::string(name));
    int major = 0;
    int minor = 0;
    api.cuDeviceGetAttribute(&major, trtn::kAttrComputeCapabilityMajor, device);
    api.cuDeviceGetAttribute(&minor, trtn::kAttrComputeCapabilityMinor, device);
    entry.Set("computeCapability", std::to_string(major) + "." + std::to_string(minor));
    int smCount = 0;
    if (api.cuDeviceGetAttribute(&smCount, trtn::kAttrMultiprocessorCount, device) == trtn::kCudaSuccess) {
      entry.Set("smCount", smCount);
    }
    size_t memory = 0;
    if (api.cuDeviceTotalMem(&memory, device) == trtn::kCudaSuccess) entry.Set("memoryBytes", static_cast<double>(memory));
    devices.Set(devices.Length(), entry);
  }
  out.Set("devices", devices);
  return out;
}

Napi::Object Finish(Napi::Object result, Napi::Array attempts) {
  result.Set("tensorrt", attempts);
  return result;
}

/**
 * probe({ libraryDirs?: string[], majors?: number[] }) → plain data. Every dlopen attempt is listed with its
 * dlerror text, in the order tried; `''` in libraryDirs means "the system loader path".
 */
Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> directories;
  std::vector<int> majors = {11, 10, 8};
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object options = info[0].As<Napi::Object>();
    Napi::Value dirs = options.Get("libraryDirs");
    if (dirs.IsArray()) {
      Napi::Array list = dirs.As<Napi::Array>();
      for (uint32_t i = 0; i < list.Length(); ++i) {
        Napi::Value item = list.Get(i);
        if (item.IsString()) directories.push_back(item.As<Napi::String>().Utf8Value());
      }
    }
    Napi::Value majorList = options.Get("majors");
    if (majorList.IsArray()) {
      majors.clear();
      Napi::Array list = majorList.As<Napi::Array>();
      for (uint32_t i = 0; i < list.Length(); ++i) {
        Napi::Value item = list.Get(i);
        if (item.IsNumber()) majors.push_back(item.As<Napi::Number>().Int32Value());
      }
    }
  }
  if (directories.empty()) directories.push_back("");

  Napi::Object result = Napi::Object::New(env);
  result.Set("cuda", ProbeCuda(env));
  Napi::Array attempts = Napi::Array::New(env);
  for (const std::string& directory : directories) {
    for (int major : majors) {
      const LibraryAttempt attempt = TryLibnvinfer(directory, major);
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("candidate", attempt.candidate);
      entry.Set("directory", attempt.directory);
      entry.Set("major", attempt.major);
      entry.Set("ok", attempt.ok);
      if (!attempt.error.empty()) entry.Set("error", attempt.error);
      if (attempt.ok) {
        entry.Set("version", attempt.version);
        entry.Set("resolvedPath", attempt.resolvedPath);
        entry.Set("parserFound", attempt.parserFound);
        if (!attempt.parserError.empty()) entry.Set("parserError", attempt.parserError);
      }
      attempts.Set(attempts.Length(), entry);
      // Loading a second TensorRT major into the same process gains nothing and risks symbol clashes.
      if (attempt.ok) return Finish(result, attempts);
    }
  }
  return Finish(result, attempts);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("probe", Napi::Function::New(env, Probe, "probe"));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(trtn_probe, Init)
