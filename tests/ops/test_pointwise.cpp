// PointwiseOp (1x1 conv, stride 1) against the double CPU reference: every
// pointwise layer of PoseNet MobileNetV1-0.75 at input 257 and its heads,
// channel counts that are not multiples of 4, planes that are not multiples
// of the pixel block, every activation, no bias, all three precisions, and
// other register-block sizes so a change of tiling can't break remainders;
// then the tensor-core kernel (pointwise_coopmat.h) on devices that have it,
// and the parts of it that need no such device.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/model/weight_layout.h"
#include "runtime/ops/pointwise.h"
#include "tests/reference/reference_ops.h"
#include "tests/support/gpu_test.h"
#include "tests/support/load_path_override.h"
#include "tests/support/op_test.h"
#include "tests/support/scoped_env.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using test::GpuTest;

const Epilogue kRelu6{Activation::Clip, 0.f, 6.f};
const Epilogue kNone{Activation::None};

struct PointwiseCase {
  int cin = 0, cout = 0, h = 0, w = 0;
  Epilogue epilogue = kRelu6;
  Precision precision = Precision::FP32;
  bool bias = true;
  // Unset: the device's default tiling. Otherwise pixels x oc4 blocks, either
  // loading weights per invocation or shared across the subgroup.
  std::optional<PointwiseTiling> tiling;
  bool shared_weights = false;
  // Set: the tensor-core kernel with this tiling.
  std::optional<CoopMatTiling> tensor_cores;
};

// Shared weights need the subgroup size, known only once the device is up;
// two subgroups per workgroup so the shuffles must stay within each.
PointwiseTiling resolveTiling(const PointwiseCase& tc, const Capabilities& caps) {
  if (tc.tensor_cores) {
    PointwiseTiling t;
    t.tensor_cores = tc.tensor_cores;
    return t;
  }
  if (!tc.tiling) return defaultPointwiseTiling(caps, tc.precision, tc.cin);
  PointwiseTiling t = *tc.tiling;
  t.weight_lanes = tc.shared_weights ? caps.subgroup_size : 1;
  t.workgroup = tc.shared_weights ? 2 * caps.subgroup_size : 64;
  return t;
}

std::string epilogueName(const Epilogue& e) {
  std::string name = activationSuffix(e.activation);
  if (e.activation == Activation::Clip && !(e.clip_min == 0.f && e.clip_max == 6.f))
    name += std::to_string(int(e.clip_min * 100)) + "_" + std::to_string(int(e.clip_max * 100));
  return name;
}

// gtest-safe and names the shape: "cin384_cout384_17x17_clip_fp16s".
std::string caseName(const PointwiseCase& tc) {
  const uint32_t kDefaultBatch = CoopMatTiling{}.load_batch;
  std::string name = "cin" + std::to_string(tc.cin) + "_cout" + std::to_string(tc.cout) + "_" + std::to_string(tc.h) +
                     "x" + std::to_string(tc.w) + "_" + epilogueName(tc.epilogue) + "_" + precisionSuffix(tc.precision);
  if (!tc.bias) name += "_nobias";
  if (tc.tiling)
    name += "_tile" + std::to_string(tc.tiling->pixels) + "x" + std::to_string(tc.tiling->oc4_block) +
            (tc.shared_weights ? "_shared" : "") +
            (tc.tiling->k_split > 1 ? "_k" + std::to_string(tc.tiling->k_split) : "") +
            (tc.tiling->k_unroll > 1 ? "_u" + std::to_string(tc.tiling->k_unroll) : "");
  if (tc.tensor_cores)
    name += "_tc" + std::to_string(tc.tensor_cores->m_tiles) + "x" + std::to_string(tc.tensor_cores->n_tiles) + "x" +
            std::to_string(tc.tensor_cores->subgroups) +
            (tc.tensor_cores->prefetch ? "_p" + std::to_string(tc.tensor_cores->prefetch) : "") +
            (tc.tensor_cores->load_batch != kDefaultBatch ? "_b" + std::to_string(tc.tensor_cores->load_batch) : "") +
            (tc.tensor_cores->weights == CoopMatWeightLayout::KMajor ? "_kn" : "") +
            (tc.tensor_cores->weights == CoopMatWeightLayout::NMajor ? "_nk" : "");
  return name;
}

void PrintTo(const PointwiseCase& tc, std::ostream* os) { *os << caseName(tc); }

std::vector<PointwiseCase> poseNetLayers() {
  return {
      {24, 48, 129, 129},  {48, 96, 65, 65},   {96, 96, 65, 65},   {96, 192, 33, 33}, {192, 192, 33, 33},
      {192, 384, 17, 17},  {384, 384, 17, 17}, {384, 768, 17, 17},
      {384, 17, 17, 17, kNone},  // heatmaps
      {384, 34, 17, 17, kNone},  // offsets
      {384, 32, 17, 17, kNone},  // displacements
  };
}

