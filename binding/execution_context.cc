#include "execution_context.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <type_traits>

#include "errors.h"
#include "tensorrt_library.h"

namespace trtn {

ContextCore::~ContextCore() { ReleaseResources(); }

void ContextCore::ReleaseResources() noexcept {
  released.store(true);
  try {
    if (Library().loaded && engine) {
      MakeDeviceCurrent(engine->device);
      // A run that failed part-way may still have work queued on the benchmark's streams: let it finish before its
      // buffers go (errors ignored: there is nothing left to report them to).
      if (context || !buffers.empty() || !staging.empty()) Library().cuda.cuCtxSynchronize();
    }
  } catch (...) {
  }
  // The context first (it may use the buffers during teardown), then buffers, then the stream.
  context.reset();
  buffers.clear();
  staging.clear();
  runStart.reset();
  runEnd.reset();
  stream.reset();
  boundShapes.clear();
}

namespace {
/** float32 values in [0, 1) from xorshift32 (fixed seed), then zero bytes for a tail shorter than a float. */
void FillUniform(uint8_t* data, size_t bytes) {
  uint32_t state = 2463534242u;
  const size_t count = bytes / sizeof(float);
  for (size_t i = 0; i < count; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    const float value = static_cast<float>(state >> 8) * (1.0f / 16777216.0f);
    std::memcpy(data + i * sizeof(float), &value, sizeof(float));
  }
  std::memset(data + count * sizeof(float), 0, bytes - count * sizeof(float));
}
}  // namespace

size_t ContextCore::TensorBytes(const char* name) const {
  nvinfer1::ICudaEngine& cudaEngine = *engine->engine;
  const int bits = compat::DataTypeBits(cudaEngine.getTensorDataType(name));
  if (bits == 0) throw NativeError("ERR_UNSUPPORTED", std::string("Tensor '") + name + "' has a data type this package cannot copy.");
  const nvinfer1::Dims dims = context->getTensorShape(name);
  const int32_t vectorized = cudaEngine.getTensorVectorizedDim(name);
  const int32_t components = cudaEngine.getTensorComponentsPerElement(name);
  uint64_t elements = 1;
  for (int32_t i = 0; i < dims.nbDims; ++i) {
    int64_t extent = dims.d[i];
    if (extent < 0) throw NativeError("ERR_INPUT", std::string("The shape of tensor '") + name + "' is not fully specified; pass shapes for dynamic inputs.");
    if (i == vectorized && components > 1) extent = (extent + components - 1) / components * components;
    elements *= static_cast<uint64_t>(extent);
  }
  return static_cast<size_t>((elements * static_cast<uint64_t>(bits) + 7) / 8);
}

void ContextCore::Prepare(const std::vector<HostTensor>& inputs, bool withStaging) {
  nvinfer1::ICudaEngine& cudaEngine = *engine->engine;
  bool same = !boundShapes.empty() && boundShapes.size() == inputs.size();
  for (size_t i = 0; same && i < inputs.size(); ++i) same = boundShapes[i].first == inputs[i].name && boundShapes[i].second == inputs[i].shape;
  if (!same) {
    boundShapes.clear();
    for (const HostTensor& input : inputs) {
      if (cudaEngine.getTensorIOMode(input.name.c_str()) != nvinfer1::TensorIOMode::kINPUT) {
        throw NativeError("ERR_INPUT", "'" + input.name + "' is not an input of this engine.");
      }
      nvinfer1::Dims dims{};
      if (input.shape.size() > static_cast<size_t>(nvinfer1::Dims::MAX_DIMS)) throw NativeError("ERR_INPUT", "Too many dimensions for '" + input.name + "'.");
      dims.nbDims = static_cast<int32_t>(input.shape.size());
      for (size_t i = 0; i < input.shape.size(); ++i) dims.d[i] = static_cast<std::remove_reference_t<decltype(dims.d[0])>>(input.shape[i]);
      if (!context->setInputShape(input.name.c_str(), dims)) {
        throw NativeError("ERR_INPUT", "TensorRT rejected the shape of input '" + input.name + "' (outside the optimization profile?).",
                          engine->logger->Recent());
      }
    }
    // Checked per input from the context's own shapes: 8.6's allInputDimensionsSpecified() answered false for a
    // dynamic-batch input whose shape setInputShape had just accepted (H200, 2026-12-02).
    const int32_t count = cudaEngine.getNbIOTensors();
    for (int32_t i = 0; i < count; ++i) {
      const char* name = cudaEngine.getIOTensorName(i);
      if (cudaEngine.getTensorIOMode(name) != nvinfer1::TensorIOMode::kINPUT) continue;
      const nvinfer1::Dims shape = context->getTensorShape(name);
      bool specified = shape.nbDims >= 0;
      for (int32_t d = 0; specified && d < shape.nbDims; ++d) specified = shape.d[d] >= 0;
      if (!specified) throw NativeError("ERR_INPUT", std::string("Input '") + name + "' is dynamic and has no shape; pass { data, shape } for it.");
    }
    for (int32_t i = 0; i < count; ++i) {
      const char* name = cudaEngine.getIOTensorName(i);
      const size_t bytes = TensorBytes(name);
      DeviceBuffer& buffer = buffers[name];
      if (buffer.get() == 0 || buffer.bytes() < bytes) buffer.Allocate(bytes);
      if (withStaging) Staging(name, bytes);
      if (!context->setTensorAddress(name, buffer.address())) {
        throw NativeError("ERR_INFERENCE", std::string("setTensorAddress failed for '") + name + "'.", engine->logger->Recent());
      }
    }
    boundInputBytes.clear();
    for (const HostTensor& input : inputs) boundInputBytes.push_back(TensorBytes(input.name.c_str()));
    boundOutputs.clear();
    for (int32_t i = 0; i < count; ++i) {
      const char* name = cudaEngine.getIOTensorName(i);
      if (cudaEngine.getTensorIOMode(name) != nvinfer1::TensorIOMode::kOUTPUT) continue;
      OutputTensor output;
      output.name = name;
      output.dataType = compat::DataTypeName(cudaEngine.getTensorDataType(name));
      const nvinfer1::Dims dims = context->getTensorShape(name);
      for (int32_t d = 0; d < dims.nbDims; ++d) output.shape.push_back(dims.d[d]);
      output.byteLength = TensorBytes(name);
      boundOutputs.push_back(std::move(output));
    }
    for (const HostTensor& input : inputs) boundShapes.emplace_back(input.name, input.shape);
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const HostTensor& input = inputs[i];
    const size_t bytes = boundInputBytes[i];
    if (input.byteLength != bytes) {
      boundShapes.clear();
      throw NativeError("ERR_INPUT", "Input '" + input.name + "' has " + std::to_string(input.byteLength) + " bytes; the engine expects " +
                                         std::to_string(bytes) + " for this shape, type and format.");
    }
  }
}

PinnedBuffer& ContextCore::Staging(const std::string& name, size_t bytes) {
  std::shared_ptr<PinnedBuffer>& slot = staging[name];
  if (!slot || slot->capacity() < bytes) {
    // Replaced rather than grown in place: views handed to JS keep the old allocation alive until they are collected.
    // cuMemHostAlloc needs the context current (a no-op on the workers, which made it current already).
    MakeDeviceCurrent(engine->device);
    auto grown = std::make_shared<PinnedBuffer>();
    grown->Reserve(bytes);
    slot = std::move(grown);
  }
  return *slot;
}

void ContextCore::Stage(const std::vector<HostTensor>& inputs) {
  for (const HostTensor& input : inputs) {
    if (input.staged) continue;
    PinnedBuffer& host = Staging(input.name, input.byteLength);
    if (input.synthetic == HostTensor::Synthetic::kUniform) {
      FillUniform(host.data(), input.byteLength);
    } else if (input.synthetic == HostTensor::Synthetic::kZeros) {
      if (input.byteLength > 0) std::memset(host.data(), 0, input.byteLength);
    } else if (!input.bytes.empty()) {
      std::memcpy(host.data(), input.bytes.data(), input.bytes.size());
    }
  }
}

void ContextCore::Upload(const std::vector<HostTensor>& inputs, CUstream stream) {
  const CudaDriverApi& api = RequireLibrary().cuda;
  for (const HostTensor& input : inputs) {
    CheckCuda(api.cuMemcpyHtoDAsync(buffers[input.name].get(), staging[input.name]->data(), input.byteLength, stream), "cuMemcpyHtoDAsync");
  }
}

void ContextCore::EnsureContext() {
  if (context) return;
  if (released.load()) throw NativeError("ERR_DISPOSED", "This execution context (or its engine) was disposed.");
  context.reset(engine->engine->createExecutionContext());
  if (!context) {
    throw NativeError("ERR_CUDA_OOM", "TensorRT could not create an execution context (not enough device memory?).", engine->logger->Recent());
  }
}

void ContextCore::BeginRun() {
  MakeDeviceCurrent(engine->device);
  EnsureContext();
  if (!stream) stream = std::make_unique<Stream>();
}

CUstream ContextCore::StartRun(const std::vector<HostTensor>& inputs, bool timed) {
  BeginRun();
  Stage(inputs);
  Prepare(inputs);
  CUstream handle = stream->get();
  if (timed) {
    if (!runStart) runStart = std::make_unique<Event>(false);
    if (!runEnd) runEnd = std::make_unique<Event>(false);
    runStart->Record(handle);
  }
  Upload(inputs, handle);
  return handle;
}

CUstream ContextCore::StartDeviceRun(const std::vector<HostTensor>& inputs) {
  BeginRun();
  Prepare(inputs, /*withStaging=*/false);
  // A later staged run on this context must size its staging buffers: boundShapes would let it skip that.
  boundShapes.clear();
  const CudaDriverApi& api = RequireLibrary().cuda;
  CUstream handle = stream->get();
  constexpr size_t kTile = size_t{1} << 20;
  // Copies from pageable memory are staged by the driver before cuMemcpyHtoDAsync returns, so the tile may be refilled
  // for the next input at once; the one synchronize at the end covers every copy.
  std::vector<uint8_t> tile;
  for (const HostTensor& input : inputs) {
    const CUdeviceptr target = buffers[input.name].get();
    const size_t bytes = input.byteLength;
    if (bytes == 0) continue;
    if (input.synthetic == HostTensor::Synthetic::kZeros) {
      CheckCuda(api.cuMemsetD8Async(target, 0, bytes, handle), "cuMemsetD8Async");
    } else if (input.synthetic == HostTensor::Synthetic::kUniform) {
      const size_t first = std::min(bytes, kTile);
      tile.resize(first);
      FillUniform(tile.data(), first);
      CheckCuda(api.cuMemcpyHtoDAsync(target, tile.data(), first, handle), "cuMemcpyHtoDAsync");
      // Doubling copies: the filled prefix onto what follows it (never overlapping).
      for (size_t filled = first; filled < bytes;) {
        const size_t step = std::min(filled, bytes - filled);
        CheckCuda(api.cuMemcpyDtoDAsync(target + filled, target, step, handle), "cuMemcpyDtoDAsync");
        filled += step;
      }
    } else {
      const uint8_t* source = input.staged ? staging[input.name]->data() : input.bytes.data();
      CheckCuda(api.cuMemcpyHtoDAsync(target, source, bytes, handle), "cuMemcpyHtoDAsync");
    }
  }
  stream->Synchronize("cuStreamSynchronize");
  return handle;
}

ContextWorker::ContextWorker(Napi::Env env, const char* resourceName, std::shared_ptr<ContextCore> core, std::vector<HostTensor> inputs,
                             Napi::Object self)
    : PromiseWorker(env, resourceName, "ERR_INFERENCE"), core_(std::move(core)), inputs_(std::move(inputs)) {
  self_ = Napi::Persistent(self);
}

std::vector<std::string> ContextWorker::RecentLog() const { return core_->engine->logger->Recent(); }

void ClaimContext(ContextCore& core) {
  bool expected = false;
  if (!core.busy.compare_exchange_strong(expected, true)) {
    throw NativeError("ERR_INVALID_ARGUMENT", "This context is already running; await the previous call or create another context.");
  }
}

namespace {

/**
 * The bytes of typed array `data` for `tensor`: with `stageInto` (main thread, context claimed) straight into that
 * context's page-locked staging buffer, one copy and no allocation once it is big enough, none at all when the
 * caller filled a view over that very buffer (hostBuffer()); otherwise a host copy.
 */
void TakeBytes(HostTensor& tensor, Napi::Value data, ContextCore* stageInto) {
  // The TypedArray knows its element type and count; one more call gives where its bytes start (offset included),
  // where ArrayBuffer() and ByteOffset() took two.
  const Napi::TypedArray array = data.As<Napi::TypedArray>();
  void* start = nullptr;
  if (napi_get_typedarray_info(data.Env(), data, nullptr, nullptr, &start, nullptr, nullptr) != napi_ok) {
    throw NativeError("ERR_INPUT", "Input '" + tensor.name + "' must be a TypedArray.");
  }
  if (array.ElementSize() == 0) throw NativeError("ERR_INPUT", "Input '" + tensor.name + "' is a typed array of a kind this addon does not know.");
  const uint8_t* bytes = static_cast<const uint8_t*>(start);
  tensor.byteLength = array.ByteLength();
  if (stageInto != nullptr) {
    auto found = stageInto->staging.find(tensor.name);
    const bool inPlace = found != stageInto->staging.end() && found->second && found->second->data() == bytes &&
                         found->second->capacity() >= tensor.byteLength;
    if (!inPlace) {
      PinnedBuffer& host = stageInto->Staging(tensor.name, tensor.byteLength);
      // memmove: the data may be another part of this very buffer (a subarray of an inputBuffer() array).
      if (tensor.byteLength > 0) std::memmove(host.data(), bytes, tensor.byteLength);
    }
    tensor.staged = true;
  } else {
    tensor.bytes.assign(bytes, bytes + tensor.byteLength);
  }
}

}  // namespace

std::vector<HostTensor> ReadInputs(Napi::Value value, ContextCore* stageInto) {
  std::vector<HostTensor> inputs;
  if (value.IsUndefined() || value.IsNull()) return inputs;
  if (!value.IsObject()) throw NativeError("ERR_INPUT", "Expected an object of named inputs.");
  Napi::Object map = value.As<Napi::Object>();
  Napi::Array names = map.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    HostTensor tensor;
    tensor.name = names.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value entry = map.Get(tensor.name);
    if (!entry.IsObject()) throw NativeError("ERR_INPUT", "Input '" + tensor.name + "' must be { data, shape }.");
    Napi::Object object = entry.As<Napi::Object>();
    Napi::Value data = object.Get("data");
    Napi::Value shape = object.Get("shape");
    Napi::Value synthetic = object.Get("synthetic");
    if (!shape.IsArray()) throw NativeError("ERR_INPUT", "Input '" + tensor.name + "' must be { data: TypedArray, shape: number[] }.");
    Napi::Array dims = shape.As<Napi::Array>();
    for (uint32_t d = 0; d < dims.Length(); ++d) tensor.shape.push_back(dims.Get(d).As<Napi::Number>().Int64Value());
    if (data.IsUndefined() && synthetic.IsString() && stageInto == nullptr) {
      const std::string kind = synthetic.As<Napi::String>().Utf8Value();
      Napi::Value length = object.Get("byteLength");
      const double byteLength = length.IsNumber() ? length.As<Napi::Number>().DoubleValue() : -1;
      if ((kind != "uniform" && kind != "zeros") || !(byteLength >= 0) || byteLength > 1.0e12) {
        throw NativeError("ERR_INPUT", "Synthetic input '" + tensor.name + "' needs synthetic 'uniform' or 'zeros' and a byteLength from 0.");
      }
      tensor.synthetic = kind == "uniform" ? HostTensor::Synthetic::kUniform : HostTensor::Synthetic::kZeros;
      tensor.byteLength = static_cast<size_t>(byteLength);
      inputs.push_back(std::move(tensor));
      continue;
    }
    if (!data.IsTypedArray()) throw NativeError("ERR_INPUT", "Input '" + tensor.name + "' must be { data: TypedArray, shape: number[] }.");
    TakeBytes(tensor, data, stageInto);
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}

std::vector<HostTensor> ReadInputsByPosition(Napi::Value value, const std::vector<std::string>& names, ContextCore& stageInto) {
  if (!value.IsArray()) throw NativeError("ERR_INTERNAL", "infer() by position takes an array of typed arrays; this is a bug in tensorrt-node.");
  Napi::Array arrays = value.As<Napi::Array>();
  if (arrays.Length() != names.size()) {
    throw NativeError("ERR_INTERNAL", "infer() by position got " + std::to_string(arrays.Length()) + " inputs for " + std::to_string(names.size()) +
                                          " names; this is a bug in tensorrt-node.");
  }
  std::vector<HostTensor> inputs(names.size());
  for (uint32_t i = 0; i < names.size(); ++i) {
    HostTensor& tensor = inputs[i];
    tensor.name = names[i];
    // By position only an engine whose shapes never change is called: the shape as last bound, or (nothing bound:
    // the first call, or one after a refused input cleared the binding) the engine's own.
    const auto bound = std::find_if(stageInto.boundShapes.begin(), stageInto.boundShapes.end(), [&](const auto& entry) { return entry.first == tensor.name; });
    if (bound != stageInto.boundShapes.end()) {
      tensor.shape = bound->second;
    } else {
      const nvinfer1::Dims dims = stageInto.engine->engine->getTensorShape(tensor.name.c_str());
      for (int32_t d = 0; d < dims.nbDims; ++d) {
        if (dims.d[d] < 0) throw NativeError("ERR_INTERNAL", "infer() by position for input '" + tensor.name + "', whose shape is dynamic; this is a bug in tensorrt-node.");
        tensor.shape.push_back(dims.d[d]);
      }
    }
    Napi::Value data = arrays.Get(i);
    if (!data.IsTypedArray()) throw NativeError("ERR_INPUT", "Input '" + tensor.name + "' must be a TypedArray.");
    TakeBytes(tensor, data, &stageInto);
  }
  return inputs;
}

namespace {

/**
 * Queues enqueueV3 and the copies of every output into the pinned staging buffers on the context's stream (after
 * StartRun); returns the outputs with their shapes. Nothing is waited for.
 */
std::vector<OutputTensor> LaunchInference(ContextCore& core, CUstream stream, bool timed = false, double* enqueueUs = nullptr) {
  const auto enqueueStart = std::chrono::steady_clock::now();
  if (!core.context->enqueueV3(stream)) {
    core.stream->Synchronize("cuStreamSynchronize");
    throw NativeError("ERR_INFERENCE", "enqueueV3 failed.", core.engine->logger->Recent());
  }
  if (enqueueUs != nullptr) *enqueueUs += std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - enqueueStart).count();
  // The outputs at the bound shapes (Prepare worked them out when the shapes last changed).
  std::vector<OutputTensor> outputs = core.boundOutputs;
  const CudaDriverApi& api = RequireLibrary().cuda;
  for (OutputTensor& output : outputs) {
    CheckCuda(api.cuMemcpyDtoHAsync(core.staging[output.name]->data(), core.buffers[output.name].get(), output.byteLength, stream),
              "cuMemcpyDtoHAsync");
  }
  if (timed) core.runEnd->Record(stream);
  return outputs;
}

/** What a view handed to JS holds: the staging buffer (kept alive by it) and the device to free it on. */
struct PinnedView {
  std::shared_ptr<PinnedBuffer> buffer;
  int device;
};

/**
 * An ArrayBuffer over `buffer`'s first `bytes` bytes, no copy. It keeps the page-locked allocation alive; when it is
 * collected and nothing else holds the allocation, it is freed with the device current.
 */
Napi::ArrayBuffer PinnedArrayBuffer(Napi::Env env, const std::shared_ptr<PinnedBuffer>& buffer, size_t bytes, int device) {
  auto* view = new PinnedView{buffer, device};
  return Napi::ArrayBuffer::New(env, buffer->data(), bytes, [](Napi::Env, void*, PinnedView* held) {
    try {
      // Unconditionally: a worker may drop the staging slot's reference at the same moment, so this may be the last.
      if (Library().loaded) MakeDeviceCurrent(held->device);
    } catch (...) {
      // Freed anyway below; a failure to make the device current only means cuMemFreeHost may report an error.
    }
    delete held;
  }, view);
}

/**
 * The data of one output of a finished run: a copy, or with pinnedOutputs a view over its staging buffer when JS
 * has none of that buffer yet (noted in `sent`), else undefined (the JS layer reuses the view it has, over
 * byteLength bytes of it, so nothing is allocated per call).
 */
Napi::Value OutputData(Napi::Env env, ContextCore& core, const OutputTensor& output, std::vector<std::pair<std::string, uint64_t>>& sent) {
  const std::shared_ptr<PinnedBuffer>& staged = core.staging[output.name];
  if (core.pinnedOutputs) {
    const auto handed = core.handedOutViews.find(output.name);
    if (handed != core.handedOutViews.end() && handed->second == staged->id()) return env.Undefined();
    sent.emplace_back(output.name, staged->id());
    return PinnedArrayBuffer(env, staged, staged->capacity(), core.engine->device);
  }
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, output.byteLength);
  if (output.byteLength > 0) std::memcpy(buffer.Data(), staged->data(), output.byteLength);
  return buffer;
}

