// The builder session: ONNX bytes + plain options in, plan + inspector JSON + log + tactics out, on a worker thread.
#pragma once

#include <napi.h>

namespace trtn {

/**
 * startBuild(onnx: Uint8Array, options: NativeBuildOptions, onProgress?: fn) → { promise, cancel() }.
 * `cancel` sets an atomic flag that the progress monitor turns into a cancelled build (ERR_ABORTED).
 */
Napi::Value StartBuild(const Napi::CallbackInfo& info);

/**
 * releaseBuilders() → number: frees the builders kept by builds with keepBuilder (waiting for a build that holds
 * one), returning their device memory.
 */
Napi::Value ReleaseBuilders(const Napi::CallbackInfo& info);

}  // namespace trtn
