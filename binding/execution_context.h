// An execution context with its own stream and device buffers, kept across runs and freed on dispose().
#pragma once

#include <napi.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cuda_resources.h"
#include "engine.h"
#include "worker.h"

namespace trtn {

/** Host copy of one input, made on the main thread before a worker starts. */
struct HostTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
  // Size of the data; when `staged`, it was copied straight into the context's pinned staging buffer and
  // `bytes` is empty (infer's path: no per-call host allocation).
  size_t byteLength = 0;
  bool staged = false;
  // Timing inputs the worker fills itself (benchmark, profile): no bytes cross from JS, and the fill of a large
  // input runs on the worker thread instead of the event loop. kUniform: float32 values in [0, 1); kZeros: zero bytes.
  enum class Synthetic { kNone, kUniform, kZeros } synthetic = Synthetic::kNone;
};

/** One output as returned by infer(). */
struct OutputTensor {
  std::string name;
  std::string dataType;
  std::vector<int64_t> shape;
  // The bytes themselves stay in the context's pinned staging buffer until OnOK copies them out.
  size_t byteLength = 0;
};

/** The TensorRT context plus everything it needs on the device; owned by workers and the JS object together. */
struct ContextCore {
  std::shared_ptr<EngineCore> engine;
  std::unique_ptr<nvinfer1::IExecutionContext> context;
  std::unique_ptr<Stream> stream;
  std::map<std::string, DeviceBuffer> buffers;
  // Page-locked host copies of every IO tensor; H2D/D2H copies go through these (as trtexec's host buffers).
  // Shared, because JS may hold views over them (hostBuffer(), pinned outputs): a buffer that has to grow is
  // replaced, never reallocated in place, and the old one lives on with its views.
  std::map<std::string, std::shared_ptr<PinnedBuffer>> staging;
  // Input shapes last applied, so a run with the same shapes skips setInputShape/setTensorAddress.
  std::vector<std::pair<std::string, std::vector<int64_t>>> boundShapes;
  // At those shapes (set with boundShapes): the bytes of each input, in its order, and every output as infer()
  // returns it, so that a run on unchanged shapes asks TensorRT nothing but enqueueV3.
  std::vector<size_t> boundInputBytes;
  std::vector<OutputTensor> boundOutputs;
  // One run at a time per context: TensorRT contexts are not re-entrant.
  std::atomic<bool> busy{false};
  // Launch-to-done times of the last two infer() calls, µs (0 before them): infer() spins on the main thread unless
  // both outlasted its budget, so a long engine is handed to a worker right after the launch, and one slow run (a
  // busy host) does not cost the next call a hand-off. A run handed to a worker is timed by GPU events
  // (runStart/runEnd), not by when the worker saw it done: the hand-off's own latency must not make every later run
  // skip the spin.
  std::atomic<double> lastRunUs{0}, previousRunUs{0};
  void NoteRunUs(double us) { previousRunUs.store(lastRunUs.exchange(us)); }
  /** Whether the last two runs both needed more than `budgetUs` (then the next one is not spun for). */
  bool OutlastsBudget(double budgetUs) const { return std::min(lastRunUs.load(), previousRunUs.load()) > budgetUs; }
  std::unique_ptr<Event> runStart, runEnd;
  // infer() returns its outputs as views over the staging buffers instead of copies (ContextOptions.outputBuffers).
  bool pinnedOutputs = false;
  // Main thread only: per output, the id of the staging buffer last handed to JS as a view. infer() sends a view
  // only when the buffer changed (the JS layer keeps the last one), so a call allocates no ArrayBuffer.
  std::map<std::string, uint64_t> handedOutViews;
  // Main thread only: where infer()'s time on the main thread goes, summed since the last inferSteps() call (µs).
  struct InferSteps {
    // enqueueUs: enqueueV3 alone, part of launchUs (the rest of launchUs is shapes, bookkeeping and copies queued).
    double calls = 0, handedOff = 0, readUs = 0, launchUs = 0, enqueueUs = 0, spinUs = 0, outputsUs = 0;
  } inferSteps;
  // Set once ReleaseResources() ran (a benchmark's private context, freed on its worker): no further runs.
  std::atomic<bool> released{false};
  ~ContextCore();

  /**
   * Frees the TensorRT context, device and page-locked buffers and the stream now, on the calling thread (a worker:
   * unpinning hundreds of MB takes tens of ms, which the event loop must not pay). The core is unusable after.
   */
  void ReleaseResources() noexcept;

  /** Creates the TensorRT context if it is not there yet (a lazy context's first run; device current). */
  void EnsureContext();
  /** The start of every run: device current, TensorRT context and stream created if they are not there yet. */
  void BeginRun();
  /**
   * Sets input shapes, sizes device buffers for every IO tensor and binds their addresses; with `staging`, sizes the
   * page-locked staging buffers of every IO tensor too.
   */
  void Prepare(const std::vector<HostTensor>& inputs, bool staging = true);
  /** Bytes of one IO tensor at the current shapes, with vectorised dimensions padded. */
  size_t TensorBytes(const char* name) const;
  /** The staging buffer of `name` with room for `bytes` (a new one, device made current, when it is smaller). */
  PinnedBuffer& Staging(const std::string& name, size_t bytes);
  /** Copies `inputs` not yet staged into the pinned staging buffers (synthetic ones are filled there). */
  void Stage(const std::vector<HostTensor>& inputs);
  /** Queues host-to-device copies of the staged `inputs` into their bound buffers on `stream` (after Prepare). */
  void Upload(const std::vector<HostTensor>& inputs, CUstream stream);
  /**
   * Makes the device current, creates the stream on first use, prepares and queues the uploads; returns the stream.
   * With `timed`, runStart is recorded before the uploads (LaunchInference records runEnd after the downloads).
   */
  CUstream StartRun(const std::vector<HostTensor>& inputs, bool timed = false);
  /**
   * A run that never copies between host and device once started (profile, benchmark without transfers): no
   * page-locked staging at all. Pinning hundreds of MB holds the process's memory-map lock for tens of ms, and every
   * thread that touches new memory meanwhile waits, the event loop included (a 25 ms stall in a build on the H200).
   * Inputs go straight to the device: zeros by a memset, uniform values as one pageable MiB tile repeated by
   * device-to-device copies, given bytes from pageable memory. Returns the stream, synchronized.
   */
  CUstream StartDeviceRun(const std::vector<HostTensor>& inputs);
};

