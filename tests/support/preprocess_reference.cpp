#include "tests/support/preprocess_reference.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace vkpose::test {

namespace {

struct Tap {
  int lo = 0, hi = 0;
  double frac = 0;
};

// preprocess.js resizeTaps: one float64 division, then ratio * dst.
std::vector<Tap> resizeTaps(int in_size, int out_size) {
  double ratio = double(in_size) / double(out_size);
  std::vector<Tap> taps;
  for (int dst = 0; dst < out_size; ++dst) {
    double src = ratio * dst;
    double lo = std::floor(src);
    taps.push_back({int(lo), std::min(int(std::ceil(src)), in_size - 1), src - lo});
  }
  return taps;
}

// preprocess.js paddedPixelReader: window position -> frame pixel, black outside.
double windowPixel(const RgbImage& image, const RefWindow& window, int y, int x, int channel) {
  int sy = y + window.origin_y;
  int sx = x + window.origin_x;
  if (sy < 0 || sy >= image.height || sx < 0 || sx >= image.width) return 0;
  return image.rgb[(size_t(sy) * size_t(image.width) + size_t(sx)) * 3 + size_t(channel)];
}

}  // namespace

std::vector<float> referencePreprocess(const RgbImage& image, const RefWindow& window, int size,
                                       const RefNormalisation& norm) {
  std::vector<Tap> rows = resizeTaps(window.span_y, size);
  std::vector<Tap> cols = resizeTaps(window.span_x, size);
  auto pixel = [&](int y, int x, int c) { return windowPixel(image, window, y, x, c); };
  std::vector<float> input;
  input.reserve(size_t(size) * size_t(size) * 3);
  for (const Tap& row : rows)
    for (const Tap& col : cols)
      for (int c = 0; c < 3; ++c) {
        double top = pixel(row.lo, col.lo, c) + (pixel(row.lo, col.hi, c) - pixel(row.lo, col.lo, c)) * col.frac;
        double bottom = pixel(row.hi, col.lo, c) + (pixel(row.hi, col.hi, c) - pixel(row.hi, col.lo, c)) * col.frac;
        float resized = float(top + (bottom - top) * row.frac);
        float scaled = float(double(resized) / norm.divisor);
        input.push_back(float(double(scaled) + norm.bias[size_t(c)]));
      }
  return input;
}

std::vector<double> nhwcToChw(const std::vector<float>& nhwc, int size) {
  size_t area = size_t(size) * size_t(size);
  std::vector<double> chw(area * 3);
  for (size_t i = 0; i < area; ++i)
    for (size_t c = 0; c < 3; ++c) chw[c * area + i] = nhwc[i * 3 + c];
  return chw;
}

RgbImage randomImage(int width, int height, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  RgbImage image{width, height, std::vector<uint8_t>(size_t(width) * size_t(height) * 3)};
  for (uint8_t& v : image.rgb) v = uint8_t(byte(rng));
  return image;
}

std::vector<uint8_t> encodeFrame(const RgbImage& image, RefPixelOrder order, uint32_t row_stride) {
  size_t pixel_bytes = order == RefPixelOrder::RGB ? 3 : 4;
  size_t used = size_t(image.height - 1) * row_stride + size_t(image.width) * pixel_bytes;
  std::vector<uint8_t> bytes((used + 3) / 4 * 4);
  std::mt19937 rng(0x7a11u);
  for (uint8_t& b : bytes) b = uint8_t(rng());
  for (size_t y = 0; y < size_t(image.height); ++y)
    for (size_t x = 0; x < size_t(image.width); ++x) {
      const uint8_t* rgb = &image.rgb[(y * size_t(image.width) + x) * 3];
      uint8_t* px = &bytes[y * row_stride + x * pixel_bytes];
      bool swap = order == RefPixelOrder::BGRA;
      px[0] = swap ? rgb[2] : rgb[0];
      px[1] = rgb[1];
      px[2] = swap ? rgb[0] : rgb[2];
    }
  return bytes;
}

RefPixelOrder refOrder(PixelFormat format) {
  switch (format) {
    case PixelFormat::RGBA8: return RefPixelOrder::RGBA;
    case PixelFormat::RGB8: return RefPixelOrder::RGB;
    case PixelFormat::BGRA8: return RefPixelOrder::BGRA;
  }
  return RefPixelOrder::RGBA;
}

RefWindow refWindow(ResizeMode mode, int width, int height, const RegionOfInterest& roi) {
  switch (mode) {
    case ResizeMode::Letterbox: {
      int side = std::max(width, height);
      int pad_top = (side - height) / 2, pad_left = (side - width) / 2;
      return {-pad_left, -pad_top, side, side};
    }
    case ResizeMode::Stretch: return {0, 0, width, height};
    case ResizeMode::Crop: return {int(roi.x), int(roi.y), int(roi.width), int(roi.height)};
  }
  return {};
}

}  // namespace vkpose::test
