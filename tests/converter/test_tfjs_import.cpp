// The TF.js front end on small synthetic graph models: every op, weight
// transposes checked position by position, attrs, BiasAdd folding, output
// roles, output stride and metadata. test_tfjs_posenet.cpp covers the real
// PoseNet, test_tfjs_errors.cpp bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "converter/tfjs_import.h"
#include "tests/support/ir_builder.h"
#include "tests/support/tfjs_fixture.h"

namespace vkpose::test {
namespace {

using convert::Activation;
using convert::Graph;
using convert::Node;
using convert::OpKind;
using convert::OutputRole;
using convert::PaddingMode;
using nlohmann::json;

std::vector<float> ramp(size_t count) {
  std::vector<float> values(count);
  std::iota(values.begin(), values.end(), 0.f);
  return values;
}

// image -> one `op` node "conv" with a [3,3,3,filter_out] filter -> the heads.
Node importOneConv(const std::string& op, const json& attr, int64_t filter_out = 4, int pool_stride = 16,
                   const std::vector<std::string>& fused = {}) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.conv("conv", op, "image", {3, 3, 3, filter_out}, attr, fused);
  bool depthwise = op.find("Depthwise") != std::string::npos;
  model.poseHeads("conv", depthwise ? 3 : int(filter_out), pool_stride);
  return nodeNamed(importTfjsModel(model.write()), "conv");
}

TEST(TfjsImport, Conv2DFilterGoesFromHwioToOihw) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  const size_t kh = 2, kw = 3, in = 3, out = 2;
  std::vector<float> hwio = ramp(kh * kw * in * out);  // value == HWIO position
  model.constant("conv/filter", {2, 3, 3, 2}, hwio);
  model.node("conv", "Conv2D", {"image", "conv/filter"}, windowAttr("VALID"));
  model.poseHeads("conv", 2);
  Node conv = nodeNamed(importTfjsModel(model.write()), "conv");
  EXPECT_EQ(conv.kind, OpKind::Conv2d);
  EXPECT_EQ(conv.in_channels, 3);
  EXPECT_EQ(conv.out_channels, 2);
  EXPECT_EQ(conv.window.kernel_h, 2);
  EXPECT_EQ(conv.window.kernel_w, 3);
  ASSERT_EQ(conv.weights.size(), hwio.size());
  // A few positions by hand: OIHW index ((o*3 + i)*2 + y)*3 + x.
  EXPECT_EQ(conv.weights[18], 1.f);   // o1 i0 y0 x0 <- HWIO [0][0][0][1]
  EXPECT_EQ(conv.weights[6], 2.f);    // o0 i1 y0 x0 <- HWIO [0][0][1][0]
  EXPECT_EQ(conv.weights[3], 18.f);   // o0 i0 y1 x0 <- HWIO [1][0][0][0]
  EXPECT_EQ(conv.weights[1], 6.f);    // o0 i0 y0 x1 <- HWIO [0][1][0][0]
  for (size_t o = 0; o < out; ++o)
    for (size_t i = 0; i < in; ++i)
      for (size_t y = 0; y < kh; ++y)
        for (size_t x = 0; x < kw; ++x)
          EXPECT_EQ(conv.weights[((o * in + i) * kh + y) * kw + x], hwio[((y * kw + x) * in + i) * out + o])
              << "o" << o << " i" << i << " y" << y << " x" << x;
}

TEST(TfjsImport, DepthwiseFilterGoesFromHwcmToC1hw) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  std::vector<float> hwcm = ramp(3 * 3 * 3);
  model.constant("dw/filter", {3, 3, 3, 1}, hwcm);
  model.node("dw", "DepthwiseConv2dNative", {"image", "dw/filter"}, windowAttr("SAME"));
  model.poseHeads("dw", 3);
  Node dw = nodeNamed(importTfjsModel(model.write()), "dw");
  EXPECT_EQ(dw.kind, OpKind::DepthwiseConv2d);
  EXPECT_EQ(dw.in_channels, 3);
  EXPECT_EQ(dw.out_channels, 3);
  ASSERT_EQ(dw.weights.size(), hwcm.size());
  EXPECT_EQ(dw.weights[9], 1.f);   // c1 y0 x0 <- [0][0][1][0]
  EXPECT_EQ(dw.weights[1], 3.f);   // c0 y0 x1 <- [0][1][0][0]
  EXPECT_EQ(dw.weights[26], 26.f);  // c2 y2 x2 <- [2][2][2][0]
  for (size_t c = 0; c < 3; ++c)
    for (size_t tap = 0; tap < 9; ++tap) EXPECT_EQ(dw.weights[c * 9 + tap], hwcm[tap * 3 + c]) << c << " " << tap;
}

