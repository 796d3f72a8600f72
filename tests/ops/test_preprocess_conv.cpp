// PreprocessOp with the network's first layer in the same dispatch
// (preprocess_conv.comp) against the CPU references run one after the other:
// preprocess.js's steps (preprocess_reference.h), then the double-precision
// convolution (reference_ops.h). Windows with stride, dilation and
// asymmetric padding, channel counts that leave padding lanes, every
// activation and precision, pixel formats, row strides and the three resize
// modes; outputs poisoned, one recording replayed over new pixels, and the
// refusals. The image sources are covered through the Estimator
// (test_embedding).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/recorder.h"
#include "engine/transfer.h"
#include "runtime/ops/conv2d.h"
#include "runtime/ops/preprocess.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"
#include "tests/support/preprocess_reference.h"
#include "tests/support/scoped_env.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using test::GpuTest;

struct FirstConvCase {
  std::string name;
  int width = 0, height = 0;
  PixelFormat format = PixelFormat::RGBA8;
  uint32_t stride_padding = 0;  // bytes after each row
  ResizeMode mode = ResizeMode::Letterbox;
  RegionOfInterest roi;  // Crop only, whole pixels
  int size = 129;
  ConvParams window;
  int out_channels = 8;
  Epilogue epilogue;
  Precision precision = Precision::FP32;
};

void PrintTo(const FirstConvCase& tc, std::ostream* os) { *os << tc.name; }

ConvParams window(int k, int stride, int dilation, Padding pad) { return {k, k, stride, stride, dilation, dilation, pad}; }

// PoseNet's first layer: 3x3 stride 2, TF's SAME padding (1 on each side for
// an odd input), 24 channels, ReLU6.
FirstConvCase poseNetLike(Precision p, int size) {
  return {"posenet_" + std::to_string(size) + "_" + precisionSuffix(p), 1000, 667, PixelFormat::RGBA8, 0,
          ResizeMode::Letterbox, {}, size, window(3, 2, 1, {1, 1, 1, 1}), 24, {Activation::Clip, 0.f, 6.f}, p};
}

std::vector<FirstConvCase> allCases() {
  using F = PixelFormat;
  using M = ResizeMode;
  const Activation relu = Activation::Relu, none = Activation::None, sigmoid = Activation::Sigmoid;
  std::vector<FirstConvCase> cases;
  for (Precision p : {Precision::FP32, Precision::FP16Storage, Precision::FP16Arith})
    cases.push_back(poseNetLike(p, 257));
  cases.push_back(poseNetLike(Precision::FP32, 129));
  // 3 channels: one block with padding lanes; stride 1 and padding on every side.
  cases.push_back({"rgb8_stride+5_stretch_3x3s1_3ch_relu", 37, 23, F::RGB8, 5, M::Stretch, {}, 129,
                   window(3, 1, 1, {1, 1, 1, 1}), 3, {relu}, Precision::FP32});
  // 10 channels: 3 blocks, the last half padding, stored as 4 blocks.
  cases.push_back({"bgra8_crop_around_5x5s2d2_asymmetric_10ch_sigmoid", 548, 342, F::BGRA8, 0, M::Crop,
                   {-50, -30, 200, 100}, 129, window(5, 2, 2, {3, 1, 0, 2}), 10, {sigmoid}, Precision::FP32});
  cases.push_back({"rgba8_letterbox_1x1_16ch_none", 820, 1024, F::RGBA8, 0, M::Letterbox, {}, 129,
                   window(1, 1, 1, {}), 16, {none}, Precision::FP32});
  cases.push_back({"rgb8_crop_past_end_4x2s3_unpadded_5ch_relu_fp16s", 1000, 667, F::RGB8, 12, M::Crop,
                   {900, 600, 200, 150}, 129, {2, 4, 3, 3, 1, 1, {}}, 5, {relu}, Precision::FP16Storage});
  return cases;
}

struct ConvWeights {
  std::vector<float> weights;  // OIHW, 3 input channels
  std::vector<float> bias;
};

ConvWeights randomWeights(const FirstConvCase& tc, uint32_t seed) {
  size_t taps = size_t(tc.window.kernel_h) * size_t(tc.window.kernel_w);
  return {test::randomFloats(size_t(tc.out_channels) * 3 * taps, seed, -0.5f, 0.5f),
          test::randomFloats(size_t(tc.out_channels), seed + 1, -0.5f, 0.5f)};
}

