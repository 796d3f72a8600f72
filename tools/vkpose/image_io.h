// Image files in and out for the command-line tools (stb_image).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vkpose::cli {

// Larger images are refused: 16384² RGBA is already 1 GiB of pixels.
inline constexpr int kMaxImageSide = 16384;

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4
};

// Any format and depth stb_image reads (grayscale and 16-bit PNG are
// converted to 8-bit RGBA). Throws std::runtime_error naming the file and
// the problem: unreadable, corrupt, empty, or larger than kMaxImageSide.
Image loadImage(const std::string& path);

// Writes a PNG. Throws std::runtime_error when the file can't be written.
void savePng(const std::string& path, const Image& image);

}  // namespace vkpose::cli
