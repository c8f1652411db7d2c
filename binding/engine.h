// A deserialized engine (ICudaEngine + the runtime that made it) as a JS object.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "compat.h"
#include "logger.h"

namespace trtn {

class ContextObject;

/** The TensorRT objects behind one engine; shared with contexts and workers so none outlives the other. */
struct EngineCore {
  int device = 0;
  std::unique_ptr<Logger> logger;
  std::unique_ptr<nvinfer1::IRuntime> runtime;
  std::unique_ptr<nvinfer1::ICudaEngine> engine;
  ~EngineCore();
};

class EngineObject : public Napi::ObjectWrap<EngineObject> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit EngineObject(const Napi::CallbackInfo& info);
  ~EngineObject() override;

  void Adopt(std::shared_ptr<EngineCore> core) { core_ = std::move(core); }
  std::shared_ptr<EngineCore> Core() const { return core_; }
  /** Throws ERR_DISPOSED after dispose(). */
  std::shared_ptr<EngineCore> EnsureAlive() const;
  void Forget(ContextObject* context);
  /** Releases the engine and every context made from it; idempotent. */
  void DisposeAll();

 private:
  Napi::Value Io(const Napi::CallbackInfo& info);
  Napi::Value Inspect(const Napi::CallbackInfo& info);
  Napi::Value CreateContext(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  Napi::Value DeviceMemorySize(const Napi::CallbackInfo& info);

  std::shared_ptr<EngineCore> core_;
  std::set<ContextObject*> contexts_;
  Napi::Env env_;
};

/** deserializeEngine(plan: Uint8Array, device: number) → Promise<Engine>. */
Napi::Value DeserializeEngine(const Napi::CallbackInfo& info);

}  // namespace trtn
