// foldBatchNorm: a BatchNorm after a conv becomes part of the conv's weights
// and bias, with the same numbers, and is left alone wherever that would
// change what the graph computes.
#include <gtest/gtest.h>

#include <string>

#include "converter/passes/passes.h"
#include "tests/support/ir_builder.h"
#include "tests/support/ir_executor.h"

namespace vkpose::test {
namespace {

using convert::OpKind;
using convert::OutputRole;

// Power-of-two factors and coarse biases make every folded value exact in
// fp32, so the folded graph must match to double rounding.
constexpr double kExactFold = 1e-9;
// Arbitrary factors round each folded weight to fp32 once.
constexpr double kRoundedFold = 1e-6;

double foldAndCompare(convert::Graph& g, convert::Log& log, int size) {
  OutputsByRole before = executeOnRandomInput(g, size, size, 7);
  convert::foldBatchNorm(g, log);
  return maxRelativeDifference(before, executeOnRandomInput(g, size, size, 7));
}

TEST(FoldBatchNorm, ConvFoldsExactly) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 6, 3, 2);
  b.output(OutputRole::Heatmap, b.batchNorm("bn", conv, exactBatchNorm(6, 11)));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_LE(foldAndCompare(g, log, 10), kExactFold);

  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].kind, OpKind::Conv2d);
  EXPECT_EQ(outputTensorName(g, OutputRole::Heatmap), "bn") << "the BatchNorm's tensor keeps its name and role";
  EXPECT_EQ(g.tensors.size(), 2u);
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_EQ(log.lines()[0], "fold_batchnorm: folded 'bn' into 'conv'");
}

TEST(FoldBatchNorm, DepthwiseFoldsExactly) {
  GraphBuilder b;
  int dw = b.depthwise("dw", b.conv("conv", b.input(), 5), 3, 2);
  b.output(OutputRole::Heatmap, b.batchNorm("bn", dw, exactBatchNorm(5, 12)));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_LE(foldAndCompare(g, log, 9), kExactFold);
  EXPECT_EQ(countNodes(g, OpKind::BatchNorm), 0);
  EXPECT_EQ(findNode(g, "dw")->output, g.outputs[0].tensor);
}

TEST(FoldBatchNorm, ArbitraryParametersFoldWithinFloatRounding) {
  GraphBuilder b;
  int bn1 = b.batchNorm("bn1", b.conv("conv", b.input(), 8));
  int bn2 = b.batchNorm("bn2", b.depthwise("dw", bn1));
  b.output(OutputRole::Heatmap, b.relu("relu", bn2));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_LE(foldAndCompare(g, log, 12), kRoundedFold);
  EXPECT_EQ(countNodes(g, OpKind::BatchNorm), 0);
  EXPECT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(log.lines().size(), 2u);
}

TEST(FoldBatchNorm, ConvWithoutBiasGainsOne) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.node("conv").bias.clear();
  b.output(OutputRole::Heatmap, b.batchNorm("bn", conv, exactBatchNorm(4, 13)));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_LE(foldAndCompare(g, log, 7), kExactFold);
  EXPECT_EQ(g.nodes[0].bias.size(), 4u);
}

// Every must-not-fold case: the graph, its values and the log stay as they were.
void expectUntouched(convert::Graph& g) {
  size_t nodes = g.nodes.size();
  convert::Log log;
  EXPECT_EQ(foldAndCompare(g, log, 8), 0.0);
  EXPECT_EQ(g.nodes.size(), nodes);
  EXPECT_EQ(countNodes(g, OpKind::BatchNorm), 1);
  EXPECT_TRUE(log.lines().empty());
}

TEST(FoldBatchNorm, NotWhenTheConvOutputHasAnotherReader) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.output(OutputRole::Heatmap, b.add("sum", b.batchNorm("bn", conv), conv));
  expectUntouched(b.graph());
}

TEST(FoldBatchNorm, NotWhenTheConvOutputIsAGraphOutput) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.output(OutputRole::Offsets, conv);
  b.output(OutputRole::Heatmap, b.batchNorm("bn", conv));
  expectUntouched(b.graph());
}

TEST(FoldBatchNorm, NotAfterAFusedActivation) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.node("conv").activation = convert::Activation::Relu;
  b.output(OutputRole::Heatmap, b.batchNorm("bn", conv));
  expectUntouched(b.graph());
}

TEST(FoldBatchNorm, NotAfterASeparateActivation) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.batchNorm("bn", b.relu("relu", b.conv("conv", b.input(), 4))));
  expectUntouched(b.graph());
}

TEST(FoldBatchNorm, NotAfterAPool) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.batchNorm("bn", b.maxPool("pool", b.input(), 3, 2)));
  expectUntouched(b.graph());
}

TEST(FoldBatchNorm, NotWhenChannelCountsDiffer) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.output(OutputRole::Heatmap, b.batchNorm("bn", conv));
  b.node("bn").batch_norm.variance.pop_back();
  convert::Log log;
  convert::foldBatchNorm(b.graph(), log);
  EXPECT_EQ(countNodes(b.graph(), OpKind::BatchNorm), 1);
  EXPECT_TRUE(log.lines().empty());
}

TEST(FoldBatchNorm, NonPositiveVarianceIsAnErrorNamingTheNode) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.output(OutputRole::Heatmap, b.batchNorm("bn_bad", conv));
  b.node("bn_bad").batch_norm.variance[2] = -1.f;
  std::vector<float> weights = b.node("conv").weights;

  convert::Log log;
  EXPECT_TRUE(throwsConvertError([&] { convert::foldBatchNorm(b.graph(), log); }, "'bn_bad'"));
  EXPECT_EQ(b.graph().nodes.size(), 2u) << "nothing is folded when any match is bad";
  EXPECT_EQ(b.node("conv").weights, weights);
}

}  // namespace
}  // namespace vkpose::test
