// trtn_probe.node: answers "could the TensorRT backend work here, and if not, why?" without needing CUDA or
// TensorRT at build or run time. It only dlopens and reports plain data; lib/native/loader.ts classifies the result.
#include <dlfcn.h>
#include <unistd.h>
#include <napi.h>

#include <mutex>
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

/** What the probe found, as plain data: gathered on any thread, turned into JS on the main one. */
struct DeviceFacts {
  int index = 0;
  std::string name;
  std::string computeCapability;
  bool hasSmCount = false;
  int smCount = 0;
  bool hasMemory = false;
  double memoryBytes = 0;
};

struct CudaFacts {
  bool loaded = false;
  std::string error;
  bool hasDriverVersion = false;
  int driverVersion = 0;
  bool initialised = false;  // cuInit was called (its result in initResult)
  int initResult = 0;
  std::string initError;
  int deviceCount = 0;
  std::vector<DeviceFacts> devices;
};

struct ProbeRequest {
  std::vector<std::string> directories;
  std::vector<int> majors = {11, 10, 8};
};

struct ProbeFacts {
  CudaFacts cuda;
  std::vector<LibraryAttempt> attempts;
};

CudaFacts ProbeCuda() {
  CudaFacts facts;
  static CudaDriverApi api;
  const trtn::CudaDriverLoad load = trtn::LoadCudaDriver(api, false);
  facts.loaded = load.loaded;
  if (!load.loaded) {
    facts.error = load.error;
    return facts;
  }
  int driverVersion = 0;
  if (api.cuDriverGetVersion(&driverVersion) == trtn::kCudaSuccess) {
    facts.hasDriverVersion = true;
    facts.driverVersion = driverVersion;
  }
  const trtn::CUresult init = api.cuInit(0);
  facts.initialised = true;
  facts.initResult = init;
  if (init != trtn::kCudaSuccess) {
    facts.initError = trtn::CudaErrorText(api, init);
    return facts;
  }
  int count = 0;
  const trtn::CUresult countResult = api.cuDeviceGetCount(&count);
  facts.deviceCount = countResult == trtn::kCudaSuccess ? count : 0;
  for (int index = 0; index < count; ++index) {
    trtn::CUdevice device = 0;
    if (api.cuDeviceGet(&device, index) != trtn::kCudaSuccess) continue;
    DeviceFacts entry;
    char name[256] = {0};
    api.cuDeviceGetName(name, sizeof(name) - 1, device);
    entry.index = index;
    entry.name = name;
    int major = 0;
    int minor = 0;
    api.cuDeviceGetAttribute(&major, trtn::kAttrComputeCapabilityMajor, device);
    api.cuDeviceGetAttribute(&minor, trtn::kAttrComputeCapabilityMinor, device);
    entry.computeCapability = std::to_string(major) + "." + std::to_string(minor);
    int smCount = 0;
    if (api.cuDeviceGetAttribute(&smCount, trtn::kAttrMultiprocessorCount, device) == trtn::kCudaSuccess) {
      entry.hasSmCount = true;
      entry.smCount = smCount;
    }
    size_t memory = 0;
    if (api.cuDeviceTotalMem(&memory, device) == trtn::kCudaSuccess) {
      entry.hasMemory = true;
      entry.memoryBytes = static_cast<double>(memory);
    }
    facts.devices.push_back(entry);
  }
  return facts;
}

ProbeFacts RunProbe(const ProbeRequest& request) {
  // One probe at a time: a probe() on the main thread while a probeAsync() runs would share the driver table.
  static std::mutex probing;
  std::lock_guard<std::mutex> lock(probing);
  ProbeFacts facts;
  facts.cuda = ProbeCuda();
  for (const std::string& directory : request.directories) {
    for (int major : request.majors) {
      facts.attempts.push_back(TryLibnvinfer(directory, major));
      // Loading a second TensorRT major into the same process gains nothing and risks symbol clashes.
      if (facts.attempts.back().ok) return facts;
    }
  }
  return facts;
}

