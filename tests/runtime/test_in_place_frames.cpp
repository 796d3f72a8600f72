// Zero-copy host frames (Estimator::acquireFrame): a frame decoded straight
// into the staging buffer the next submit reads gives the golden TF.js
// keypoints, without a copy; the reservation holds across poll/wait with
// several frames in flight; and every misuse of an acquired pointer is
// refused with a message naming it. Validation is on; any message fails.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "runtime/estimator.h"
#include "tests/support/golden_data.h"
#include "tests/support/golden_pose.h"
#include "tests/support/op_test.h"

namespace vkpose {
namespace {

using test::expectError;
using test::expectGoldenPose;
using test::photo;
using test::RgbImage;

using test::expectNoValidationMessages;

EstimatorOptions optionsFor(int frames_in_flight) { return test::optionsFor(257, Precision::FP32, frames_in_flight); }

FrameLayout rgbLayout(const RgbImage& image) { return FrameLayout::packed(image.width, image.height, PixelFormat::RGB8); }

// What a decoder does: the frame's rows straight into the acquired memory,
// never past the last row's last pixel.
void decodeInto(const AcquiredFrame& frame, const uint8_t* rows, uint32_t row_stride) {
  const FrameLayout& l = frame.layout;
  size_t row = size_t(l.width) * pixelBytes(l.format);
  for (size_t y = 0; y < size_t(l.height); ++y) std::memcpy(frame.pixels + y * l.row_stride, rows + y * row_stride, row);
}

AcquiredFrame acquireRgb(Estimator& estimator, const RgbImage& image) {
  std::optional<AcquiredFrame> frame = estimator.acquireFrame(rgbLayout(image));
  if (!frame) throw std::runtime_error("acquireFrame: no free frame slot");
  decodeInto(*frame, image.rgb.data(), uint32_t(image.width) * 3);
  return *frame;
}

TEST(InPlaceFrames, GiveTheGoldenPoseWithoutACopy) {
  Estimator estimator(optionsFor(2));
  for (const char* name : {"pose.jpg", "messi5.jpg"}) {
    AcquiredFrame frame = acquireRgb(estimator, photo(name));
    EXPECT_EQ(frame.bytes, rgbLayout(photo(name)).requiredBytes());
    expectGoldenPose(estimator.estimate(frame.frame()), name, 257);
  }
  EXPECT_EQ(estimator.hostFrameCounts().in_place, 2u);
  EXPECT_EQ(estimator.hostFrameCounts().copied, 0u) << "a frame written in place is never copied";
  EXPECT_GE(estimator.memory().staging, rgbLayout(photo("pose.jpg")).requiredBytes());

  // The same pixels from the caller's memory take the copy path, to the same pose.
  expectGoldenPose(estimator.estimate(test::rgbFrame(photo("pose.jpg"))), "pose.jpg", 257);
  EXPECT_EQ(estimator.hostFrameCounts().copied, 1u);
  EXPECT_EQ(estimator.hostFrameCounts().in_place, 2u);
  expectNoValidationMessages(estimator);
}

// The GPU reads what was written after acquiring, not a snapshot taken then:
// the slot's staging first holds another photo's bytes (stale), then grey, then
// the photo, each written in place.
TEST(InPlaceFrames, TheGpuReadsWhatIsWrittenAfterAcquiring) {
  Estimator estimator(optionsFor(1));
  const RgbImage& image = photo("messi5.jpg");
  expectGoldenPose(estimator.estimate(acquireRgb(estimator, photo("frisbee.jpg")).frame()), "frisbee.jpg", 257);
  std::optional<AcquiredFrame> frame = estimator.acquireFrame(rgbLayout(image));
  ASSERT_TRUE(frame);
  std::memset(frame->pixels, 128, frame->bytes);
  decodeInto(*frame, image.rgb.data(), uint32_t(image.width) * 3);
  expectGoldenPose(estimator.estimate(frame->frame()), "messi5.jpg", 257);
  expectNoValidationMessages(estimator);
}

TEST(InPlaceFrames, PaddedFourByteRowsWrittenInPlace) {
  Estimator estimator(optionsFor(1));
  const RgbImage& image = photo("messi5.jpg");
  uint32_t stride = uint32_t(image.width) * 4 + 52;
  for (PixelFormat format : {PixelFormat::RGBA8, PixelFormat::BGRA8}) {
    SCOPED_TRACE(pixelFormatName(format));
    std::vector<uint8_t> pixels = test::fourBytePixels(image, format, stride);
    std::optional<AcquiredFrame> frame = estimator.acquireFrame({image.width, image.height, stride, format});
    ASSERT_TRUE(frame);
    decodeInto(*frame, pixels.data(), stride);
    expectGoldenPose(estimator.estimate(frame->frame()), "messi5.jpg", 257);
  }
  EXPECT_EQ(estimator.hostFrameCounts().in_place, 2u);
  expectNoValidationMessages(estimator);
}

// Three slots, three photos in flight. The frame acquired while all the
// others are held keeps its slot when an earlier slot is freed before it is
// submitted: were it taken from the freed slot, it would show that slot's photo.
TEST(InPlaceFrames, SeveralInFlightEachGiveTheirOwnPose) {
  Estimator estimator(optionsFor(3));
  std::optional<Ticket> pose = estimator.submit(acquireRgb(estimator, photo("pose.jpg")).frame());
  std::optional<Ticket> messi = estimator.submit(acquireRgb(estimator, photo("messi5.jpg")).frame());
  ASSERT_TRUE(pose && messi);
  AcquiredFrame frisbee_frame = acquireRgb(estimator, photo("frisbee.jpg"));
  expectGoldenPose(estimator.wait(*pose), "pose.jpg", 257);  // frees the first slot
  std::optional<Ticket> frisbee = estimator.submit(frisbee_frame.frame());
  ASSERT_TRUE(frisbee);

  // The freed first slot takes the next frame; then all three are held.
  std::optional<Ticket> portrait = estimator.submit(acquireRgb(estimator, photo("portrait.jpg")).frame());
  ASSERT_TRUE(portrait);
  EXPECT_FALSE(estimator.acquireFrame(rgbLayout(photo("pose.jpg")))) << "every slot holds an uncollected ticket";
  expectGoldenPose(estimator.wait(*frisbee), "frisbee.jpg", 257);
  expectGoldenPose(estimator.wait(*messi), "messi5.jpg", 257);
  expectGoldenPose(estimator.wait(*portrait), "portrait.jpg", 257);
  EXPECT_EQ(estimator.hostFrameCounts().in_place, 4u);
  EXPECT_EQ(estimator.hostFrameCounts().copied, 0u);
  expectNoValidationMessages(estimator);
}

TEST(InPlaceFrames, RefuseBadLayoutsClearly) {
  Estimator estimator(optionsFor(1));
  expectError([&] { estimator.acquireFrame(FrameLayout::packed(0, 0, PixelFormat::RGBA8)); }, "frame 0x0 RGBA8 is empty");
  expectError([&] { estimator.acquireFrame({-4, 8, 64, PixelFormat::RGBA8}); }, "frame -4x8 RGBA8 is empty");
  expectError([&] { estimator.acquireFrame({64, 64, 100, PixelFormat::RGBA8}); },
              "row stride 100 bytes is smaller than a row");
  expectError([&] { estimator.acquireFrame(FrameLayout::packed(30000, 720, PixelFormat::RGBA8)); },
              "exceeds the limit of 16384 pixels per side");
  EXPECT_EQ(estimator.memory().staging, 0u) << "nothing allocated for a refused layout";
  expectNoValidationMessages(estimator);
}

TEST(InPlaceFrames, RefuseStaleOrMismatchedPointersClearly) {
  Estimator estimator(optionsFor(1));
  const RgbImage& image = photo("messi5.jpg");
  const std::string stale = "point into vkpose's staging memory but are not the frame acquired now";

  AcquiredFrame frame = acquireRgb(estimator, image);
  Frame other_layout{frame.pixels, FrameLayout::packed(image.width, image.height - 1, PixelFormat::RGB8)};
  expectError([&] { estimator.submit(other_layout); },
              "its layout 548x341 RGB8 with row stride 1644 is not the 548x342 RGB8 with row stride 1644 it was "
              "acquired for");
  expectError([&] { estimator.submit(frame.frame()); }, stale);  // the refused submit ended it too

  frame = acquireRgb(estimator, image);
  expectError([&] { estimator.submit(Frame{frame.pixels + 64, frame.layout}); }, stale);  // not the pointer acquired

  frame = acquireRgb(estimator, image);
  std::optional<Ticket> ticket = estimator.submit(frame.frame());
  ASSERT_TRUE(ticket);
  expectGoldenPose(estimator.wait(*ticket), "messi5.jpg", 257);
  expectError([&] { estimator.submit(frame.frame()); }, stale);  // from before another submit

  frame = acquireRgb(estimator, image);
  estimator.setInputSize(385);
  expectError([&] { estimator.submit(frame.frame()); }, stale);  // from before setInputSize
  estimator.setInputSize(257);

  frame = acquireRgb(estimator, image);
  estimator.forgetGpuFrame(GpuFrame{});
  expectError([&] { estimator.submit(frame.frame()); }, stale);  // from before forgetGpuFrame

  // From before a larger acquisition, which replaced the staging buffer. The
  // new buffer may sit where the old one did, and then the old frame is the
  // new pointer with the old layout.
  frame = acquireRgb(estimator, image);
  AcquiredFrame larger = acquireRgb(estimator, photo("pose.jpg"));
  try {
    estimator.submit(frame.frame());
    ADD_FAILURE() << "a frame acquired before another acquireFrame was submitted";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_TRUE(message.find(stale) != std::string::npos || message.find("it was acquired for") != std::string::npos)
        << message;
  }
  expectError([&] { estimator.submit(larger.frame()); }, stale);  // and that one ended with the refused submit

  // With the only slot held, there is nothing to acquire until it is collected.
  ticket = estimator.submit(acquireRgb(estimator, image).frame());
  ASSERT_TRUE(ticket);
  EXPECT_FALSE(estimator.acquireFrame(rgbLayout(image)));
  expectGoldenPose(estimator.wait(*ticket), "messi5.jpg", 257);
  expectGoldenPose(estimator.estimate(acquireRgb(estimator, image).frame()), "messi5.jpg", 257);
  EXPECT_EQ(estimator.hostFrameCounts().copied, 0u) << "no refused frame was copied";
  EXPECT_EQ(estimator.hostFrameCounts().in_place, 3u);
  expectNoValidationMessages(estimator);
}

// A frame acquired two acquisitions ago, whose staging buffer has been
// replaced twice since (each acquisition larger than the last): its bytes
// are still mapped by vkpose but stale, so submitting it is refused rather
// than copied. The last staging buffer (65 MiB) is larger than an allocator
// block (16 MiB; 64 when this test was written), so it gets a block of its
// own and can never sit where the first frame did (a buffer of exactly one
// 64 MiB block did, on an H200, once the first two had left their block
// empty).
TEST(InPlaceFrames, RefuseAFrameFromAStagingBufferReplacedTwice) {
  Estimator estimator(optionsFor(1));
  std::optional<AcquiredFrame> first = estimator.acquireFrame(FrameLayout::packed(320, 240, PixelFormat::RGBA8));
  ASSERT_TRUE(first);
  std::memset(first->pixels, 0x80, first->bytes);
  ASSERT_TRUE(estimator.acquireFrame(FrameLayout::packed(640, 480, PixelFormat::RGBA8)));
  ASSERT_TRUE(estimator.acquireFrame(FrameLayout::packed(4096, 4160, PixelFormat::RGBA8)));
  expectError([&] { estimator.submit(first->frame()); }, "point into vkpose's staging memory");
  EXPECT_EQ(estimator.hostFrameCounts().copied, 0u);
  expectNoValidationMessages(estimator);
}

// InputSizePolicy::FromFrame: acquiring re-plans for the frame's size, as
// submit would.
TEST(InPlaceFrames, FollowTheInputSizeChosenFromTheFrame) {
  EstimatorOptions options = optionsFor(1);
  options.input_size_policy = InputSizePolicy::FromFrame;
  options.max_auto_input_size = 385;
  Estimator estimator(options);
  AcquiredFrame frame = acquireRgb(estimator, photo("pose.jpg"));
  EXPECT_EQ(estimator.inputSize(), 385);
  expectGoldenPose(estimator.estimate(frame.frame()), "pose.jpg", 385);
  expectNoValidationMessages(estimator);
}

}  // namespace
}  // namespace vkpose