/**
 * { name: { data, dataType, shape } } from the staging buffers of a finished run (main thread, context claimed):
 * copies, or with pinnedOutputs views over the staging buffers themselves.
 */
Napi::Object OutputsToJs(Napi::Env env, ContextCore& core, const std::vector<OutputTensor>& outputs) {
  Napi::Object result = Napi::Object::New(env);
  // Views sent in this result, recorded as handed out only once the whole result is built (a throw part-way must
  // not leave the addon believing JS holds a view it never received).
  std::vector<std::pair<std::string, uint64_t>> sent;
  for (const OutputTensor& output : outputs) {
    Napi::Object entry = Napi::Object::New(env);
    Napi::Value data = OutputData(env, core, output, sent);
    if (!data.IsUndefined()) entry.Set("data", data);
    entry.Set("byteLength", static_cast<double>(output.byteLength));
    entry.Set("dataType", output.dataType);
    Napi::Array shape = Napi::Array::New(env, output.shape.size());
    for (size_t i = 0; i < output.shape.size(); ++i) shape.Set(static_cast<uint32_t>(i), static_cast<double>(output.shape[i]));
    entry.Set("shape", shape);
    result.Set(output.name, entry);
  }
  for (const auto& [name, id] : sent) core.handedOutViews[name] = id;
  return result;
}