std::vector<PointwiseCase> oddShapes() {
  return {
      {3, 17, 9, 9},  {34, 5, 9, 9},  {17, 34, 33, 7},  // 231 pixels: not a multiple of 2, 4 or 8
      {34, 5, 1, 1},  {384, 17, 1, 1}, {3, 17, 33, 7}, {5, 3, 2, 3},
  };
}

std::vector<PointwiseCase> activations() {
  std::vector<PointwiseCase> cases;
  for (Epilogue e : {kNone, Epilogue{Activation::Relu}, kRelu6, Epilogue{Activation::Sigmoid},
                     Epilogue{Activation::Clip, 0.25f, 1.5f}})  // clip(0) != 0: padding must be masked
    for (bool bias : {true, false}) cases.push_back({17, 34, 9, 9, e, Precision::FP32, bias});
  cases.push_back({48, 96, 65, 65, kRelu6, Precision::FP32, false});
  return cases;
}

std::vector<PointwiseCase> halfPrecision() {
  std::vector<PointwiseCase> cases;
  for (Precision p : {Precision::FP16Storage, Precision::FP16Arith}) {
    cases.push_back({384, 384, 17, 17, kRelu6, p});
    cases.push_back({24, 48, 129, 129, kRelu6, p});
    cases.push_back({384, 17, 17, 17, kNone, p});
    cases.push_back({3, 17, 9, 9, Epilogue{Activation::Sigmoid}, p});
    cases.push_back({17, 34, 33, 7, kRelu6, p, false});
    cases.push_back({34, 5, 1, 1, Epilogue{Activation::Clip, 0.25f, 1.5f}, p});
  }
  // Too wide for a 32-pixel tensor-core block's 48 KiB of shared memory: where
  // the kernel runs, the rule falls back to 16-pixel blocks.
  cases.push_back({768, 128, 29, 29, kRelu6, Precision::FP16Storage});
  return cases;
}

// Other register blocks, each leaving remainders in pixels or output blocks,
// and weight vec4 counts (4 x oc4 blocks) below, at and above the subgroup size.
std::vector<PointwiseCase> tilings() {
  std::vector<PointwiseCase> cases;
  for (auto [pixels, oc4_block, shared] : {std::tuple{1u, 1u, false}, {3u, 2u, false}, {8u, 8u, false}, {5u, 1u, true},
                                           {2u, 3u, true}, {3u, 5u, true}, {8u, 16u, true}})
    for (PointwiseCase tc : {PointwiseCase{17, 34, 9, 9}, PointwiseCase{96, 192, 33, 7}}) {
      tc.tiling = PointwiseTiling{pixels, oc4_block};
      tc.shared_weights = shared;
      cases.push_back(tc);
    }
  return cases;
}

// Input channels split across invocations (the GPU default for wide layers):
// slices that divide the input vec4s, that don't, and that end up empty
// (3 channels = 1 vec4 over 2 slices), with register blocks on top, and the
// padding and bias handled once, by slice 0, in every precision.
std::vector<PointwiseCase> kSplits() {
  std::vector<PointwiseCase> cases;
  auto add = [&](PointwiseCase tc, uint32_t pixels, uint32_t oc4_block, uint32_t k_split) {
    tc.tiling = PointwiseTiling{pixels, oc4_block, 64, 1, k_split};
    cases.push_back(tc);
  };
  add({384, 384, 17, 17}, 1, 1, 8);
  add({384, 17, 17, 17, kNone}, 1, 1, 16);
  add({192, 384, 17, 17}, 1, 1, 4);
  add({17, 34, 9, 9, Epilogue{Activation::Sigmoid}}, 1, 1, 4);
  add({3, 17, 9, 9, kRelu6, Precision::FP32, false}, 1, 1, 2);
  add({96, 192, 33, 7}, 3, 2, 3);
  add({34, 5, 1, 1, Epilogue{Activation::Clip, 0.25f, 1.5f}}, 1, 1, 8);
  for (Precision p : {Precision::FP16Storage, Precision::FP16Arith}) add({384, 34, 17, 17, kNone, p}, 1, 1, 8);
  return cases;
}

