// Makes TensorRT's own dlopen/dlmopen of its helper libraries find them next to libnvinfer.
#pragma once

#include <string>
#include <vector>

namespace trtn {

/**
 * TensorRT opens its builder resource (libnvinfer_builder_resource.so.<version>, 1.4 GB) with dlopen/dlmopen by
 * bare file name, which the dynamic loader looks up only on LD_LIBRARY_PATH, the ld.so cache and the system
 * folders. Preloading the file does not help: its SONAME is "do_not_link_against_nvinfer_builder_resource", so the
 * bare name never matches the loaded copy. This points the GOT slots of `dlopen` and `dlmopen` in the library
 * opened as `handle` at wrappers that turn a bare name into `directory/name` when that file exists there, and pass
 * everything else through unchanged. Returns the names of the slots it redirected; `error` says why none was.
 */
std::vector<std::string> RedirectSiblingLoads(void* handle, const std::string& directory, std::string& error);

}  // namespace trtn
