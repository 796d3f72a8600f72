// PreprocessOp against a CPU reference that follows tools/oracle/preprocess.js
// step by step: every pixel format, row strides, odd frame sizes, letterbox,
// stretch and crop (regions partly outside the frame), model sizes, both
// normalisations and every precision; outputs poisoned, lane 3 zero, one
// recording replayed over new pixels, and the errors for bad frames.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/recorder.h"
#include "engine/transfer.h"
#include "runtime/ops/preprocess.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"
#include "tests/support/preprocess_reference.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using test::GpuTest;
using test::RefWindow;

struct PreprocessCase {
  std::string name;
  int width = 0, height = 0;
  PixelFormat format = PixelFormat::RGBA8;
  ResizeMode mode = ResizeMode::Letterbox;
  RegionOfInterest roi;  // Crop only; whole pixels, so the reference needs no snapping
  int size = 257;
  Precision precision = Precision::FP32;
  uint32_t stride_padding = 0;  // bytes after each row
  bool resnet = false;
};

void PrintTo(const PreprocessCase& tc, std::ostream* os) { *os << tc.name; }

const std::array<float, 3> kResNetMean = {-123.15f, -115.90f, -103.06f};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

PreprocessCase makeCase(int w, int h, PixelFormat format, ResizeMode mode, int size, Precision p = Precision::FP32,
                        RegionOfInterest roi = {}) {
  std::string name = lower(pixelFormatName(format)) + "_" + std::to_string(w) + "x" + std::to_string(h) + "_" +
                     resizeModeName(mode) + "_" + std::to_string(size) + "_" + precisionSuffix(p);
  return {name, w, h, format, mode, roi, size, p};
}

PreprocessCase withStride(PreprocessCase tc, uint32_t padding) {
  tc.stride_padding = padding;
  tc.name += "_stride+" + std::to_string(padding);
  return tc;
}

PreprocessCase withResNet(PreprocessCase tc) {
  tc.resnet = true;
  tc.name += "_resnet";
  return tc;
}

PreprocessCase withRegion(PreprocessCase tc, const std::string& label) {
  tc.name += "_" + label;
  return tc;
}

std::vector<PreprocessCase> allCases() {
  using F = PixelFormat;
  using M = ResizeMode;
  const Precision fp16s = Precision::FP16Storage, fp16a = Precision::FP16Arith, fp32 = Precision::FP32;
  std::vector<PreprocessCase> cases;
  for (F f : {F::RGBA8, F::RGB8, F::BGRA8}) cases.push_back(makeCase(1000, 667, f, M::Letterbox, 257));
  cases.push_back(withStride(makeCase(1000, 667, F::RGB8, M::Letterbox, 257), 5));  // odd stride: rows unaligned
  cases.push_back(withStride(makeCase(37, 23, F::BGRA8, M::Stretch, 129), 12));
  for (int size : {129, 385}) cases.push_back(makeCase(1000, 667, F::RGBA8, M::Letterbox, size));
  cases.push_back(makeCase(548, 342, F::RGB8, M::Letterbox, 257));
  cases.push_back(makeCase(820, 1024, F::RGBA8, M::Letterbox, 385));
  cases.push_back(makeCase(513, 513, F::RGB8, M::Letterbox, 257));
  cases.push_back(makeCase(1, 1, F::RGB8, M::Letterbox, 129));
  cases.push_back(makeCase(3, 2, F::BGRA8, M::Letterbox, 129));
  cases.push_back(makeCase(2, 3, F::RGB8, M::Letterbox, 129));
  cases.push_back(makeCase(100, 61, F::RGB8, M::Letterbox, 385));  // upsampling
  cases.push_back(makeCase(1000, 667, F::RGB8, M::Stretch, 257));
  cases.push_back(makeCase(3, 2, F::RGBA8, M::Stretch, 129));
  cases.push_back(makeCase(1, 1, F::RGBA8, M::Stretch, 257));
  cases.push_back(withRegion(makeCase(1000, 667, F::RGB8, M::Crop, 257, fp32, {100, 50, 300, 200}), "inside"));
  cases.push_back(withRegion(makeCase(1000, 667, F::RGBA8, M::Crop, 129, fp32, {900, 600, 200, 150}), "past_end"));
  cases.push_back(withRegion(makeCase(548, 342, F::BGRA8, M::Crop, 129, fp32, {-50, -30, 200, 100}), "before"));
  cases.push_back(withRegion(makeCase(30, 20, F::RGB8, M::Crop, 257, fp32, {-5, -7, 40, 34}), "around"));
  cases.push_back(withResNet(makeCase(1000, 667, F::RGB8, M::Letterbox, 257)));
  for (Precision p : {fp16s, fp16a}) {
    cases.push_back(makeCase(1000, 667, F::RGBA8, M::Letterbox, 257, p));
    cases.push_back(makeCase(3, 2, F::RGB8, M::Stretch, 129, p));
    cases.push_back(withRegion(makeCase(548, 342, F::BGRA8, M::Crop, 129, p, {400, -20, 200, 100}), "edge"));
    cases.push_back(withResNet(makeCase(820, 1024, F::RGB8, M::Letterbox, 257, p)));
  }
  return cases;
}

