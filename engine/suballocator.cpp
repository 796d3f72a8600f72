#include "engine/suballocator.h"

#include "engine/error.h"

namespace vkpose {

RangeAllocator::RangeAllocator(uint64_t capacity) : capacity_(capacity) {
  if (capacity > 0) free_[0] = capacity;
}

std::optional<uint64_t> RangeAllocator::allocate(uint64_t size, uint64_t alignment) {
  if (size == 0 || alignment == 0 || (alignment & (alignment - 1)) != 0) return std::nullopt;
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    uint64_t begin = it->first, end = it->second;
    uint64_t offset = (begin + alignment - 1) & ~(alignment - 1);
    if (offset + size > end || offset + size < offset) continue;
    free_.erase(it);
    // The alignment gap stays with the allocation so free() restores it whole.
    if (offset + size < end) free_[offset + size] = end;
    used_[offset] = {begin, offset + size};
    in_use_ += offset + size - begin;
    return offset;
  }
  return std::nullopt;
}

void RangeAllocator::free(uint64_t offset) {
  auto it = used_.find(offset);
  if (it == used_.end()) throw Error("RangeAllocator::free: offset " + std::to_string(offset) + " was not allocated");
  Used range = it->second;
  used_.erase(it);
  in_use_ -= range.end - range.begin;
  insertFree(range.begin, range.end);
}

void RangeAllocator::insertFree(uint64_t begin, uint64_t end) {
  auto next = free_.lower_bound(begin);
  if (next != free_.end() && next->first == end) {
    end = next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->second == begin) {
      prev->second = end;
      return;
    }
  }
  free_[begin] = end;
}

}  // namespace vkpose
