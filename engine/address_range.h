// Host address ranges: whether two of them share a byte. The allocator asks
// it of its mapped blocks, the Estimator of memory registered twice.
#pragma once

#include <cstdint>

namespace vkpose {

// Whether the host address ranges [a, a + a_bytes) and [b, b + b_bytes)
// share a byte; an empty range shares none.
inline bool overlaps(const void* a, uint64_t a_bytes, const void* b, uint64_t b_bytes) {
  auto first = reinterpret_cast<uintptr_t>(a), second = reinterpret_cast<uintptr_t>(b);
  return a_bytes > 0 && b_bytes > 0 && first < second + b_bytes && second < first + a_bytes;
}

}  // namespace vkpose