/**
 * infer() by position's result: the data of each output named in `names`, in that order (OutputData: a copy, a new
 * view, or undefined). No names, types or shapes: by position only an engine whose shapes never change is called,
 * and the JS layer kept them from its first call by name.
 */
Napi::Array OutputsByPositionToJs(Napi::Env env, ContextCore& core, const std::vector<OutputTensor>& outputs, const std::vector<std::string>& names) {
  Napi::Array result = Napi::Array::New(env, names.size());
  std::vector<std::pair<std::string, uint64_t>> sent;
  for (uint32_t i = 0; i < names.size(); ++i) {
    const auto output = std::find_if(outputs.begin(), outputs.end(), [&](const OutputTensor& candidate) { return candidate.name == names[i]; });
    if (output == outputs.end()) throw NativeError("ERR_INTERNAL", "infer() by position asked for output '" + names[i] + "', which this engine lacks; this is a bug in tensorrt-node.");
    result.Set(i, OutputData(env, core, *output, sent));
  }
  for (const auto& [name, id] : sent) core.handedOutViews[name] = id;
  return result;
}

/** The result of a finished infer(): by name, or by position when `byPosition` names the outputs. */
Napi::Value InferResultToJs(Napi::Env env, ContextCore& core, const std::vector<OutputTensor>& outputs, const std::vector<std::string>* byPosition) {
  if (byPosition != nullptr) return OutputsByPositionToJs(env, core, outputs, *byPosition);
  return OutputsToJs(env, core, outputs);
}

