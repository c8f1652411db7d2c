// tensorrt-node: minimal stand-in for the CUDA toolkit's cuda_profiler_api.h, which the
// nvidia-cuda-runtime wheel does not ship. cudaProfilerStart/Stop are exported by libcudart.
#pragma once
#include <cuda_runtime_api.h>
#ifdef __cplusplus
extern "C" {
#endif
extern __host__ cudaError_t CUDARTAPI cudaProfilerStart(void);
extern __host__ cudaError_t CUDARTAPI cudaProfilerStop(void);
#ifdef __cplusplus
}
#endif
