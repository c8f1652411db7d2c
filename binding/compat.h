// Every difference between the TensorRT majors this package compiles against (8.6, 10.x, 11.x) lives here.
//
// Rule: names in, enum values out. BuilderFlag and TacticSource were renumbered in 11, so nothing outside this
// header ever stores or compares their integers; the TS layer passes names ("SPARSE_WEIGHTS", "CUDNN") and this
// header maps them with the enumerators of the headers in use.
#pragma once

#include <NvInfer.h>
#include <NvInferVersion.h>

#include <cstdint>
#include <string>

#if NV_TENSORRT_MAJOR >= 10
#include <NvOnnxParser.h>
#endif

#if defined(TRTN_EXPECTED_MAJOR) && TRTN_EXPECTED_MAJOR != NV_TENSORRT_MAJOR
#error "TensorRT headers do not match the backend being built (check TRTN_TENSORRT_INCLUDE_<major>)"
#endif

// --- Feature switches -------------------------------------------------------------------------------------------

#define TRTN_HAS_PROGRESS_MONITOR (NV_TENSORRT_MAJOR >= 10)
// IAlgorithmSelector exists up to 10.x (deprecated in 10) and is gone in 11.
#define TRTN_HAS_ALGORITHM_SELECTOR (NV_TENSORRT_MAJOR <= 10)
// Editable timing cache (queryKeys/query/update, kEDITABLE_TIMING_CACHE) arrived in 10.8.
#define TRTN_HAS_EDITABLE_TIMING_CACHE (NV_TENSORRT_MAJOR >= 11 || (NV_TENSORRT_MAJOR == 10 && NV_TENSORRT_MINOR >= 8))
// Weak typing (precision flags, ITensor::setType on IO) was removed in 11.
#define TRTN_HAS_PRECISION_FLAGS (NV_TENSORRT_MAJOR <= 10)
#define TRTN_HAS_ERROR_ON_TIMING_CACHE_MISS (NV_TENSORRT_MAJOR >= 10)

// --- The ONNX parser --------------------------------------------------------------------------------------------
// 8.6's include/ has no NvOnnxParser.h (it lived in the onnx-tensorrt submodule), so the few members used here
// are declared with the same virtual-function order as that release's parser interface. Only the first slots
// up to clearErrors() and the destructor are used.
#if NV_TENSORRT_MAJOR < 10
namespace nvonnxparser {
class IParserError {
 public:
  virtual int code() const = 0;
  virtual char const* desc() const = 0;
  virtual char const* file() const = 0;
  virtual int line() const = 0;
  virtual char const* func() const = 0;
  virtual int node() const = 0;

 protected:
  virtual ~IParserError() {}
};

class IParser {
 public:
  virtual bool parse(void const* model, size_t size, char const* modelPath = nullptr) = 0;
  virtual bool parseFromFile(char const* file, int verbosity) = 0;
  virtual bool supportsModel(void const* model, size_t size, void* subGraphs, char const* modelPath = nullptr) = 0;
  virtual bool parseWithWeightDescriptors(void const* model, size_t size) = 0;
  virtual bool supportsOperator(char const* name) const = 0;
  virtual void destroy() = 0;
  virtual int getNbErrors() const = 0;
  virtual IParserError const* getError(int index) const = 0;
  virtual void clearErrors() = 0;
  virtual ~IParser() noexcept = default;
};
}  // namespace nvonnxparser
#endif

// The parser ABI version passed to createNvOnnxParser_INTERNAL (0.1.0 encoded, as in every release so far).
#if NV_TENSORRT_MAJOR >= 10
#define NV_ONNX_PARSER_VERSION_VALUE NV_ONNX_PARSER_VERSION
#else
#define NV_ONNX_PARSER_VERSION_VALUE 100
#endif

