#include "engine.h"

#include <cstring>

#include "addon_state.h"
#include "cuda_resources.h"
#include "environment.h"
#include "errors.h"
#include "execution_context.h"
#include "inspector.h"
#include "tensorrt_library.h"
#include "worker.h"

namespace trtn {

EngineCore::~EngineCore() {
  // TensorRT frees device memory in these destructors, so the device must be current on this thread. Contexts
  // hold a shared_ptr to this core, so they are already gone. Order: engine before runtime.
  try {
    if (Library().loaded) MakeDeviceCurrent(device);
  } catch (...) {
  }
  engine.reset();
  runtime.reset();
}

namespace {


/** Deserialization failures: version/platform messages in the log mean "wrong TensorRT or GPU", else bad bytes. */
NativeError DeserializeError(const Logger& logger) {
  const char* versionHints[] = {"version", "Version", "compatib", "Serialization assertion", "platform", "different GPU",
                                "magicTag", "stdVersionRead"};
  bool versionProblem = false;
  for (const char* hint : versionHints) {
    if (logger.Contains(hint)) {
      versionProblem = true;
      break;
    }
  }
  // A corrupt or non-TensorRT file also fails the magic check, which mentions "magicTag"; only call it a version
  // problem when the log names a version.
  if (versionProblem && (logger.Contains("version") || logger.Contains("Version"))) {
    return NativeError("ERR_ENGINE_VERSION",
                       "This plan was built by another TensorRT version or for another GPU (TensorRT " +
                           VersionText(Library().libraryVersion) + " here). Rebuild it from the ONNX model on this machine.",
                       logger.Recent());
  }
  return NativeError("ERR_ENGINE_FORMAT", "These bytes are not a TensorRT plan this runtime can load (truncated or corrupt?).",
                     logger.Recent());
}

std::shared_ptr<EngineCore> Deserialize(const std::vector<uint8_t>& plan, int device) {
  TensorRtLibrary& library = RequireLibrary();
  MakeDeviceCurrent(device);
  auto core = std::make_shared<EngineCore>();
  core->device = device;
  // Capped: a long-lived engine whose runs each log a warning must not grow without bound.
  core->logger = std::make_unique<Logger>(false, 1000);
  core->runtime.reset(static_cast<nvinfer1::IRuntime*>(library.createInferRuntime(core->logger.get(), NV_TENSORRT_VERSION)));
  if (!core->runtime) throw NativeError("ERR_INTERNAL", "createInferRuntime failed.", core->logger->Recent());
  if (plan.empty()) throw NativeError("ERR_ENGINE_FORMAT", "The plan is empty.");
  core->engine.reset(core->runtime->deserializeCudaEngine(plan.data(), plan.size()));
  if (!core->engine) throw DeserializeError(*core->logger);
  return core;
}

class DeserializeWorker : public PromiseWorker {
 public:
  DeserializeWorker(Napi::Env env, std::vector<uint8_t> plan, int device)
      : PromiseWorker(env, "trtn:deserialize", "ERR_ENGINE_FORMAT"), plan_(std::move(plan)), device_(device) {}

  void Run() override { core_ = Deserialize(plan_, device_); }

  void Execute() override {
    PromiseWorker::Execute();
    // Reports on this engine call environment() on the main thread: NVML's first init is paid here instead.
    WarmEnvironment();
  }

  void OnOK() override {
    Napi::Env env = Env();
    AddonState* state = GetState(env);
    Napi::Object object = state->engineConstructor.New({});
    EngineObject::Unwrap(object)->Adopt(core_);
    core_.reset();
    deferred_.Resolve(object);
  }

  void OnError(const Napi::Error& error) override {
    // Release on the main thread with the device current (the destructor handles it).
    core_.reset();
    PromiseWorker::OnError(error);
  }

