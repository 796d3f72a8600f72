// DwPointwiseOp (depthwise 3x3 then pointwise 1x1 in one dispatch) against
// the double CPU reference run as two layers: every depthwise/pointwise pair
// of PoseNet MobileNetV1-0.75 at input 257, channel counts that are not
// multiples of 4, tiny and odd planes, stride 2 on odd sizes, padding
// variants, every activation on either layer, no bias, all three precisions,
// and tilings that leave remainders in pixels, output blocks and K slices.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/ops/dw_pointwise.h"
#include "tests/reference/reference_ops.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"
#include "tests/support/test_data.h"

namespace vkpose::test {
namespace {

constexpr Precision kFp32 = Precision::FP32;
constexpr Precision kFp16s = Precision::FP16Storage;
constexpr Precision kFp16a = Precision::FP16Arith;
constexpr Padding kPad1{1, 1, 1, 1};
const Epilogue kRelu6{Activation::Clip, 0.f, 6.f};
const Epilogue kNone{Activation::None};
const Epilogue kRelu{Activation::Relu};
const Epilogue kSigmoid{Activation::Sigmoid};
const Epilogue kClipAboveZero{Activation::Clip, 0.25f, 1.5f};  // clip(0) != 0: padding lanes must be masked

struct DwPwCase {
  int cin = 0, cout = 0, h = 0, w = 0, stride = 1;
  Padding pad = kPad1;
  Epilogue dw_epilogue = kRelu6, pw_epilogue = kRelu6;
  Precision precision = kFp32;
  bool bias = true;
  std::optional<DwPointwiseTiling> tiling;  // unset: the device's default
};

std::string epilogueName(const Epilogue& e) {
  std::string name = activationSuffix(e.activation);
  if (e.activation == Activation::Clip && !(e.clip_min == 0.f && e.clip_max == 6.f)) name += "025_150";
  return name;
}

// gtest-safe and names the case: "cin384_cout384_17x17_s1_pad1111_clip_clip_fp32".
std::string caseName(const DwPwCase& c) {
  std::string name = "cin" + std::to_string(c.cin) + "_cout" + std::to_string(c.cout) + "_" + std::to_string(c.h) +
                     "x" + std::to_string(c.w) + "_s" + std::to_string(c.stride) + "_pad" + std::to_string(c.pad.top) +
                     std::to_string(c.pad.left) + std::to_string(c.pad.bottom) + std::to_string(c.pad.right) + "_" +
                     epilogueName(c.dw_epilogue) + "_" + epilogueName(c.pw_epilogue) + "_" +
                     precisionSuffix(c.precision);
  if (!c.bias) name += "_nobias";
  if (c.tiling)
    name += "_tile" + std::to_string(c.tiling->oc4_block) + "x" + std::to_string(c.tiling->k_split) + "x" +
            std::to_string(c.tiling->pixels);
  return name;
}

void PrintTo(const DwPwCase& c, std::ostream* os) { *os << caseName(c); }

// Depthwise input channels and size, stride, pointwise output channels.
DwPwCase pair(int cin, int hw, int stride, int cout, Precision p = kFp32) {
  return {cin, cout, hw, hw, stride, kPad1, kRelu6, kRelu6, p};
}

std::vector<DwPwCase> poseNetPairs() {
  return {pair(24, 129, 1, 48),  pair(48, 129, 2, 96),  pair(96, 65, 1, 96),   pair(96, 65, 2, 192),
          pair(192, 33, 1, 192), pair(192, 33, 2, 384), pair(384, 17, 1, 384)};
}

std::vector<DwPwCase> oddShapes() {
  return {
      {5, 7, 9, 9, 1},      {7, 13, 9, 7, 2},    {13, 5, 15, 15, 2},  {5, 7, 1, 1, 1},   {13, 5, 1, 1, 2},
      {7, 13, 3, 5, 1},     {7, 13, 3, 5, 2},    {8, 4, 33, 7, 2},    {3, 17, 20, 20, 1},
      {8, 12, 10, 10, 1, {}},                     // VALID
      {8, 12, 11, 11, 2, {}},                     // VALID, odd
      {8, 12, 16, 16, 2, {0, 0, 1, 1}},           // TF SAME on an even size
      {8, 12, 7, 7, 1, {2, 2, 2, 2}},             // wider than the kernel
      {6, 10, 9, 8, 1, {1, 0, 0, 1}},             // asymmetric
      {6, 10, 9, 8, 2, {0, 1, 1, 0}},             // asymmetric, stride 2
  };
}

std::vector<DwPwCase> activations() {
  std::vector<DwPwCase> cases;
  for (Epilogue dw : {kNone, kRelu, kRelu6, kSigmoid, kClipAboveZero})
    for (Epilogue pw : {kNone, kRelu, kSigmoid, kClipAboveZero}) cases.push_back({10, 17, 9, 9, 2, kPad1, dw, pw});
  for (int stride : {1, 2}) cases.push_back({17, 34, 13, 13, stride, kPad1, kRelu6, kRelu6, kFp32, false});
  return cases;
}

std::vector<DwPwCase> halfPrecision() {
  std::vector<DwPwCase> cases;
  for (Precision p : {kFp16s, kFp16a}) {
    cases.push_back(pair(384, 17, 1, 384, p));
    cases.push_back(pair(192, 33, 2, 384, p));
    cases.push_back(pair(24, 129, 1, 48, p));
    cases.push_back({13, 5, 15, 15, 2, kPad1, kSigmoid, kClipAboveZero, p});
    cases.push_back({7, 13, 3, 5, 1, kPad1, kRelu6, kNone, p, false});
  }
  return cases;
}

// Each leaves remainders: pixels per workgroup not dividing the plane, output
// blocks not dividing the output vec4s, K slices not dividing the input vec4s
// (and slices with nothing to do), one slice, one output vec4.
std::vector<DwPwCase> tilings() {
  std::vector<DwPwCase> cases;
  for (DwPointwiseTiling t : {DwPointwiseTiling{1, 1, 64}, DwPointwiseTiling{8, 2, 16}, DwPointwiseTiling{3, 3, 7},
                              DwPointwiseTiling{2, 5, 32}, DwPointwiseTiling{16, 8, 8}})
    for (DwPwCase c : {DwPwCase{13, 34, 9, 7, 2}, DwPwCase{96, 192, 17, 17, 1}, pair(384, 17, 1, 384)}) {
      c.tiling = t;
      cases.push_back(c);
    }
  return cases;
}

std::vector<DwPwCase> allCases() {
  std::vector<DwPwCase> cases;
  for (const auto& group : {poseNetPairs(), oddShapes(), activations(), halfPrecision(), tilings()})
    cases.insert(cases.end(), group.begin(), group.end());
  return cases;
}

struct Constants {
  std::vector<float> dw_weights, dw_bias, pw_weights, pw_bias;
};

// Depthwise weights in [-0.5, 0.5] and pointwise ones scaled by 1/sqrt(cin)
// keep both layers' sums around [-6, 6], where every activation does
// something; rounded as the GPU stores them.
Constants randomConstants(const DwPwCase& c) {
  float range = 1.f / std::sqrt(float(c.cin));
  auto draw = [&](size_t n, uint32_t seed, float lo, float hi) {
    return asStored(randomFloats(n, kDefaultSeed + seed, lo, hi), c.precision);
  };
  Constants k{draw(size_t(c.cin) * 9, 1, -0.5f, 0.5f), {}, draw(size_t(c.cout) * size_t(c.cin), 3, -range, range), {}};
  if (c.bias) {
    k.dw_bias = draw(size_t(c.cin), 2, -0.5f, 0.5f);
    k.pw_bias = draw(size_t(c.cout), 4, -0.5f, 0.5f);
  }
  return k;
}

// The two layers one after the other, in double.
std::vector<double> reference(const DwPwCase& c, const std::vector<float>& input, const Constants& k) {
  ref::ConvSpec dw{.kh = 3,
                   .kw = 3,
                   .stride_h = c.stride,
                   .stride_w = c.stride,
                   .pad = {c.pad.top, c.pad.left, c.pad.bottom, c.pad.right},
                   .groups = c.cin,
                   .epilogue = refEpilogue(c.dw_epilogue)};
  ref::Tensor mid = ref::conv2d({c.cin, c.h, c.w, toDoubles(input)}, toDoubles(k.dw_weights), toDoubles(k.dw_bias),
                                c.cin, dw);
  ref::ConvSpec pw;
  pw.epilogue = refEpilogue(c.pw_epilogue);
  return ref::conv2d(mid, toDoubles(k.pw_weights), toDoubles(k.pw_bias), c.cout, pw).data;
}

DwPointwiseLayers layers(const DwPwCase& c, const Constants& k) {
  ConvParams window{3, 3, c.stride, c.stride, 1, 1, c.pad};
  return {{c.cin, 1, window}, WeightData{k.dw_weights}, WeightData{k.dw_bias}, c.dw_epilogue,
          c.cout,             WeightData{k.pw_weights}, WeightData{k.pw_bias}, c.pw_epilogue};
}

class DwPointwiseTest : public GpuTest, public ::testing::WithParamInterface<DwPwCase> {};

TEST_P(DwPointwiseTest, MatchesTheTwoLayerReference) {
  const DwPwCase& c = GetParam();
  VKPOSE_REQUIRE_PRECISION(c.precision);
  SCOPED_TRACE("dw_pointwise(" + caseName(c) + ")");
  Shape in_shape{c.cin, c.h, c.w};
  std::vector<float> input =
      asStored(randomFloats(size_t(c.cin) * size_t(c.h) * size_t(c.w), kDefaultSeed, 0.f, 6.f), c.precision);
  Constants k = randomConstants(c);

  DwPointwiseOp op(ctx(), layers(c, k), c.precision, c.tiling.value_or(defaultDwPointwiseTiling(ctx().caps())));
  Shape out_shape = op.outputShape(in_shape);
  Tensor in = Tensor::create(ctx(), in_shape, c.precision);
  Tensor out = Tensor::create(ctx(), out_shape, c.precision);
  uploadTensor(ctx(), in, input);
  std::vector<float> packed = runIntoPoisoned(ctx(), op, in, out);

  std::vector<double> expected = reference(c, input, k);
  ASSERT_EQ(expected.size(), size_t(out_shape.c) * size_t(out_shape.h) * size_t(out_shape.w));
  double floor = c.precision == kFp32 ? 1e-6 : 1e-3;
  EXPECT_TRUE(nearlyEqual(unpackC4HW4(packed, out_shape), expected, tolerance(c.precision), floor));
  EXPECT_TRUE(paddingLanesZero(packed, out_shape));
}

INSTANTIATE_TEST_SUITE_P(Shapes, DwPointwiseTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<DwPwCase>& param) { return caseName(param.param); });

// ---- argument errors: the message must name the problem ----

class DwPointwiseErrors : public GpuTest {
 protected:
  static DwPointwiseLayers valid() {
    DwPwCase c{8, 4, 9, 9, 1};
    Constants k{std::vector<float>(72, 0.5f), {}, std::vector<float>(32, 0.5f), {}};
    return layers(c, k);
  }
};

TEST_F(DwPointwiseErrors, RefusesAWindowOtherThan3x3Stride1Or2) {
  DwPointwiseLayers l = valid();
  l.depthwise.window.stride_h = l.depthwise.window.stride_w = 3;
  expectError([&] { DwPointwiseOp(ctx(), l, kFp32); }, "depthwise window must be 3x3, dilation 1, stride 1 or 2");
  l = valid();
  l.depthwise.window.dilation_h = l.depthwise.window.dilation_w = 2;
  expectError([&] { DwPointwiseOp(ctx(), l, kFp32); }, "dilation 1");
}

TEST_F(DwPointwiseErrors, WrongWeightCounts) {
  DwPointwiseLayers l = valid();
  l.dw_weights.values.pop_back();
  expectError([&] { DwPointwiseOp(ctx(), l, kFp32); }, "weights have 71 values, expected 72");
  l = valid();
  l.pw_weights.values.push_back(0.f);
  expectError([&] { DwPointwiseOp(ctx(), l, kFp32); }, "expected 32 pointwise weights, got 33");
  l = valid();
  l.pw_bias.values = {0.f, 0.f, 0.f};
  expectError([&] { DwPointwiseOp(ctx(), l, kFp32); }, "expected 4 pointwise bias values or none, got 3");
}

TEST_F(DwPointwiseErrors, InvertedClipBounds) {
  DwPointwiseLayers l = valid();
  l.pw_epilogue = {Activation::Clip, 6.f, 0.f};
  expectError([&] { DwPointwiseOp(ctx(), l, kFp32); }, "DwPointwise");
}

TEST_F(DwPointwiseErrors, BadTiling) {
  expectError([&] { DwPointwiseOp(ctx(), valid(), kFp32, {0, 4, 32}); }, "oc4 blocks must be within 1..16");
  expectError([&] { DwPointwiseOp(ctx(), valid(), kFp32, {4, 0, 32}); }, "k split and pixels must be positive");
  expectError([&] { DwPointwiseOp(ctx(), valid(), kFp32, {4, 4, 1u << 20}); }, "exceeds the device limit");
  uint32_t too_much = ctx().caps().max_shared_memory_bytes / (16 * 16 * 7) + 1;  // pixels for > the shared memory
  expectError([&] { DwPointwiseOp(ctx(), valid(), kFp32, {16, 8, too_much}); }, "bytes of shared memory");
}

TEST_F(DwPointwiseErrors, ShapeAndPrecisionMismatches) {
  DwPointwiseOp op(ctx(), valid(), kFp32);
  expectError([&] { op.outputShape({12, 9, 9}); }, "has 12 channels, the op expects 8");
  Tensor in = Tensor::create(ctx(), {8, 9, 9}, kFp32);
  Tensor wrong = Tensor::create(ctx(), {4, 5, 5}, kFp32);
  expectError([&] { runOnce(ctx(), op, in, wrong); }, "output shape 4x5x5 should be 4x9x9");
  if (!deviceSupports(ctx(), kFp16s)) return;
  Tensor half = Tensor::create(ctx(), {4, 9, 9}, kFp16s);
  expectError([&] { runOnce(ctx(), op, in, half); }, "output tensor is fp16s, the op is fp32");
}

}  // namespace
}  // namespace vkpose::test