Napi::Object ToJs(Napi::Env env, const ProbeFacts& facts) {
  Napi::Object cuda = Napi::Object::New(env);
  cuda.Set("loaded", facts.cuda.loaded);
  if (!facts.cuda.loaded) {
    cuda.Set("error", facts.cuda.error);
  } else {
    if (facts.cuda.hasDriverVersion) cuda.Set("driverVersion", facts.cuda.driverVersion);
    if (facts.cuda.initialised) cuda.Set("initResult", facts.cuda.initResult);
    if (!facts.cuda.initError.empty()) {
      cuda.Set("initError", facts.cuda.initError);
    } else {
      cuda.Set("deviceCount", facts.cuda.deviceCount);
      Napi::Array devices = Napi::Array::New(env);
      for (const DeviceFacts& device : facts.cuda.devices) {
        Napi::Object entry = Napi::Object::New(env);
        entry.Set("index", device.index);
        entry.Set("name", device.name);
        entry.Set("computeCapability", device.computeCapability);
        if (device.hasSmCount) entry.Set("smCount", device.smCount);
        if (device.hasMemory) entry.Set("memoryBytes", device.memoryBytes);
        devices.Set(devices.Length(), entry);
      }
      cuda.Set("devices", devices);
    }
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("cuda", cuda);
  Napi::Array attempts = Napi::Array::New(env);
  for (const LibraryAttempt& attempt : facts.attempts) {
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
  }
  result.Set("tensorrt", attempts);
  return result;
}

ProbeRequest ReadRequest(const Napi::CallbackInfo& info) {
  ProbeRequest request;
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object options = info[0].As<Napi::Object>();
    Napi::Value dirs = options.Get("libraryDirs");
    if (dirs.IsArray()) {
      Napi::Array list = dirs.As<Napi::Array>();
      for (uint32_t i = 0; i < list.Length(); ++i) {
        Napi::Value item = list.Get(i);
        if (item.IsString()) request.directories.push_back(item.As<Napi::String>().Utf8Value());
      }
    }
    Napi::Value majorList = options.Get("majors");
    if (majorList.IsArray()) {
      request.majors.clear();
      Napi::Array list = majorList.As<Napi::Array>();
      for (uint32_t i = 0; i < list.Length(); ++i) {
        Napi::Value item = list.Get(i);
        if (item.IsNumber()) request.majors.push_back(item.As<Napi::Number>().Int32Value());
      }
    }
  }
  if (request.directories.empty()) request.directories.push_back("");
  return request;
}

/**
 * probe({ libraryDirs?: string[], majors?: number[] }) → plain data. Every dlopen attempt is listed with its
 * dlerror text, in the order tried; `''` in libraryDirs means "the system loader path".
 */
Napi::Value Probe(const Napi::CallbackInfo& info) { return ToJs(info.Env(), RunProbe(ReadRequest(info))); }

/**
 * probe() on a worker thread: cuInit and opening libnvinfer (hundreds of MB) are the slow part of a fresh process's
 * first build, which on the main thread held the event loop. Never rejects: failures are data, as for probe().
 */
class ProbeWorker : public Napi::AsyncWorker {
 public:
  ProbeWorker(Napi::Env env, ProbeRequest request)
      : Napi::AsyncWorker(env, "trtn:probe"), deferred_(Napi::Promise::Deferred::New(env)), request_(std::move(request)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      facts_ = RunProbe(request_);
    } catch (const std::exception& error) {
      SetError(std::string("probe failed: ") + error.what());
    } catch (...) {
      SetError("probe failed with an unknown native error");
    }
  }
  void OnOK() override { deferred_.Resolve(ToJs(Env(), facts_)); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  ProbeRequest request_;
  ProbeFacts facts_;
};

Napi::Value ProbeAsync(const Napi::CallbackInfo& info) {
  auto* worker = new ProbeWorker(info.Env(), ReadRequest(info));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("probe", Napi::Function::New(env, Probe, "probe"));
  exports.Set("probeAsync", Napi::Function::New(env, ProbeAsync, "probeAsync"));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(trtn_probe, Init)
