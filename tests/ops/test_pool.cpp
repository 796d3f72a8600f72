// PoolOp (max and average pooling) against the double CPU reference, over the
// window geometries PoseNet-style converters produce: strided, TF SAME with
// odd and even inputs, asymmetric padding, global pooling.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "engine/transfer.h"
#include "runtime/ops/pool.h"
#include "tests/reference/reference_ops.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using test::GpuTest;

struct PoolCase {
  std::string name;  // gtest-safe, names the shape: "max_k3_s2_p1111_c24_129x129_fp32"
  Shape in;
  PoolParams params;
  Precision precision = Precision::FP32;
  float min = -1.f, max = 1.f;  // input value range
};

// gtest prints parameters of failing tests; the name says it all.
void PrintTo(const PoolCase& tc, std::ostream* os) { *os << tc.name; }

ConvParams window(int k_h, int k_w, int s_h, int s_w, Padding pad = {}) {
  ConvParams w;
  w.kernel_h = k_h;
  w.kernel_w = k_w;
  w.stride_h = s_h;
  w.stride_w = s_w;
  w.pad = pad;
  return w;
}

std::string padName(const Padding& p) {
  return std::to_string(p.top) + std::to_string(p.left) + std::to_string(p.bottom) + std::to_string(p.right);
}

PoolCase makeCase(PoolMode mode, bool include_pad, Shape in, ConvParams w, Precision precision) {
  std::string mode_name = mode == PoolMode::Max ? "max" : include_pad ? "avgincl" : "avg";
  std::string name = mode_name + "_k" + std::to_string(w.kernel_h) + "x" + std::to_string(w.kernel_w) + "_s" +
                     std::to_string(w.stride_h) + "x" + std::to_string(w.stride_w) + "_p" + padName(w.pad) + "_c" +
                     std::to_string(in.c) + "_" + std::to_string(in.h) + "x" + std::to_string(in.w) + "_" +
                     precisionSuffix(precision);
  return {name, in, PoolParams{mode, w, include_pad}, precision};
}

// Geometries run for max and average (count_include_pad false) in fp32.
std::vector<std::pair<Shape, ConvParams>> geometries() {
  return {
      {{8, 16, 16}, window(2, 2, 2, 2)},
      {{24, 129, 129}, window(3, 3, 2, 2, {1, 1, 1, 1})},
      {{17, 33, 33}, window(3, 3, 1, 1, {1, 1, 1, 1})},  // SAME, odd input
      {{16, 16, 16}, window(3, 3, 2, 2, {0, 0, 1, 1})},  // SAME, even input: extra pad bottom/right
      {{5, 20, 23}, window(4, 3, 2, 1, {2, 0, 1, 2})},   // asymmetric everything
      {{34, 65, 65}, window(3, 3, 2, 2, {1, 1, 1, 1})},
      {{3, 9, 9}, window(2, 2, 2, 2, {0, 0, 1, 1})},
      {{17, 17, 17}, window(5, 5, 3, 3, {2, 2, 2, 2})},
      {{6, 3, 3}, window(3, 3, 1, 1)},       // 1x1 spatial output
      {{17, 17, 17}, window(17, 17, 1, 1)},  // global pooling
      {{7, 1, 1}, window(1, 1, 1, 1)},       // 1x1 in, 1x1 out
  };
}

std::vector<PoolCase> allCases() {
  std::vector<PoolCase> cases;
  for (const auto& [shape, w] : geometries())
    for (PoolMode mode : {PoolMode::Max, PoolMode::Average})
      cases.push_back(makeCase(mode, false, shape, w, Precision::FP32));
  for (Precision p : {Precision::FP32, Precision::FP16Storage, Precision::FP16Arith}) {
    cases.push_back(makeCase(PoolMode::Average, true, {24, 129, 129}, window(3, 3, 2, 2, {1, 1, 1, 1}), p));
    cases.push_back(makeCase(PoolMode::Average, true, {5, 20, 23}, window(4, 3, 2, 1, {2, 0, 1, 2}), p));
    if (p == Precision::FP32) continue;  // the fp32 versions of the rest are above
    cases.push_back(makeCase(PoolMode::Max, false, {24, 129, 129}, window(3, 3, 2, 2, {1, 1, 1, 1}), p));
    cases.push_back(makeCase(PoolMode::Average, false, {17, 33, 33}, window(3, 3, 1, 1, {1, 1, 1, 1}), p));
    cases.push_back(makeCase(PoolMode::Max, false, {3, 9, 9}, window(2, 2, 2, 2, {0, 0, 1, 1}), p));
    cases.push_back(makeCase(PoolMode::Average, false, {17, 17, 17}, window(17, 17, 1, 1), p));
  }
  for (Precision p : {Precision::FP32, Precision::FP16Arith}) {
    // A max that treated padding as 0 would return 0 at every border here.
    PoolCase negative = makeCase(PoolMode::Max, false, {6, 9, 9}, window(3, 3, 1, 1, {1, 1, 1, 1}), p);
    negative.name = "negative_" + negative.name;
    negative.min = -2.f;
    negative.max = -1.f;
    cases.push_back(negative);
  }
  return cases;
}

ref::PoolSpec refSpec(const PoolParams& params) {
  const ConvParams& w = params.window;
  ref::PoolSpec spec;
  spec.kh = w.kernel_h;
  spec.kw = w.kernel_w;
  spec.stride_h = w.stride_h;
  spec.stride_w = w.stride_w;
  spec.pad = {w.pad.top, w.pad.left, w.pad.bottom, w.pad.right};
  spec.count_include_pad = params.count_include_pad;
  return spec;
}

