// RAII wrappers over the driver API so that every allocation, stream, event and graph is released on every path,
// including exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "cuda_driver.h"

namespace trtn {

/** Throws NativeError (ERR_CUDA_OOM for out-of-memory, ERR_CUDA otherwise) when `result` is not success. */
void CheckCuda(CUresult result, const char* what);

/**
 * Makes the device's primary context current on the calling thread. Worker threads call this before any CUDA or
 * TensorRT work, since a context is per thread. The primary context is retained once per device per process
 * and released at exit (ReleasePrimaryContexts).
 */
void MakeDeviceCurrent(int device);
void ReleasePrimaryContexts();

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes) { Allocate(bytes); }
  ~DeviceBuffer() { Reset(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept : pointer_(other.pointer_), bytes_(other.bytes_) {
    other.pointer_ = 0;
    other.bytes_ = 0;
  }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;

  /** Frees the old allocation and allocates `bytes` (at least 1, so every tensor gets a valid address). */
  void Allocate(size_t bytes);
  void Reset() noexcept;
  CUdeviceptr get() const { return pointer_; }
  void* address() const { return reinterpret_cast<void*>(static_cast<uintptr_t>(pointer_)); }
  size_t bytes() const { return bytes_; }

 private:
  CUdeviceptr pointer_ = 0;
  size_t bytes_ = 0;
};

/** Page-locked host memory (cuMemHostAlloc): copies from it are true async DMA, as trtexec's host buffers. */
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  ~PinnedBuffer() { Reset(); }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  PinnedBuffer(PinnedBuffer&& other) noexcept : pointer_(other.pointer_), bytes_(other.bytes_), id_(other.id_) {
    other.pointer_ = nullptr;
    other.bytes_ = 0;
    other.id_ = 0;
  }
  /** Grows to at least `bytes` (contents are not kept); never shrinks. Needs a current context. */
  void Reserve(size_t bytes);
  void Reset() noexcept;
  uint8_t* data() const { return static_cast<uint8_t*>(pointer_); }
  size_t capacity() const { return bytes_; }
  /** Unique per allocation in this process (never reused, unlike addresses): tells a replaced buffer apart. */
  uint64_t id() const { return id_; }

 private:
  void* pointer_ = nullptr;
  size_t bytes_ = 0;
  uint64_t id_ = 0;
};

class Stream {
 public:
  /** A stream created with `flags`: non-blocking by default; 0 is a legacy stream that syncs with the NULL stream. */
  explicit Stream(unsigned flags = kStreamNonBlocking);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  CUstream get() const { return stream_; }
  void Synchronize(const char* what) const;
  /** Polls cuStreamQuery for up to `budgetUs` µs; true once all work queued on the stream has finished. */
  bool SpinUntilDone(double budgetUs, const char* what) const;

 private:
  CUstream stream_ = nullptr;
};

class Event {
 public:
  explicit Event(bool blockingSync);
  ~Event();
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  CUevent get() const { return event_; }
  void Record(CUstream stream);
  /** Waits for the event; spins on cuEventQuery when `spin`, which trades a CPU core for lower latency. */
  void Wait(bool spin) const;
  /** GPU-clock milliseconds from `start` to this event. */
  float ElapsedSince(const Event& start) const;

 private:
  CUevent event_ = nullptr;
};

/** A captured and instantiated CUDA graph. */
class Graph {
 public:
  Graph() = default;
  ~Graph() { Reset(); }
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  void Adopt(CUgraph graph, CUgraphExec exec) {
    Reset();
    graph_ = graph;
    exec_ = exec;
  }
  void Reset() noexcept;
  bool valid() const { return exec_ != nullptr; }
  void Launch(CUstream stream);

 private:
  CUgraph graph_ = nullptr;
  CUgraphExec exec_ = nullptr;
};

}  // namespace trtn
