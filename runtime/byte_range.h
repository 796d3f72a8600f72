// A run of bytes at the same offset in two buffers of the same layout (a host
// frame and its staging copy).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vkpose {

struct ByteRange {
  size_t offset = 0;
  size_t bytes = 0;

  bool operator==(const ByteRange&) const = default;
};

// Whether the host address ranges [a, a + a_bytes) and [b, b + b_bytes)
// share a byte; an empty range shares none.
inline bool overlaps(const void* a, uint64_t a_bytes, const void* b, uint64_t b_bytes) {
  auto first = reinterpret_cast<uintptr_t>(a), second = reinterpret_cast<uintptr_t>(b);
  return a_bytes > 0 && b_bytes > 0 && first < second + b_bytes && second < first + a_bytes;
}

}  // namespace vkpose
