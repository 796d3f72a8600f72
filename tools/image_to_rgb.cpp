// vkpose-image-to-rgb: decodes a JPEG or PNG into a raw RGB8 file.
// Output: width and height as little-endian uint32, then width*height*3 bytes
// (row-major, R G B). The Node oracles read this file instead of decoding the
// image themselves, so every oracle and every C++ test sees the same pixels.
// Exit status: 0 on success, 1 on unreadable input or failed write, 2 on usage.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

namespace {

struct StbiFree {
  void operator()(unsigned char* pixels) const { stbi_image_free(pixels); }
};

void storeLittleEndian32(unsigned char* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<unsigned char>(value >> (8 * i));
}

bool writeRgb(const char* path, std::uint32_t width, std::uint32_t height, const unsigned char* rgb) {
  std::FILE* file = std::fopen(path, "wb");
  if (file == nullptr) {
    std::fprintf(stderr, "vkpose-image-to-rgb: cannot open '%s' for writing: %s\n", path, std::strerror(errno));
    return false;
  }
  unsigned char header[8];
  storeLittleEndian32(header, width);
  storeLittleEndian32(header + 4, height);
  const std::size_t pixel_bytes = static_cast<std::size_t>(width) * height * 3;
  bool ok = std::fwrite(header, 1, sizeof header, file) == sizeof header &&
            std::fwrite(rgb, 1, pixel_bytes, file) == pixel_bytes;
  ok = (std::fclose(file) == 0) && ok;
  if (!ok) std::fprintf(stderr, "vkpose-image-to-rgb: failed writing '%s'\n", path);
  return ok;
}

int usage(std::FILE* stream, int status) {
  std::fprintf(stream,
               "usage: vkpose-image-to-rgb IN.(jpg|png) OUT.rgb\n"
               "  Writes width, height (little-endian uint32) then RGB8 pixels, row-major.\n"
               "  Grey and RGBA inputs are converted to RGB (alpha dropped).\n");
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0)) return usage(stdout, 0);
  if (argc != 3) return usage(stderr, 2);

  int width = 0;
  int height = 0;
  int channels_in_file = 0;
  std::unique_ptr<unsigned char, StbiFree> rgb(stbi_load(argv[1], &width, &height, &channels_in_file, 3));
  if (!rgb) {
    std::fprintf(stderr, "vkpose-image-to-rgb: cannot decode '%s': %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  const bool written = writeRgb(argv[2], static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), rgb.get());
  if (!written) std::remove(argv[2]);  // never leave a truncated file behind
  return written ? 0 : 1;
}