// The references in turn: preprocess.js's model input (float32, as the
// shader computes it, never rounded to fp16), then the conv in double over
// the weights as the GPU stores them.
std::vector<double> referenceOutput(const FirstConvCase& tc, const test::RgbImage& image, const ConvWeights& w) {
  std::vector<float> nhwc =
      test::referencePreprocess(image, test::refWindow(tc.mode, tc.width, tc.height, tc.roi), tc.size);
  ref::Tensor input{3, tc.size, tc.size, test::nhwcToChw(nhwc, tc.size)};
  std::vector<float> weights = test::asStored(w.weights, tc.precision), bias = test::asStored(w.bias, tc.precision);
  ref::ConvSpec spec;
  spec.kh = tc.window.kernel_h;
  spec.kw = tc.window.kernel_w;
  spec.stride_h = tc.window.stride_h;
  spec.stride_w = tc.window.stride_w;
  spec.dilation_h = tc.window.dilation_h;
  spec.dilation_w = tc.window.dilation_w;
  spec.pad = {tc.window.pad.top, tc.window.pad.left, tc.window.pad.bottom, tc.window.pad.right};
  spec.epilogue = test::refEpilogue(tc.epilogue);
  return ref::conv2d(input, std::vector<double>(weights.begin(), weights.end()),
                     std::vector<double>(bias.begin(), bias.end()), tc.out_channels, spec)
      .data;
}

FrameLayout caseLayout(const FirstConvCase& tc) {
  FrameLayout layout = FrameLayout::packed(tc.width, tc.height, tc.format);
  layout.row_stride += tc.stride_padding;
  return layout;
}

// Everything one case records: the frame buffer, the conv, its output and
// the op, recorded once.
class FirstConvRun {
 public:
  FirstConvRun(Context& ctx, const FirstConvCase& tc, const ConvWeights& w)
      : ctx_(ctx),
        layout_(caseLayout(tc)),
        frame_(ctx.allocator().createBuffer(layout_.requiredBytes(), MemoryUsage::DeviceLocal)),
        conv_(ctx, Conv2dParams{tc.window, 3, tc.out_channels, 1}, w.weights, w.bias, tc.precision, tc.epilogue),
        out_(Tensor::create(ctx, conv_.outputShape(PreprocessOp::outputShape(tc.size)), tc.precision)),
        unused_input_(Tensor::create(ctx, PreprocessOp::outputShape(tc.size), tc.precision)),
        op_(ctx, tc.precision, PixelNormalisation::mobileNet()),
        arena_(ctx),
        rec_(ctx) {
    SamplingGrid grid = samplingGrid(tc.mode, tc.width, tc.height, tc.size, tc.roi);
    rec_.begin();
    op_.record(rec_, arena_, frame_, layout_, grid, unused_input_, FirstConv{&conv_, out_});
    rec_.end();
  }

  // Uploads the frame, poisons both outputs, replays; returns the conv's output packed.
  std::vector<float> run(const test::RgbImage& image, PixelFormat format) {
    std::vector<uint8_t> bytes = test::encodeFrame(image, test::refOrder(format), layout_.row_stride);
    uploadToBuffer(ctx_, frame_, bytes.data(), bytes.size());
    test::poison(ctx_, out_);
    test::poison(ctx_, unused_input_);
    rec_.submitAndWait();
    return test::downloadPacked(ctx_, out_);
  }

  const Tensor& out() const { return out_; }
  const Tensor& unusedInput() const { return unused_input_; }
  uint32_t dispatches() const { return rec_.dispatchCount(); }

 private:
  Context& ctx_;
  FrameLayout layout_;
  Buffer frame_;
  Conv2dOp conv_;
  Tensor out_;
  Tensor unused_input_;
  PreprocessOp op_;
  DescriptorArena arena_;
  CommandRecorder rec_;
};

::testing::AssertionResult matchesReference(const std::vector<float>& packed, const std::vector<double>& expected,
                                            Shape shape, Precision p) {
  double largest = 1;
  for (double v : expected) largest = std::max(largest, std::fabs(v));
  return test::nearlyEqual(unpackC4HW4(packed, shape), expected, 0, test::tolerance(p) * largest);
}

class PreprocessConvTest : public GpuTest, public ::testing::WithParamInterface<FirstConvCase> {};

TEST_P(PreprocessConvTest, MatchesPreprocessingThenTheConv) {
  const FirstConvCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  ConvWeights w = randomWeights(tc, test::kDefaultSeed);
  FirstConvRun run(ctx(), tc, w);
  EXPECT_EQ(run.dispatches(), 1u);
  test::RgbImage image = test::randomImage(tc.width, tc.height, test::kDefaultSeed);
  std::vector<float> packed = run.run(image, tc.format);
  EXPECT_TRUE(matchesReference(packed, referenceOutput(tc, image, w), run.out().shape, tc.precision));
  EXPECT_TRUE(test::paddingLanesZero(packed, run.out().shape));
  // The model input is never stored: its buffer keeps the poison.
  for (float v : test::downloadPacked(ctx(), run.unusedInput())) ASSERT_TRUE(std::isnan(v));
}

class PreprocessConvSplit : public GpuTest {};

INSTANTIATE_TEST_SUITE_P(Cases, PreprocessConvTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<FirstConvCase>& param) {
                           std::string name = param.param.name;
                           std::replace(name.begin(), name.end(), '+', 'p');
                           return name;
                         });

