// DecodeOp (argmax + offsets + frame mapping on the GPU) against a naive CPU
// decode of the same tensors, and against the golden TF.js keypoints of the
// committed photos (tests/data/golden/manifest.json).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "engine/transfer.h"
#include "runtime/keypoints.h"
#include "runtime/ops/decode.h"
#include "tests/ops/heatmap_cases.h"
#include "tests/ops/keypoint_reference.h"
#include "tests/support/golden_data.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using test::GpuTest;

constexpr int kStride = 16;

PoseGpu runDecode(Context& ctx, DecodeOp& op, const Tensor& heatmap, const Tensor& offsets,
                  const FrameMapping& mapping) {
  Buffer out = ctx.allocator().createBuffer(DecodeOp::outputBytes(), MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx);
  CommandRecorder rec(ctx);
  rec.begin();
  rec.fill(out, poisonWord(Precision::FP32));
  rec.barrier(Stage::Transfer, Stage::Compute, "the poison fill must land before the decode writes");
  op.record(rec, arena, heatmap, offsets, mapping, out);
  rec.end();
  rec.submitAndWait();
  PoseGpu pose;
  downloadFromBuffer(ctx, out, &pose, sizeof(pose));
  return pose;
}

// float32 positions: 1e-4 px, widened by a few ulps of the terms summed
// (frame positions reach 2600 px here, where one ulp is 2.4e-4 px).
double positionTolerance(double model, float scale, float offset) {
  return 1e-4 + 4e-7 * (std::abs(model) * double(scale) + std::abs(double(offset)));
}

struct DecodeCase {
  std::string name;
  Precision precision;
  ArgmaxConfig argmax;
};
void PrintTo(const DecodeCase& tc, std::ostream* os) { *os << tc.name; }

class DecodeTest : public GpuTest, public ::testing::WithParamInterface<DecodeCase> {};

TEST_P(DecodeTest, MatchesCpuDecode) {
  const DecodeCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  DecodeOp op(ctx(), tc.precision, kStride, tc.argmax);
  const FrameMapping mappings[] = {{}, {2.5f, 2.5f, -30.f, 12.f}, {2.5f, 1.75f, -30.f, 12.f}};
  const Shape shapes[] = {{17, 9, 9}, {17, 17, 17}, {17, 33, 33}, {17, 65, 65}, {17, 17, 25}, {17, 25, 17}};
  uint32_t seed = test::kDefaultSeed;
  for (Shape s : shapes) {
    Shape offsets_shape{2 * kKeypointCount, s.h, s.w};
    size_t plane = size_t(s.h) * size_t(s.w);
    // Logits on both sides of sigmoid's knee; offsets as large as PoseNet's.
    std::vector<float> heat =
        test::asStored(test::randomFloats(kKeypointCount * plane, seed++, -6.f, 6.f), tc.precision);
    std::vector<float> offs =
        test::asStored(test::randomFloats(2 * kKeypointCount * plane, seed++, -24.f, 24.f), tc.precision);
    Tensor heatmap = Tensor::create(ctx(), s, tc.precision);
    Tensor offsets = Tensor::create(ctx(), offsets_shape, tc.precision);
    uploadTensor(ctx(), heatmap, heat);
    uploadTensor(ctx(), offsets, offs);
    for (const FrameMapping& m : mappings) {
      SCOPED_TRACE(s.str() + ", mapping scale (" + std::to_string(m.scale_x) + ", " + std::to_string(m.scale_y) +
                   ") offset (" + std::to_string(m.offset_x) + ", " + std::to_string(m.offset_y) + ")");
      PoseGpu got = runDecode(ctx(), op, heatmap, offsets, m);
      test::CpuPose expected = test::cpuDecode(heat, offs, s, kStride, m);
      for (int k = 0; k < kKeypointCount; ++k) {
        const KeypointGpu& g = got.keypoints[k];
        const test::CpuKeypoint& e = expected.keypoints[size_t(k)];
        SCOPED_TRACE(std::string(kKeypointNames[size_t(k)]));
        EXPECT_EQ(g.cell, uint32_t(e.cell));
        EXPECT_NEAR(g.x, e.x, positionTolerance(e.model_x, m.scale_x, m.offset_x));
        EXPECT_NEAR(g.y, e.y, positionTolerance(e.model_y, m.scale_y, m.offset_y));
        EXPECT_NEAR(g.score, e.score, 2e-6);
      }
      EXPECT_NEAR(got.pose_score, expected.score, 2e-6);
    }
  }
}

