// ArgmaxOp against a naive CPU argmax: random planes of every heatmap size
// (9..65, square and not), ties, infinities and NaN, in every precision and
// with workgroups small enough to force many passes.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "engine/transfer.h"
#include "runtime/keypoints.h"
#include "runtime/ops/argmax.h"
#include "tests/ops/heatmap_cases.h"
#include "tests/ops/keypoint_reference.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using test::GpuTest;

std::vector<ArgmaxResult> runArgmax(Context& ctx, ArgmaxOp& op, const Tensor& heatmap) {
  Buffer result = ctx.allocator().createBuffer(ArgmaxOp::resultBytes(), MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx);
  CommandRecorder rec(ctx);
  rec.begin();
  // NaN values and a huge index: a channel the op leaves unwritten fails.
  rec.fill(result, poisonWord(Precision::FP32));
  rec.barrier(Stage::Transfer, Stage::Compute, "the poison fill must land before the argmax writes");
  op.record(rec, arena, heatmap, result);
  EXPECT_EQ(rec.dispatchCount(), op.passCount(heatmap.shape));
  rec.end();
  rec.submitAndWait();
  std::vector<ArgmaxResult> results(kKeypointCount);
  downloadFromBuffer(ctx, result, results.data(), ArgmaxOp::resultBytes());
  return results;
}