// The input loop unrolled (loads of several steps issued together): input
// vec4 counts that the unroll divides, that leave a tail, and that are below
// it, alone and inside K slices, with register blocks and in every precision.
std::vector<PointwiseCase> kUnrolls() {
  std::vector<PointwiseCase> cases;
  auto add = [&](PointwiseCase tc, uint32_t pixels, uint32_t oc4_block, uint32_t k_split, uint32_t k_unroll) {
    tc.tiling = PointwiseTiling{pixels, oc4_block, 32, 1, k_split, k_unroll};
    cases.push_back(tc);
  };
  add({384, 384, 17, 17}, 2, 1, 8, 4);
  add({384, 384, 17, 17}, 2, 1, 8, 3);
  add({192, 384, 33, 33}, 2, 1, 4, 8);
  add({24, 48, 65, 65}, 2, 1, 1, 4);
  add({17, 34, 9, 9, Epilogue{Activation::Sigmoid}}, 1, 1, 2, 4);
  add({3, 17, 9, 9, kRelu6, Precision::FP32, false}, 1, 1, 1, 2);
  add({96, 192, 33, 7}, 3, 2, 3, 5);
  for (Precision p : {Precision::FP16Storage, Precision::FP16Arith}) add({384, 34, 17, 17, kNone, p}, 2, 1, 8, 4);
  return cases;
}

std::vector<PointwiseCase> allCases() {
  std::vector<PointwiseCase> cases;
  for (auto group : {poseNetLayers(), oddShapes(), activations(), halfPrecision(), tilings(), kSplits(), kUnrolls()})
    cases.insert(cases.end(), group.begin(), group.end());
  return cases;
}

class PointwiseTest : public GpuTest, public ::testing::WithParamInterface<PointwiseCase> {
 protected:
  void expectMatchesReference(const PointwiseCase& tc, LoadPath path);
};

VKPOSE_TEST_P_ON_BOTH_LOAD_PATHS(PointwiseTest)

void PointwiseTest::expectMatchesReference(const PointwiseCase& tc, LoadPath path) {
  SCOPED_TRACE("pointwise(" + caseName(tc) + ") on the " + loadPathSuffix(path) + " load path");

  // Inputs look like ReLU6 outputs and weights scale with 1/sqrt(cin), so the
  // sums land around [-6, 6] where every activation does something.
  float weight_range = 1.f / std::sqrt(float(tc.cin));
  Shape in_shape{tc.cin, tc.h, tc.w};
  // fp16 storage rounds inputs, weights and bias: the reference gets the rounded values.
  std::vector<float> input =
      test::asStored(test::randomFloats(size_t(tc.cin) * size_t(tc.h * tc.w), 1, -1.f, 6.f), tc.precision);
  std::vector<float> weights = test::asStored(
      test::randomFloats(size_t(tc.cout) * size_t(tc.cin), 2, -weight_range, weight_range), tc.precision);
  std::vector<float> bias = tc.bias
                                ? test::asStored(test::randomFloats(size_t(tc.cout), 3, -0.5f, 0.5f), tc.precision)
                                : std::vector<float>{};

  PointwiseTiling tiling = resolveTiling(tc, ctx().caps());
  PointwiseOp op(ctx(), {tc.cin, tc.cout}, weights, bias, tc.precision, tc.epilogue, tiling);
  // The tensor-core kernel reads storage buffers only.
  EXPECT_EQ(op.loadPath(), tiling.tensor_cores ? LoadPath::Storage : path);
  Shape out_shape = op.outputShape(in_shape);
  Tensor in = Tensor::create(ctx(), in_shape, tc.precision);
  Tensor out = Tensor::create(ctx(), out_shape, tc.precision);
  uploadTensor(ctx(), in, input);
  std::vector<float> packed = test::runIntoPoisoned(ctx(), op, in, out);

  ref::ConvSpec spec;
  spec.epilogue = test::refEpilogue(tc.epilogue);
  ref::Tensor expected = ref::conv2d({tc.cin, tc.h, tc.w, test::toDoubles(input)}, test::toDoubles(weights),
                                     test::toDoubles(bias), tc.cout, spec);
  double floor = tc.precision == Precision::FP32 ? 1e-6 : 1e-3;
  EXPECT_TRUE(test::nearlyEqual(unpackC4HW4(packed, out_shape), expected.data, test::tolerance(tc.precision), floor));
  EXPECT_TRUE(test::paddingLanesZero(packed, out_shape));
}

INSTANTIATE_TEST_SUITE_P(Shapes, PointwiseTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<PointwiseCase>& param) { return caseName(param.param); });