TEST(TfjsImport, PaddingModes) {
  EXPECT_EQ(importOneConv("Conv2D", windowAttr("SAME")).window.padding, PaddingMode::SameUpper);
  EXPECT_EQ(importOneConv("Conv2D", windowAttr("VALID")).window.padding, PaddingMode::Valid);
  json attr = windowAttr("EXPLICIT");
  attr["explicit_paddings"] = tfInts({0, 0, 1, 2, 3, 4, 0, 0});
  convert::Window window = importOneConv("Conv2D", attr).window;
  EXPECT_EQ(window.padding, PaddingMode::Explicit);
  EXPECT_EQ(window.pad_top, 1);
  EXPECT_EQ(window.pad_bottom, 2);
  EXPECT_EQ(window.pad_left, 3);
  EXPECT_EQ(window.pad_right, 4);
}

TEST(TfjsImport, StridesAndDilations) {
  json attr = windowAttr("SAME", 2);
  attr["dilations"] = tfInts({1, 2, 3, 1});
  convert::Window window = importOneConv("DepthwiseConv2dNative", attr, 1, 8).window;
  EXPECT_EQ(window.stride_h, 2);
  EXPECT_EQ(window.stride_w, 2);
  EXPECT_EQ(window.dilation_h, 2);
  EXPECT_EQ(window.dilation_w, 3);
  attr.erase("dilations");  // TF's default is 1
  EXPECT_EQ(importOneConv("Conv2D", attr, 4, 8).window.dilation_w, 1);
}

TEST(TfjsImport, FusedConvCarriesBiasAndActivation) {
  struct Case {
    std::vector<std::string> fused;
    Activation activation;
  };
  for (const Case& c : {Case{{}, Activation::None}, Case{{"Relu"}, Activation::Relu},
                        Case{{"Relu6"}, Activation::Clip}}) {
    Node conv = importOneConv("_FusedConv2D", windowAttr(), 4, 16, c.fused);
    EXPECT_EQ(conv.kind, OpKind::Conv2d);
    EXPECT_EQ(conv.activation, c.activation) << c.fused.size();
    EXPECT_EQ(conv.bias.size(), 4u);
    EXPECT_EQ(conv.clip_min, 0.f);
    EXPECT_EQ(conv.clip_max, 6.f);
  }
  Node dw = importOneConv("FusedDepthwiseConv2dNative", windowAttr(), 1, 16, {"Relu6"});
  EXPECT_EQ(dw.kind, OpKind::DepthwiseConv2d);
  EXPECT_EQ(dw.activation, Activation::Clip);
  EXPECT_EQ(dw.bias.size(), 3u);
}

TEST(TfjsImport, BiasAddFoldsIntoTheConvBeforeIt) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.conv("conv", "Conv2D", "image", {1, 1, 3, 4});
  model.constant("conv/bias", {4}, {1, 2, 3, 4});
  model.node("conv/BiasAdd", "BiasAdd", {"conv", "conv/bias"}, {{"data_format", tfString("NHWC")}});
  // A fused conv's own bias and a separate BiasAdd after it add up.
  model.constant("dw/filter", {3, 3, 4, 1});
  model.constant("dw/bias", {4}, {0.5f, 0.5f, 0.5f, 0.5f});
  json attr = windowAttr();
  attr["fused_ops"] = tfStrings({"BiasAdd"});
  attr["num_args"] = {{"i", "1"}};
  model.node("dw", "FusedDepthwiseConv2dNative", {"conv/BiasAdd", "dw/filter", "dw/bias"}, attr);
  model.constant("dw/more_bias", {4}, {10, 20, 30, 40});
  model.node("dw/BiasAdd", "BiasAdd", {"dw", "dw/more_bias"});
  model.poseHeads("dw/BiasAdd", 4);
  convert::Log log;
  Graph graph = importTfjsModel(model.write(), &log);
  EXPECT_EQ(findNode(graph, "conv/BiasAdd"), nullptr);
  EXPECT_EQ(findNode(graph, "dw/BiasAdd"), nullptr);
  const Node& conv = nodeNamed(graph, "conv");
  EXPECT_EQ(conv.bias, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(graph.tensors[size_t(conv.output)].name, "conv/BiasAdd");
  const Node& dw = nodeNamed(graph, "dw");
  EXPECT_EQ(dw.inputs[0], conv.output);
  EXPECT_EQ(dw.bias, (std::vector<float>{10.5f, 20.5f, 30.5f, 40.5f}));
  EXPECT_EQ(nodeNamed(graph, "to_output_stride").inputs[0], dw.output);
  auto folded = std::count_if(log.lines().begin(), log.lines().end(),
                              [](const std::string& line) { return line.find("folded BiasAdd") != std::string::npos; });
  EXPECT_EQ(folded, 2);
}