// Ties, infinities and NaN (one scenario per keypoint) at every heatmap
// size: the decode reports the CPU argmax's cell whether it folds the heatmap
// itself (one pass) or reads the argmax op's result (several). Scores of
// NaN and infinite logits are not compared: only the chosen cell matters here.
TEST_P(DecodeTest, TiesInfinitiesAndNaNPickTheFirstMaximum) {
  const DecodeCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  DecodeOp op(ctx(), tc.precision, kStride, tc.argmax);
  uint32_t seed = test::kDefaultSeed;
  for (Shape s : test::heatmapShapes()) {
    SCOPED_TRACE(s.str() + ", " + std::to_string(op.argmax().passCount(s)) + " argmax passes");
    std::vector<float> heat = test::asStored(test::edgeCasePlanes(s, seed++), tc.precision);
    std::vector<float> offs(size_t(2 * kKeypointCount) * size_t(s.h * s.w), 0.f);
    Tensor heatmap = Tensor::create(ctx(), s, tc.precision);
    Tensor offsets = Tensor::create(ctx(), {2 * kKeypointCount, s.h, s.w}, tc.precision);
    uploadTensor(ctx(), heatmap, heat);
    uploadTensor(ctx(), offsets, offs);
    PoseGpu got = runDecode(ctx(), op, heatmap, offsets, {});
    std::vector<int> expected = test::cpuArgmaxPerChannel(heat, s);
    for (int k = 0; k < kKeypointCount; ++k) EXPECT_EQ(got.keypoints[k].cell, uint32_t(expected[size_t(k)])) << k;
  }
}

std::vector<DecodeCase> allCases() {
  std::vector<DecodeCase> cases;
  for (Precision p : {Precision::FP32, Precision::FP16Storage, Precision::FP16Arith}) {
    cases.push_back({std::string("default_") + precisionSuffix(p), p, {}});
    cases.push_back({std::string("wg8_") + precisionSuffix(p), p, {8, 1}});        // several passes
    cases.push_back({std::string("wg32x4_") + precisionSuffix(p), p, {32, 4}});   // fused up to 11x11
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Configs, DecodeTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<DecodeCase>& param) { return param.param.name; });

// ---- Golden: the TF.js keypoints of the committed photos -------------------

using nlohmann::json;

json readManifest() {
  std::string path = test::testDataPath("golden/manifest.json");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path + " (VKPOSE_TEST_DATA points elsewhere)");
  return json::parse(in);
}

const test::GoldenOutput& outputOfRole(const test::GoldenEntry& entry, OutputRole role) {
  for (const test::GoldenOutput& out : entry.outputs)
    if (out.role == role) return out;
  throw std::runtime_error(std::string("golden entry lacks the ") + outputRoleName(role) + " output");
}

// manifest to_source: source_yx = model_yx * scale - [pad_top, pad_left].
FrameMapping letterboxMapping(const json& letterbox) {
  float scale = letterbox.at("scale").get<float>();
  return {scale, scale, -letterbox.at("pad_left").get<float>(), -letterbox.at("pad_top").get<float>()};
}

class DecodeGolden : public GpuTest {};