/**
 * infer() on a worker thread. Either the whole run (spin budget 0: nothing of it on the main thread), or, when the
 * main thread already launched it and its spin budget ran out, only the wait.
 */
class InferWorker : public ContextWorker {
 public:
  InferWorker(Napi::Env env, std::shared_ptr<ContextCore> core, std::vector<HostTensor> inputs, Napi::Object self,
              std::shared_ptr<const std::vector<std::string>> byPosition)
      : ContextWorker(env, "trtn:infer", std::move(core), std::move(inputs), self), byPosition_(std::move(byPosition)) {}
  /**
   * The wait of a run the main thread launched. `timed`: runStart/runEnd were recorded around it, so the run's own
   * length comes from them; otherwise it already outlasted the spin budget and `launchedAt` is when its launch
   * returned (as for a spun run, the launch itself is not counted).
   */
  InferWorker(Napi::Env env, std::shared_ptr<ContextCore> core, std::vector<OutputTensor> launched, bool timed,
              std::chrono::steady_clock::time_point launchedAt, Napi::Object self,
              std::shared_ptr<const std::vector<std::string>> byPosition)
      : ContextWorker(env, "trtn:infer", std::move(core), {}, self),
        outputs_(std::move(launched)),
        launched_(true),
        timed_(timed),
        launchedAt_(launchedAt),
        byPosition_(std::move(byPosition)) {}

