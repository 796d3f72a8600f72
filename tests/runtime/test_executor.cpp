// The executor on a small graph built here, with every node kind and kernel
// path, against the CPU reference executor (tests/support/model_reference):
// outputs poisoned first, padding lanes exactly zero, fp32 within 1e-4 of the
// largest reference value. Also where barriers go (pure) and bad arguments.
#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/recorder.h"
#include "runtime/dispatch_hazards.h"
#include "runtime/executor.h"
#include "tests/support/executor_run.h"
#include "tests/support/gpu_test.h"
#include "tests/support/model_builder.h"
#include "tests/support/model_reference.h"
#include "tests/support/op_test.h"
#include "tests/support/test_data.h"

namespace vkpose {

// gtest prints parameters through this (found by argument-dependent lookup).
void PrintTo(Precision p, std::ostream* os) { *os << precisionSuffix(p); }

namespace test {
namespace {

constexpr OutputRole kRoles[] = {OutputRole::Heatmap, OutputRole::Offsets, OutputRole::DisplacementFwd,
                                 OutputRole::DisplacementBwd};

// Builder weights are a fixed pattern; random ones exercise every weight slot.
// Packed like the converter's relayout pass when `pack` is set, else left OIHW.
int randomise(Model& m, int tensor, bool pack) {
  ModelNode& n = m.nodes.back();
  uint32_t seed = kDefaultSeed + uint32_t(m.nodes.size()) * 2;
  n.weights.values = randomFloats(n.weights.values.size(), seed, -0.5f, 0.5f);
  n.bias.values = randomFloats(n.bias.values.size(), seed + 1, -0.25f, 0.25f);
  if (pack) packForKernels(n);
  return tensor;
}

// Dense conv (SAME stride 2, explicit padding), depthwise (fast s1 and s2),
// pointwise, a residual Add, max pool (SAME) and average pool (VALID), then
// PoseNet's four heads; weights half OIHW, half packed. 33 -> 17 -> 9 -> 7.
Model smallModel() {
  const Epilogue relu{Activation::Relu}, relu6{Activation::Clip, 0.f, 6.f};
  Model m = emptyModel();
  int x = randomise(m, addConv(m, "conv0", m.input, 8, sameWindow(3, 2), relu6), false);
  x = randomise(m, addDepthwise(m, "dw1", x, sameWindow(3, 1), relu), true);
  x = randomise(m, addConv(m, "pw1", x, 12, {}, relu6), true);
  int skip = randomise(m, addDepthwise(m, "dw2", x, sameWindow(3, 2), relu6), false);
  x = randomise(m, addConv(m, "pw2", skip, 12, {}), true);
  x = addAdd(m, "residual", skip, x, relu);
  x = addPool(m, NodeKind::MaxPool, "maxpool", x, sameWindow(3, 1));
  x = addPool(m, NodeKind::AveragePool, "avgpool", x, sameWindow(3, 1, PaddingMode::Valid));
  WindowSpec padded = sameWindow(3, 1, PaddingMode::Explicit);
  padded.pad = {1, 1, 1, 1};
  x = randomise(m, addConv(m, "conv3", x, 16, padded, relu), true);
  // Sigmoid makes zero padding lanes an enforced property: sigmoid(0) is 0.5.
  m.outputs = {{OutputRole::Heatmap, randomise(m, addConv(m, "heatmap", x, 17, {}, {Activation::Sigmoid}), false)},
               {OutputRole::Offsets, randomise(m, addConv(m, "offsets", x, 34, {}), true)},
               {OutputRole::DisplacementFwd, randomise(m, addConv(m, "displacement_fwd", x, 32, {}), false)},
               {OutputRole::DisplacementBwd, randomise(m, addConv(m, "displacement_bwd", x, 32, {}), true)}};
  // Through the file format, as the runtime will meet it.
  return parseModel(serializeModel(m), "small model");
}

class ExecutorSmallModel : public GpuTest, public ::testing::WithParamInterface<Precision> {
 protected:
  void expectMatchesTheReferenceExecutor(const ExecutorOptions& options);
};

void ExecutorSmallModel::expectMatchesTheReferenceExecutor(const ExecutorOptions& options) {
  const Precision precision = GetParam();
  const Model model = smallModel();
  for (int size : {33, 49}) {  // one model, planned for two sizes
    SCOPED_TRACE("input size " + std::to_string(size));
    Executor executor(ctx(), model, size, precision, {}, options);
    std::vector<float> input = asStored(randomFloats(size_t(3 * size * size), kDefaultSeed + 7), precision);
    runPoisoned(ctx(), executor, input);
    std::vector<ref::Tensor> expected = runModelReference(model, {3, size, size, toDoubles(input)});
    for (const ModelOutput& o : model.outputs) {
      SCOPED_TRACE(outputRoleName(o.role));
      const TensorView& view = executor.output(o.role);
      const ref::Tensor& want = expected[size_t(o.tensor)];
      ASSERT_EQ(view.shape, (Shape{want.c, want.h, want.w}));
      std::vector<float> packed = downloadPackedView(ctx(), view);
      EXPECT_TRUE(paddingLanesZero(packed, view.shape));
      double tolerance = precision == Precision::FP32 ? 1e-4 : 2e-2;
      EXPECT_TRUE(nearlyEqual(unpackC4HW4(packed, view.shape), want.data, tolerance, 0));
    }
  }
}

TEST_P(ExecutorSmallModel, MatchesTheReferenceExecutor) {
  VKPOSE_REQUIRE_PRECISION(GetParam());
  expectMatchesTheReferenceExecutor({DwPointwiseFusion::Off});
}

// dw1 -> pw1 runs as one dispatch (DwPointwiseOp), on CPU devices too when forced.
TEST_P(ExecutorSmallModel, MatchesTheReferenceExecutorWithDepthwisePointwiseFused) {
  VKPOSE_REQUIRE_PRECISION(GetParam());
  expectMatchesTheReferenceExecutor({DwPointwiseFusion::On});
}

INSTANTIATE_TEST_SUITE_P(Precisions, ExecutorSmallModel,
                         ::testing::Values(Precision::FP32, Precision::FP16Storage, Precision::FP16Arith),
                         [](const auto& param_info) { return std::string(precisionSuffix(param_info.param)); });

class ExecutorPlan : public GpuTest {};

TEST_F(ExecutorPlan, OneDispatchPerNodeAndBarriersOnlyBetweenDependentOnes) {
  const Model model = smallModel();
  Executor executor(ctx(), model, 33, Precision::FP32, {}, {DwPointwiseFusion::Off});
  CommandRecorder rec(ctx());
  rec.begin();
  executor.record(rec);
  rec.end();
  EXPECT_EQ(executor.dispatchCount(), model.nodes.size());
  EXPECT_EQ(rec.dispatchCount(), executor.dispatchCount());
  // Each node reads its predecessor's output, except that the last three
  // heads only read what the first head read: no barrier between the heads.
  const auto& reasons = rec.barrierReasons();
  ASSERT_EQ(reasons.size(), model.nodes.size() - 4);
  EXPECT_EQ(reasons.front(), "'dw1' reads 'conv0' written by 'conv0'");
  EXPECT_EQ(reasons.back(), "'heatmap' reads 'conv3' written by 'conv3'");
  EXPECT_LT(executor.activationBytes(), executor.naiveActivationBytes());
}

// Only dw1's output is read by its pointwise node alone; dw2's also feeds the
// residual Add, so dw2 and pw2 stay two dispatches. The fused pair's
// intermediate gets no memory, and the pair writes its output while it reads
// conv0's, so the two must not share bytes.
TEST_F(ExecutorPlan, FusesADepthwiseOnlyWhenThePointwiseIsItsOnlyReader) {
  const Model model = smallModel();
  Executor separate(ctx(), model, 33, Precision::FP32, {}, {DwPointwiseFusion::Off});
  Executor fused(ctx(), model, 33, Precision::FP32, {}, {DwPointwiseFusion::On});
  EXPECT_EQ(fused.dispatchCount(), model.nodes.size() - 1);
  std::vector<std::string> names = fused.nodeNames();
  ASSERT_EQ(names.size(), fused.dispatchCount());
  EXPECT_EQ(names[1], "dw1+pw1");
  EXPECT_EQ(names[2], "dw2");
  EXPECT_LT(fused.naiveActivationBytes(), separate.naiveActivationBytes());
  CommandRecorder rec(ctx());
  rec.begin();
  size_t steps = 0;
  fused.record(rec, [&](size_t i, const std::string& name) {
    EXPECT_EQ(name, names[i]);
    ++steps;
  });
  rec.end();
  EXPECT_EQ(steps, fused.dispatchCount());
  EXPECT_EQ(rec.dispatchCount(), fused.dispatchCount());
  EXPECT_EQ(rec.barrierReasons().front(), "'dw1+pw1' reads 'conv0' written by 'conv0'");
}

// A second executor sharing a fused executor's ops plans the same fusion.
TEST_F(ExecutorPlan, SharesFusedOps) {
  const Model model = smallModel();
  Executor fused(ctx(), model, 33, Precision::FP32, {}, {DwPointwiseFusion::On});
  Executor sharing(ctx(), model, fused);
  EXPECT_EQ(sharing.nodeNames(), fused.nodeNames());
  EXPECT_EQ(sharing.activationBytes(), fused.activationBytes());
  std::vector<float> input = randomFloats(size_t(3 * 33 * 33), kDefaultSeed + 11);
  std::vector<ref::Tensor> expected = runModelReference(model, {3, 33, 33, toDoubles(input)});
  runPoisoned(ctx(), sharing, input);
  const TensorView& view = sharing.output(OutputRole::Offsets);
  const ref::Tensor& want = expected[size_t(model.outputs[1].tensor)];
  EXPECT_TRUE(nearlyEqual(unpackC4HW4(downloadPackedView(ctx(), view), view.shape), want.data, 1e-4, 0));
}

int outputTensor(const Model& model, OutputRole role) {
  for (const ModelOutput& o : model.outputs)
    if (o.role == role) return o.tensor;
  throw std::runtime_error("no such output");
}

// Asked only for heatmap and offsets, the executor skips the displacement
// heads (no op, no dispatch) and still matches the reference on what it
// computes, sharing its ops with a second executor.
TEST_F(ExecutorPlan, SkipsNodesThatFeedNoRequestedOutput) {
  const Model model = smallModel();
  Executor executor(ctx(), model, 33, Precision::FP32, {OutputRole::Heatmap, OutputRole::Offsets},
                    {DwPointwiseFusion::Off});
  EXPECT_EQ(executor.dispatchCount(), model.nodes.size() - 2);
  expectError([&] { executor.output(OutputRole::DisplacementFwd); }, "no displacement_fwd output, or it was not asked for");
  Executor sharing(ctx(), model, executor);
  EXPECT_EQ(sharing.dispatchCount(), executor.dispatchCount());
  std::vector<float> input = randomFloats(size_t(3 * 33 * 33), kDefaultSeed + 9);
  std::vector<ref::Tensor> expected = runModelReference(model, {3, 33, 33, toDoubles(input)});
  for (Executor* run : {&executor, &sharing}) {
    runPoisoned(ctx(), *run, input);
    for (OutputRole role : {OutputRole::Heatmap, OutputRole::Offsets}) {
      SCOPED_TRACE(outputRoleName(role));
      const TensorView& view = run->output(role);
      const ref::Tensor& want = expected[size_t(outputTensor(model, role))];
      EXPECT_TRUE(nearlyEqual(unpackC4HW4(downloadPackedView(ctx(), view), view.shape), want.data, 1e-4, 0));
    }
  }
}

TEST_F(ExecutorPlan, ViewsAreAlignedForBinding) {
  Executor executor(ctx(), smallModel(), 33, Precision::FP16Storage);
  uint64_t alignment = ctx().caps().min_storage_buffer_offset_alignment;
  EXPECT_EQ(executor.input().offset % alignment, 0u);
  for (OutputRole role : kRoles) EXPECT_EQ(executor.output(role).offset % alignment, 0u);
  EXPECT_EQ(executor.input().shape, (Shape{3, 33, 33}));
}

TEST_F(ExecutorPlan, RefusesAnInvalidInputSize) {
  expectError([&] { Executor(ctx(), smallModel(), 40, Precision::FP32); }, "nearest valid sizes are 33 and 49");
}

TEST_F(ExecutorPlan, RefusesAnOutputTheModelLacks) {
  Model model = emptyModel();
  model.outputs = {{OutputRole::Heatmap, addConv(model, "heatmap", model.input, 17, {})}};
  Executor executor(ctx(), model, 17, Precision::FP32);
  expectError([&] { executor.output(OutputRole::Offsets); }, "the model has no offsets output");
}

TEST_F(ExecutorPlan, RefusesAnInvalidModel) {
  Model model = emptyModel();
  model.outputs = {{OutputRole::Heatmap, addConv(model, "heatmap", model.input, 17, {})}};
  model.nodes.back().weights.values.pop_back();
  expectError([&] { Executor(ctx(), model, 17, Precision::FP32); }, "has 50 weights, expected 51");
}

// Three 64-byte tensors: a at 0, b at 64, c at 128, and d reusing a's bytes.
const ArenaRegion kA{"a", 0, 64}, kB{"b", 64, 64}, kC{"c", 128, 64}, kD{"d", 0, 64};

TEST(DispatchHazards, ReadAfterWriteNeedsABarrier) {
  DispatchHazards hazards;
  EXPECT_EQ(hazards.beforeDispatch("first", {}, kA), "");
  EXPECT_EQ(hazards.beforeDispatch("second", std::vector{kA}, kB), "'second' reads 'a' written by 'first'");
}

TEST(DispatchHazards, IndependentDispatchesNeedNone) {
  DispatchHazards hazards;
  EXPECT_EQ(hazards.beforeDispatch("x", std::vector{kA}, kB), "");
  EXPECT_EQ(hazards.beforeDispatch("y", std::vector{kA}, kC), "");  // both only read a
}

TEST(DispatchHazards, ReusedBytesWaitForTheirLastReaderAndWriter) {
  DispatchHazards war;
  EXPECT_EQ(war.beforeDispatch("x", std::vector{kA}, kB), "");
  EXPECT_EQ(war.beforeDispatch("y", {}, kD), "'y' writes 'd' over 'a' read by 'x'");
  DispatchHazards waw;
  EXPECT_EQ(waw.beforeDispatch("x", {}, kA), "");
  EXPECT_EQ(waw.beforeDispatch("y", {}, kD), "'y' writes 'd' over 'a' written by 'x'");
}

TEST(DispatchHazards, ABarrierSettlesEverythingBeforeIt) {
  DispatchHazards hazards;
  EXPECT_EQ(hazards.beforeDispatch("x", {}, kA), "");
  EXPECT_NE(hazards.beforeDispatch("y", std::vector{kA}, kB), "");
  // x's write of a is behind the barrier before y; only y's accesses are pending.
  EXPECT_EQ(hazards.beforeDispatch("z", std::vector{kA}, kC), "");
}

}  // namespace
}  // namespace test
}  // namespace vkpose
