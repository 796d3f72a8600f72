#include "tools/vkpose/image_io.h"

#include <stdexcept>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

namespace vkpose::cli {

Image loadImage(const std::string& path) {
  int width = 0, height = 0, channels = 0;
  // Dimensions first, so a huge image is refused before it is decoded.
  if (!stbi_info(path.c_str(), &width, &height, &channels)) {
    const char* reason = stbi_failure_reason();
    throw std::runtime_error("cannot read image " + path + ": " + (reason ? reason : "unknown error"));
  }
  if (width <= 0 || height <= 0) throw std::runtime_error("image " + path + " is empty");
  if (width > kMaxImageSide || height > kMaxImageSide)
    throw std::runtime_error("image " + path + " is " + std::to_string(width) + "x" + std::to_string(height) +
                             "; the limit is " + std::to_string(kMaxImageSide) + " pixels per side");
  unsigned char* pixels = stbi_load(path.c_str(), &width, &height, &channels, 4);
  if (!pixels) {
    const char* reason = stbi_failure_reason();
    throw std::runtime_error("cannot decode image " + path + ": " + (reason ? reason : "unknown error"));
  }
  Image image{width, height, std::vector<uint8_t>(pixels, pixels + size_t(width) * size_t(height) * 4)};
  stbi_image_free(pixels);
  return image;
}

void savePng(const std::string& path, const Image& image) {
  if (!stbi_write_png(path.c_str(), image.width, image.height, 4, image.rgba.data(), image.width * 4))
    throw std::runtime_error("cannot write " + path);
}

}  // namespace vkpose::cli