// The tensor-core kernel: PoseNet's layers at 257 and 513 (input channels
// that are not a multiple of its 16, heads whose channels are not a multiple
// of a block), odd planes and channel counts, every activation, and tilings
// that leave partial blocks of pixels and channels.
std::vector<PointwiseCase> tensorCoreCases() {
  const CoopMatTiling kDefault;  // 2 x 1 x 4, prefetch 4, load batch 8, weights as whole 16x16 steps
  std::vector<PointwiseCase> cases;
  auto add = [&](PointwiseCase tc, CoopMatTiling tiling) {
    tc.tensor_cores = tiling;
    cases.push_back(tc);
  };
  const Precision fp16s = Precision::FP16Storage;
  for (PointwiseCase tc : poseNetLayers()) {
    tc.precision = fp16s;
    add(tc, kDefault);
  }
  add({384, 384, 33, 33, kRelu6, fp16s}, kDefault);
  add({384, 384, 17, 17, kRelu6, Precision::FP16Arith}, kDefault);
  add({3, 17, 9, 9, Epilogue{Activation::Sigmoid}, fp16s}, kDefault);
  add({17, 34, 33, 7, kRelu6, fp16s, false}, kDefault);
  add({34, 5, 1, 1, Epilogue{Activation::Clip, 0.25f, 1.5f}, fp16s}, kDefault);
  add({5, 3, 2, 3, Epilogue{Activation::Relu}, Precision::FP16Arith}, kDefault);
  // Prefetch rings shorter than, equal to and longer than K's steps (6 and 2 here).
  for (CoopMatTiling t : {CoopMatTiling{1, 1, 1}, {2, 2, 2}, {1, 2, 4}, {4, 2, 1}, {2, 4, 2}, {3, 1, 3}, {2, 1, 4, 2},
                          {1, 2, 2, 6}, {1, 1, 1, 8}})
    for (PointwiseCase tc : {PointwiseCase{96, 192, 33, 7, kRelu6, fp16s}, PointwiseCase{17, 34, 9, 9, kNone, fp16s}})
      add(tc, t);
  add({384, 384, 33, 33, kRelu6, fp16s}, {2, 1, 4, 0});  // no prefetch
  add({384, 384, 17, 17, kRelu6, fp16s}, {1, 1, 4, 4});  // the rule's tiling on 17x17
  add({384, 384, 51, 51, kRelu6, fp16s}, {2, 2, 4, 4});  // the rule's tiling on 51x51
  add({384, 384, 33, 33, kRelu6, fp16s}, {2, 1, 8, 4});
  add({96, 128, 19, 21, kRelu6, fp16s}, {2, 2, 4, 4});   // a partial block of pixels
  // Input copies requested in batches: batches that divide an invocation's
  // copies, leave a partial last batch, or exceed them (K 384 at 32 pixels
  // and 128 invocations: 24 copies each; K 96 at 16 pixels and 32: 12).
  for (uint32_t batch : {0u, 1u, 5u, 24u, 32u}) {
    add({384, 384, 33, 33, kRelu6, fp16s}, {2, 1, 4, 4, batch});
    add({96, 192, 17, 7, kNone, fp16s}, {1, 1, 1, 2, batch});
  }
  add({768, 34, 17, 17, Epilogue{Activation::Sigmoid}, fp16s}, {1, 1, 4, 4, 8});  // a head: partial channel block
  // The weight matrix stored [k][n] and [n][k] (the default stores whole 16x16 steps).
  for (CoopMatWeightLayout layout : {CoopMatWeightLayout::KMajor, CoopMatWeightLayout::NMajor}) {
    add({384, 384, 33, 33, kRelu6, fp16s}, {2, 1, 4, 4, 8, layout});
    add({96, 192, 17, 7, kNone, fp16s}, {1, 2, 1, 2, 5, layout});
    add({21, 37, 9, 9, Epilogue{Activation::Sigmoid}, Precision::FP16Arith}, {1, 1, 2, 0, 0, layout});
    add({768, 34, 17, 17, Epilogue{Activation::Sigmoid}, fp16s}, {1, 1, 4, 4, 8, layout});
  }
  return cases;
}

class PointwiseTensorCoreTest : public PointwiseTest {};

TEST_P(PointwiseTensorCoreTest, MatchesReference) {
  std::string missing = coopMatMissing(ctx().caps(), GetParam().precision);
  if (!missing.empty()) GTEST_SKIP() << "no tensor-core kernel here: " << missing;
  expectMatchesReference(GetParam(), LoadPath::Storage);
}

INSTANTIATE_TEST_SUITE_P(Shapes, PointwiseTensorCoreTest, ::testing::ValuesIn(tensorCoreCases()),
                         [](const ::testing::TestParamInfo<PointwiseCase>& param) { return caseName(param.param); });

// The message must name the problem, not just say "invalid".
using test::expectError;
using test::runOnce;

class PointwiseArguments : public GpuTest {
 protected:
  PointwiseOp makeOp(PointwiseParams params, size_t weight_count, size_t bias_count,
                     Precision precision = Precision::FP32, PointwiseTiling tiling = {}) {
    return PointwiseOp(ctx(), params, std::vector<float>(weight_count, 0.5f), std::vector<float>(bias_count, 0.f),
                       precision, kRelu6, tiling);
  }
};

TEST_F(PointwiseArguments, WrongWeightCount) {
  expectError([&] { makeOp({8, 4}, 31, 4); }, "expected 32 weights");
  expectError([&] { makeOp({8, 4}, 33, 0); }, "got 33");
}

