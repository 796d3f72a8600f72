// Copies a host frame into staging on several threads. A 1280x720 RGBA
// frame is 3.7 MB, and one core writes it into the GPU's write-combined
// staging at about 14 GB/s (0.25 ms on an H200 host): more than the GPU
// needs for the whole network at 257, so that copy caps throughput. Cores
// writing separate chunks add their write-combining buffers up to the bus's
// limit. The workers are created once and wait on a condition variable;
// the calling thread copies the first chunk itself. Copying only the ranges
// preprocessing reads (sampledByteRanges) moves less again.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "runtime/byte_range.h"

namespace vkpose {

class ParallelCopy {
 public:
  // `threads` copying threads in all, the caller included (1: plain memcpy).
  explicit ParallelCopy(int threads);
  ~ParallelCopy();
  ParallelCopy(const ParallelCopy&) = delete;
  ParallelCopy& operator=(const ParallelCopy&) = delete;

  int threads() const { return int(workers_.size()) + 1; }
  // Returns once all `bytes` are copied. Not for concurrent callers.
  void copy(void* dst, const void* src, size_t bytes);
  // The same for the `ranges` of two buffers of one layout (each range at the
  // same offset in both), split by bytes across the threads.
  void copyRanges(void* dst, const void* src, std::span<const ByteRange> ranges);

 private:
  // Bytes [begin, end) of the ranges laid end to end.
  struct Chunk {
    size_t begin = 0, end = 0;
  };
  Chunk chunk(size_t index) const;
  void copyChunk(Chunk chunk) const;
  void work(size_t index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_, done_;
  uint64_t generation_ = 0;  // one per copy() that uses the workers
  size_t pending_ = 0;       // workers still copying their chunk
  bool stop_ = false;
  uint8_t* dst_ = nullptr;
  const uint8_t* src_ = nullptr;
  std::span<const ByteRange> ranges_;
  size_t bytes_ = 0;  // in all the ranges
};

}  // namespace vkpose
