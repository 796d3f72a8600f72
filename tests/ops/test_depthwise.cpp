// DepthwiseOp against the double reference conv2d with groups = channels:
// PoseNet's real depthwise layers, padding and size edge cases, the generic
// path's kernels, every activation and precision, and argument errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/ops/depthwise.h"
#include "tests/reference/reference_ops.h"
#include "tests/support/gpu_test.h"
#include "tests/support/load_path_override.h"
#include "tests/support/op_test.h"
#include "tests/support/scoped_env.h"
#include "tests/support/test_data.h"

namespace vkpose::test {
namespace {

constexpr Precision kFp32 = Precision::FP32;
constexpr Precision kFp16s = Precision::FP16Storage;
constexpr Precision kFp16a = Precision::FP16Arith;
constexpr Padding kPad1{1, 1, 1, 1};
constexpr Epilogue kRelu6{Activation::Clip, 0.f, 6.f};

struct Range {
  float min = -1.f, max = 1.f;
};

struct DwCase {
  std::string name;
  Shape in;
  ConvParams window;
  Epilogue epilogue;
  Precision precision = kFp32;
  bool fast = true;  // expected kernel: the 3x3 fast path or the generic one
  bool bias = true;
  Range input, weights, bias_values;
};

ConvParams window(int kh, int kw, int sh, int sw, Padding pad, int dh = 1, int dw = 1) {
  return {kh, kw, sh, sw, dh, dw, pad};
}
ConvParams conv3x3(int stride, Padding pad = kPad1) { return window(3, 3, stride, stride, pad); }

// One of PoseNet's depthwise layers at input 257: ReLU6, inputs from a ReLU6.
DwCase posenet(const std::string& name, int c, int hw, int stride, Precision p = kFp32) {
  return {name, {c, hw, hw}, conv3x3(stride), kRelu6, p, true, true, {0.f, 6.f}, {}, {}};
}

DwCase fast(const std::string& name, Shape in, int stride, Padding pad = kPad1, Epilogue e = kRelu6) {
  return {name, in, conv3x3(stride, pad), e, kFp32, true, true, {}, {}, {}};
}

DwCase generic(const std::string& name, Shape in, ConvParams w, Epilogue e = kRelu6, Precision p = kFp32) {
  return {name, in, w, e, p, false, true, {}, {}, {}};
}

DwCase withPrecision(DwCase c, Precision p) {
  c.precision = p;
  c.name += std::string("_") + precisionSuffix(p);
  return c;
}

DwCase withoutBias(DwCase c) {
  c.bias = false;
  return c;
}

// Folded-BatchNorm magnitudes of the real model (weights to ~220, biases to
// ~-48), linear so large outputs are not clipped away.
DwCase foldedMagnitudes(const std::string& name, Precision p) {
  return {name, {48, 65, 65}, conv3x3(1), {}, p, true, true, {0.f, 6.f}, {-200.f, 200.f}, {-48.f, 48.f}};
}

std::vector<DwCase> allCases() {
  const Epilogue none{}, relu{Activation::Relu}, sigmoid{Activation::Sigmoid};
  const Epilogue clip_above_zero{Activation::Clip, 0.5f, 3.f};
  const ConvParams k5x5 = window(5, 5, 1, 1, {2, 2, 2, 2});
  const ConvParams k7x3_asym = window(7, 3, 1, 1, {3, 0, 2, 1});
  return {
      posenet("posenet_dw1_c24_129_s1", 24, 129, 1),
      posenet("posenet_dw2_c48_129_s2", 48, 129, 2),
      posenet("posenet_dw3_c96_65_s1", 96, 65, 1),
      posenet("posenet_dw4_c96_65_s2", 96, 65, 2),
      posenet("posenet_dw5_c192_33_s1", 192, 33, 1),
      posenet("posenet_dw6_c192_33_s2", 192, 33, 2),
      posenet("posenet_dw7_c384_17_s1", 384, 17, 1),
      posenet("posenet_dw1_c24_129_s1_fp16s", 24, 129, 1, kFp16s),
      posenet("posenet_dw1_c24_129_s1_fp16a", 24, 129, 1, kFp16a),
      posenet("posenet_dw6_c192_33_s2_fp16s", 192, 33, 2, kFp16s),
      posenet("posenet_dw6_c192_33_s2_fp16a", 192, 33, 2, kFp16a),
      posenet("posenet_dw7_c384_17_s1_fp16a", 384, 17, 1, kFp16a),
      foldedMagnitudes("folded_weights200_c48_65_s1_fp16s", kFp16s),
      foldedMagnitudes("folded_weights200_c48_65_s1_fp16a", kFp16a),
      fast("tf_same_even_c8_256_s2_pad0011", {8, 256, 256}, 2, {0, 0, 1, 1}),
      fast("valid_c8_10_s1_pad0", {8, 10, 10}, 1, {}),
      fast("valid_c8_11_s2_pad0", {8, 11, 11}, 2, {}),
      fast("wide_pad2_c8_7_s1", {8, 7, 7}, 1, {2, 2, 2, 2}),
      fast("odd_c8_9_s1", {8, 9, 9}, 1),
      fast("odd_c8_33_s2", {8, 33, 33}, 2),
      fast("odd_c4_65_s1", {4, 65, 65}, 1),
      fast("odd_c8_9x33_s2", {8, 9, 33}, 2),
      fast("channels3_20_s1_sigmoid", {3, 20, 20}, 1, kPad1, sigmoid),
      fast("channels17_15_s2_clip_0p5_3", {17, 15, 15}, 2, kPad1, clip_above_zero),
      fast("channels34_12_s1_relu", {34, 12, 12}, 1, kPad1, relu),
      fast("spatial1x1_c8_s1", {8, 1, 1}, 1),
      fast("spatial1x1_c8_s2", {8, 1, 1}, 2),
      fast("act_none_fast_c10_13_s1", {10, 13, 13}, 1, kPad1, none),
      fast("act_relu_fast_c10_13_s2", {10, 13, 13}, 2, kPad1, relu),
      fast("act_clip_fast_c10_13_s1", {10, 13, 13}, 1, kPad1, clip_above_zero),
      fast("act_sigmoid_fast_c10_13_s2", {10, 13, 13}, 2, kPad1, sigmoid),
      withPrecision(fast("act_sigmoid_fast_c10_13_s1", {10, 13, 13}, 1, kPad1, sigmoid), kFp16a),
      withoutBias(fast("nobias_fast_c12_17_s2", {12, 17, 17}, 2)),
      generic("generic_5x5_s1_c12_20", {12, 20, 20}, k5x5),
      generic("generic_3x3_d2_pad2_c8_17", {8, 17, 17}, window(3, 3, 1, 1, {2, 2, 2, 2}, 2, 2)),
      generic("generic_3x3_s3_c8_20", {8, 20, 20}, window(3, 3, 3, 3, kPad1)),
      generic("generic_7x3_asym_pad3021_c6_16x11", {6, 16, 11}, k7x3_asym),
      generic("generic_3x3_s2x1_c8_13", {8, 13, 13}, window(3, 3, 2, 1, kPad1)),
      generic("generic_5x5_s1_c12_20_fp16s", {12, 20, 20}, k5x5, kRelu6, kFp16s),
      generic("generic_7x3_asym_c6_16x11_fp16a", {6, 16, 11}, k7x3_asym, kRelu6, kFp16a),
      generic("act_none_generic_c10_11", {10, 11, 11}, k5x5, none),
      generic("act_relu_generic_c10_11", {10, 11, 11}, k5x5, relu),
      generic("act_clip_generic_c10_11", {10, 11, 11}, k5x5, clip_above_zero),
      generic("act_sigmoid_generic_c10_11", {10, 11, 11}, k5x5, sigmoid),
      withoutBias(generic("nobias_generic_d2_c12_9", {12, 9, 9}, window(3, 3, 1, 1, {2, 2, 2, 2}, 2, 2))),
  };
}

std::string describe(const DwCase& c) {
  return "depthwise(" + c.window.str() + ",c=" + std::to_string(c.in.c) + ",h=" + std::to_string(c.in.h) +
         ",w=" + std::to_string(c.in.w) + "," + activationSuffix(c.epilogue.activation) + "," +
         precisionSuffix(c.precision) + (c.bias ? "" : ",no bias") + ")";
}

// gtest prints parameters of failing cases with this instead of raw bytes.
void PrintTo(const DwCase& c, std::ostream* os) { *os << describe(c); }

std::vector<double> reference(const DwCase& c, const std::vector<float>& input, const std::vector<float>& weights,
                              const std::vector<float>& bias) {
  ref::Tensor in{c.in.c, c.in.h, c.in.w, toDoubles(input)};
  const ConvParams& w = c.window;
  ref::ConvSpec spec{.kh = w.kernel_h,
                     .kw = w.kernel_w,
                     .stride_h = w.stride_h,
                     .stride_w = w.stride_w,
                     .dilation_h = w.dilation_h,
                     .dilation_w = w.dilation_w,
                     .pad = {w.pad.top, w.pad.left, w.pad.bottom, w.pad.right},
                     .groups = c.in.c,
                     .epilogue = refEpilogue(c.epilogue)};
  return ref::conv2d(in, toDoubles(weights), toDoubles(bias), c.in.c, spec).data;
}

class DepthwiseTest : public GpuTest, public ::testing::WithParamInterface<DwCase> {
 protected:
  // `path` is the fast kernel's; the generic one reads storage buffers always.
  void expectMatchesReference(const DwCase& c, LoadPath path);
};

VKPOSE_TEST_P_ON_BOTH_LOAD_PATHS(DepthwiseTest)

void DepthwiseTest::expectMatchesReference(const DwCase& c, LoadPath path) {
  SCOPED_TRACE(describe(c) + " on the " + loadPathSuffix(path) + " load path");
  size_t taps = size_t(c.window.kernel_h) * size_t(c.window.kernel_w);
  size_t channels = size_t(c.in.c);
  // Rounded as the GPU stores them, so the tolerance measures only kernel arithmetic.
  auto input = asStored(
      randomFloats(channels * size_t(c.in.h) * size_t(c.in.w), kDefaultSeed, c.input.min, c.input.max), c.precision);
  auto weights = asStored(randomFloats(channels * taps, kDefaultSeed + 1, c.weights.min, c.weights.max), c.precision);
  auto bias = c.bias ? asStored(randomFloats(channels, kDefaultSeed + 2, c.bias_values.min, c.bias_values.max),
                                c.precision)
                     : std::vector<float>{};

  DepthwiseOp op(ctx(), {c.in.c, 1, c.window}, weights, bias, c.precision, c.epilogue);
  EXPECT_EQ(op.usesFast3x3(), c.fast);
  EXPECT_EQ(op.loadPath(), c.fast ? path : LoadPath::Storage);
  Tensor in = Tensor::create(ctx(), c.in, c.precision);
  uploadTensor(ctx(), in, input);
  Tensor out = Tensor::create(ctx(), op.outputShape(c.in), c.precision);
  std::vector<float> packed = runIntoPoisoned(ctx(), op, in, out);

  EXPECT_TRUE(paddingLanesZero(packed, out.shape));
  std::vector<double> expected = reference(c, input, weights, bias);
  double floor = c.precision == kFp32 ? 1e-6 : 1e-3;
  EXPECT_TRUE(nearlyEqual(unpackC4HW4(packed, out.shape), expected, tolerance(c.precision), floor));
}

INSTANTIATE_TEST_SUITE_P(Cases, DepthwiseTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<DwCase>& case_info) { return case_info.param.name; });

// The fast path's tile width per device class, and the tuning variable that
// overrides it on GPUs only (a CPU device's tiles were measured on lavapipe).
TEST(DepthwiseTiles, OnePixelPerInvocationOnGpusEightAndFourOnCpus) {
  Capabilities gpu, cpu;
  gpu.device_type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
  cpu.device_type = VK_PHYSICAL_DEVICE_TYPE_CPU;
  test::ScopedEnv tile("VKPOSE_DW_TILE", std::nullopt);
  EXPECT_EQ(depthwiseTileWidth(gpu, 1), 1);
  EXPECT_EQ(depthwiseTileWidth(gpu, 2), 1);
  EXPECT_EQ(depthwiseTileWidth(cpu, 1), 8);
  EXPECT_EQ(depthwiseTileWidth(cpu, 2), 4);
  tile.set("4,2");
  EXPECT_EQ(depthwiseTileWidth(gpu, 1), 4);
  EXPECT_EQ(depthwiseTileWidth(gpu, 2), 2);
  EXPECT_EQ(depthwiseTileWidth(cpu, 1), 8);
  for (const char* malformed : {"0,1", "1,17", "wide", "4"}) {
    tile.set(malformed);
    EXPECT_EQ(depthwiseTileWidth(gpu, 1), 1) << malformed;
  }
}

// ---- argument errors ----

class DepthwiseErrors : public GpuTest {
 protected:
  static constexpr int kChannels = 8;
  DepthwiseParams params() const { return {kChannels, 1, conv3x3(1)}; }
  std::vector<float> weights() const { return std::vector<float>(kChannels * 9, 0.5f); }
};

TEST_F(DepthwiseErrors, WrongWeightCount) {
  expectError([&] { DepthwiseOp(ctx(), params(), std::vector<float>(70), {}, kFp32); },
              "weights have 70 values, expected 72");
}

TEST_F(DepthwiseErrors, WrongBiasCount) {
  expectError([&] { DepthwiseOp(ctx(), params(), weights(), std::vector<float>(3), kFp32); }, "bias has 3 values");
}

TEST_F(DepthwiseErrors, ChannelMultiplierNotOne) {
  DepthwiseParams p = params();
  p.channel_multiplier = 2;
  expectError([&] { DepthwiseOp(ctx(), p, weights(), {}, kFp32); }, "channel multiplier 2");
}

TEST_F(DepthwiseErrors, BadWindow) {
  DepthwiseParams p = params();
  p.window.stride_w = 0;
  expectError([&] { DepthwiseOp(ctx(), p, weights(), {}, kFp32); }, "stride must be positive");
}

TEST_F(DepthwiseErrors, InvertedClipBounds) {
  Epilogue inverted{Activation::Clip, 6.f, 0.f};
  expectError([&] { DepthwiseOp(ctx(), params(), weights(), {}, kFp32, inverted); }, "clip bounds are inverted");
}

TEST_F(DepthwiseErrors, WrongInputChannels) {
  DepthwiseOp op(ctx(), params(), weights(), {}, kFp32);
  expectError([&] { op.outputShape({12, 9, 9}); }, "has 12 channels, the op expects 8");
}

TEST_F(DepthwiseErrors, WindowLargerThanInput) {
  DepthwiseParams p{kChannels, 1, window(5, 5, 1, 1, {})};
  DepthwiseOp op(ctx(), p, std::vector<float>(kChannels * 25), {}, kFp32);
  expectError([&] { op.outputShape({kChannels, 3, 3}); }, "window does not fit");
}

TEST_F(DepthwiseErrors, PrecisionMismatch) {
  VKPOSE_REQUIRE_PRECISION(kFp16s);
  DepthwiseOp op(ctx(), params(), weights(), {}, kFp32);
  Tensor in = Tensor::create(ctx(), {kChannels, 9, 9}, kFp16s);
  Tensor out = Tensor::create(ctx(), {kChannels, 9, 9}, kFp32);
  expectError([&] { runOnce(ctx(), op, in, out); }, "input tensor is fp16s, the op is fp32");
}

TEST_F(DepthwiseErrors, WrongOutputShape) {
  DepthwiseOp op(ctx(), params(), weights(), {}, kFp32);
  Tensor in = Tensor::create(ctx(), {kChannels, 9, 9}, kFp32);
  Tensor out = Tensor::create(ctx(), {kChannels, 5, 5}, kFp32);
  expectError([&] { runOnce(ctx(), op, in, out); }, "output shape 8x5x5 should be 8x9x9");
}

}  // namespace
}  // namespace vkpose::test