TEST_F(PointwiseArguments, WrongBiasCount) { expectError([&] { makeOp({8, 4}, 32, 3); }, "expected 4 bias values"); }

TEST_F(PointwiseArguments, NonPositiveChannels) {
  expectError([&] { makeOp({0, 4}, 0, 0); }, "channel counts must be positive");
  expectError([&] { makeOp({4, -1}, 0, 0); }, "channel counts must be positive");
}

TEST_F(PointwiseArguments, BadTiling) {
  uint32_t subgroup = ctx().caps().subgroup_size;
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {0, 4}); }, "must be within 1..16");
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {4, 17}); }, "tiling (4 pixels x 17 oc4 blocks");
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {4, 4, 64, subgroup + 1}); },
              "weight lanes must be 1 or the subgroup size");
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {4, 4, subgroup + 1, subgroup}); },
              "workgroup must be a multiple of the weight lanes");
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {4, 4, 1u << 20, 1}); }, "exceeds the device limit");
}

TEST_F(PointwiseArguments, BadKSplit) {
  uint32_t subgroup = ctx().caps().subgroup_size;
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {1, 1, 32, 1, 0}); }, "K split must be within 1..16");
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {1, 1, 32, 1, 17}); }, "K split must be within 1..16");
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {1, 1, subgroup, subgroup, 2}); },
              "a K split needs weight lanes 1");
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, {16, 16, 64, 1, 16}); }, "bytes of shared memory");
}

TEST_F(PointwiseArguments, InputChannelMismatch) {
  PointwiseOp op = makeOp({8, 4}, 32, 4);
  expectError([&] { op.outputShape({12, 5, 5}); }, "has 12 channels, the op expects 8");
  Tensor in = Tensor::create(ctx(), {12, 5, 5}, Precision::FP32);
  Tensor out = Tensor::create(ctx(), {4, 5, 5}, Precision::FP32);
  expectError([&] { runOnce(ctx(), op, in, out); }, "has 12 channels");
}

TEST_F(PointwiseArguments, OutputShapeMismatch) {
  PointwiseOp op = makeOp({8, 4}, 32, 4);
  Tensor in = Tensor::create(ctx(), {8, 5, 5}, Precision::FP32);
  for (Shape wrong : {Shape{4, 5, 6}, Shape{8, 5, 5}}) {
    Tensor out = Tensor::create(ctx(), wrong, Precision::FP32);
    expectError([&] { runOnce(ctx(), op, in, out); }, "output shape " + wrong.str() + " does not match the expected 4x5x5");
  }
}

TEST_F(PointwiseArguments, PrecisionMismatch) {
  VKPOSE_REQUIRE_PRECISION(Precision::FP16Storage);
  PointwiseOp op = makeOp({8, 4}, 32, 4, Precision::FP16Storage);
  Tensor in = Tensor::create(ctx(), {8, 5, 5}, Precision::FP32);
  Tensor out = Tensor::create(ctx(), {4, 5, 5}, Precision::FP16Storage);
  expectError([&] { runOnce(ctx(), op, in, out); }, "tensor precision fp32 differs from the op's fp16s");
}

// The GPU rule as documented in pointwise.h (the H100/H200 measurements):
// two pixels and one output vec4 per invocation, the K split for wide layers,
// and the 4-step unroll only for fp16. CPU devices never unroll.
TEST(PointwiseDefaultTiling, GpuRuleByPrecisionAndWidth) {
  // Without the tuning overrides.
  test::ScopedEnv tiling("VKPOSE_POINTWISE_TILING", std::nullopt), unroll("VKPOSE_POINTWISE_UNROLL", std::nullopt);
  Capabilities gpu;
  gpu.device_type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
  gpu.subgroup_size = 32;
  PointwiseTiling fp32 = defaultPointwiseTiling(gpu, Precision::FP32, 384);
  EXPECT_EQ(fp32.pixels, 2u);
  EXPECT_EQ(fp32.oc4_block, 1u);
  EXPECT_EQ(fp32.workgroup, 32u);
  EXPECT_EQ(fp32.k_split, 8u);  // 96 input vec4s: 8 slices of 12
  EXPECT_EQ(fp32.k_unroll, 1u);
  EXPECT_EQ(defaultPointwiseTiling(gpu, Precision::FP32, 24).k_split, 1u);  // 6 vec4s: too few to split
  EXPECT_EQ(defaultPointwiseTiling(gpu, Precision::FP16Storage, 384).k_unroll, 4u);
  EXPECT_EQ(defaultPointwiseTiling(gpu, Precision::FP16Arith, 384).k_unroll, 4u);
  Capabilities cpu = gpu;
  cpu.device_type = VK_PHYSICAL_DEVICE_TYPE_CPU;
  EXPECT_EQ(defaultPointwiseTiling(cpu, Precision::FP16Storage, 384).k_unroll, 1u);
}