/**
 * Base of the workers that run on one context (infer, benchmark, profile): holds the promise, the context claimed
 * for the run (released when the worker dies) and the inputs, and turns what Run() throws into a rejection.
 */
class ContextWorker : public PromiseWorker {
 public:
  ~ContextWorker() override { core_->busy.store(false); }

 protected:
  ContextWorker(Napi::Env env, const char* resourceName, std::shared_ptr<ContextCore> core, std::vector<HostTensor> inputs,
                Napi::Object self);
  std::vector<std::string> RecentLog() const override;

  std::shared_ptr<ContextCore> core_;
  std::vector<HostTensor> inputs_;

 private:
  Napi::ObjectReference self_;
};

/**
 * The names of one side of an infer() by position (inputs or outputs), as the JS layer passes them: the same frozen
 * array on every call of a context, so it is recognised by identity and decoded once. Main thread only.
 */
class PositionalNames {
 public:
  /** The decoded names of `names`; shared, so that a worker finishing the call keeps them. */
  std::shared_ptr<const std::vector<std::string>> Names(Napi::Array names);

 private:
  Napi::Reference<Napi::Array> array_;
  std::shared_ptr<const std::vector<std::string>> decoded_;
};

class ContextObject : public Napi::ObjectWrap<ContextObject> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ContextObject(const Napi::CallbackInfo& info);
  ~ContextObject() override;
  /** Drops this object's hold on the context (workers in flight keep theirs until they finish). */
  void Release();
  std::shared_ptr<ContextCore> EnsureAlive() const;

 private:
  Napi::Value Infer(const Napi::CallbackInfo& info);
  Napi::Value Benchmark(const Napi::CallbackInfo& info);
  Napi::Value Profile(const Napi::CallbackInfo& info);
  /** measureRaw(iterations, inputs) → { iterations, totalMs, perIterationUs }: infer()'s GPU work in a C++ loop. */
  Napi::Value MeasureRaw(const Napi::CallbackInfo& info);
  /** hostBuffer(name, byteLength) → ArrayBuffer over the page-locked staging memory of IO tensor `name`. */
  Napi::Value HostBuffer(const Napi::CallbackInfo& info);
  /** inferSteps() → infer()'s main-thread time by step since the last call (then reset); see ContextCore::InferSteps. */
  Napi::Value InferStepsJs(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);

  std::shared_ptr<ContextCore> core_;
  Napi::ObjectReference engineObject_;
  EngineObject* engine_ = nullptr;
  // infer() by position: [0] the input names, [1] the output names.
  PositionalNames positionalNames_[2];
};

/**
 * Reads { name: { data: ArrayBufferView, shape: number[] } } into host copies, or, with `stageInto` (main thread,
 * context claimed), straight into that context's pinned staging buffers; data that already is a view over its
 * staging buffer (hostBuffer()) is not copied at all. `{ synthetic: 'uniform' | 'zeros', byteLength, shape }`
 * (benchmark and profile inputs) carries no data: the worker fills the staging buffer.
 */
std::vector<HostTensor> ReadInputs(Napi::Value value, ContextCore* stageInto = nullptr);

/**
 * Reads an array of typed arrays, one per name of `names` in that order, straight into `stageInto`'s staging buffers,
 * each at the shape last bound for that input, or the engine's own when none is (infer() by position: only for an
 * engine whose shapes never change; ERR_INTERNAL for a dynamic one).
 */
std::vector<HostTensor> ReadInputsByPosition(Napi::Value value, const std::vector<std::string>& names, ContextCore& stageInto);

/** Marks the context busy or throws ERR_INVALID_ARGUMENT when a run is already in flight. */
void ClaimContext(ContextCore& core);

/** Releases a claim made by ClaimContext when it goes out of scope, unless dismissed (a worker took it over). */
class ContextClaim {
 public:
  explicit ContextClaim(ContextCore& core) : core_(&core) { ClaimContext(core); }
  ~ContextClaim() {
    if (core_ != nullptr) core_->busy.store(false);
  }
  ContextClaim(const ContextClaim&) = delete;
  ContextClaim& operator=(const ContextClaim&) = delete;
  /** The claim now belongs to a worker, which releases it when it dies. */
  void Dismiss() { core_ = nullptr; }

 private:
  ContextCore* core_;
};

/** Starts the benchmark / profile workers (benchmark.cc). */
Napi::Value StartBenchmark(Napi::Env env, std::shared_ptr<ContextCore> core, Napi::Object options, std::vector<HostTensor> inputs,
                           Napi::Object self);
Napi::Value StartRawLoop(Napi::Env env, std::shared_ptr<ContextCore> core, int iterations, std::vector<HostTensor> inputs, Napi::Object self);
Napi::Value StartProfile(Napi::Env env, std::shared_ptr<ContextCore> core, Napi::Object options, std::vector<HostTensor> inputs,
                         Napi::Object self);

}  // namespace trtn
