// Module entry of trtn_trt<major>.node: init(ErrorClass), load(dir), loadAsync(dir), startBuild, deserializeEngine, environment.
#include <napi.h>

#include "addon_state.h"
#include "builder_session.h"
#include "compat.h"
#include "cuda_resources.h"
#include "engine.h"
#include "environment.h"
#include "errors.h"
#include "execution_context.h"
#include "tensorrt_library.h"
#include "worker.h"

namespace trtn {

namespace {

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    throw MakeError(env, "ERR_INTERNAL", "init(TensorRTError) expects the error class.");
  }
  SetErrorClass(env, info[0].As<Napi::Function>());
  return env.Undefined();
}

/** What load() and loadAsync() report: the libraries opened and how. */
Napi::Object LoadInfo(Napi::Env env) {
  TensorRtLibrary& library = Library();
  Napi::Object out = Napi::Object::New(env);
  out.Set("tensorrtVersion", VersionText(library.libraryVersion));
  out.Set("parserVersion", library.parserVersion);
  out.Set("nvinferPath", library.nvinferPath);
  out.Set("parserPath", library.parserPath);
  out.Set("libraryDir", library.directory);
  Napi::Array preloaded = Napi::Array::New(env, library.preloaded.size());
  for (size_t i = 0; i < library.preloaded.size(); ++i) preloaded.Set(static_cast<uint32_t>(i), library.preloaded[i]);
  out.Set("preloaded", preloaded);
  Napi::Array redirected = Napi::Array::New(env, library.redirectedLoads.size());
  for (size_t i = 0; i < library.redirectedLoads.size(); ++i) redirected.Set(static_cast<uint32_t>(i), library.redirectedLoads[i]);
  out.Set("redirectedLoads", redirected);
  Napi::Array warnings = Napi::Array::New(env, library.preloadWarnings.size());
  for (size_t i = 0; i < library.preloadWarnings.size(); ++i) warnings.Set(static_cast<uint32_t>(i), library.preloadWarnings[i]);
  out.Set("preloadWarnings", warnings);
  return out;
}

std::string DirectoryArgument(const Napi::CallbackInfo& info) {
  return info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
}

Napi::Value Load(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    LoadLibraries(DirectoryArgument(info));
    return LoadInfo(env);
  });
}

/**
 * load() on a worker thread: opening TensorRT, cuInit and a first runtime take 150-190 ms (H200, 2026-12-03), which
 * on the main thread held a service's event loop at its first build. LoadLibraries holds a lock, so a load() that
 * comes meanwhile waits for this one and then finds the libraries open.
 */
class LoadWorker : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, std::string directory) : PromiseWorker(env, "trtn:load", "ERR_BACKEND_UNAVAILABLE"), directory_(std::move(directory)) {}

  void OnOK() override { deferred_.Resolve(LoadInfo(Env())); }

 private:
  void Run() override { LoadLibraries(directory_); }

  std::string directory_;
};

Napi::Value LoadAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    auto* worker = new LoadWorker(env, DirectoryArgument(info));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

// deviceMemory(device) → { freeBytes, totalBytes } from cuMemGetInfo, so tests can see whether device memory grows.
Napi::Value DeviceMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    TensorRtLibrary& library = RequireLibrary();
    const int device = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
    MakeDeviceCurrent(device);
    size_t freeBytes = 0;
    size_t totalBytes = 0;
    const CUresult result = library.cuda.cuMemGetInfo(&freeBytes, &totalBytes);
    if (result != kCudaSuccess) throw NativeError("ERR_CUDA", "cuMemGetInfo failed: " + CudaErrorText(library.cuda, result));
    Napi::Object out = Napi::Object::New(env);
    out.Set("freeBytes", static_cast<double>(freeBytes));
    out.Set("totalBytes", static_cast<double>(totalBytes));
    return out;
  });
}

Napi::Object Capabilities(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("headerVersion", compat::HeaderVersion());
  out.Set("major", NV_TENSORRT_MAJOR);
  out.Set("progressMonitor", static_cast<bool>(TRTN_HAS_PROGRESS_MONITOR));
  out.Set("algorithmSelector", static_cast<bool>(TRTN_HAS_ALGORITHM_SELECTOR));
  out.Set("editableTimingCache", static_cast<bool>(TRTN_HAS_EDITABLE_TIMING_CACHE));
  out.Set("precisionFlags", static_cast<bool>(TRTN_HAS_PRECISION_FLAGS));
  // benchmark()/profile() take { synthetic, byteLength, shape } inputs and a releaseAfter option.
  out.Set("syntheticInputs", true);
  // infer(arrays, spinWaitUs, inputNames, outputNames): typed arrays by position in, an array of output data out.
  out.Set("positionalInfer", true);
  return out;
}

void Cleanup(void* data) {
  auto* state = static_cast<AddonState*>(data);
  // Safety net for engines JS never disposed: return their device memory before the environment goes away.
  std::set<EngineObject*> engines;
  engines.swap(state->liveEngines);
  for (EngineObject* engine : engines) {
    try {
      engine->DisposeAll();
    } catch (...) {
    }
  }
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  // Deliberately never freed (a few bytes per environment): wrapped objects may be finalized after the instance
  // data would be, and they must still be able to reach this state safely.
  auto* state = new AddonState();
  napi_set_instance_data(env, state, nullptr, nullptr);
  napi_add_env_cleanup_hook(env, Cleanup, state);
  state->engineConstructor = Napi::Persistent(EngineObject::Define(env));
  state->contextConstructor = Napi::Persistent(ContextObject::Define(env));
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("load", Napi::Function::New(env, Load, "load"));
  exports.Set("loadAsync", Napi::Function::New(env, LoadAsync, "loadAsync"));
  exports.Set("startBuild", Napi::Function::New(env, StartBuild, "startBuild"));
  exports.Set("releaseBuilders", Napi::Function::New(env, ReleaseBuilders, "releaseBuilders"));
  exports.Set("deserializeEngine", Napi::Function::New(env, DeserializeEngine, "deserializeEngine"));
  exports.Set("environment", Napi::Function::New(env, Environment, "environment"));
  exports.Set("deviceMemory", Napi::Function::New(env, DeviceMemory, "deviceMemory"));
  exports.Set("capabilities", Capabilities(env));
  return exports;
}

}  // namespace

}  // namespace trtn

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return trtn::Module(env, exports); }

NODE_API_MODULE(trtn_backend, InitModule)