 private:
  std::vector<uint8_t> plan_;
  int device_;
  std::shared_ptr<EngineCore> core_;
};

}  // namespace


Napi::Function EngineObject::Define(Napi::Env env) {
  return DefineClass(env, "Engine",
                     {
                         InstanceMethod("io", &EngineObject::Io),
                         InstanceMethod("inspect", &EngineObject::Inspect),
                         InstanceMethod("createContext", &EngineObject::CreateContext),
                         InstanceMethod("dispose", &EngineObject::Dispose),
                         InstanceMethod("isDisposed", &EngineObject::IsDisposed),
                         InstanceMethod("deviceMemorySize", &EngineObject::DeviceMemorySize),
                     });
}

EngineObject::EngineObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineObject>(info), env_(info.Env()) {
  AddonState* state = GetState(env_);
  if (state != nullptr) state->liveEngines.insert(this);
}

EngineObject::~EngineObject() {
  // Finalizer path (GC'd without dispose()): contexts keep this object alive through a reference, so none remain.
  AddonState* state = GetState(env_);
  if (state != nullptr) state->liveEngines.erase(this);
  contexts_.clear();
  core_.reset();
}

std::shared_ptr<EngineCore> EngineObject::EnsureAlive() const {
  if (!core_) throw NativeError("ERR_DISPOSED", "This engine was disposed; load it again to use it.");
  return core_;
}

void EngineObject::Forget(ContextObject* context) { contexts_.erase(context); }

void EngineObject::DisposeAll() {
  std::set<ContextObject*> contexts;
  contexts.swap(contexts_);
  for (ContextObject* context : contexts) context->Release();
  core_.reset();
}

Napi::Value EngineObject::Io(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<EngineCore> core = EnsureAlive();
    nvinfer1::ICudaEngine& engine = *core->engine;
    const int32_t count = engine.getNbIOTensors();
    Napi::Array list = Napi::Array::New(env, static_cast<size_t>(count));
    for (int32_t i = 0; i < count; ++i) {
      const char* name = engine.getIOTensorName(i);
      Napi::Object tensor = Napi::Object::New(env);
      tensor.Set("name", name);
      tensor.Set("mode", engine.getTensorIOMode(name) == nvinfer1::TensorIOMode::kINPUT ? "input" : "output");
      tensor.Set("dataType", compat::DataTypeName(engine.getTensorDataType(name)));
      const nvinfer1::Dims dims = engine.getTensorShape(name);
      Napi::Array shape = Napi::Array::New(env);
      for (int32_t d = 0; d < dims.nbDims; ++d) shape.Set(static_cast<uint32_t>(d), static_cast<double>(dims.d[d]));
      tensor.Set("shape", shape);
      tensor.Set("format", compat::TensorFormatName(engine.getTensorFormat(name)));
      const char* description = engine.getTensorFormatDesc(name);
      if (description != nullptr) tensor.Set("formatText", description);
      tensor.Set("componentsPerElement", engine.getTensorComponentsPerElement(name));
      tensor.Set("vectorizedDim", engine.getTensorVectorizedDim(name));
      tensor.Set("bytesPerComponent", engine.getTensorBytesPerComponent(name));
      list.Set(static_cast<uint32_t>(i), tensor);
    }
    return list;
  });
}

Napi::Value EngineObject::Inspect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<EngineCore> core = EnsureAlive();
    MakeDeviceCurrent(core->device);
    return Napi::String::New(env, InspectorJson(*core->engine));
  });
}

Napi::Value EngineObject::DeviceMemorySize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<EngineCore> core = EnsureAlive();
    return Napi::Number::New(env, compat::DeviceMemorySize(*core->engine));
  });
}

Napi::Value EngineObject::CreateContext(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    EnsureAlive();
    AddonState* state = GetState(env);
    // createContext(options?): { pinnedOutputs?: boolean } travels to the context's constructor.
    Napi::Value options = info.Length() > 0 && info[0].IsObject() ? info[0] : env.Undefined();
    Napi::Object object = state->contextConstructor.New({Value(), options});
    contexts_.insert(ContextObject::Unwrap(object));
    return object;
  });
}

Napi::Value EngineObject::Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    DisposeAll();
    return env.Undefined();
  });
}

Napi::Value EngineObject::IsDisposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !core_); }

Napi::Value DeserializeEngine(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    RequireLibrary();
    if (info.Length() < 1 || !info[0].IsTypedArray()) {
      throw NativeError("ERR_INVALID_ARGUMENT", "deserializeEngine(plan: Uint8Array, device?: number) expected.");
    }
    Napi::TypedArray array = info[0].As<Napi::TypedArray>();
    const uint8_t* data = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
    std::vector<uint8_t> plan(data, data + array.ByteLength());
    const int device = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 0;
    auto* worker = new DeserializeWorker(env, std::move(plan), device);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

}  // namespace trtn