// A device with everything the tensor-core kernel needs, as the H200 reports it.
Capabilities tensorCoreDevice() {
  Capabilities caps;
  caps.device_name = "test GPU";
  caps.device_type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
  caps.cooperative_matrix_nv = true;
  caps.cooperative_matrix_shapes = {{16, 8, 16, "fp16", "fp32"}, {16, 16, 16, "fp16", "fp32"}};
  caps.vulkan_memory_model = true;
  caps.float16_arith = caps.storage_16bit = true;
  caps.subgroup_size = 32;
  caps.subgroup_ops = VK_SUBGROUP_FEATURE_BASIC_BIT | VK_SUBGROUP_FEATURE_SHUFFLE_BIT;
  caps.max_workgroup_invocations = 1024;
  caps.max_workgroup_size = {1024, 1024, 64};
  caps.max_shared_memory_bytes = 48 * 1024;
  return caps;
}

TEST(PointwiseTensorCores, NameWhatTheDeviceLacks) {
  Capabilities full = tensorCoreDevice();
  EXPECT_EQ(coopMatMissing(full, Precision::FP16Storage), "");
  EXPECT_EQ(coopMatMissing(full, Precision::FP16Arith), "");
  EXPECT_NE(coopMatMissing(full, Precision::FP32).find("fp32 layers keep fp32 products"), std::string::npos);
  auto missingWith = [&](auto change) {
    Capabilities caps = full;
    change(caps);
    return coopMatMissing(caps, Precision::FP16Storage);
  };
  EXPECT_NE(missingWith([](Capabilities& c) { c.cooperative_matrix_nv = false; }).find("lacks NV cooperative matrices"),
            std::string::npos);
  EXPECT_NE(missingWith([](Capabilities& c) { c.cooperative_matrix_shapes.pop_back(); }).find("16x16x16 fp16"),
            std::string::npos);
  EXPECT_NE(missingWith([](Capabilities& c) { c.vulkan_memory_model = false; }).find("Vulkan memory model"),
            std::string::npos);
  EXPECT_NE(missingWith([](Capabilities& c) { c.float16_arith = false; }).find("fp16 arithmetic"), std::string::npos);
  EXPECT_NE(missingWith([](Capabilities& c) { c.subgroup_size = 64; }).find("subgroups of 64, the kernel needs 32"),
            std::string::npos);
}

