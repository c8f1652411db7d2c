#pragma once
#include <napi.h>
namespace trtn {
/** environment(device) → GPU facts from the driver API, current clocks through NVML when available. */
Napi::Value Environment(const Napi::CallbackInfo& info);
}  // namespace trtn
