// runPasses end to end on a small MobileNet-like graph (conv+bn+relu6 blocks,
// a residual add, an Identity and the four PoseNet heads), and the check that
// only nodes the runtime executes are left.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "converter/passes/passes.h"
#include "tests/support/ir_builder.h"
#include "tests/support/ir_executor.h"

namespace vkpose::test {
namespace {

using convert::Activation;
using convert::OpKind;
using convert::OutputRole;

// Random BatchNorm factors round every folded weight to fp32 once.
constexpr double kFoldTolerance = 1e-5;

int convBnRelu6(GraphBuilder& b, const std::string& name, int from, int out_channels, int kernel, int stride) {
  int conv = b.conv(name, from, out_channels, kernel, stride);
  return b.clip(name + "_relu6", b.batchNorm(name + "_bn", conv), 0.f, 6.f);
}

int dwBnRelu6(GraphBuilder& b, const std::string& name, int from, int stride) {
  return b.clip(name + "_relu6", b.batchNorm(name + "_bn", b.depthwise(name, from, 3, stride)), 0.f, 6.f);
}

void buildMobileNetLike(GraphBuilder& b) {
  int x = convBnRelu6(b, "conv0", b.input(), 8, 3, 2);
  x = dwBnRelu6(b, "dw1", x, 1);
  int block1 = convBnRelu6(b, "pw1", x, 16, 1, 1);
  x = dwBnRelu6(b, "dw2", block1, 2);
  x = b.identity("reshape_noop", convBnRelu6(b, "pw2", x, 16, 1, 1));
  x = dwBnRelu6(b, "dw3", x, 1);
  int features = b.relu("add_relu", b.add("add", x, b.identity("skip", b.depthwise("skip_dw", block1, 3, 2))));
  b.output(OutputRole::Heatmap, b.sigmoid("heatmap", b.conv("heatmap_conv", features, 17, 1)));
  b.output(OutputRole::Offsets, b.conv("offsets", features, 34, 1));
  b.output(OutputRole::DisplacementFwd, b.conv("displacement_fwd", features, 32, 1));
  b.output(OutputRole::DisplacementBwd, b.conv("displacement_bwd", features, 32, 1));
}

size_t firstLine(const convert::Log& log, const std::string& prefix) {
  const std::vector<std::string>& lines = log.lines();
  auto found = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(prefix); });
  return size_t(found - lines.begin());
}

TEST(RunPasses, MobileNetLikeGraphKeepsItsNumbers) {
  GraphBuilder b;
  buildMobileNetLike(b);
  convert::Graph& g = b.graph();
  OutputsByRole odd = executeOnRandomInput(g, 17, 17, 3);
  OutputsByRole even = executeOnRandomInput(g, 18, 18, 4);

  convert::Log log;
  convert::runPasses(g, {.relayout = false, .fp16 = false}, log);

  EXPECT_LE(maxRelativeDifference(odd, executeOnRandomInput(g, 17, 17, 3)), kFoldTolerance);
  EXPECT_LE(maxRelativeDifference(even, executeOnRandomInput(g, 18, 18, 4)), kFoldTolerance);
  EXPECT_EQ(g.nodes.size(), 12u);  // 6 backbone convs, skip_dw, add, 4 heads
  for (const convert::Node& node : g.nodes) {
    EXPECT_EQ(node.layout, convert::WeightLayout::OIHW) << node.name << ": ONNX export needs OIHW";
    bool backbone = node.name.starts_with("conv") || node.name.starts_with("pw") || node.name.starts_with("dw");
    if (backbone) {
      EXPECT_EQ(node.activation, Activation::Clip) << node.name;
    }
  }
  EXPECT_EQ(findNode(g, "add")->activation, Activation::Relu);
  EXPECT_EQ(findNode(g, "heatmap_conv")->activation, Activation::Sigmoid);
  EXPECT_EQ(outputTensorName(g, OutputRole::Heatmap), "heatmap");
  EXPECT_EQ(outputTensorName(g, OutputRole::DisplacementBwd), "displacement_bwd");
}

TEST(RunPasses, RunsThePassesInOrder) {
  GraphBuilder b;
  buildMobileNetLike(b);
  convert::Log log;
  convert::runPasses(b.graph(), {.relayout = true, .fp16 = true}, log);

  size_t identity = firstLine(log, "remove_identity"), fold = firstLine(log, "fold_batchnorm");
  size_t fuse = firstLine(log, "fuse_activation"), relayout = firstLine(log, "relayout_weights");
  size_t fp16 = firstLine(log, "fp16_weights");
  EXPECT_LT(identity, fold);
  EXPECT_LT(fold, fuse);
  EXPECT_LT(fuse, relayout);
  EXPECT_LT(relayout, fp16);
  EXPECT_LT(fp16, log.lines().size());
  for (const convert::Node& node : b.graph().nodes) {
    if (node.kind == OpKind::Add) continue;
    EXPECT_NE(node.layout, convert::WeightLayout::OIHW) << node.name;
    EXPECT_EQ(node.weight_type, convert::WeightType::Float16) << node.name;
  }
}

TEST(RunPasses, UnfusedActivationAfterAPoolIsAnError) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.conv("head", b.relu("pool_relu", b.maxPool("pool", b.input(), 3, 2)), 2));
  convert::Log log;
  EXPECT_TRUE(throwsConvertError([&] { convert::runPasses(b.graph(), {}, log); },
                                 "Relu node 'pool_relu' (node 1) left unfused"));
}

TEST(RunPasses, StandaloneBatchNormIsAnError) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.batchNorm("lonely_bn", b.averagePool("pool", b.input(), 3, 1)));
  convert::Log log;
  EXPECT_TRUE(throwsConvertError([&] { convert::runPasses(b.graph(), {}, log); },
                                 "BatchNorm node 'lonely_bn' (node 1) could not be folded"));
}

TEST(RunPasses, BatchNormAfterAnActivationIsAnError) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.batchNorm("late_bn", b.relu("relu", b.conv("conv", b.input(), 4))));
  convert::Log log;
  EXPECT_TRUE(throwsConvertError([&] { convert::runPasses(b.graph(), {}, log); }, "BatchNorm node 'late_bn'"));
}

TEST(RunPasses, ReportsTheFirstLeftoverNode) {
  GraphBuilder b;
  int first = b.sigmoid("first_sigmoid", b.maxPool("pool", b.input(), 2, 2));
  b.output(OutputRole::Heatmap, b.batchNorm("second_bn", b.maxPool("pool2", first, 2, 2)));
  convert::Log log;
  EXPECT_TRUE(throwsConvertError([&] { convert::runPasses(b.graph(), {}, log); }, "Sigmoid node 'first_sigmoid'"));
}

TEST(RunPasses, InvalidGraphIsAnError) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.conv("conv", b.input(), 4));
  b.node("conv").weights.pop_back();
  convert::Log log;
  EXPECT_TRUE(throwsConvertError([&] { convert::runPasses(b.graph(), {}, log); }, "'conv'"));
}

}  // namespace
}  // namespace vkpose::test