// By default only fp16 layers with planes of 17x17 and up and 48 input and
// output channels and up (where the kernel won on an H200), with 16-pixel
// tiles up to 17x17; the tuning variable can turn it off or put every fp16
// layer on it.
TEST(PointwiseTensorCores, Fp16LayersFrom17x17ByDefault) {
  Capabilities caps = tensorCoreDevice();
  auto uses = [&](Precision precision, int in_channels, uint64_t plane, const Capabilities& c) {
    return defaultPointwiseTiling(c, precision, in_channels, plane).tensor_cores.has_value();
  };
  const Precision fp16s = Precision::FP16Storage;
  test::ScopedEnv choice("VKPOSE_POINTWISE_COOPMAT", std::nullopt);
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33)->m_tiles, 2u);
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 17 * 17)->m_tiles, 1u);
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 17 * 17)->prefetch, 4u);
  test::ScopedEnv shape("VKPOSE_COOPMAT_SHAPE", std::nullopt), batch("VKPOSE_COOPMAT_LOAD_BATCH", std::nullopt),
      layout("VKPOSE_COOPMAT_WEIGHTS", std::nullopt);
  // The rule's m_tiles,n_tiles,subgroups for a layer, or "none" (the plain kernel).
  auto tilingOf = [&](int in_channels, uint64_t plane, int out_channels) {
    std::optional<CoopMatTiling> t = defaultCoopMatTiling(caps, fp16s, in_channels, plane, out_channels);
    return t ? std::to_string(t->m_tiles) + "," + std::to_string(t->n_tiles) + "," + std::to_string(t->subgroups)
             : std::string("none");
  };
  auto shapeOf = [&](uint64_t plane, int out_channels) { return tilingOf(384, plane, out_channels); };
  // 128-channel blocks where the channels fill them and enough workgroups
  // remain; the SM count is not known here.
  ASSERT_EQ(caps.sm_count, 0u);
  EXPECT_EQ(shapeOf(17 * 17, 384), "1,1,4");
  EXPECT_EQ(shapeOf(33 * 33, 384), "2,1,4");  // 35 x 3 workgroups: too few
  EXPECT_EQ(shapeOf(41 * 41, 384), "2,1,4");  // 53 x 3
  EXPECT_EQ(shapeOf(51 * 51, 384), "2,2,4");  // 82 x 3
  EXPECT_EQ(shapeOf(51 * 51, 768), "2,2,4");
  // With 132 SMs: 8 subgroups where the workgroups fill more than half of
  // them in one round.
  caps.sm_count = 132;
  EXPECT_EQ(shapeOf(25 * 25, 384), "2,1,4");  // 20 x 3 = 60: half the SMs idle
  EXPECT_EQ(shapeOf(29 * 29, 384), "2,1,8");  // 27 x 3 = 81
  EXPECT_EQ(shapeOf(33 * 33, 384), "2,1,8");  // 105
  EXPECT_EQ(shapeOf(37 * 37, 384), "2,1,8");  // 129
  EXPECT_EQ(shapeOf(41 * 41, 384), "2,1,4");  // 159: a second round
  EXPECT_EQ(shapeOf(51 * 51, 384), "2,2,4");
  EXPECT_EQ(shapeOf(33 * 33, 192), "2,1,4");  // does not fill 128-channel blocks
  caps.sm_count = 0;
  // Inputs too wide for the block's shared memory (48 KiB here) take the
  // smallest block, or the plain kernel where even that does not fit.
  EXPECT_EQ(tilingOf(384, 33 * 33, 384), "2,1,4");   // 32.5 KiB
  EXPECT_EQ(tilingOf(768, 33 * 33, 768), "1,1,4");   // 2,2,4 would need 64.5 KiB
  EXPECT_EQ(tilingOf(1024, 17 * 17, 1024), "1,1,4");
  EXPECT_EQ(tilingOf(2048, 17 * 17, 1024), "none");  // 1,1,4 would need 68.3 KiB
  for (int in_channels : {768, 1024})
    EXPECT_NO_THROW(validateCoopMat(caps, fp16s, *defaultCoopMatTiling(caps, fp16s, in_channels, 51 * 51, 768),
                                    in_channels));
  EXPECT_EQ(shapeOf(65 * 65, 192), "2,1,4");  // 192 does not fill 128-channel blocks
  EXPECT_EQ(shapeOf(33 * 33, 0), "2,1,4");    // channels not known
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33, 384)->load_batch, 8u);
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33, 384)->weights, CoopMatWeightLayout::Tiles);
  shape.set("1,2,2,2,1,4");
  EXPECT_EQ(shapeOf(17 * 17, 384), "1,2,2");
  EXPECT_EQ(shapeOf(33 * 33, 384), "2,1,4");
  shape.set("3,1,2");
  EXPECT_EQ(shapeOf(17 * 17, 384), "3,1,2");
  EXPECT_EQ(shapeOf(33 * 33, 384), "3,1,2");
  shape.set("0,1,2");  // malformed: the rule
  EXPECT_EQ(shapeOf(51 * 51, 384), "2,2,4");
  test::ScopedEnv prefetch("VKPOSE_COOPMAT_PREFETCH", "8");
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33, 384)->prefetch, 8u);
  prefetch.set("9");  // malformed: the default
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33, 384)->prefetch, 4u);
  prefetch.set(std::nullopt);
  batch.set("0");
  layout.set("kn");
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33, 384)->load_batch, 0u);
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33, 384)->weights, CoopMatWeightLayout::KMajor);
  batch.set("33");
  layout.set("rows");  // both malformed: the defaults
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33, 384)->load_batch, 8u);
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 384, 33 * 33, 384)->weights, CoopMatWeightLayout::Tiles);
  batch.set(std::nullopt);
  layout.set(std::nullopt);
  shape.set(std::nullopt);
  EXPECT_TRUE(uses(Precision::FP16Arith, 48, 25 * 25, caps));
  EXPECT_FALSE(uses(fp16s, 384, 11 * 11, caps));
  EXPECT_FALSE(uses(fp16s, 24, 257 * 257, caps));
  EXPECT_FALSE(uses(fp16s, 384, 0, caps));  // plane not known
  EXPECT_TRUE(defaultPointwiseTiling(caps, fp16s, 768, 33 * 33, 48).tensor_cores.has_value());
  EXPECT_FALSE(defaultPointwiseTiling(caps, fp16s, 768, 33 * 33, 34).tensor_cores.has_value());  // a head
  EXPECT_FALSE(defaultCoopMatTiling(caps, fp16s, 768, 33 * 33, 17).has_value());
  EXPECT_FALSE(uses(Precision::FP32, 384, 33 * 33, caps));
  Capabilities without = caps;
  without.cooperative_matrix_nv = false;
  EXPECT_FALSE(uses(fp16s, 384, 33 * 33, without));

  choice.set("0");
  EXPECT_FALSE(uses(fp16s, 384, 33 * 33, caps));
  choice.set("all");
  EXPECT_TRUE(uses(fp16s, 24, 0, caps));
  EXPECT_FALSE(uses(Precision::FP32, 384, 33 * 33, caps));
  choice.set("1,4,2");
  std::optional<CoopMatTiling> t = defaultCoopMatTiling(caps, fp16s, 3, 1);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->m_tiles, 1u);
  EXPECT_EQ(t->n_tiles, 4u);
  EXPECT_EQ(t->subgroups, 2u);
  EXPECT_EQ(t->prefetch, 0u);
  EXPECT_EQ(t->load_batch, 8u);
  choice.set("1,4,2,3");
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 3, 1)->prefetch, 3u);
  choice.set("1,4,2,3,8");
  EXPECT_EQ(defaultCoopMatTiling(caps, fp16s, 3, 1)->load_batch, 8u);
  for (const char* malformed : {"0,4,2", "9,1,1", "1,1,1,9", "1,1,1,1,33", "fast"}) {  // ignored: the rule
    choice.set(malformed);
    EXPECT_TRUE(uses(fp16s, 384, 33 * 33, caps)) << malformed;
    EXPECT_FALSE(uses(fp16s, 384, 11 * 11, caps)) << malformed;
  }
}

