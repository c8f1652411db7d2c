// Error conversion: every native failure becomes the JS TensorRTError class handed to the addon by init().
#pragma once

#include <napi.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace trtn {

/** A failure with a TensorRTError code (lib/errors.ts) and the recent TensorRT log lines. */
class NativeError : public std::runtime_error {
 public:
  NativeError(std::string code, const std::string& message, std::vector<std::string> log = {})
      : std::runtime_error(message), code_(std::move(code)), log_(std::move(log)) {}
  const std::string& code() const { return code_; }
  const std::vector<std::string>& log() const { return log_; }
  void setLog(std::vector<std::string> log) { log_ = std::move(log); }

 private:
  std::string code_;
  std::vector<std::string> log_;
};

/** Per-environment state: the error class and the cleanup registry. */
struct AddonState;
AddonState* GetState(Napi::Env env);

/** Stores the TensorRTError constructor (init(ErrorClass)). */
void SetErrorClass(Napi::Env env, Napi::Function errorClass);

/** new TensorRTError(code, message, { log }) — or a plain Error with .code if init() was never called. */
Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message,
                      const std::vector<std::string>& log = {});
Napi::Error MakeError(Napi::Env env, const NativeError& error);

/**
 * Runs `body` and converts any C++ exception into a thrown JS TensorRTError. Every entry point goes through
 * this so that no C++ exception ever crosses into V8.
 */
template <typename Body>
Napi::Value Guard(Napi::Env env, Body&& body) {
  try {
    return body();
  } catch (const Napi::Error& error) {
    throw;
  } catch (const NativeError& error) {
    throw MakeError(env, error);
  } catch (const std::bad_alloc&) {
    throw MakeError(env, "ERR_INTERNAL", "Out of host memory in the native backend.");
  } catch (const std::exception& error) {
    throw MakeError(env, "ERR_INTERNAL", std::string("Unexpected native error: ") + error.what() +
                                             ". Please report it with the log.");
  }
}

}  // namespace trtn