  void OnOK() override {
    // The context stays claimed until this worker dies, so its staging buffers still hold this run's outputs.
    deferred_.Resolve(InferResultToJs(Env(), *core_, outputs_, byPosition_.get()));
  }

 private:
  void Run() override {
    ContextCore& core = *core_;
    if (!launched_) {
      CUstream stream = core.StartRun(inputs_);
      outputs_ = LaunchInference(core, stream);
    } else {
      MakeDeviceCurrent(core.engine->device);
    }
    // The copies into the pinned staging buffers are complete after the synchronize.
    core.stream->Synchronize("cuStreamSynchronize after inference");
    if (!launched_) return;
    if (timed_) {
      core.NoteRunUs(static_cast<double>(core.runEnd->ElapsedSince(*core.runStart)) * 1000.0);
    } else {
      core.NoteRunUs(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - launchedAt_).count());
    }
  }

  std::vector<OutputTensor> outputs_;
  bool launched_ = false;
  bool timed_ = false;
  std::chrono::steady_clock::time_point launchedAt_{};
  // The output names of an infer() by position (its result is then an array in their order); null: by name.
  std::shared_ptr<const std::vector<std::string>> byPosition_;
};

}  // namespace

Napi::Function ContextObject::Define(Napi::Env env) {
  return DefineClass(env, "ExecutionContext",
                     {
                         InstanceMethod("infer", &ContextObject::Infer),
                         InstanceMethod("benchmark", &ContextObject::Benchmark),
                         InstanceMethod("profile", &ContextObject::Profile),
                         InstanceMethod("measureRaw", &ContextObject::MeasureRaw),
                         InstanceMethod("hostBuffer", &ContextObject::HostBuffer),
                         InstanceMethod("inferSteps", &ContextObject::InferStepsJs),
                         InstanceMethod("dispose", &ContextObject::Dispose),
                         InstanceMethod("isDisposed", &ContextObject::IsDisposed),
                     });
}

