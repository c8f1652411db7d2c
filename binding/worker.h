// One base for the addon's async workers: the work runs on a worker thread, every C++ exception becomes a coded
// TensorRTError (never an unconverted throw across N-API), and one promise is settled on the main thread.
#pragma once

#include <napi.h>

#include <exception>
#include <string>
#include <vector>

#include "errors.h"

namespace trtn {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  /** `defaultCode` is the code of a failure that carries none (e.g. ERR_BUILD_FAILED for a build). */
  PromiseWorker(Napi::Env env, const char* resourceName, const char* defaultCode)
      : Napi::AsyncWorker(env, resourceName), deferred_(Napi::Promise::Deferred::New(env)), defaultCode_(defaultCode) {}

  /** The work, on the worker thread; throw NativeError for a coded failure. Never touches JS. */
  virtual void Run() = 0;
  /** TensorRT log lines to attach to a failure that brought none (worker thread). */
  virtual std::vector<std::string> RecentLog() const { return {}; }

  void Execute() override {
    try {
      Run();
    } catch (const NativeError& error) {
      code_ = error.code();
      log_ = error.log().empty() ? RecentLog() : error.log();
      SetError(error.what());
    } catch (const std::exception& error) {
      code_ = "ERR_INTERNAL";
      log_ = RecentLog();
      SetError(std::string("Unexpected native error: ") + error.what());
    } catch (...) {
      code_ = "ERR_INTERNAL";
      SetError("Unexpected native error of an unknown type.");
    }
  }

  void OnError(const Napi::Error& error) override {
    deferred_.Reject(MakeError(Env(), code_.empty() ? defaultCode_ : code_, error.Message(), log_).Value());
  }

  Napi::Promise::Deferred deferred_;

 private:
  std::string defaultCode_;
  std::string code_;
  std::vector<std::string> log_;
};

}  // namespace trtn
