#pragma once
#include <napi.h>
namespace trtn {
/** environment(device) → GPU facts from the driver API, current clocks through NVML when available. */
Napi::Value Environment(const Napi::CallbackInfo& info);
/**
 * Loads NVML once per process (nvmlInit can take a second): called at the start of the build and deserialize
 * workers, so that the main thread's environment() after a build or a load never blocks the event loop on it.
 */
void WarmEnvironment() noexcept;
}  // namespace trtn
