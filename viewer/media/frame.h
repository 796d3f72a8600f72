// A decoded frame as every source hands it over: packed RGBA8, ready to be
// written once into the GPU buffer that both the estimator and the display
// read.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace vkpose::view {

struct RgbaFrame {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // width * height * 4 bytes, rows packed
  double timestamp = 0;         // seconds since the source's first frame (presentation time)
  int64_t index = 0;            // position in the source, from 0
  // When decoding finished: end-to-end latency runs from here to the pose.
  std::chrono::steady_clock::time_point decoded_at;

  uint64_t bytes() const { return uint64_t(width) * uint64_t(height) * 4; }
};

}  // namespace vkpose::view
