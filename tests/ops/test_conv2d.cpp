// Conv2dOp against the double reference: kernel shapes, strides, dilation,
// asymmetric padding, odd sizes and channel counts, every activation and
// precision; plus the raw packed output (padding lanes must be exact zeros)
// and the errors bad arguments raise.
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "runtime/ops/conv2d.h"
#include "tests/reference/reference_ops.h"
#include "tests/support/gpu_test.h"
#include "tests/support/load_path_override.h"
#include "tests/support/op_test.h"
#include "tests/support/scoped_env.h"
#include "tests/support/test_data.h"

namespace vkpose::test {
namespace {

struct ConvCase {
  std::string label;  // part of the test name
  int cin, cout, h, w;
  ConvParams window;
  Epilogue epilogue{};
  bool bias = true;
  Precision precision = Precision::FP32;
};

ConvParams window(int kh, int kw, int sh, int sw, Padding pad = {}, int dh = 1, int dw = 1) {
  return {kh, kw, sh, sw, dh, dw, pad};
}

std::string describe(const ConvCase& c) {
  return "conv2d(" + c.window.str() + ",cin=" + std::to_string(c.cin) + ",cout=" + std::to_string(c.cout) +
         ",h=" + std::to_string(c.h) + ",w=" + std::to_string(c.w) + "," + activationSuffix(c.epilogue.activation) +
         (c.bias ? "" : ",nobias") + "," + precisionSuffix(c.precision) + ")";
}

void PrintTo(const ConvCase& c, std::ostream* os) { *os << describe(c); }

ref::ConvSpec refSpec(const ConvParams& w, const Epilogue& e) {
  ref::ConvSpec spec;
  spec.kh = w.kernel_h;
  spec.kw = w.kernel_w;
  spec.stride_h = w.stride_h;
  spec.stride_w = w.stride_w;
  spec.dilation_h = w.dilation_h;
  spec.dilation_w = w.dilation_w;
  spec.pad = {w.pad.top, w.pad.left, w.pad.bottom, w.pad.right};
  spec.epilogue = refEpilogue(e);
  return spec;
}

class Conv2dTest : public GpuTest, public ::testing::WithParamInterface<ConvCase> {
 protected:
  void expectMatchesReference(const ConvCase& c, LoadPath path);
};

VKPOSE_TEST_P_ON_BOTH_LOAD_PATHS(Conv2dTest)

void Conv2dTest::expectMatchesReference(const ConvCase& c, LoadPath path) {
  const Precision precision = c.precision;
  SCOPED_TRACE(describe(c) + " on the " + loadPathSuffix(path) + " load path");
  size_t taps = size_t(c.window.kernel_h) * size_t(c.window.kernel_w);
  auto input = asStored(randomFloats(size_t(c.cin) * size_t(c.h) * size_t(c.w), kDefaultSeed + 1), precision);
  auto weights = asStored(randomFloats(size_t(c.cout) * size_t(c.cin) * taps, kDefaultSeed + 2), precision);
  std::vector<float> bias;
  if (c.bias) bias = asStored(randomFloats(size_t(c.cout), kDefaultSeed + 3), precision);

  Conv2dOp op(ctx(), {c.window, c.cin, c.cout, 1}, weights, bias, precision, c.epilogue);
  EXPECT_EQ(op.loadPath(), path);
  Tensor in = Tensor::create(ctx(), {c.cin, c.h, c.w}, precision);
  Tensor out = Tensor::create(ctx(), op.outputShape(in.shape), precision);
  uploadTensor(ctx(), in, input);
  std::vector<float> packed = runIntoPoisoned(ctx(), op, in, out);

  ref::Tensor ref_in{c.cin, c.h, c.w, toDoubles(input)};
  ref::Tensor expected = ref::conv2d(ref_in, toDoubles(weights), toDoubles(bias), c.cout, refSpec(c.window, c.epilogue));
  ASSERT_EQ(out.shape, (Shape{expected.c, expected.h, expected.w}));
  EXPECT_TRUE(paddingLanesZero(packed, out.shape));
  double abs_floor = precision == Precision::FP32 ? 1e-6 : 1e-3;
  EXPECT_TRUE(nearlyEqual(unpackC4HW4(packed, out.shape), expected.data, tolerance(precision), abs_floor));
}

const Epilogue kRelu6{Activation::Clip, 0.f, 6.f};
const Padding kPad1{1, 1, 1, 1};

const ConvCase kCases[] = {
    {"k1x1_c8to8_17x17", 8, 8, 17, 17, window(1, 1, 1, 1)},
    {"k3x3_c8to12_33x33", 8, 12, 33, 33, window(3, 3, 1, 1, kPad1)},
    {"k5x5_c5to8_17x17", 5, 8, 17, 17, window(5, 5, 1, 1, {2, 2, 2, 2})},
    {"k3x5_c4to8_9x9", 4, 8, 9, 9, window(3, 5, 1, 1, {1, 2, 1, 2})},
    {"k7x7_s2_c3to8_65x65", 3, 8, 65, 65, window(7, 7, 2, 2, {3, 3, 3, 3})},
    {"k3x3_s2_c8to8_33x33", 8, 8, 33, 33, window(3, 3, 2, 2, kPad1)},
    {"k3x3_s2x1_c4to8_17x17", 4, 8, 17, 17, window(3, 3, 2, 1, kPad1)},
    {"k3x3_d2_c8to8_33x33", 8, 8, 33, 33, window(3, 3, 1, 1, {2, 2, 2, 2}, 2, 2)},
    {"k3x3_d1x2_s2_c4to4_17x17", 4, 4, 17, 17, window(3, 3, 2, 2, {1, 2, 1, 2}, 1, 2)},
    {"tf_same_even_k3x3_s2_c4to8_256x256", 4, 8, 256, 256, window(3, 3, 2, 2, {0, 0, 1, 1})},
    {"pad2_0_1_3_k3x3_c4to4_17x17", 4, 4, 17, 17, window(3, 3, 1, 1, {2, 0, 1, 3})},
    {"k3x3_c4to4_129x129", 4, 4, 129, 129, window(3, 3, 1, 1, kPad1)},
    {"k3x3_s2_c3to17_9x9", 3, 17, 9, 9, window(3, 3, 2, 2, kPad1)},
    {"k1x1_c8to34_17x17", 8, 34, 17, 17, window(1, 1, 1, 1)},
    {"k3x3_c17to8_9x9", 17, 8, 9, 9, window(3, 3, 1, 1, kPad1)},
    {"k3x3_c16to16_1x1", 16, 16, 1, 1, window(3, 3, 1, 1, kPad1)},
    {"k1x1_c6to20_1x1", 6, 20, 1, 1, window(1, 1, 1, 1)},
    {"posenet_conv0_k3x3_s2_c3to24_257x257_relu6", 3, 24, 257, 257, window(3, 3, 2, 2, kPad1), kRelu6},
    {"relu_k3x3_c8to17_17x17", 8, 17, 17, 17, window(3, 3, 1, 1, kPad1), {Activation::Relu}},
    {"clip_m1p5_3_k3x3_c8to17_17x17", 8, 17, 17, 17, window(3, 3, 1, 1, kPad1),
     {Activation::Clip, -1.5f, 3.f}},
    {"sigmoid_k3x3_c4to17_17x17", 4, 17, 17, 17, window(3, 3, 1, 1, kPad1), {Activation::Sigmoid}},
    {"nobias_k3x3_c8to12_17x17", 8, 12, 17, 17, window(3, 3, 1, 1, kPad1), {}, false},
};

std::vector<ConvCase> inEveryPrecision(std::span<const ConvCase> cases) {
  std::vector<ConvCase> all;
  for (const ConvCase& c : cases)
    for (Precision p : {Precision::FP32, Precision::FP16Storage, Precision::FP16Arith}) {
      all.push_back(c);
      all.back().precision = p;
    }
  return all;
}

INSTANTIATE_TEST_SUITE_P(Shapes, Conv2dTest, ::testing::ValuesIn(inEveryPrecision(kCases)),
                         [](const auto& test) { return test.param.label + "_" + precisionSuffix(test.param.precision); });

// ---- bad arguments ----

class Conv2dArgumentsTest : public GpuTest {
 protected:
  static Conv2dParams params() { return {window(3, 3, 1, 1, kPad1), 4, 8, 1}; }
  static std::vector<float> weightsFor(const Conv2dParams& p) {
    return std::vector<float>(size_t(p.out_channels * p.in_channels * p.window.kernel_h * p.window.kernel_w));
  }
  void construct(const Conv2dParams& p, const std::vector<float>& weights, const std::vector<float>& bias = {}) {
    Conv2dOp op(ctx(), p, weights, bias, Precision::FP32);
  }
};

TEST_F(Conv2dArgumentsTest, WrongWeightCountThrows) {
  auto weights = weightsFor(params());
  weights.pop_back();
  expectError([&] { construct(params(), weights); }, "weights has 287 values, expected 288");
}

TEST_F(Conv2dArgumentsTest, WrongBiasCountThrows) {
  expectError([&] { construct(params(), weightsFor(params()), std::vector<float>(7)); }, "bias has 7 values");
}

TEST_F(Conv2dArgumentsTest, GroupsOtherThanOneThrow) {
  Conv2dParams p = params();
  p.groups = 2;
  expectError([&] { construct(p, weightsFor(p)); }, "groups = 2 is not supported");
}

TEST_F(Conv2dArgumentsTest, ZeroStrideThrows) {
  Conv2dParams p = params();
  p.window.stride_w = 0;
  expectError([&] { construct(p, weightsFor(p)); }, "stride must be positive");
}

TEST_F(Conv2dArgumentsTest, WindowBiggerThanInputThrows) {
  Conv2dParams p{window(7, 7, 1, 1), 4, 8, 1};
  Conv2dOp op(ctx(), p, weightsFor(p), {}, Precision::FP32);
  expectError([&] { op.outputShape({4, 5, 5}); }, "window does not fit the 4x5x5 input");
}

TEST_F(Conv2dArgumentsTest, InputChannelMismatchThrows) {
  Conv2dOp op(ctx(), params(), weightsFor(params()), {}, Precision::FP32);
  expectError([&] { op.outputShape({3, 9, 9}); }, "has 3 channels, the op expects 4");
}

class Conv2dRecordTest : public Conv2dArgumentsTest {
 protected:
  void record(Conv2dOp& op, const Tensor& in, const Tensor& out) {
    DescriptorArena arena(ctx());
    CommandRecorder rec(ctx());
    rec.begin();
    op.record(rec, arena, in, out);
    rec.end();
  }
};

TEST_F(Conv2dRecordTest, PrecisionMismatchThrows) {
  VKPOSE_REQUIRE_PRECISION(Precision::FP16Storage);
  Conv2dOp op(ctx(), params(), weightsFor(params()), {}, Precision::FP32);
  Tensor in = Tensor::create(ctx(), {4, 9, 9}, Precision::FP16Storage);
  Tensor out = Tensor::create(ctx(), {8, 9, 9}, Precision::FP32);
  expectError([&] { record(op, in, out); }, "input tensor precision fp16s differs from the op's fp32");
}

TEST_F(Conv2dRecordTest, OutputShapeMismatchThrows) {
  Conv2dOp op(ctx(), params(), weightsFor(params()), {}, Precision::FP32);
  Tensor in = Tensor::create(ctx(), {4, 9, 9}, Precision::FP32);
  Tensor out = Tensor::create(ctx(), {8, 8, 9}, Precision::FP32);
  expectError([&] { record(op, in, out); }, "output tensor is 8x8x9, expected 8x9x9");
}

// Workgroup sizes per device class (conv2d, preprocess and pool use the 2D
// one; depthwise and add the 1D one), and the tuning variables that override
// them on GPUs only.
TEST(Workgroups, OverriddenOnGpusOnlyAndWithinTheDevicesLimits) {
  Capabilities gpu, cpu;
  for (Capabilities* caps : {&gpu, &cpu}) {
    caps->max_workgroup_size = {1024, 1024, 64};
    caps->max_workgroup_invocations = 1024;
  }
  gpu.device_type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
  cpu.device_type = VK_PHYSICAL_DEVICE_TYPE_CPU;
  using Size = std::array<uint32_t, 3>;
  test::ScopedEnv one_d("VKPOSE_WORKGROUP_1D", std::nullopt), two_d("VKPOSE_WORKGROUP_2D", std::nullopt);
  EXPECT_EQ(workgroup1D(gpu), (Size{64, 1, 1}));
  EXPECT_EQ(workgroup2D(gpu), (Size{8, 8, 1}));
  one_d.set("128");
  two_d.set("32,2");
  EXPECT_EQ(workgroup1D(gpu), (Size{128, 1, 1}));
  EXPECT_EQ(workgroup2D(gpu), (Size{32, 2, 1}));
  EXPECT_EQ(workgroup1D(cpu), (Size{64, 1, 1}));
  EXPECT_EQ(workgroup2D(cpu), (Size{8, 8, 1}));
  for (const char* malformed : {"0", "2048", "-1", "wide", "64,2"}) {
    one_d.set(malformed);
    EXPECT_EQ(workgroup1D(gpu), (Size{64, 1, 1})) << malformed;
  }
  for (const char* malformed : {"32", "0,8", "64,32", "8,8,8", "x,y"}) {  // 64 x 32 is over 1024 invocations
    two_d.set(malformed);
    EXPECT_EQ(workgroup2D(gpu), (Size{8, 8, 1})) << malformed;
  }
}

}  // namespace
}  // namespace vkpose::test