TEST_F(DecodeGolden, MatchesTfjsKeypointsOfEveryPhoto) {
  json manifest = readManifest();
  ASSERT_EQ(manifest.at("output_stride").get<int>(), kStride);
  DecodeOp op(ctx(), Precision::FP32, kStride);
  int entries = 0;
  for (const json& entry : manifest.at("entries")) {
    SCOPED_TRACE(entry.at("file").get<std::string>());
    test::GoldenEntry golden_outputs =
        test::loadGolden(entry.at("image").get<std::string>(), entry.at("size").get<int>());
    const test::GoldenOutput& heat = outputOfRole(golden_outputs, OutputRole::Heatmap);
    const test::GoldenOutput& offs = outputOfRole(golden_outputs, OutputRole::Offsets);
    Tensor heatmap = Tensor::create(ctx(), heat.shape, Precision::FP32);
    Tensor offsets = Tensor::create(ctx(), offs.shape, Precision::FP32);
    uploadTensor(ctx(), heatmap, heat.chw);
    uploadTensor(ctx(), offsets, offs.chw);
    PoseGpu model = runDecode(ctx(), op, heatmap, offsets, FrameMapping{});
    PoseGpu source = runDecode(ctx(), op, heatmap, offsets, letterboxMapping(entry.at("letterbox")));

    const json& keypoints = entry.at("keypoints");
    ASSERT_EQ(keypoints.size(), size_t(kKeypointCount));
    double score_sum = 0;
    for (int k = 0; k < kKeypointCount; ++k) {
      const json& golden = keypoints.at(size_t(k));
      SCOPED_TRACE(golden.at("name").get<std::string>());
      int cell = golden.at("cell_yx").at(0).get<int>() * heat.shape.w + golden.at("cell_yx").at(1).get<int>();
      EXPECT_EQ(model.keypoints[k].cell, uint32_t(cell));
      EXPECT_NEAR(model.keypoints[k].y, golden.at("model_yx").at(0).get<double>(), 0.01);
      EXPECT_NEAR(model.keypoints[k].x, golden.at("model_yx").at(1).get<double>(), 0.01);
      EXPECT_NEAR(source.keypoints[k].y, golden.at("source_yx").at(0).get<double>(), 0.01);
      EXPECT_NEAR(source.keypoints[k].x, golden.at("source_yx").at(1).get<double>(), 0.01);
      EXPECT_NEAR(source.keypoints[k].score, golden.at("score").get<double>(), 1e-5);
      score_sum += golden.at("score").get<double>();
    }
    EXPECT_NEAR(source.pose_score, score_sum / kKeypointCount, 1e-5);
    ++entries;
  }
  EXPECT_GE(entries, 4);  // every committed photo at 257, at least
}

// ---- Bad input -------------------------------------------------------------

using test::expectError;

class DecodeArguments : public GpuTest {
 protected:
  void expectRecordRejected(Shape heat, Shape offs, Precision heat_precision, Precision offs_precision,
                            const FrameMapping& mapping, uint64_t out_bytes, const std::string& fragment) {
    DecodeOp op(ctx(), Precision::FP32, kStride);
    Tensor heatmap = Tensor::create(ctx(), heat, heat_precision);
    Tensor offsets = Tensor::create(ctx(), offs, offs_precision);
    Buffer out = ctx().allocator().createBuffer(out_bytes, MemoryUsage::DeviceLocal);
    DescriptorArena arena(ctx());
    CommandRecorder rec(ctx());
    rec.begin();
    expectError([&] { op.record(rec, arena, heatmap, offsets, mapping, out); }, fragment);
    rec.end();
    EXPECT_EQ(rec.dispatchCount(), 0u) << "nothing may be recorded for rejected input";
  }
  void expectRejected(Shape heat, Shape offs, const std::string& fragment) {
    expectRecordRejected(heat, offs, Precision::FP32, Precision::FP32, {}, DecodeOp::outputBytes(), fragment);
  }
};