ContextObject::ContextObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ContextObject>(info) {
  Napi::Env env = info.Env();
  try {
    if (info.Length() < 1 || !info[0].IsObject()) throw NativeError("ERR_INTERNAL", "ExecutionContext is created by Engine.createContext().");
    Napi::Object engineObject = info[0].As<Napi::Object>();
    engine_ = EngineObject::Unwrap(engineObject);
    std::shared_ptr<EngineCore> engineCore = engine_->EnsureAlive();
    MakeDeviceCurrent(engineCore->device);
    auto core = std::make_shared<ContextCore>();
    core->engine = engineCore;
    bool lazy = false;
    if (info.Length() > 1 && info[1].IsObject()) {
      Napi::Object options = info[1].As<Napi::Object>();
      Napi::Value pinned = options.Get("pinnedOutputs");
      core->pinnedOutputs = pinned.IsBoolean() && pinned.As<Napi::Boolean>().Value();
      // lazy: the TensorRT context (and its activation memory) is created by the first run, on its worker thread.
      Napi::Value deferred = options.Get("lazy");
      lazy = deferred.IsBoolean() && deferred.As<Napi::Boolean>().Value();
    }
    if (!lazy) core->EnsureContext();
    core_ = core;
    // Keeps the engine object alive as long as this context is reachable.
    engineObject_ = Napi::Persistent(engineObject);
  } catch (const NativeError& error) {
    MakeError(env, error).ThrowAsJavaScriptException();
  }
}

