// The frame every measurement hands to the Estimator: the committed photo
// letterboxed into a WxH RGBA8 frame (what a camera would deliver), or a
// synthetic pattern when no photo is found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vkpose::bench {

struct BenchFrame {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4, packed rows
  std::string source;         // the photo's path, or "synthetic (...)"
  bool synthetic = false;
};

// `image` empty: tests/data/images/pose.jpg beside the executable, under the
// working directory or in the source tree. A named image that cannot be read
// throws std::runtime_error; a missing default photo falls back to the pattern.
BenchFrame makeBenchFrame(const std::string& image, int width, int height);

// The sample photo's candidate paths, most local first.
std::vector<std::string> samplePhotoCandidates();

}  // namespace vkpose::bench