TEST_F(DecodeArguments, WrongChannelCounts) {
  expectRejected({16, 17, 17}, {34, 17, 17}, "heatmap has 16 channels, expected 17");
  expectRejected({17, 17, 17}, {17, 17, 17}, "offsets have 17 channels, expected 34");
  expectRejected({17, 17, 17}, {32, 17, 17}, "offsets have 32 channels");
}

TEST_F(DecodeArguments, SizesOutOfRangeOrDiffering) {
  expectRejected({17, 7, 7}, {34, 7, 7}, "heatmap size 7x7 is outside 9..65");
  expectRejected({17, 66, 65}, {34, 66, 65}, "heatmap size 66x65");
  expectRejected({17, 17, 17}, {34, 17, 25}, "offsets 34x17x25 and heatmap 17x17x17 differ in size");
}

TEST_F(DecodeArguments, PrecisionMismatch) {
  VKPOSE_REQUIRE_PRECISION(Precision::FP16Storage);
  const Shape heat{17, 17, 17}, offs{34, 17, 17};
  expectRecordRejected(heat, offs, Precision::FP16Storage, Precision::FP32, {}, DecodeOp::outputBytes(),
                       "heatmap precision fp16s differs from the op's fp32");
  expectRecordRejected(heat, offs, Precision::FP32, Precision::FP16Storage, {}, DecodeOp::outputBytes(),
                       "offsets precision fp16s differs from the op's fp32");
}

TEST_F(DecodeArguments, BadMappingOutputOrStride) {
  const Shape heat{17, 17, 17}, offs{34, 17, 17};
  const Precision f = Precision::FP32;
  expectRecordRejected(heat, offs, f, f, {0.f, 1.f, 0.f, 0.f}, DecodeOp::outputBytes(), "positive finite scales");
  expectRecordRejected(heat, offs, f, f, {1.f, 1.f, std::numeric_limits<float>::quiet_NaN(), 0.f},
                       DecodeOp::outputBytes(), "finite offsets");
  expectRecordRejected(heat, offs, f, f, {}, 128, "output buffer holds 128 bytes, needs 276");
  expectError([&] { DecodeOp op(ctx(), f, 0); }, "output stride 0 must be positive");
}

// Records the op's commands for a 65x65 heatmap into `rec`, for counting them
// (never submitted).
void recordFor65x65(Context& ctx, DecodeOp& op, CommandRecorder& rec) {
  Tensor heatmap = Tensor::create(ctx, {17, 65, 65}, Precision::FP32);
  Tensor offsets = Tensor::create(ctx, {34, 65, 65}, Precision::FP32);
  Buffer out = ctx.allocator().createBuffer(DecodeOp::outputBytes(), MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx);
  rec.begin();
  op.record(rec, arena, heatmap, offsets, {}, out);
  rec.end();
}

TEST_F(DecodeArguments, BarriersSayWhy) {
  DecodeOp op(ctx(), Precision::FP32, kStride, {8, 1});
  CommandRecorder rec(ctx());
  recordFor65x65(ctx(), op, rec);
  // One barrier between argmax passes each, then one before the decode.
  uint32_t passes = op.argmax().passCount({17, 65, 65});
  EXPECT_EQ(rec.dispatchCount(), passes + 1);
  ASSERT_EQ(rec.barrierReasons().size(), size_t(passes));
  EXPECT_EQ(rec.barrierReasons().back(), "the argmax result is the decode's input");
}

// A heatmap folded in one pass: the decode folds it itself, in one dispatch
// and with no barrier of its own.
TEST_F(DecodeArguments, OnePassHeatmapsAreFoldedByTheDecode) {
  DecodeOp op(ctx(), Precision::FP32, kStride);
  CommandRecorder rec(ctx());
  recordFor65x65(ctx(), op, rec);
  ASSERT_EQ(op.argmax().passCount({17, 65, 65}), 1u);
  EXPECT_EQ(rec.dispatchCount(), 1u);
  EXPECT_TRUE(rec.barrierReasons().empty());
}

}  // namespace
}  // namespace vkpose
