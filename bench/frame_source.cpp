#include "bench/frame_source.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "bench/process.h"
#include "tools/vkpose/image_io.h"

namespace vkpose::bench {

namespace {

// Bilinear, with the aspect kept and black bars around (as a camera feed of
// another aspect would be shown), pixel centres aligned.
void letterbox(const cli::Image& image, BenchFrame& frame) {
  double scale = std::min(double(frame.width) / image.width, double(frame.height) / image.height);
  int w = std::max(1, int(std::lround(image.width * scale)));
  int h = std::max(1, int(std::lround(image.height * scale)));
  int x0 = (frame.width - w) / 2, y0 = (frame.height - h) / 2;
  for (int y = 0; y < h; ++y) {
    double sy = std::clamp((y + 0.5) / scale - 0.5, 0.0, double(image.height - 1));
    int iy = int(sy);
    int iy1 = std::min(iy + 1, image.height - 1);
    double fy = sy - iy;
    for (int x = 0; x < w; ++x) {
      double sx = std::clamp((x + 0.5) / scale - 0.5, 0.0, double(image.width - 1));
      int ix = int(sx);
      int ix1 = std::min(ix + 1, image.width - 1);
      double fx = sx - ix;
      uint8_t* out = &frame.rgba[(size_t(y0 + y) * size_t(frame.width) + size_t(x0 + x)) * 4];
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int px, int py) { return double(image.rgba[(size_t(py) * size_t(image.width) + size_t(px)) * 4 + size_t(c)]); };
        double top = at(ix, iy) + (at(ix1, iy) - at(ix, iy)) * fx;
        double bottom = at(ix, iy1) + (at(ix1, iy1) - at(ix, iy1)) * fx;
        out[c] = uint8_t(std::clamp(std::lround(top + (bottom - top) * fy), 0L, 255L));
      }
      out[3] = 255;
    }
  }
}

// Smooth gradients with a bright blob: no person, but the same work for the GPU.
void pattern(BenchFrame& frame) {
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      uint8_t* p = &frame.rgba[(size_t(y) * size_t(frame.width) + size_t(x)) * 4];
      double dx = x - frame.width / 2.0, dy = y - frame.height / 2.0;
      double blob = std::exp(-(dx * dx + dy * dy) / (0.05 * frame.width * frame.width));
      p[0] = uint8_t(255.0 * x / std::max(1, frame.width - 1));
      p[1] = uint8_t(255.0 * y / std::max(1, frame.height - 1));
      p[2] = uint8_t(255.0 * blob);
      p[3] = 255;
    }
}

}  // namespace

std::vector<std::string> samplePhotoCandidates() {
  std::string exe = executableDir();
  return {exe + "/pose.jpg", "tests/data/images/pose.jpg", exe + "/../tests/data/images/pose.jpg",
          std::string(VKPOSE_BENCH_SOURCE_DIR) + "/tests/data/images/pose.jpg"};
}

BenchFrame makeBenchFrame(const std::string& image, int width, int height) {
  BenchFrame frame{width, height, std::vector<uint8_t>(size_t(width) * size_t(height) * 4, 0), "", false};
  std::string path = image;
  if (path.empty()) {
    std::error_code ec;
    for (const std::string& c : samplePhotoCandidates())
      if (std::filesystem::is_regular_file(c, ec)) {
        path = std::filesystem::path(c).lexically_normal().string();
        break;
      }
  }
  if (path.empty()) {
    pattern(frame);
    frame.synthetic = true;
    frame.source = "synthetic pattern (tests/data/images/pose.jpg not found; pass --image)";
    return frame;
  }
  letterbox(cli::loadImage(path), frame);
  frame.source = path;
  return frame;
}

}  // namespace vkpose::bench
