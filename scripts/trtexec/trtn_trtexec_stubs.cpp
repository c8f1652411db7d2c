// tensorrt-node: our own stubs so a TRT_STATIC-style trtexec build does not need
// libnvinfer_plugin (nor, for TensorRT 8.x, libnvparsers) at run time.
// Not NVIDIA code. The models we test need no standard plugins and no Caffe/UFF.
#include <cstdio>
#include "NvInferPlugin.h"
#include "NvInferVersion.h"
#if NV_TENSORRT_MAJOR < 10
#include "NvCaffeParser.h"
#include "NvUffParser.h"
#endif

extern "C" bool initLibNvInferPlugins(void*, char const*)
{
    std::fprintf(stderr, "[tensorrt-node trtexec] standard plugins not linked (initLibNvInferPlugins stub)\n");
    return true;
}

#if NV_TENSORRT_MAJOR < 10
namespace nvcaffeparser1
{
ICaffeParser* createCaffeParser() noexcept
{
    std::fprintf(stderr, "[tensorrt-node trtexec] Caffe parser not linked in this build\n");
    return nullptr;
}
void shutdownProtobufLibrary() noexcept {}
} // namespace nvcaffeparser1
namespace nvuffparser
{
IUffParser* createUffParser() noexcept
{
    std::fprintf(stderr, "[tensorrt-node trtexec] UFF parser not linked in this build\n");
    return nullptr;
}
void shutdownProtobufLibrary(void) noexcept {}
} // namespace nvuffparser
#endif