TEST(TfjsImport, SeparateActivationsAndIdentity) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.node("relu", "Relu", {"image"});
  model.node("relu6", "Relu6", {"relu"});
  model.node("sigmoid", "Sigmoid", {"relu6"});
  model.node("identity", "Identity", {"sigmoid"});
  model.poseHeads("identity", 3);
  Graph graph = importTfjsModel(model.write());
  EXPECT_EQ(nodeNamed(graph, "relu").kind, OpKind::Relu);
  const Node& clip = nodeNamed(graph, "relu6");
  EXPECT_EQ(clip.kind, OpKind::Clip);
  EXPECT_EQ(clip.clip_min, 0.f);
  EXPECT_EQ(clip.clip_max, 6.f);
  EXPECT_EQ(nodeNamed(graph, "sigmoid").kind, OpKind::Sigmoid);
  const Node& identity = nodeNamed(graph, "identity");
  EXPECT_EQ(identity.kind, OpKind::Identity);
  EXPECT_EQ(identity.inputs[0], nodeNamed(graph, "sigmoid").output);
  EXPECT_EQ(identity.out_channels, 3);
}

TEST(TfjsImport, IdentityOfAConstIsTheWeightItself) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.constant("w", {1, 1, 3, 2}, {1, 2, 3, 4, 5, 6});
  model.node("w/read", "Identity", {"w"});
  model.node("conv", "Conv2D", {"image", "w/read"}, windowAttr());
  model.poseHeads("conv", 2);
  Graph graph = importTfjsModel(model.write());
  EXPECT_EQ(findNode(graph, "w/read"), nullptr);
  EXPECT_EQ(nodeNamed(graph, "conv").weights, (std::vector<float>{1, 3, 5, 2, 4, 6}));
}

TEST(TfjsImport, AddAndAddV2) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.conv("a", "Conv2D", "image", {1, 1, 3, 4});
  model.conv("b", "Conv2D", "image", {1, 1, 3, 4});
  model.node("sum", "Add", {"a", "b"});
  model.node("sum2", "AddV2", {"sum", "a"});
  model.poseHeads("sum2", 4);
  Graph graph = importTfjsModel(model.write());
  const Node& sum = nodeNamed(graph, "sum");
  const Node& sum2 = nodeNamed(graph, "sum2");
  EXPECT_EQ(sum.kind, OpKind::Add);
  EXPECT_EQ(sum2.kind, OpKind::Add);
  EXPECT_EQ(sum.inputs, (std::vector<int>{nodeNamed(graph, "a").output, nodeNamed(graph, "b").output}));
  EXPECT_EQ(sum2.inputs, (std::vector<int>{sum.output, nodeNamed(graph, "a").output}));
  EXPECT_EQ(sum2.out_channels, 4);
}

TEST(TfjsImport, MaxPoolAndAvgPool) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  json max_attr = windowAttr("SAME", 2);
  max_attr["ksize"] = tfInts({1, 3, 3, 1});
  model.node("max", "MaxPool", {"image"}, max_attr);
  json avg_attr = windowAttr("VALID", 1);
  avg_attr["ksize"] = tfInts({1, 2, 3, 1});
  model.node("avg", "AvgPool", {"max"}, avg_attr);
  model.poseHeads("avg", 3, 8);
  Graph graph = importTfjsModel(model.write());
  const Node& max = nodeNamed(graph, "max");
  EXPECT_EQ(max.kind, OpKind::MaxPool);
  EXPECT_EQ(max.window.kernel_h, 3);
  EXPECT_EQ(max.window.stride_w, 2);
  EXPECT_EQ(max.window.padding, PaddingMode::SameUpper);
  const Node& avg = nodeNamed(graph, "avg");
  EXPECT_EQ(avg.kind, OpKind::AveragePool);
  EXPECT_EQ(avg.window.kernel_h, 2);
  EXPECT_EQ(avg.window.kernel_w, 3);
  EXPECT_EQ(avg.window.padding, PaddingMode::Valid);
  EXPECT_FALSE(avg.count_include_pad);
  EXPECT_EQ(graph.metadata.output_stride, 16);
}

}  // namespace
}  // namespace vkpose::test