namespace trtn {
namespace compat {

/** Header version as "major.minor.patch". */
inline std::string HeaderVersion() {
  return std::to_string(NV_TENSORRT_MAJOR) + "." + std::to_string(NV_TENSORRT_MINOR) + "." +
         std::to_string(NV_TENSORRT_PATCH);
}

/** Flags for createNetworkV2: explicit batch is required on 8.x and implied (deprecated flag) from 10. */
inline uint32_t NetworkCreationFlags() {
#if NV_TENSORRT_MAJOR < 10
  return 1U << static_cast<uint32_t>(nvinfer1::NetworkDefinitionCreationFlag::kEXPLICIT_BATCH);
#else
  return 0U;
#endif
}

/** Maps a trtexec-style flag name to this version's BuilderFlag; false when this version has no such flag. */
inline bool BuilderFlagByName(const std::string& name, nvinfer1::BuilderFlag& out) {
  using nvinfer1::BuilderFlag;
#if TRTN_HAS_PRECISION_FLAGS
  if (name == "FP16") return out = BuilderFlag::kFP16, true;
#endif
  if (name == "SPARSE_WEIGHTS") return out = BuilderFlag::kSPARSE_WEIGHTS, true;
  if (name == "TF32") return out = BuilderFlag::kTF32, true;
  if (name == "DISABLE_TIMING_CACHE") return out = BuilderFlag::kDISABLE_TIMING_CACHE, true;
#if TRTN_HAS_ERROR_ON_TIMING_CACHE_MISS
  if (name == "ERROR_ON_TIMING_CACHE_MISS") return out = BuilderFlag::kERROR_ON_TIMING_CACHE_MISS, true;
#endif
#if TRTN_HAS_EDITABLE_TIMING_CACHE
  if (name == "EDITABLE_TIMING_CACHE") return out = BuilderFlag::kEDITABLE_TIMING_CACHE, true;
#endif
  return false;
}

/** Maps a tactic source name (trtexec spelling) to this version's TacticSource. */
inline bool TacticSourceByName(const std::string& name, nvinfer1::TacticSource& out) {
  using nvinfer1::TacticSource;
#if NV_TENSORRT_MAJOR <= 10
  if (name == "CUBLAS") return out = TacticSource::kCUBLAS, true;
  if (name == "CUBLAS_LT") return out = TacticSource::kCUBLAS_LT, true;
  if (name == "CUDNN") return out = TacticSource::kCUDNN, true;
#endif
  if (name == "EDGE_MASK_CONVOLUTIONS") return out = TacticSource::kEDGE_MASK_CONVOLUTIONS, true;
  if (name == "JIT_CONVOLUTIONS") return out = TacticSource::kJIT_CONVOLUTIONS, true;
  return false;
}

/** Memory pool by the field names of MemoryPoolLimits in lib/types/build.ts. */
inline bool MemoryPoolByName(const std::string& name, nvinfer1::MemoryPoolType& out) {
  using nvinfer1::MemoryPoolType;
  if (name == "workspace") return out = MemoryPoolType::kWORKSPACE, true;
  if (name == "dlaSRAM") return out = MemoryPoolType::kDLA_MANAGED_SRAM, true;
  if (name == "dlaLocalDRAM") return out = MemoryPoolType::kDLA_LOCAL_DRAM, true;
  if (name == "dlaGlobalDRAM") return out = MemoryPoolType::kDLA_GLOBAL_DRAM, true;
#if NV_TENSORRT_MAJOR >= 10
  if (name == "tacticSharedMemory") return out = MemoryPoolType::kTACTIC_SHARED_MEMORY, true;
#endif
  return false;
}

/** trtexec's IO type names (`fp16`, `int8` …) to DataType. */
inline bool DataTypeByIoName(const std::string& name, nvinfer1::DataType& out) {
  using nvinfer1::DataType;
  if (name == "fp32") return out = DataType::kFLOAT, true;
  if (name == "fp16") return out = DataType::kHALF, true;
  if (name == "int8") return out = DataType::kINT8, true;
  if (name == "int32") return out = DataType::kINT32, true;
  if (name == "uint8") return out = DataType::kUINT8, true;
  if (name == "bool") return out = DataType::kBOOL, true;
  if (name == "fp8") return out = DataType::kFP8, true;
#if NV_TENSORRT_MAJOR >= 10
  if (name == "bf16") return out = DataType::kBF16, true;
  if (name == "int64") return out = DataType::kINT64, true;
#endif
  return false;
}

/** DataType to the DataTypeName strings of lib/types/tensors.ts. */
inline const char* DataTypeName(nvinfer1::DataType type) {
  using nvinfer1::DataType;
  switch (type) {
    case DataType::kFLOAT: return "float32";
    case DataType::kHALF: return "float16";
    case DataType::kINT8: return "int8";
    case DataType::kINT32: return "int32";
    case DataType::kBOOL: return "bool";
    case DataType::kUINT8: return "uint8";
    case DataType::kFP8: return "fp8";
#if NV_TENSORRT_MAJOR >= 10
    case DataType::kBF16: return "bfloat16";
    case DataType::kINT64: return "int64";
    case DataType::kINT4: return "int4";
#endif
    default: return "unknown";
  }
}

/** Size of one element in bits (int4/fp4 are packed); 0 for types this package cannot copy. */
inline int DataTypeBits(nvinfer1::DataType type) {
  using nvinfer1::DataType;
  switch (type) {
    case DataType::kFLOAT: return 32;
    case DataType::kHALF: return 16;
    case DataType::kINT8: return 8;
    case DataType::kINT32: return 32;
    case DataType::kBOOL: return 8;
    case DataType::kUINT8: return 8;
    case DataType::kFP8: return 8;
#if NV_TENSORRT_MAJOR >= 10
    case DataType::kBF16: return 16;
    case DataType::kINT64: return 64;
    case DataType::kINT4: return 4;
#endif
    default: return 0;
  }
}

/** trtexec's format names to TensorFormat. */
inline bool TensorFormatByName(const std::string& name, nvinfer1::TensorFormat& out) {
  using nvinfer1::TensorFormat;
  if (name == "chw") return out = TensorFormat::kLINEAR, true;
  if (name == "chw2") return out = TensorFormat::kCHW2, true;
  if (name == "hwc8") return out = TensorFormat::kHWC8, true;
  if (name == "chw4") return out = TensorFormat::kCHW4, true;
  if (name == "chw16") return out = TensorFormat::kCHW16, true;
  if (name == "chw32") return out = TensorFormat::kCHW32, true;
  if (name == "dhwc8") return out = TensorFormat::kDHWC8, true;
  if (name == "cdhw32") return out = TensorFormat::kCDHW32, true;
  if (name == "hwc") return out = TensorFormat::kHWC, true;
  if (name == "hwc16") return out = TensorFormat::kHWC16, true;
  if (name == "dhwc") return out = TensorFormat::kDHWC, true;
  return false;
}

/** TensorFormat to the short names of lib/types/tensors.ts TensorFormatName. */
inline const char* TensorFormatName(nvinfer1::TensorFormat format) {
  using nvinfer1::TensorFormat;
  switch (format) {
    case TensorFormat::kLINEAR: return "chw";
    case TensorFormat::kCHW2: return "chw2";
    case TensorFormat::kHWC8: return "hwc8";
    case TensorFormat::kCHW4: return "chw4";
    case TensorFormat::kCHW16: return "chw16";
    case TensorFormat::kCHW32: return "chw32";
    case TensorFormat::kDHWC8: return "dhwc8";
    case TensorFormat::kCDHW32: return "cdhw32";
    case TensorFormat::kHWC: return "hwc";
    case TensorFormat::kHWC16: return "hwc16";
    case TensorFormat::kDHWC: return "dhwc";
    default: return "unknown";
  }
}

/** ProfilingVerbosity from lib/types/build.ts names. */
inline nvinfer1::ProfilingVerbosity ProfilingVerbosityByName(const std::string& name) {
  if (name == "none") return nvinfer1::ProfilingVerbosity::kNONE;
  if (name == "layer_names_only") return nvinfer1::ProfilingVerbosity::kLAYER_NAMES_ONLY;
  return nvinfer1::ProfilingVerbosity::kDETAILED;
}

/** An execution context that allocates no device memory (for the inspector, which only reads it). */
inline nvinfer1::IExecutionContext* CreateContextWithoutDeviceMemory(nvinfer1::ICudaEngine& engine) {
#if NV_TENSORRT_MAJOR >= 10
  return engine.createExecutionContext(nvinfer1::ExecutionContextAllocationStrategy::kUSER_MANAGED);
#else
  return engine.createExecutionContextWithoutDeviceMemory();
#endif
}

/** Device memory an execution context needs (the size_t getter was removed in 11). */
inline double DeviceMemorySize(nvinfer1::ICudaEngine const& engine) {
#if NV_TENSORRT_MAJOR >= 10
  return static_cast<double>(engine.getDeviceMemorySizeV2());
#else
  return static_cast<double>(engine.getDeviceMemorySize());
#endif
}

/** Parser error code as a number (an enum class on 10+, a plain int in the 8.6 declarations above). */
inline int ParserErrorCode(nvonnxparser::IParserError const* error) { return static_cast<int>(error->code()); }

}  // namespace compat
}  // namespace trtn