using test::refOrder;

RefWindow refWindow(const PreprocessCase& tc) { return test::refWindow(tc.mode, tc.width, tc.height, tc.roi); }

test::RefNormalisation refNormalisation(const PreprocessCase& tc) {
  if (!tc.resnet) return {};
  return {1.0, {kResNetMean[0], kResNetMean[1], kResNetMean[2]}};
}

Buffer uploadFrame(Context& ctx, const std::vector<uint8_t>& bytes) {
  Buffer buffer = ctx.allocator().createBuffer(bytes.size(), MemoryUsage::DeviceLocal);
  uploadToBuffer(ctx, buffer, bytes.data(), bytes.size());
  return buffer;
}

// fp32 within 1e-5 of the largest magnitude (1 for MobileNet's [-1, 1]),
// fp16 within 1e-2 of it.
::testing::AssertionResult matchesReference(const std::vector<float>& packed, const std::vector<float>& ref_nhwc,
                                            int size, Precision p) {
  std::vector<double> expected = test::nhwcToChw(ref_nhwc, size);
  double largest = 1;
  for (double v : expected) largest = std::max(largest, std::fabs(v));
  return test::nearlyEqual(unpackC4HW4(packed, PreprocessOp::outputShape(size)), expected, 0,
                           test::tolerance(p) * largest);
}

class PreprocessTest : public GpuTest, public ::testing::WithParamInterface<PreprocessCase> {};

FrameLayout caseLayout(const PreprocessCase& tc) {
  FrameLayout layout = FrameLayout::packed(tc.width, tc.height, tc.format);
  layout.row_stride += tc.stride_padding;
  return layout;
}

// The case's PreprocessOp over `bytes` (a frame in `layout`), into a poisoned
// output; returns that output packed.
std::vector<float> runCase(Context& ctx, const PreprocessCase& tc, const FrameLayout& layout,
                           const std::vector<uint8_t>& bytes) {
  Buffer frame = uploadFrame(ctx, bytes);
  SamplingGrid grid = samplingGrid(tc.mode, tc.width, tc.height, tc.size, tc.roi);
  Tensor out = Tensor::create(ctx, PreprocessOp::outputShape(tc.size), tc.precision);
  PixelNormalisation norm = tc.resnet ? PixelNormalisation::resNet(kResNetMean) : PixelNormalisation::mobileNet();
  PreprocessOp op(ctx, tc.precision, norm);
  return test::runIntoPoisoned(ctx, op, frame, layout, grid, out);
}

