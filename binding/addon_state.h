// Per-environment state of a backend addon (main thread and each worker_thread load their own instance).
#pragma once

#include <napi.h>

#include <set>

namespace trtn {

class EngineObject;

struct AddonState {
  Napi::FunctionReference errorClass;
  Napi::FunctionReference engineConstructor;
  Napi::FunctionReference contextConstructor;
  // Engines still alive in this environment; the env cleanup hook disposes them so that device memory is
  // returned before the process (or worker) goes away even if JS never called dispose().
  std::set<EngineObject*> liveEngines;
};

}  // namespace trtn