// Uploads with every padding lane set to a non-zero value, so the test shows
// the kernel zeroes output padding itself instead of inheriting it.
void uploadWithDirtyPadding(Context& ctx, const Tensor& tensor, const std::vector<float>& chw) {
  std::vector<float> packed = packC4HW4(chw, tensor.shape);
  size_t plane = size_t(tensor.shape.h) * tensor.shape.w;
  for (size_t v = 0; v < packed.size() / 4; ++v)
    for (size_t lane = 0; lane < 4; ++lane)
      if ((v / plane) * 4 + lane >= size_t(tensor.shape.c)) packed[v * 4 + lane] = 7.f;
  std::vector<uint8_t> bytes = toStorage(packed, tensor.precision);
  uploadToBuffer(ctx, tensor.buffer, bytes.data(), bytes.size());
}

class PoolTest : public GpuTest, public ::testing::WithParamInterface<PoolCase> {};

TEST_P(PoolTest, MatchesReference) {
  const PoolCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  SCOPED_TRACE("pool " + tc.params.str() + " in=" + tc.in.str() + " " + precisionSuffix(tc.precision));

  PoolOp op(ctx(), tc.params, tc.precision);
  Shape out_shape = op.outputShape(tc.in);
  std::vector<float> input = test::asStored(
      test::randomFloats(size_t(tc.in.c) * tc.in.h * tc.in.w, test::kDefaultSeed, tc.min, tc.max), tc.precision);
  Tensor in = Tensor::create(ctx(), tc.in, tc.precision);
  Tensor out = Tensor::create(ctx(), out_shape, tc.precision);
  uploadWithDirtyPadding(ctx(), in, input);
  std::vector<float> packed = test::runIntoPoisoned(ctx(), op, in, out);

  ref::Tensor ref_in{tc.in.c, tc.in.h, tc.in.w, test::toDoubles(input)};
  ref::Tensor expected = tc.params.mode == PoolMode::Max ? ref::maxPool(ref_in, refSpec(tc.params))
                                                         : ref::avgPool(ref_in, refSpec(tc.params));
  ASSERT_EQ(expected.h, out_shape.h);
  ASSERT_EQ(expected.w, out_shape.w);
  double floor = tc.precision == Precision::FP32 ? 1e-6 : 1e-3;
  EXPECT_TRUE(test::nearlyEqual(unpackC4HW4(packed, out_shape), expected.data, test::tolerance(tc.precision), floor));
  EXPECT_TRUE(test::paddingLanesZero(packed, out_shape));
}

INSTANTIATE_TEST_SUITE_P(Shapes, PoolTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<PoolCase>& param) { return param.param.name; });

// The message must name the problem, not just say "invalid".
using test::expectError;

class PoolArguments : public GpuTest {
 protected:
  void expectRejected(PoolParams params, const std::string& fragment) {
    expectError([&] { PoolOp op(ctx(), params, Precision::FP32); }, fragment);
  }
};

TEST_F(PoolArguments, PaddingNotSmallerThanKernel) {
  expectRejected({PoolMode::Max, window(2, 2, 2, 2, {0, 0, 2, 0})}, "padding must be smaller than the kernel");
  expectRejected({PoolMode::Average, window(3, 3, 1, 1, {0, 3, 0, 0})}, "padding must be smaller than the kernel");
}

TEST_F(PoolArguments, ZeroStride) { expectRejected({PoolMode::Max, window(2, 2, 0, 2)}, "stride must be positive"); }

TEST_F(PoolArguments, ZeroKernel) {
  expectRejected({PoolMode::Average, window(0, 2, 1, 1)}, "kernel size must be positive");
}

TEST_F(PoolArguments, Dilation) {
  ConvParams w = window(3, 3, 1, 1);
  w.dilation_w = 2;
  expectRejected({PoolMode::Max, w}, "dilation must be 1");
}

TEST_F(PoolArguments, CountIncludePadOnMax) {
  expectRejected({PoolMode::Max, window(3, 3, 1, 1), true}, "count_include_pad applies to average pooling only");
}

TEST_F(PoolArguments, WindowLargerThanInput) {
  PoolOp op(ctx(), {PoolMode::Max, window(5, 5, 1, 1)}, Precision::FP32);
  expectError([&] { op.outputShape({4, 4, 4}); }, "window does not fit");
}

TEST_F(PoolArguments, PrecisionMismatch) {
  VKPOSE_REQUIRE_PRECISION(Precision::FP16Storage);
  PoolOp op(ctx(), {PoolMode::Max, window(2, 2, 2, 2)}, Precision::FP32);
  Tensor in = Tensor::create(ctx(), {4, 8, 8}, Precision::FP16Storage);
  Tensor out = Tensor::create(ctx(), {4, 4, 4}, Precision::FP32);
  DescriptorArena arena(ctx());
  CommandRecorder rec(ctx());
  rec.begin();
  expectError([&] { op.record(rec, arena, in, out); }, "precision");
  rec.end();
}

TEST_F(PoolArguments, WrongOutputShape) {
  PoolOp op(ctx(), {PoolMode::Average, window(2, 2, 2, 2)}, Precision::FP32);
  Tensor in = Tensor::create(ctx(), {4, 8, 8}, Precision::FP32);
  Tensor out = Tensor::create(ctx(), {4, 8, 8}, Precision::FP32);
  DescriptorArena arena(ctx());
  CommandRecorder rec(ctx());
  rec.begin();
  expectError([&] { op.record(rec, arena, in, out); }, "should be 4x4x4");
  rec.end();
}

}  // namespace
}  // namespace vkpose