TEST_P(PreprocessTest, MatchesReference) {
  const PreprocessCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  test::RgbImage image = test::randomImage(tc.width, tc.height, test::kDefaultSeed);
  FrameLayout layout = caseLayout(tc);
  std::vector<float> packed =
      runCase(ctx(), tc, layout, test::encodeFrame(image, refOrder(tc.format), layout.row_stride));
  std::vector<float> expected = test::referencePreprocess(image, refWindow(tc), tc.size, refNormalisation(tc));
  EXPECT_TRUE(matchesReference(packed, expected, tc.size, tc.precision));
  EXPECT_TRUE(test::paddingLanesZero(packed, PreprocessOp::outputShape(tc.size)));
}

// Every byte outside sampledByteRanges flipped: if preprocessing read any of
// them, the output would leave the reference (computed from the intact frame).
std::vector<uint8_t> outsideRangesFlipped(std::vector<uint8_t> bytes, const std::vector<ByteRange>& ranges) {
  std::vector<bool> inside(bytes.size(), false);
  for (const ByteRange& r : ranges) std::fill_n(inside.begin() + std::ptrdiff_t(r.offset), r.bytes, true);
  for (size_t i = 0; i < bytes.size(); ++i)
    if (!inside[i]) bytes[i] ^= 0x80;
  return bytes;
}

TEST_P(PreprocessTest, ReadsOnlyTheSampledByteRanges) {
  const PreprocessCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  test::RgbImage image = test::randomImage(tc.width, tc.height, test::kDefaultSeed + 1);
  FrameLayout layout = caseLayout(tc);
  std::vector<ByteRange> ranges =
      sampledByteRanges(samplingGrid(tc.mode, tc.width, tc.height, tc.size, tc.roi), layout);
  for (size_t i = 0; i < ranges.size(); ++i) {
    ASSERT_GT(ranges[i].bytes, 0u);
    ASSERT_LE(ranges[i].offset + ranges[i].bytes, layout.spannedBytes());
    if (i > 0) {
      ASSERT_GT(ranges[i].offset, ranges[i - 1].offset + ranges[i - 1].bytes) << "unsorted or unmerged";
    }
  }
  std::vector<uint8_t> bytes = test::encodeFrame(image, refOrder(tc.format), layout.row_stride);
  std::vector<float> packed = runCase(ctx(), tc, layout, outsideRangesFlipped(bytes, ranges));
  std::vector<float> expected = test::referencePreprocess(image, refWindow(tc), tc.size, refNormalisation(tc));
  EXPECT_TRUE(matchesReference(packed, expected, tc.size, tc.precision));
}

INSTANTIATE_TEST_SUITE_P(Frames, PreprocessTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<PreprocessCase>& param) {
                           std::string name = param.param.name;
                           std::replace(name.begin(), name.end(), '+', 'p');
                           return name;
                         });

class PreprocessReplay : public GpuTest {};

// Record once, replay over new pixels: nothing in the recording depends on them.
TEST_F(PreprocessReplay, OneRecordingServesNewPixels) {
  const int width = 640, height = 480, size = 257;
  FrameLayout layout = FrameLayout::packed(width, height, PixelFormat::RGBA8);
  SamplingGrid grid = samplingGrid(ResizeMode::Letterbox, width, height, size);
  Tensor out = Tensor::create(ctx(), PreprocessOp::outputShape(size), Precision::FP32);
  Buffer frame = ctx().allocator().createBuffer(layout.requiredBytes(), MemoryUsage::DeviceLocal);
  PreprocessOp op(ctx(), Precision::FP32, PixelNormalisation::mobileNet());
  DescriptorArena arena(ctx());
  CommandRecorder rec(ctx());
  rec.begin();
  op.record(rec, arena, frame, layout, grid, out);
  rec.end();
  EXPECT_EQ(rec.dispatchCount(), 1u);
  RefWindow window{0, -80, 640, 640};  // 160 rows of padding, 80 on top
  for (uint32_t seed : {11u, 12u}) {
    test::RgbImage image = test::randomImage(width, height, seed);
    std::vector<uint8_t> bytes = test::encodeFrame(image, test::RefPixelOrder::RGBA, layout.row_stride);
    uploadToBuffer(ctx(), frame, bytes.data(), bytes.size());
    test::poison(ctx(), out);
    rec.submitAndWait();
    EXPECT_TRUE(matchesReference(test::downloadPacked(ctx(), out), test::referencePreprocess(image, window, size),
                                 size, Precision::FP32))
        << "seed " << seed;
  }
}

