// CPU preprocessing that follows tools/oracle/preprocess.js step by step (in
// float64, rounding to float32 where the JS calls Math.fround), generalised
// from its letterbox square to any sampling window, and the frames the
// preprocessing tests feed the GPU.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "runtime/frame_mapping.h"
#include "runtime/ops/preprocess.h"

namespace vkpose::test {

// A frame as the reference reads it: packed RGB8, row-major.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
};

// Per axis: window position i is frame pixel origin + i, and the window is
// `span` pixels wide (preprocess.js: origin = -pad, span = the square's side).
struct RefWindow {
  int origin_x = 0, origin_y = 0;
  int span_x = 1, span_y = 1;
};

// model input = float32(float32(v / divisor) + bias[c]); preprocess.js's
// MobileNet step is divisor 127.5, bias -1.
struct RefNormalisation {
  double divisor = 127.5;
  std::array<double, 3> bias{-1, -1, -1};
};

// The model input as float32 NHWC [size][size][3], like preprocess.js.
std::vector<float> referencePreprocess(const RgbImage& image, const RefWindow& window, int size,
                                       const RefNormalisation& norm = {});

// NHWC [size][size][3] -> CHW [3][size][size].
std::vector<double> nhwcToChw(const std::vector<float>& nhwc, int size);

// Pixels drawn uniformly from 0..255 by std::mt19937(seed).
RgbImage randomImage(int width, int height, uint32_t seed);

// Byte order of one pixel in a frame buffer.
enum class RefPixelOrder { RGBA, RGB, BGRA };

// The frame's bytes as a GPU buffer holds them: rows `row_stride` bytes
// apart, padded with junk to a multiple of 4 bytes; row padding and alpha are
// junk too, so a kernel that reads them fails.
std::vector<uint8_t> encodeFrame(const RgbImage& image, RefPixelOrder order, uint32_t row_stride);

RefPixelOrder refOrder(PixelFormat format);

// The window of a width x height frame worked out from preprocess.js's
// formulas (letterbox: the centred square of the longer side), independently
// of samplingGrid, which test_frame_mapping checks on its own. Crop regions
// must be whole pixels.
RefWindow refWindow(ResizeMode mode, int width, int height, const RegionOfInterest& roi = {});

}  // namespace vkpose::test