bool sameValue(float a, float b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Uploads `chw` (already rounded to the precision), runs the op and compares every channel with the CPU argmax.
void expectMatchesCpu(Context& ctx, ArgmaxOp& op, Shape shape, Precision precision, const std::vector<float>& chw) {
  Tensor heatmap = Tensor::create(ctx, shape, precision);
  uploadTensor(ctx, heatmap, chw);
  std::vector<ArgmaxResult> got = runArgmax(ctx, op, heatmap);
  std::vector<int> expected = test::cpuArgmaxPerChannel(chw, shape);
  size_t plane = size_t(shape.h) * size_t(shape.w);
  for (int c = 0; c < shape.c; ++c) {
    float expected_value = chw[size_t(c) * plane + size_t(expected[size_t(c)])];
    EXPECT_EQ(got[size_t(c)].index, uint32_t(expected[size_t(c)])) << "channel " << c;
    EXPECT_TRUE(sameValue(got[size_t(c)].value, expected_value))
        << "channel " << c << ": " << got[size_t(c)].value << " vs " << expected_value;
  }
}

struct ArgmaxCase {
  std::string name;
  Precision precision;
  ArgmaxConfig config;
};
void PrintTo(const ArgmaxCase& tc, std::ostream* os) { *os << tc.name; }

std::vector<ArgmaxCase> allCases() {
  std::vector<ArgmaxCase> cases;
  for (Precision p : {Precision::FP32, Precision::FP16Storage, Precision::FP16Arith}) {
    std::string prec = precisionSuffix(p);
    cases.push_back({"default_" + prec, p, {}});        // one pass
    cases.push_back({"wg256x4_" + prec, p, {256, 4}});  // two passes from 33x33 on
    cases.push_back({"wg8_" + prec, p, {8, 1}});        // 65x65 takes 5 passes
    cases.push_back({"wg4x3_" + prec, p, {4, 3}});      // registers and tree both fold
  }
  return cases;
}

class ArgmaxTest : public GpuTest, public ::testing::WithParamInterface<ArgmaxCase> {};

TEST_P(ArgmaxTest, RandomPlanesMatchCpu) {
  const ArgmaxCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  ArgmaxOp op(ctx(), tc.precision, tc.config);
  uint32_t seed = test::kDefaultSeed;
  for (Shape s : test::heatmapShapes()) {
    SCOPED_TRACE(s.str() + ", " + std::to_string(op.passCount(s)) + " passes");
    // fp16 rounding of [-4, 4] makes exact ties common: the CPU sees the same halves.
    std::vector<float> chw =
        test::asStored(test::randomFloats(size_t(s.c) * s.h * s.w, seed++, -4.f, 4.f), tc.precision);
    expectMatchesCpu(ctx(), op, s, tc.precision, chw);
  }
}

TEST_P(ArgmaxTest, TiesInfinitiesAndNaN) {
  const ArgmaxCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  ArgmaxOp op(ctx(), tc.precision, tc.config);
  uint32_t seed = test::kDefaultSeed;
  for (Shape s : test::heatmapShapes()) {
    SCOPED_TRACE(s.str() + ", " + std::to_string(op.passCount(s)) + " passes");
    expectMatchesCpu(ctx(), op, s, tc.precision, test::asStored(test::edgeCasePlanes(s, seed++), tc.precision));
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, ArgmaxTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<ArgmaxCase>& param) { return param.param.name; });

class ArgmaxPasses : public GpuTest {};

TEST_F(ArgmaxPasses, CountFollowsPlaneAndBlockSize) {
  ArgmaxOp small(ctx(), Precision::FP32, {8, 1});
  EXPECT_EQ(small.passCount({17, 65, 65}), 5u);  // 4225 -> 529 -> 67 -> 9 -> 2 -> 1
  EXPECT_EQ(small.passCount({17, 9, 9}), 3u);    // 81 -> 11 -> 2 -> 1
  ArgmaxOp wide(ctx(), Precision::FP32, {256, 4});
  EXPECT_EQ(wide.passCount({17, 65, 65}), 2u);  // 4225 -> 5 -> 1
  EXPECT_EQ(wide.passCount({17, 31, 31}), 1u);  // 961 fit one block
  // Every Vulkan device allows 128 invocations: enough for one pass by default.
  ArgmaxOp device_default(ctx(), Precision::FP32);
  EXPECT_TRUE(std::has_single_bit(device_default.workgroupSize()));
  EXPECT_LE(device_default.workgroupSize(), 512u);
  EXPECT_EQ(device_default.passCount({17, 65, 65}), 1u);
  ArgmaxOp default_items(ctx(), Precision::FP32, {128, 0});
  EXPECT_EQ(default_items.itemsPerInvocation(), 34u);  // 128 * 34 >= 65 * 65
}

TEST_F(ArgmaxPasses, OneBarrierBetweenPassesEach) {
  ArgmaxOp op(ctx(), Precision::FP32, {8, 1});
  Tensor heatmap = Tensor::create(ctx(), {17, 65, 65}, Precision::FP32);
  Buffer result = ctx().allocator().createBuffer(ArgmaxOp::resultBytes(), MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx());
  CommandRecorder rec(ctx());
  rec.begin();
  op.record(rec, arena, heatmap, result);
  rec.end();
  ASSERT_EQ(rec.barrierReasons().size(), 4u);
  EXPECT_EQ(rec.barrierReasons()[0], "argmax pass 1's pairs are pass 2's input");
}

// One recording replays with new heatmap contents: nothing is baked in but the buffers.
TEST_F(ArgmaxPasses, RecordingReplaysWithNewData) {
  Shape s{17, 33, 33};
  ArgmaxOp op(ctx(), Precision::FP32, {8, 1});
  Tensor heatmap = Tensor::create(ctx(), s, Precision::FP32);
  Buffer result = ctx().allocator().createBuffer(ArgmaxOp::resultBytes(), MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx());
  CommandRecorder rec(ctx());
  rec.begin();
  op.record(rec, arena, heatmap, result);
  rec.end();
  for (uint32_t seed : {1u, 2u, 3u}) {
    std::vector<float> chw = test::randomFloats(size_t(s.c) * s.h * s.w, seed);
    uploadTensor(ctx(), heatmap, chw);
    rec.submitAndWait();
    std::vector<ArgmaxResult> got(kKeypointCount);
    downloadFromBuffer(ctx(), result, got.data(), ArgmaxOp::resultBytes());
    std::vector<int> expected = test::cpuArgmaxPerChannel(chw, s);
    for (int c = 0; c < s.c; ++c) EXPECT_EQ(got[size_t(c)].index, uint32_t(expected[size_t(c)])) << "seed " << seed;
  }
}

using test::expectError;

class ArgmaxArguments : public GpuTest {};

TEST_F(ArgmaxArguments, BadConfig) {
  expectError([&] { ArgmaxOp op(ctx(), Precision::FP32, {24, 1}); }, "workgroup size 24 must be a power of two");
  expectError([&] { ArgmaxOp op(ctx(), Precision::FP32, {1u << 20, 1}); }, "no larger than the device's");
  expectError([&] { ArgmaxOp op(ctx(), Precision::FP32, {8, 65}); }, "items per invocation 65 must be in 1..64");
  expectError([&] { ArgmaxOp op(ctx(), Precision::FP32, {1, 1}); }, "at least 2 candidates");
}

TEST_F(ArgmaxArguments, BadHeatmapShape) {
  ArgmaxOp op(ctx(), Precision::FP32);
  expectError([&] { op.passCount({16, 17, 17}); }, "heatmap has 16 channels, expected 17");
  expectError([&] { op.passCount({34, 17, 17}); }, "heatmap has 34 channels");
  expectError([&] { op.passCount({17, 8, 8}); }, "heatmap size 8x8 is outside 9..65");
  expectError([&] { op.passCount({17, 66, 66}); }, "heatmap size 66x66");
  expectError([&] { op.passCount({17, 17, 129}); }, "heatmap size 17x129");
  Tensor wrong = Tensor::create(ctx(), {17, 5, 5}, Precision::FP32);
  Buffer result = ctx().allocator().createBuffer(ArgmaxOp::resultBytes(), MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx());
  CommandRecorder rec(ctx());
  rec.begin();
  expectError([&] { op.record(rec, arena, wrong, result); }, "heatmap size 5x5");
  rec.end();
  EXPECT_EQ(rec.dispatchCount(), 0u);
}

TEST_F(ArgmaxArguments, PrecisionMismatchAndSmallResult) {
  VKPOSE_REQUIRE_PRECISION(Precision::FP16Storage);
  ArgmaxOp op(ctx(), Precision::FP32);
  Tensor half_heatmap = Tensor::create(ctx(), {17, 17, 17}, Precision::FP16Storage);
  Tensor heatmap = Tensor::create(ctx(), {17, 17, 17}, Precision::FP32);
  Buffer result = ctx().allocator().createBuffer(ArgmaxOp::resultBytes(), MemoryUsage::DeviceLocal);
  Buffer small = ctx().allocator().createBuffer(64, MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx());
  CommandRecorder rec(ctx());
  rec.begin();
  expectError([&] { op.record(rec, arena, half_heatmap, result); },
              "heatmap precision fp16s differs from the op's fp32");
  expectError([&] { op.record(rec, arena, heatmap, small); }, "result buffer holds 64 bytes, needs 136");
  expectError([&] { op.record(rec, arena, heatmap, Buffer{}); }, "result buffer holds 0 bytes");
  rec.end();
}

}  // namespace
}  // namespace vkpose
