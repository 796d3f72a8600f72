// Pure offset bookkeeping for carving many buffers out of one VkDeviceMemory
// block: first fit over a free list, neighbours coalesced on free.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace vkpose {

class RangeAllocator {
 public:
  explicit RangeAllocator(uint64_t capacity);

  // Returns the offset of a range of `size` bytes aligned to `alignment`
  // (a power of two), or nullopt when no free range fits.
  std::optional<uint64_t> allocate(uint64_t size, uint64_t alignment);
  // Frees the range that allocate() returned at `offset`. Unknown offsets throw.
  void free(uint64_t offset);

  uint64_t capacity() const { return capacity_; }
  uint64_t bytesInUse() const { return in_use_; }
  size_t liveRanges() const { return used_.size(); }
  size_t freeRanges() const { return free_.size(); }

 private:
  struct Used {
    uint64_t begin;  // including the alignment gap before offset
    uint64_t end;
  };
  void insertFree(uint64_t begin, uint64_t end);

  uint64_t capacity_;
  uint64_t in_use_ = 0;
  std::map<uint64_t, uint64_t> free_;  // begin -> end
  std::map<uint64_t, Used> used_;      // offset handed out -> its range
};

}  // namespace vkpose