ContextObject::~ContextObject() {
  if (engine_ != nullptr && !engineObject_.IsEmpty()) engine_->Forget(this);
  core_.reset();
}

void ContextObject::Release() {
  core_.reset();
  engine_ = nullptr;
  if (!engineObject_.IsEmpty()) engineObject_.Reset();
}

std::shared_ptr<const std::vector<std::string>> PositionalNames::Names(Napi::Array names) {
  // The JS layer passes one frozen array per context for each side: recognised by identity, decoded once.
  if (decoded_ && !array_.IsEmpty() && array_.Value().StrictEquals(names)) return decoded_;
  auto decoded = std::make_shared<std::vector<std::string>>();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    Napi::Value name = names.Get(i);
    if (!name.IsString()) throw NativeError("ERR_INTERNAL", "infer() by position takes arrays of tensor names; this is a bug in tensorrt-node.");
    decoded->push_back(name.As<Napi::String>().Utf8Value());
  }
  array_ = Napi::Persistent(names);
  decoded_ = std::move(decoded);
  return decoded_;
}

std::shared_ptr<ContextCore> ContextObject::EnsureAlive() const {
  if (!core_ || core_->released.load()) throw NativeError("ERR_DISPOSED", "This execution context (or its engine) was disposed.");
  return core_;
}

Napi::Value ContextObject::Infer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<ContextCore> core = EnsureAlive();
    // infer(inputs, spinWaitUs): with a budget > 0 the run is launched here and polled for up to that long, so a
    // short inference costs no thread hand-off; a longer one is handed to a worker thread to wait on.
    double spinWaitUs = 0;
    if (info.Length() > 1 && info[1].IsNumber()) spinWaitUs = info[1].As<Napi::Number>().DoubleValue();
    if (!(spinWaitUs >= 0) || spinWaitUs > 1e6) throw NativeError("ERR_INVALID_ARGUMENT", "infer(inputs, spinWaitUs) needs 0 to 1,000,000 µs.");
    // infer(arrays, spinWaitUs, inputNames, outputNames): by position (capabilities.positionalInfer), for an engine
    // whose shapes never change, after a call by name bound them: no names, shapes or output objects cross per call.
    const bool byPosition = info.Length() > 3 && info[2].IsArray() && info[3].IsArray();
    std::shared_ptr<const std::vector<std::string>> outputNames;
    std::shared_ptr<const std::vector<std::string>> inputNames;
    if (byPosition) {
      inputNames = positionalNames_[0].Names(info[2].As<Napi::Array>());
      outputNames = positionalNames_[1].Names(info[3].As<Napi::Array>());
    }
    ContextClaim claim(*core);
    std::vector<HostTensor> inputs;
    std::vector<OutputTensor> outputs;
    bool done = false;
    // A run when the last two needed more than the budget is not spun for: launched here, waited for on a worker,
    // and timed by GPU events so that the next call knows whether it fits again.
    bool timed = false;
    std::chrono::steady_clock::time_point launched{}, queued{};
    using Clock = std::chrono::steady_clock;
    const auto us = [](Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double, std::micro>(to - from).count(); };
    const Clock::time_point entered = Clock::now();
    ContextCore::InferSteps& steps = core->inferSteps;
    try {
      inputs = byPosition ? ReadInputsByPosition(info[0], *inputNames, *core) : ReadInputs(info.Length() > 0 ? info[0] : env.Undefined(), core.get());
      launched = Clock::now();
      steps.readUs += us(entered, launched);
      if (spinWaitUs > 0) {
        timed = core->OutlastsBudget(spinWaitUs);
        CUstream stream = core->StartRun(inputs, timed);
        outputs = LaunchInference(*core, stream, timed, &steps.enqueueUs);
        queued = Clock::now();
        steps.launchUs += us(launched, queued);
        done = !timed && core->stream->SpinUntilDone(spinWaitUs, "cuStreamQuery after inference");
        const Clock::time_point spun = Clock::now();
        steps.spinUs += us(queued, spun);
        // What the budget governs: the wait after the launch returned (the launch itself is not spun for).
        if (done) core->NoteRunUs(us(queued, spun));
      }
    } catch (...) {
      // Nothing may still be writing into the buffers when the context is released.
      if (core->stream) {
        try {
          core->stream->Synchronize("cuStreamSynchronize");
        } catch (...) {
        }
      }
      throw;
    }
    steps.calls += 1;
    if (done) {
      const Clock::time_point converting = Clock::now();
      Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
      deferred.Resolve(InferResultToJs(env, *core, outputs, outputNames.get()));
      steps.outputsUs += us(converting, Clock::now());
      return deferred.Promise();
    }
    steps.handedOff += 1;
    auto* worker = spinWaitUs > 0 ? new InferWorker(env, core, std::move(outputs), timed, queued, Value(), outputNames)
                                  : new InferWorker(env, core, std::move(inputs), Value(), outputNames);
    claim.Dismiss();
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

