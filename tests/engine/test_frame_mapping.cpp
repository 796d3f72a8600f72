// frameMapping / samplingGrid without a GPU: hand-computed letterbox pads
// (preprocess.js's floor split), stretch and crop scales, crop snapping, and
// the errors for impossible frames, sizes and regions.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>

#include "engine/error.h"
#include "runtime/frame_mapping.h"

namespace vkpose {
namespace {

// Local rather than op_test.h's, which would pull the GPU harness into a pure test.
void expectError(const std::function<void()>& action, const std::string& fragment) {
  try {
    action();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << "message: " << e.what();
    return;
  }
  ADD_FAILURE() << "no vkpose::Error thrown; expected one mentioning '" << fragment << "'";
}

SamplingAxis axis(int origin, int span) { return {origin, span}; }

TEST(Letterbox, LandscapePadsTopWithTheSmallerHalf) {
  // 1000x667: side 1000, 333 rows of padding, 166 on top and 167 below.
  SamplingGrid grid = samplingGrid(ResizeMode::Letterbox, 1000, 667, 257);
  EXPECT_EQ(grid.x, axis(0, 1000));
  EXPECT_EQ(grid.y, axis(-166, 1000));
  EXPECT_EQ(grid.model_size, 257);
  EXPECT_EQ(grid.frame_width, 1000);
  EXPECT_EQ(grid.frame_height, 667);
}

TEST(Letterbox, PortraitPadsLeft) {
  // 820x1024: 204 columns of padding, 102 each side.
  SamplingGrid grid = samplingGrid(ResizeMode::Letterbox, 820, 1024, 385);
  EXPECT_EQ(grid.x, axis(-102, 1024));
  EXPECT_EQ(grid.y, axis(0, 1024));
}

TEST(Letterbox, OddPaddingGoesToTheBottomAndRight) {
  EXPECT_EQ(samplingGrid(ResizeMode::Letterbox, 548, 342, 257).y, axis(-103, 548));  // 206 rows: 103 + 103
  EXPECT_EQ(samplingGrid(ResizeMode::Letterbox, 3, 2, 129).y, axis(0, 3));          // 1 row: 0 + 1
  EXPECT_EQ(samplingGrid(ResizeMode::Letterbox, 5, 2, 129).y, axis(-1, 5));         // 3 rows: 1 + 2
  EXPECT_EQ(samplingGrid(ResizeMode::Letterbox, 2, 5, 129).x, axis(-1, 5));
}

TEST(Letterbox, SquareFrameHasNoPadding) {
  SamplingGrid grid = samplingGrid(ResizeMode::Letterbox, 513, 513, 257);
  EXPECT_EQ(grid.x, axis(0, 513));
  EXPECT_EQ(grid.y, axis(0, 513));
  SamplingGrid one = samplingGrid(ResizeMode::Letterbox, 1, 1, 1);
  EXPECT_EQ(one.x, axis(0, 1));
}

TEST(Letterbox, MappingIsSideOverSizeMinusPad) {
  FrameMapping m = frameMapping(ResizeMode::Letterbox, 1000, 667, 257);
  EXPECT_FLOAT_EQ(m.scale_x, 1000.f / 257.f);
  EXPECT_FLOAT_EQ(m.scale_y, 1000.f / 257.f);
  EXPECT_EQ(m.offset_x, 0.f);
  EXPECT_EQ(m.offset_y, -166.f);
  auto corner = m.toFrame(256, 256);  // the last model pixel: 256 * 1000 / 257 = 996.11...
  EXPECT_NEAR(corner[0], 996.1089, 1e-3);
  EXPECT_NEAR(corner[1], 996.1089 - 166, 1e-3);
  auto origin = m.toFrame(0, 0);
  EXPECT_EQ(origin[0], 0.f);
  EXPECT_EQ(origin[1], -166.f);
}

TEST(Stretch, ScalesEachAxisToTheFrame) {
  SamplingGrid grid = samplingGrid(ResizeMode::Stretch, 640, 480, 257);
  EXPECT_EQ(grid.x, axis(0, 640));
  EXPECT_EQ(grid.y, axis(0, 480));
  FrameMapping m = grid.mapping();
  EXPECT_FLOAT_EQ(m.scale_x, 640.f / 257.f);
  EXPECT_FLOAT_EQ(m.scale_y, 480.f / 257.f);
  EXPECT_EQ(m.offset_x, 0.f);
  EXPECT_EQ(m.offset_y, 0.f);
}

TEST(Crop, RegionScalesAndOffsets) {
  FrameMapping m = frameMapping(ResizeMode::Crop, 640, 480, 100, {10, 20, 100, 50});
  EXPECT_FLOAT_EQ(m.scale_x, 1.f);
  EXPECT_FLOAT_EQ(m.scale_y, 0.5f);
  EXPECT_EQ(m.offset_x, 10.f);
  EXPECT_EQ(m.offset_y, 20.f);
  auto p = m.toFrame(50, 50);
  EXPECT_FLOAT_EQ(p[0], 60.f);
  EXPECT_FLOAT_EQ(p[1], 45.f);
}

TEST(Crop, EdgesSnapToTheNearestPixelBoundary) {
  // x: 10.4 -> 10, 10.4 + 99.3 = 109.7 -> 110; y: 20.6 -> 21, 71.1 -> 71.
  SamplingGrid grid = samplingGrid(ResizeMode::Crop, 640, 480, 257, {10.4f, 20.6f, 99.3f, 50.5f});
  EXPECT_EQ(grid.x, axis(10, 100));
  EXPECT_EQ(grid.y, axis(21, 50));
  // Half a pixel rounds up on both sides of zero: -10.5 -> -10, 9.5 -> 10.
  SamplingGrid left = samplingGrid(ResizeMode::Crop, 640, 480, 257, {-10.5f, -0.5f, 20.f, 20.f});
  EXPECT_EQ(left.x, axis(-10, 20));
  EXPECT_EQ(left.y, axis(0, 20));
}

TEST(Crop, RegionPartlyOutsideTheFrameIsKept) {
  SamplingGrid grid = samplingGrid(ResizeMode::Crop, 640, 480, 129, {600, 400, 100, 120});
  EXPECT_EQ(grid.x, axis(600, 100));
  EXPECT_EQ(grid.y, axis(400, 120));
}

TEST(FrameMappingErrors, EmptyOrOversizedFrame) {
  expectError([] { samplingGrid(ResizeMode::Letterbox, 0, 480, 257); }, "frame 0x480 is empty");
  expectError([] { samplingGrid(ResizeMode::Stretch, 640, -1, 257); }, "frame 640x-1 is empty");
  expectError([] { frameMapping(ResizeMode::Letterbox, 70000, 10, 257); },
              "frame 70000x10 exceeds the limit of 65536 pixels per side");
}

TEST(FrameMappingErrors, ModelSizeOutOfRange) {
  expectError([] { frameMapping(ResizeMode::Letterbox, 640, 480, 0); }, "model input size 0 is outside [1, 4096]");
  expectError([] { frameMapping(ResizeMode::Stretch, 640, 480, -3); }, "model input size -3");
  expectError([] { frameMapping(ResizeMode::Letterbox, 640, 480, 5000); }, "model input size 5000 is outside");
}

TEST(FrameMappingErrors, BadRegions) {
  auto crop = [](RegionOfInterest roi) { samplingGrid(ResizeMode::Crop, 640, 480, 257, roi); };
  expectError([&] { crop({0, 0, 0, 10}); }, "has no area");
  expectError([&] { crop({0, 0, 10, -5}); }, "has no area");
  expectError([&] { crop({std::numeric_limits<float>::quiet_NaN(), 0, 10, 10}); }, "is not finite");
  expectError([&] { crop({0, 0, std::numeric_limits<float>::infinity(), 10}); }, "is not finite");
  expectError([&] { crop({0, 0, 0.4f, 10}); }, "smaller than one pixel");
  expectError([&] { crop({640, 0, 10, 10}); }, "does not overlap the frame");
  expectError([&] { crop({-20, 0, 10, 10}); }, "does not overlap the frame");
  expectError([&] { crop({0, 480.5f, 10, 10}); }, "does not overlap the frame");
  expectError([&] { crop({0, 0, 1e6f, 10}); }, "exceeds the limit of 65536 pixels");
  // The message names the region as given.
  expectError([&] { crop({640, 1, 2, 3}); }, "region of interest (x 640, y 1, 2x3)");
}

TEST(ResizeModeName, NamesEveryMode) {
  EXPECT_STREQ(resizeModeName(ResizeMode::Letterbox), "letterbox");
  EXPECT_STREQ(resizeModeName(ResizeMode::Stretch), "stretch");
  EXPECT_STREQ(resizeModeName(ResizeMode::Crop), "crop");
}

}  // namespace
}  // namespace vkpose