TEST(PointwiseTensorCores, TilingsThatDoNotFitAreRefusedByName) {
  Capabilities caps = tensorCoreDevice();
  EXPECT_NO_THROW(validateCoopMat(caps, Precision::FP16Storage, {}, 384));
  expectError([&] { validateCoopMat(caps, Precision::FP16Storage, {9, 1, 1}, 16); }, "must be within 1..8");
  expectError([&] { validateCoopMat(caps, Precision::FP16Storage, {1, 1, 33}, 16); }, "invocation limit");
  expectError([&] { validateCoopMat(caps, Precision::FP16Storage, {1, 1, 1, 9}, 16); }, "prefetch must be within 0..8");
  expectError([&] { validateCoopMat(caps, Precision::FP16Storage, {1, 1, 1, 4, 33}, 16); },
              "load batch must be within 0..32");
  expectError([&] { validateCoopMat(caps, Precision::FP16Storage, {4, 1, 4}, 384); },
              "with 384 input channels it needs");
  expectError([&] { validateCoopMat(caps, Precision::FP32, {}, 384); }, "fp32 layers keep fp32 products");
}

// The matrix against the OIHW weights it came from, through the DenseC4
// packing the converter writes: [in][out] or [out][in], padding rows and
// columns zero.
TEST(PointwiseTensorCores, WeightMatrixHoldsEachWeightOnceAndZeroPadding) {
  const int cin = 21, cout = 37;
  for (CoopMatWeightLayout layout :
       {CoopMatWeightLayout::KMajor, CoopMatWeightLayout::NMajor, CoopMatWeightLayout::Tiles}) {
    CoopMatTiling tiling{1, 1, 2};  // 32-channel blocks: 37 -> 64 columns
    tiling.weights = layout;
    std::vector<float> oihw = test::randomFloats(size_t(cin) * cout, 7, -1.f, 1.f);
    std::vector<float> matrix = coopMatWeights(packDenseC4(oihw, cout, cin, 1, 1), cout, cin, tiling);
    uint32_t k_pad = coopMatKPad(cin), n_pad = coopMatNPad(cout, tiling);
    ASSERT_EQ(k_pad, 32u);
    ASSERT_EQ(n_pad, 64u);
    ASSERT_EQ(matrix.size(), size_t(k_pad) * n_pad);
    for (uint32_t k = 0; k < k_pad; ++k)
      for (uint32_t n = 0; n < n_pad; ++n) {
        float expected = k < uint32_t(cin) && n < uint32_t(cout) ? oihw[size_t(n) * cin + k] : 0.f;
        size_t at = layout == CoopMatWeightLayout::KMajor   ? size_t(k) * n_pad + n
                    : layout == CoopMatWeightLayout::NMajor ? size_t(n) * k_pad + k
                                                            : ((n / 16) * 2 + k / 16) * 256 + (n % 16) * 16 + k % 16;
        ASSERT_EQ(matrix[at], expected) << "k=" << k << " n=" << n << " layout " << int(layout);
      }
  }
}

TEST_F(PointwiseArguments, TensorCoresWhereTheKernelCannotRun) {
  PointwiseTiling tiling;
  tiling.tensor_cores = CoopMatTiling{};
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP32, tiling); }, "fp32 layers keep fp32 products");
  std::string missing = coopMatMissing(ctx().caps(), Precision::FP16Storage);
  if (missing.empty() || !deviceSupports(ctx(), Precision::FP16Storage)) return;  // fp16 runs here, or can't at all
  expectError([&] { makeOp({8, 4}, 32, 4, Precision::FP16Storage, tiling); }, missing);
}

}  // namespace
}  // namespace vkpose
