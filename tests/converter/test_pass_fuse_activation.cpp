// fuseActivation: Relu/Clip/Sigmoid become the epilogue of the Conv2d,
// DepthwiseConv2d or Add before them, with identical numbers, and stay
// separate wherever an epilogue cannot express them.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "converter/passes/passes.h"
#include "tests/support/ir_builder.h"
#include "tests/support/ir_executor.h"

namespace vkpose::test {
namespace {

using convert::Activation;
using convert::OpKind;
using convert::OutputRole;

// The epilogue applies the same function to the same sums: bit-identical.
double fuseAndCompare(convert::Graph& g, convert::Log& log) {
  OutputsByRole before = executeOnRandomInput(g, 10, 10, 5);
  convert::fuseActivation(g, log);
  return maxRelativeDifference(before, executeOnRandomInput(g, 10, 10, 5));
}

TEST(FuseActivation, ReluIntoConv) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.relu("relu", b.conv("conv", b.input(), 4)));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_EQ(fuseAndCompare(g, log), 0.0);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].activation, Activation::Relu);
  EXPECT_EQ(outputTensorName(g, OutputRole::Heatmap), "relu");
  EXPECT_EQ(g.tensors.size(), 2u);
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_EQ(log.lines()[0], "fuse_activation: fused 'relu' (Relu) into 'conv' as Relu");
}

TEST(FuseActivation, Relu6IntoDepthwiseStaysAClip) {
  GraphBuilder b;
  int dw = b.depthwise("dw", b.conv("conv", b.input(), 4));
  b.output(OutputRole::Heatmap, b.conv("head", b.clip("relu6", dw, 0.f, 6.f), 2));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_EQ(fuseAndCompare(g, log), 0.0);
  const convert::Node* fused = findNode(g, "dw");
  ASSERT_NE(fused, nullptr);
  EXPECT_EQ(fused->activation, Activation::Clip);
  EXPECT_EQ(fused->clip_min, 0.f);
  EXPECT_EQ(fused->clip_max, 6.f);
  EXPECT_EQ(g.tensors[size_t(findNode(g, "head")->inputs[0])].name, "relu6");
}

TEST(FuseActivation, UnboundedClipBecomesRelu) {
  GraphBuilder b;
  float inf = std::numeric_limits<float>::infinity();
  b.output(OutputRole::Heatmap, b.clip("clip", b.conv("conv", b.input(), 4), 0.f, inf));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_EQ(fuseAndCompare(g, log), 0.0);
  EXPECT_EQ(g.nodes[0].activation, Activation::Relu);
  EXPECT_EQ(log.lines()[0], "fuse_activation: fused 'clip' (Clip) into 'conv' as Relu");
}

TEST(FuseActivation, SigmoidIntoAdd) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.output(OutputRole::Heatmap, b.sigmoid("sig", b.add("sum", conv, b.conv("conv2", b.input(), 4))));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_EQ(fuseAndCompare(g, log), 0.0);
  EXPECT_EQ(findNode(g, "sum")->activation, Activation::Sigmoid);
  EXPECT_EQ(countNodes(g, OpKind::Sigmoid), 0);
  EXPECT_EQ(outputTensorName(g, OutputRole::Heatmap), "sig");
}

void expectUntouched(convert::Graph& g, int activations) {
  size_t nodes = g.nodes.size();
  convert::Log log;
  EXPECT_EQ(fuseAndCompare(g, log), 0.0);
  EXPECT_EQ(g.nodes.size(), nodes);
  EXPECT_EQ(countNodes(g, OpKind::Relu) + countNodes(g, OpKind::Clip) + countNodes(g, OpKind::Sigmoid), activations);
  EXPECT_TRUE(log.lines().empty());
}

TEST(FuseActivation, NotIntoPools) {
  GraphBuilder b;
  int max = b.relu("relu", b.maxPool("max", b.input(), 3, 2));
  b.output(OutputRole::Heatmap, b.sigmoid("sig", b.averagePool("avg", max, 2, 1)));
  expectUntouched(b.graph(), 2);
}

TEST(FuseActivation, NotAcrossSeveralReaders) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.output(OutputRole::Heatmap, b.add("sum", b.relu("relu", conv), conv));
  expectUntouched(b.graph(), 1);
}

TEST(FuseActivation, NotWhenTheProducerOutputIsAGraphOutput) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.output(OutputRole::Offsets, conv);
  b.output(OutputRole::Heatmap, b.sigmoid("sig", conv));
  expectUntouched(b.graph(), 1);
}

TEST(FuseActivation, NotASecondActivationOntoAFusedOne) {
  GraphBuilder b;
  int conv = b.conv("conv", b.input(), 4);
  b.node("conv").activation = Activation::Relu;
  b.output(OutputRole::Heatmap, b.clip("relu6", conv, 0.f, 6.f));
  expectUntouched(b.graph(), 1);
}

TEST(FuseActivation, OnlyTheFirstOfAChain) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.sigmoid("sig", b.relu("relu", b.conv("conv", b.input(), 4))));
  convert::Graph& g = b.graph();

  convert::Log log;
  EXPECT_EQ(fuseAndCompare(g, log), 0.0);
  EXPECT_EQ(findNode(g, "conv")->activation, Activation::Relu);
  EXPECT_NE(findNode(g, "sig"), nullptr);
}

TEST(FuseActivation, ReversedClipBoundsAreAnErrorNamingTheNode) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.clip("clip_bad", b.conv("conv", b.input(), 4), 6.f, 0.f));
  convert::Log log;
  EXPECT_TRUE(throwsConvertError([&] { convert::fuseActivation(b.graph(), log); }, "'clip_bad'"));
  EXPECT_EQ(b.graph().nodes.size(), 2u);
}

}  // namespace
}  // namespace vkpose::test