using test::expectError;

class PreprocessErrors : public GpuTest {
 protected:
  // Records with a frame buffer of `buffer_bytes` and expects `fragment`.
  void expectRecordError(uint64_t buffer_bytes, const FrameLayout& layout, const SamplingGrid& grid, Shape out_shape,
                         Precision out_precision, const std::string& fragment) {
    Buffer frame = ctx().allocator().createBuffer(buffer_bytes, MemoryUsage::DeviceLocal);
    Tensor out = Tensor::create(ctx(), out_shape, out_precision);
    PreprocessOp op(ctx(), Precision::FP32, PixelNormalisation::mobileNet());
    DescriptorArena arena(ctx());
    CommandRecorder rec(ctx());
    rec.begin();
    expectError([&] { op.record(rec, arena, frame, layout, grid, out); }, fragment);
    rec.end();
  }

  SamplingGrid grid_ = samplingGrid(ResizeMode::Letterbox, 64, 48, 129);
  Shape shape_ = PreprocessOp::outputShape(129);
};

TEST_F(PreprocessErrors, EmptyFrame) {
  expectRecordError(4096, FrameLayout::packed(0, 48, PixelFormat::RGB8), grid_, shape_, Precision::FP32,
                    "Preprocess: frame 0x48 RGB8 is empty");
  expectRecordError(4096, {64, -2, 256, PixelFormat::RGBA8}, grid_, shape_, Precision::FP32,
                    "frame 64x-2 RGBA8 is empty");
  expectError([] { samplingGrid(ResizeMode::Letterbox, 0, 0, 257); }, "frame 0x0 is empty");
}

TEST_F(PreprocessErrors, StrideSmallerThanARow) {
  expectRecordError(1 << 16, {64, 48, 191, PixelFormat::RGB8}, grid_, shape_, Precision::FP32,
                    "row stride 191 bytes is smaller than a row of 64x48 RGB8 (192 bytes)");
}

TEST_F(PreprocessErrors, BufferTooSmall) {
  // 47 rows of 200 bytes, then a last row of 192: 9592 bytes.
  FrameLayout layout{64, 48, 200, PixelFormat::RGB8};
  EXPECT_EQ(layout.requiredBytes(), 9592u);
  expectRecordError(9588, layout, grid_, shape_, Precision::FP32,
                    "frame buffer range of 9588 bytes is too small for 64x48 RGB8 with row stride 200 (needs 9592 bytes)");
  // RGB8 3x1 is 9 bytes; the shader reads words, so 12 are needed.
  EXPECT_EQ(FrameLayout::packed(3, 1, PixelFormat::RGB8).requiredBytes(), 12u);
}

TEST_F(PreprocessErrors, ModelSizeBelowOne) {
  expectError([] { samplingGrid(ResizeMode::Letterbox, 64, 48, 0); }, "model input size 0 is outside [1, 4096]");
  SamplingGrid grid = grid_;
  grid.model_size = 0;
  expectRecordError(1 << 16, FrameLayout::packed(64, 48, PixelFormat::RGBA8), grid, shape_, Precision::FP32,
                    "Preprocess: model input size 0 is outside");
}

