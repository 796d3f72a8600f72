// Host frames in the caller's own registered memory
// (Estimator::registerHostMemory): the GPU reads them in place through
// VK_EXT_external_memory_host. Each frame gives the golden TF.js keypoints
// without a copy; what the caller writes after registering is what the GPU
// reads; frames the GPU cannot read in place fall back to the copy; and bad
// ranges are refused by name. Validation is on; any message fails. Lavapipe
// has the extension; a device without it skips, saying so.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "runtime/estimator.h"
#include "tests/support/golden_pose.h"
#include "tests/support/op_test.h"

namespace vkpose {
namespace {

using test::expectError;
using test::expectGoldenPose;
using test::expectNoValidationMessages;
using test::photo;
using test::RgbImage;

constexpr size_t kPage = 4096;
constexpr uint8_t kPoison = 0xcd;

// Caller memory for a ring of frames. Its start is 64 bytes past a page
// boundary, so the import has to round outwards to whole pages.
class HostRing {
 public:
  explicit HostRing(size_t bytes) : bytes_(bytes) {
    size_t allocated = (bytes + 64 + 2 * kPage) / kPage * kPage;
    storage_.reset(static_cast<uint8_t*>(std::aligned_alloc(kPage, allocated)));
    if (!storage_) throw std::bad_alloc();
    std::memset(storage_.get(), kPoison, allocated);
  }
  uint8_t* begin() const { return storage_.get() + 64; }
  size_t bytes() const { return bytes_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> storage_;
  size_t bytes_;
};

EstimatorOptions optionsFor(int frames_in_flight) { return test::optionsFor(257, Precision::FP32, frames_in_flight); }

// The photo as packed RGBA at `at`, as a decoder writes it.
Frame writeRgba(uint8_t* at, const RgbImage& image) {
  std::vector<uint8_t> rgba = test::fourBytePixels(image, PixelFormat::RGBA8, uint32_t(image.width) * 4);
  std::memcpy(at, rgba.data(), rgba.size());
  return Frame::packed(at, image.width, image.height, PixelFormat::RGBA8);
}

size_t rgbaBytes(const RgbImage& image) { return size_t(image.width) * size_t(image.height) * 4; }
size_t roundUp(size_t bytes, size_t unit) { return (bytes + unit - 1) / unit * unit; }

#define REGISTER_OR_SKIP(estimator, begin, bytes)                                              \
  do {                                                                                         \
    std::string why_;                                                                          \
    if (!(estimator).registerHostMemory((begin), (bytes), &why_))                              \
      GTEST_SKIP() << "this device cannot import host memory (" << why_ << "), so it has no " \
                   << "zero-copy path for it to test";                                         \
  } while (0)

TEST(HostMemory, RegisteredFramesGiveTheGoldenPoseWithoutACopy) {
  const char* names[] = {"pose.jpg", "messi5.jpg", "frisbee.jpg"};
  std::vector<size_t> offsets;
  size_t total = 0;
  for (const char* name : names) offsets.push_back(total), total += roundUp(rgbaBytes(photo(name)), 256);
  HostRing ring(total);
  Estimator estimator(optionsFor(2));
  REGISTER_OR_SKIP(estimator, ring.begin(), ring.bytes());
  std::vector<Frame> frames;
  for (size_t i = 0; i < 3; ++i) frames.push_back(writeRgba(ring.begin() + offsets[i], photo(names[i])));

  for (size_t i = 0; i < 3; ++i) expectGoldenPose(estimator.estimate(frames[i]), names[i], 257);
  // Two in flight: each slot reads its own frame from the same import.
  std::optional<Ticket> first = estimator.submit(frames[0]), second = estimator.submit(frames[1]);
  ASSERT_TRUE(first && second);
  expectGoldenPose(estimator.wait(*first), names[0], 257);
  std::optional<Ticket> third = estimator.submit(frames[2]);
  ASSERT_TRUE(third);
  expectGoldenPose(estimator.wait(*second), names[1], 257);
  expectGoldenPose(estimator.wait(*third), names[2], 257);

  EXPECT_EQ(estimator.hostFrameCounts().imported, 6u);
  EXPECT_EQ(estimator.hostFrameCounts().copied, 0u) << "a frame in registered memory is never copied";
  EXPECT_EQ(estimator.memory().staging, 0u) << "no staging buffer was needed";
  expectNoValidationMessages(estimator);
}

// Registration pins the memory, it does not snapshot it: grey first, then
// one photo, then another in its place, each read at its own submit.
TEST(HostMemory, TheGpuReadsWhatIsThereAtEachSubmit) {
  const RgbImage &messi = photo("messi5.jpg"), &frisbee = photo("frisbee.jpg");
  HostRing ring(std::max(rgbaBytes(messi), rgbaBytes(frisbee)));
  std::memset(ring.begin(), 128, ring.bytes());
  Estimator estimator(optionsFor(1));
  REGISTER_OR_SKIP(estimator, ring.begin(), ring.bytes());
  Pose grey = estimator.estimate(Frame::packed(ring.begin(), messi.width, messi.height, PixelFormat::RGBA8));
  EXPECT_TRUE(std::isfinite(grey.score));
  expectGoldenPose(estimator.estimate(writeRgba(ring.begin(), messi)), "messi5.jpg", 257);
  expectGoldenPose(estimator.estimate(writeRgba(ring.begin(), frisbee)), "frisbee.jpg", 257);
  EXPECT_EQ(estimator.hostFrameCounts().imported, 3u);
  expectNoValidationMessages(estimator);
}

// Padded 4-byte rows and 3-byte RGB, the RGB frame ending at the range's last
// byte: the shader reads whole words, so it reads up to 3 bytes past the
// frame, inside the page the range ends in.
TEST(HostMemory, PaddedRowsAndRgbFramesEndingTheRange) {
  const RgbImage& image = photo("messi5.jpg");
  uint32_t stride = uint32_t(image.width) * 4 + 52;
  size_t padded = roundUp(size_t(stride) * size_t(image.height), 256), rgb = image.rgb.size();
  HostRing ring(2 * padded + rgb);
  Estimator estimator(optionsFor(1));
  REGISTER_OR_SKIP(estimator, ring.begin(), ring.bytes());
  for (PixelFormat format : {PixelFormat::RGBA8, PixelFormat::BGRA8}) {
    SCOPED_TRACE(pixelFormatName(format));
    uint8_t* at = ring.begin() + (format == PixelFormat::RGBA8 ? 0 : padded);
    std::vector<uint8_t> pixels = test::fourBytePixels(image, format, stride);
    std::memcpy(at, pixels.data(), pixels.size());
    expectGoldenPose(estimator.estimate(Frame{at, {image.width, image.height, stride, format}}), "messi5.jpg", 257);
  }
  uint8_t* rgb_at = ring.begin() + 2 * padded;
  std::memcpy(rgb_at, image.rgb.data(), rgb);
  ASSERT_EQ(rgb_at + rgb, ring.begin() + ring.bytes());
  expectGoldenPose(estimator.estimate(Frame::packed(rgb_at, image.width, image.height, PixelFormat::RGB8)),
                   "messi5.jpg", 257);
  EXPECT_EQ(estimator.hostFrameCounts().imported, 3u);
  EXPECT_EQ(estimator.hostFrameCounts().copied, 0u);
  expectNoValidationMessages(estimator);
}

// A frame that starts off the descriptor offset alignment, or that runs past
// the registered range, is copied instead, and still gives its pose.
TEST(HostMemory, FramesItCannotReadInPlaceAreCopied) {
  const RgbImage& image = photo("messi5.jpg");
  size_t bytes = rgbaBytes(image);
  HostRing ring(bytes + 256);
  Estimator estimator(optionsFor(1));
  REGISTER_OR_SKIP(estimator, ring.begin(), bytes + 4);
  expectGoldenPose(estimator.estimate(writeRgba(ring.begin() + 4, image)), "messi5.jpg", 257);  // misaligned
  EXPECT_EQ(estimator.hostFrameCounts().copied, 1u);
  expectGoldenPose(estimator.estimate(writeRgba(ring.begin() + 16, image)), "messi5.jpg", 257);  // 12 bytes past
  EXPECT_EQ(estimator.hostFrameCounts().copied, 2u);
  expectGoldenPose(estimator.estimate(writeRgba(ring.begin(), image)), "messi5.jpg", 257);  // inside
  EXPECT_EQ(estimator.hostFrameCounts().imported, 1u);
  expectNoValidationMessages(estimator);
}

// Unregistering waits for the frames in flight, whose poses stay
// collectable; later frames there are copied; the range can be registered again.
TEST(HostMemory, UnregisterWaitsForFramesInFlight) {
  const RgbImage &messi = photo("messi5.jpg"), &pose = photo("pose.jpg");
  size_t second = roundUp(rgbaBytes(messi), 256);
  HostRing ring(second + rgbaBytes(pose));
  Estimator estimator(optionsFor(2));
  REGISTER_OR_SKIP(estimator, ring.begin(), ring.bytes());
  Frame messi_frame = writeRgba(ring.begin(), messi), pose_frame = writeRgba(ring.begin() + second, pose);
  std::optional<Ticket> a = estimator.submit(messi_frame), b = estimator.submit(pose_frame);
  ASSERT_TRUE(a && b);
  estimator.unregisterHostMemory(ring.begin());
  expectGoldenPose(estimator.wait(*b), "pose.jpg", 257);
  expectGoldenPose(estimator.wait(*a), "messi5.jpg", 257);
  EXPECT_EQ(estimator.hostFrameCounts().imported, 2u);

  expectGoldenPose(estimator.estimate(messi_frame), "messi5.jpg", 257);
  EXPECT_EQ(estimator.hostFrameCounts().copied, 1u) << "unregistered memory is copied";
  ASSERT_TRUE(estimator.registerHostMemory(ring.begin(), ring.bytes()));
  expectGoldenPose(estimator.estimate(pose_frame), "pose.jpg", 257);
  EXPECT_EQ(estimator.hostFrameCounts().imported, 3u);
  expectNoValidationMessages(estimator);
}

TEST(HostMemory, RefuseBadRangesClearly) {
  HostRing ring(8 * kPage);
  Estimator estimator(optionsFor(1));
  expectError([&] { estimator.registerHostMemory(nullptr, 64); }, "registerHostMemory: the range starts at a null pointer");
  expectError([&] { estimator.registerHostMemory(ring.begin(), 0); }, "the range is empty (0 bytes)");
  expectError([&] { estimator.registerHostMemory(ring.begin(), ~uint64_t(0)); }, "runs past the end of the address space");
  expectError([&] { estimator.unregisterHostMemory(ring.begin()); }, "no registered range starts at that pointer");
  REGISTER_OR_SKIP(estimator, ring.begin() + kPage, 2 * kPage);
  expectError([&] { estimator.registerHostMemory(ring.begin(), kPage + 1); }, "overlaps one registered already");
  expectError([&] { estimator.registerHostMemory(ring.begin() + 2 * kPage, 64); }, "overlaps one registered already");
  expectError([&] { estimator.unregisterHostMemory(ring.begin() + kPage + 16); }, "no registered range starts at");
  EXPECT_TRUE(estimator.registerHostMemory(ring.begin(), kPage)) << "adjacent ranges do not overlap";
  EXPECT_TRUE(estimator.registerHostMemory(ring.begin() + 3 * kPage, kPage));

  std::optional<AcquiredFrame> acquired = estimator.acquireFrame(FrameLayout::packed(64, 48, PixelFormat::RGBA8));
  ASSERT_TRUE(acquired);
  expectError([&] { estimator.registerHostMemory(acquired->pixels, acquired->bytes); },
              "overlaps vkpose's own staging memory");
  estimator.unregisterHostMemory(ring.begin() + kPage);
  estimator.unregisterHostMemory(ring.begin());
  expectNoValidationMessages(estimator);
}

}  // namespace
}  // namespace vkpose
