// Activation tensor shape, batch 1: channels, height, width.
#pragma once

#include <cstdint>
#include <string>

namespace vkpose {

struct Shape {
  int c = 0, h = 0, w = 0;
  int c4() const { return (c + 3) / 4; }
  uint64_t vec4Count() const { return uint64_t(c4()) * uint64_t(h) * uint64_t(w); }
  bool operator==(const Shape&) const = default;
  std::string str() const;  // "CxHxW"
};

}  // namespace vkpose