TEST_F(PreprocessErrors, GridOutputAndPrecisionMustMatch) {
  FrameLayout layout = FrameLayout::packed(64, 48, PixelFormat::RGBA8);
  SamplingGrid other = samplingGrid(ResizeMode::Letterbox, 48, 64, 129);
  expectRecordError(1 << 16, layout, other, shape_, Precision::FP32,
                    "sampling grid was made for a 48x64 frame, not 64x48 RGBA8");
  expectRecordError(1 << 16, layout, grid_, {3, 128, 128}, Precision::FP32,
                    "output shape 3x128x128 is not 3x129x129 for model input size 129");
  if (deviceSupports(ctx(), Precision::FP16Storage))
    expectRecordError(1 << 16, layout, grid_, shape_, Precision::FP16Storage, "output precision differs");
}

TEST_F(PreprocessErrors, NormalisationFromMetadata) {
  ModelMetadata meta;
  PixelNormalisation mobile = PixelNormalisation::fromMetadata(meta);
  EXPECT_EQ(mobile.divisor, 127.5f);
  EXPECT_EQ(mobile.bias[1], -1.f);
  meta.preprocessing = Preprocessing::ResNet;
  expectError([&] { PixelNormalisation::fromMetadata(meta); }, "ResNet preprocessing needs 3 channel means");
  meta.mean = {kResNetMean[0], kResNetMean[1], kResNetMean[2]};
  PixelNormalisation resnet = PixelNormalisation::fromMetadata(meta);
  EXPECT_EQ(resnet.divisor, 1.f);
  EXPECT_EQ(resnet.bias[2], kResNetMean[2]);
  expectError([&] { PreprocessOp(ctx(), Precision::FP32, {0.f, {}}); }, "normalisation divisor 0");
  float nan = std::numeric_limits<float>::quiet_NaN();
  expectError([&] { PreprocessOp(ctx(), Precision::FP32, {1.f, {0.f, nan, 0.f}}); }, "normalisation bias nan");
}

// A webcam frame letterboxed to 257 leaves most rows unread; 513 reads more.
TEST(SampledByteRanges, LetterboxedWebcamFrameReadsFewRows) {
  FrameLayout layout = FrameLayout::packed(1280, 720, PixelFormat::RGBA8);
  auto fraction = [&](int size) {
    uint64_t bytes = 0;
    for (const ByteRange& r : sampledByteRanges(samplingGrid(ResizeMode::Letterbox, 1280, 720, size), layout))
      bytes += r.bytes;
    return double(bytes) / double(layout.spannedBytes());
  };
  EXPECT_LT(fraction(257), 0.45);
  EXPECT_GT(fraction(257), 0.35);  // two rows per sampled model row, 145 model rows inside the frame
  EXPECT_GT(fraction(513), fraction(257));
}

// A crop reads only its columns, one run per row.
TEST(SampledByteRanges, CropReadsItsColumnsOnly) {
  FrameLayout layout = FrameLayout::packed(1000, 667, PixelFormat::RGB8);
  std::vector<ByteRange> ranges =
      sampledByteRanges(samplingGrid(ResizeMode::Crop, 1000, 667, 129, {100, 50, 300, 200}), layout);
  ASSERT_FALSE(ranges.empty());
  for (const ByteRange& r : ranges) {
    EXPECT_GE(r.offset % layout.row_stride, 100u * 3);
    EXPECT_LE(r.offset % layout.row_stride + r.bytes, 400u * 3);
  }
  EXPECT_GE(ranges.front().offset / layout.row_stride, 50u);
  EXPECT_LT(ranges.back().offset / layout.row_stride, 250u);
}

TEST(SampledByteRanges, RefusesAGridForAnotherFrameSize) {
  FrameLayout layout = FrameLayout::packed(640, 480, PixelFormat::RGBA8);
  test::expectError([&] { sampledByteRanges(samplingGrid(ResizeMode::Letterbox, 480, 640, 257), layout); },
                    "the sampling grid was made for a 480x640 frame");
}

}  // namespace
}  // namespace vkpose
