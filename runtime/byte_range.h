// A run of bytes at the same offset in two buffers of the same layout (a host
// frame and its staging copy).
#pragma once

#include <cstddef>

namespace vkpose {

struct ByteRange {
  size_t offset = 0;
  size_t bytes = 0;

  bool operator==(const ByteRange&) const = default;
};

}  // namespace vkpose