// The output blocks split between a workgroup's invocations, as GPUs run
// small planes: every split that divides the stored blocks.
TEST_F(PreprocessConvSplit, EverySplitMatchesTheReference) {
  std::vector<FirstConvCase> cases = allCases();
  auto named = [&](const std::string& name) {
    return *std::find_if(cases.begin(), cases.end(), [&](const FirstConvCase& c) { return c.name == name; });
  };
  struct Run {
    FirstConvCase tc;
    std::vector<uint32_t> splits;
  };
  for (const Run& r : {Run{named("posenet_257_fp32"), {2, 3, 6}},
                       Run{named("bgra8_crop_around_5x5s2d2_asymmetric_10ch_sigmoid"), {2, 4}}}) {
    for (uint32_t split : r.splits) {
      SCOPED_TRACE(r.tc.name + ", split " + std::to_string(split));
      // The invocations per output pixel, which GPUs choose by plane size and CPU devices leave at 1.
      test::ScopedEnv scoped("VKPOSE_FIRST_CONV_SPLIT", std::to_string(split));
      ConvWeights w = randomWeights(r.tc, test::kDefaultSeed + split);
      FirstConvRun run(ctx(), r.tc, w);
      test::RgbImage image = test::randomImage(r.tc.width, r.tc.height, test::kDefaultSeed + split);
      std::vector<float> packed = run.run(image, r.tc.format);
      EXPECT_TRUE(matchesReference(packed, referenceOutput(r.tc, image, w), run.out().shape, r.tc.precision));
      EXPECT_TRUE(test::paddingLanesZero(packed, run.out().shape));
    }
  }
}

class PreprocessConvReplay : public GpuTest {};

// Recorded once, replayed over new pixels: nothing recorded depends on them.
TEST_F(PreprocessConvReplay, OneRecordingServesNewPixels) {
  FirstConvCase tc = poseNetLike(Precision::FP32, 129);
  ConvWeights w = randomWeights(tc, 7);
  FirstConvRun run(ctx(), tc, w);
  for (uint32_t seed : {11u, 12u}) {
    test::RgbImage image = test::randomImage(tc.width, tc.height, seed);
    EXPECT_TRUE(matchesReference(run.run(image, tc.format), referenceOutput(tc, image, w), run.out().shape,
                                 tc.precision))
        << "seed " << seed;
  }
}

class PreprocessConvErrors : public GpuTest {
 protected:
  void expectRecordError(const Conv2dOp& conv, const Tensor& out, Precision op_precision, const std::string& fragment) {
    FrameLayout layout = FrameLayout::packed(64, 48, PixelFormat::RGBA8);
    Buffer frame = ctx().allocator().createBuffer(layout.requiredBytes(), MemoryUsage::DeviceLocal);
    Tensor input = Tensor::create(ctx(), PreprocessOp::outputShape(129), op_precision);
    PreprocessOp op(ctx(), op_precision, PixelNormalisation::mobileNet());
    DescriptorArena arena(ctx());
    CommandRecorder rec(ctx());
    rec.begin();
    test::expectError([&] { op.record(rec, arena, frame, layout, grid_, input, FirstConv{&conv, out}); }, fragment);
    rec.end();
  }

  Conv2dOp conv(int in_channels, Precision p = Precision::FP32) {
    ConvParams w = window(3, 2, 1, {1, 1, 1, 1});
    return Conv2dOp(ctx(), Conv2dParams{w, in_channels, 8, 1}, std::vector<float>(size_t(8 * in_channels * 9), 0.f),
                    {}, p);
  }

  SamplingGrid grid_ = samplingGrid(ResizeMode::Letterbox, 64, 48, 129);
};

TEST_F(PreprocessConvErrors, TheConvMustReadThreeChannels) {
  Conv2dOp four = conv(4);
  Tensor out = Tensor::create(ctx(), {8, 65, 65}, Precision::FP32);
  expectRecordError(four, out, Precision::FP32, "the first conv reads 4 channels, the model input has 3");
}

TEST_F(PreprocessConvErrors, TheOutputMustFitTheConv) {
  Conv2dOp three = conv(3);
  Tensor out = Tensor::create(ctx(), {8, 64, 65}, Precision::FP32);
  expectRecordError(three, out, Precision::FP32,
                    "the first conv's output is 8x64x65, expected 8x65x65 for model input size 129");
}

TEST_F(PreprocessConvErrors, PrecisionsMustAgree) {
  if (!deviceSupports(ctx(), Precision::FP16Storage)) GTEST_SKIP() << "the device lacks fp16 storage";
  Conv2dOp half = conv(3, Precision::FP16Storage);
  Tensor out = Tensor::create(ctx(), {8, 65, 65}, Precision::FP16Storage);
  expectRecordError(half, out, Precision::FP32, "the first conv's precision differs from the op's");
}

}  // namespace
}  // namespace vkpose
