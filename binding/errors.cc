#include "errors.h"

#include "addon_state.h"

namespace trtn {

AddonState* GetState(Napi::Env env) { return env.GetInstanceData<AddonState>(); }

void SetErrorClass(Napi::Env env, Napi::Function errorClass) {
  AddonState* state = GetState(env);
  if (state != nullptr) state->errorClass = Napi::Persistent(errorClass);
}

Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message,
                      const std::vector<std::string>& log) {
  Napi::Array lines = Napi::Array::New(env, log.size());
  for (size_t i = 0; i < log.size(); ++i) lines.Set(static_cast<uint32_t>(i), log[i]);
  AddonState* state = GetState(env);
  if (state != nullptr && !state->errorClass.IsEmpty()) {
    Napi::Object details = Napi::Object::New(env);
    details.Set("log", lines);
    Napi::Object instance = state->errorClass.New({Napi::String::New(env, code), Napi::String::New(env, message), details});
    return Napi::Error(env, instance);
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", code);
  error.Set("log", lines);
  return error;
}

Napi::Error MakeError(Napi::Env env, const NativeError& error) {
  return MakeError(env, error.code(), error.what(), error.log());
}

}  // namespace trtn