Napi::Value ContextObject::HostBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<ContextCore> core = EnsureAlive();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) {
      throw NativeError("ERR_INTERNAL", "hostBuffer(name, byteLength) expected; the TypeScript layer computes the size, so this is a bug in tensorrt-node.");
    }
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    const double byteLength = info[1].As<Napi::Number>().DoubleValue();
    if (!(byteLength >= 0) || byteLength > 1.0e12) throw NativeError("ERR_INVALID_ARGUMENT", "hostBuffer needs a byte length from 0.");
    // Not while a run is in flight: a worker may be reading or writing the staging buffers.
    ContextClaim claim(*core);
    core->Staging(name, static_cast<size_t>(byteLength));
    return PinnedArrayBuffer(env, core->staging[name], static_cast<size_t>(byteLength), core->engine->device);
  });
}

Napi::Value ContextObject::Benchmark(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<ContextCore> core = EnsureAlive();
    Napi::Object options = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
    std::vector<HostTensor> inputs = ReadInputs(info.Length() > 1 ? info[1] : env.Undefined());
    return StartBenchmark(env, core, options, std::move(inputs), Value());
  });
}

Napi::Value ContextObject::Profile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<ContextCore> core = EnsureAlive();
    Napi::Object options = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
    std::vector<HostTensor> inputs = ReadInputs(info.Length() > 1 ? info[1] : env.Undefined());
    return StartProfile(env, core, options, std::move(inputs), Value());
  });
}

Napi::Value ContextObject::MeasureRaw(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<ContextCore> core = EnsureAlive();
    if (info.Length() < 1 || !info[0].IsNumber()) throw NativeError("ERR_INVALID_ARGUMENT", "measureRaw(iterations, inputs) needs a number of iterations.");
    const int iterations = info[0].As<Napi::Number>().Int32Value();
    std::vector<HostTensor> inputs = ReadInputs(info.Length() > 1 ? info[1] : env.Undefined());
    return StartRawLoop(env, core, iterations, std::move(inputs), Value());
  });
}

Napi::Value ContextObject::InferStepsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::shared_ptr<ContextCore> core = EnsureAlive();
    const ContextCore::InferSteps steps = core->inferSteps;
    core->inferSteps = ContextCore::InferSteps{};
    Napi::Object out = Napi::Object::New(env);
    out.Set("calls", steps.calls);
    out.Set("handedOff", steps.handedOff);
    out.Set("readUs", steps.readUs);
    out.Set("launchUs", steps.launchUs);
    out.Set("enqueueUs", steps.enqueueUs);
    out.Set("spinUs", steps.spinUs);
    out.Set("outputsUs", steps.outputsUs);
    return out;
  });
}

Napi::Value ContextObject::Dispose(const Napi::CallbackInfo& info) {
  if (engine_ != nullptr) engine_->Forget(this);
  Release();
  return info.Env().Undefined();
}

Napi::Value ContextObject::IsDisposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !core_ || core_->released.load()); }

}  // namespace trtn
