#include "runtime/parallel_copy.h"

#include <algorithm>
#include <cstring>

namespace vkpose {

namespace {

// Below this, waking the workers costs more than the copy.
constexpr size_t kMinParallelBytes = size_t(1) << 20;
// Chunks start on cache-line boundaries so no two threads write one line
// (within one range; where ranges meet, a line may be shared, harmlessly).
constexpr size_t kChunkAlignment = 64;

}  // namespace

ParallelCopy::ParallelCopy(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { work(size_t(i)); });
}

ParallelCopy::~ParallelCopy() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
  for (std::thread& t : workers_) t.join();
}

ParallelCopy::Chunk ParallelCopy::chunk(size_t index) const {
  size_t parts = workers_.size() + 1;
  size_t size = (bytes_ / parts + kChunkAlignment - 1) / kChunkAlignment * kChunkAlignment;
  size_t begin = std::min(bytes_, index * size);
  return {begin, index + 1 == parts ? bytes_ : std::min(bytes_, begin + size)};
}

void ParallelCopy::copy(void* dst, const void* src, size_t bytes) {
  ByteRange all{0, bytes};
  copyRanges(dst, src, {&all, 1});
}

void ParallelCopy::copyRanges(void* dst, const void* src, std::span<const ByteRange> ranges) {
  size_t bytes = 0;
  for (const ByteRange& r : ranges) bytes += r.bytes;
  if (bytes == 0) return;  // memcpy may not be given null pointers, even for nothing
  bool parallel = !workers_.empty() && bytes >= kMinParallelBytes;
  {
    std::lock_guard lock(mutex_);
    dst_ = static_cast<uint8_t*>(dst);
    src_ = static_cast<const uint8_t*>(src);
    ranges_ = ranges;
    bytes_ = bytes;
    if (parallel) {
      pending_ = workers_.size();
      ++generation_;
    }
  }
  if (!parallel) return copyChunk({0, bytes});
  start_.notify_all();
  copyChunk(chunk(0));
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
}

void ParallelCopy::copyChunk(Chunk chunk) const {
  size_t position = 0;  // where the current range starts, ranges laid end to end
  for (const ByteRange& r : ranges_) {
    size_t begin = std::max(chunk.begin, position), end = std::min(chunk.end, position + r.bytes);
    if (begin < end) std::memcpy(dst_ + r.offset + (begin - position), src_ + r.offset + (begin - position), end - begin);
    position += r.bytes;
    if (position >= chunk.end) return;
  }
}

void ParallelCopy::work(size_t index) {
  uint64_t seen = 0;
  for (;;) {
    std::unique_lock lock(mutex_);
    start_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    Chunk mine = chunk(index);
    lock.unlock();
    copyChunk(mine);
    lock.lock();
    if (--pending_ == 0) done_.notify_one();
  }
}

}  // namespace vkpose
