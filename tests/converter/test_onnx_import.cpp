// ONNX front end: every supported operator and attribute form maps onto the
// IR as the runtime will execute it. Bad input: test_onnx_import_errors.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "converter/onnx_import.h"
#include "tests/support/onnx_fixture.h"
#include "tests/support/test_data.h"

namespace vkpose::test {
namespace {

using convert::Activation;
using convert::Graph;
using convert::Node;
using convert::OpKind;
using convert::OutputRole;
using convert::PaddingMode;

constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> initializerValues(const OnnxModelBuilder& builder, const std::string& name) {
  for (const auto& tensor : builder.model().graph().initializer()) {
    if (tensor.name() != name) continue;
    if (tensor.raw_data().empty()) return {tensor.float_data().begin(), tensor.float_data().end()};
    std::vector<float> values(tensor.raw_data().size() / sizeof(float));
    std::memcpy(values.data(), tensor.raw_data().data(), tensor.raw_data().size());
    return values;
  }
  ADD_FAILURE() << "no initializer " << name;
  return {};
}

Graph importBody(int opset, int channels, const std::function<void(OnnxModelBuilder&)>& build) {
  return importOnnxBytes(bodyModel(opset, channels, build).bytes());
}

TEST(OnnxImport, PoseModelStructureRolesAndDefaults) {
  OnnxModelBuilder builder = poseModel();
  convert::Log log;
  Graph graph = importOnnxBytes(builder.bytes(), &log);
  ASSERT_EQ(graph.nodes.size(), 6u);
  EXPECT_EQ(graph.tensors[size_t(graph.input)].name, "image");
  EXPECT_EQ(graph.tensors[size_t(graph.input)].channels, 3);
  const Node& stem = irNode(graph, "stem");
  EXPECT_EQ(stem.kind, OpKind::Conv2d);
  EXPECT_EQ(stem.window.padding, PaddingMode::SameUpper);
  EXPECT_EQ(stem.window.stride_h, 2);
  EXPECT_EQ(irNode(graph, "stem_relu").kind, OpKind::Relu);
  const std::pair<OutputRole, int> expected[] = {{OutputRole::Heatmap, 17},
                                                 {OutputRole::Offsets, 34},
                                                 {OutputRole::DisplacementFwd, 32},
                                                 {OutputRole::DisplacementBwd, 32}};
  ASSERT_EQ(graph.outputs.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(graph.outputs[i].role, expected[i].first);
    EXPECT_EQ(graph.tensors[size_t(graph.outputs[i].tensor)].channels, expected[i].second);
  }
  EXPECT_EQ(graph.metadata.preprocessing, convert::Preprocessing::MobileNet);
  EXPECT_EQ(graph.metadata.output_stride, 16);
  EXPECT_TRUE(mentions(graph.metadata.source, {"ONNX model", "vkpose-tests"}));
  ASSERT_FALSE(log.lines().empty());
  EXPECT_TRUE(mentions(log.lines().back(), {"opset 13", "6 ONNX nodes -> 6 IR nodes"}));
}

TEST(OnnxImport, ConvAttributesPadsOrderAndWeights) {
  OnnxModelBuilder builder;
  builder.input("image", {int64_t(1), int64_t(3), int64_t(257), int64_t(257)});
  builder.initializer("w", {8, 3, 3, 5}, randomFloats(8 * 3 * 3 * 5, 11));
  builder.initializer("b", {8}, randomFloats(8, 12));
  auto& conv = builder.node("Conv", {"image", "w", "b"}, {"features"}, "conv");
  setInts(conv, "kernel_shape", {3, 5});
  setInts(conv, "strides", {2, 1});
  setInts(conv, "dilations", {2, 3});
  setInts(conv, "pads", {1, 2, 3, 4});  // x1_begin, x2_begin, x1_end, x2_end
  addPoseHeads(builder, "features", 8);
  Graph graph = importOnnxBytes(builder.bytes());
  const Node& node = irNode(graph, "conv");
  EXPECT_EQ(node.kind, OpKind::Conv2d);
  EXPECT_EQ(node.in_channels, 3);
  EXPECT_EQ(node.out_channels, 8);
  const convert::Window& w = node.window;
  EXPECT_EQ(std::tie(w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, w.dilation_h, w.dilation_w),
            std::make_tuple(3, 5, 2, 1, 2, 3));
  EXPECT_EQ(w.padding, PaddingMode::Explicit);
  EXPECT_EQ(std::tie(w.pad_top, w.pad_left, w.pad_bottom, w.pad_right), std::make_tuple(1, 2, 3, 4));
  EXPECT_TRUE(bitIdentical(node.weights, initializerValues(builder, "w")));
  EXPECT_TRUE(bitIdentical(node.bias, initializerValues(builder, "b")));
}

struct AutoPadCase {
  const char* auto_pad;
  PaddingMode mode;
};

class OnnxImportAutoPad : public ::testing::TestWithParam<AutoPadCase> {};

TEST_P(OnnxImportAutoPad, ConvAndPoolPaddingMode) {
  const AutoPadCase& param = GetParam();
  Graph graph = importBody(13, 8, [&](OnnxModelBuilder& b) {
    setString(b.conv("conv", "image", "c", 3, 8, 3), "auto_pad", param.auto_pad);
    auto& pool = b.node("MaxPool", {"c"}, {"features"}, "pool");
    setInts(pool, "kernel_shape", {2, 2});
    setString(pool, "auto_pad", param.auto_pad);
  });
  EXPECT_EQ(irNode(graph, "conv").window.padding, param.mode);
  EXPECT_EQ(irNode(graph, "pool").window.padding, param.mode);
}

INSTANTIATE_TEST_SUITE_P(AllModes, OnnxImportAutoPad,
                         ::testing::Values(AutoPadCase{"SAME_UPPER", PaddingMode::SameUpper},
                                           AutoPadCase{"SAME_LOWER", PaddingMode::SameLower},
                                           AutoPadCase{"VALID", PaddingMode::Valid},
                                           AutoPadCase{"NOTSET", PaddingMode::Explicit}));

TEST(OnnxImport, ConvKernelFromWeightsNoBiasAndFloatData) {
  OnnxModelBuilder builder;
  builder.input("image", {int64_t(1), int64_t(3), "h", "w"});
  std::vector<float> weights = randomFloats(8 * 3 * 7 * 1, 21);
  builder.initializer("w", {8, 3, 7, 1}, weights, /*raw=*/false);
  builder.node("Conv", {"image", "w"}, {"features"}, "conv");
  addPoseHeads(builder, "features", 8);
  Graph graph = importOnnxBytes(builder.bytes());
  const Node& node = irNode(graph, "conv");
  EXPECT_EQ(node.window.kernel_h, 7);
  EXPECT_EQ(node.window.kernel_w, 1);
  EXPECT_TRUE(node.bias.empty());
  EXPECT_TRUE(bitIdentical(node.weights, weights));
}

TEST(OnnxImport, GroupEqualToChannelsIsDepthwise) {
  Graph graph = importBody(13, 8, [](OnnxModelBuilder& b) {
    b.conv("stem", "image", "s", 3, 8, 1);
    b.conv("dw", "s", "features", 8, 8, 3, /*group=*/8);
  });
  const Node& dw = irNode(graph, "dw");
  EXPECT_EQ(dw.kind, OpKind::DepthwiseConv2d);
  EXPECT_EQ(dw.in_channels, 8);
  EXPECT_EQ(dw.weights.size(), 8u * 9u);
}

TEST(OnnxImport, BatchNormalizationParameters) {
  OnnxModelBuilder builder;
  builder.input("image", {int64_t(1), int64_t(3), "h", "w"});
  const char* names[] = {"scale", "B", "mean", "var"};
  for (int i = 0; i < 4; ++i) builder.initializer(names[i], {3}, randomFloats(3, uint32_t(30 + i), 0.5f, 2.f));
  setFloat(builder.node("BatchNormalization", {"image", "scale", "B", "mean", "var"}, {"features"}, "bn"), "epsilon",
           1e-3f);
  addPoseHeads(builder, "features", 3);
  Graph graph = importOnnxBytes(builder.bytes());
  const Node& bn = irNode(graph, "bn");
  EXPECT_EQ(bn.kind, OpKind::BatchNorm);
  EXPECT_FLOAT_EQ(bn.batch_norm.epsilon, 1e-3f);
  EXPECT_TRUE(bitIdentical(bn.batch_norm.scale, initializerValues(builder, "scale")));
  EXPECT_TRUE(bitIdentical(bn.batch_norm.shift, initializerValues(builder, "B")));
  EXPECT_TRUE(bitIdentical(bn.batch_norm.mean, initializerValues(builder, "mean")));
  EXPECT_TRUE(bitIdentical(bn.batch_norm.variance, initializerValues(builder, "var")));
}

TEST(OnnxImport, ReluSigmoidAddIdentity) {
  Graph graph = importBody(13, 8, [](OnnxModelBuilder& b) {
    b.conv("stem", "image", "s", 3, 8, 1);
    b.node("Relu", {"s"}, {"r"}, "relu");
    b.node("Sigmoid", {"s"}, {"g"}, "sigmoid");
    b.node("Add", {"r", "g"}, {"a"}, "add");
    b.node("Identity", {"a"}, {"features"}, "identity");
  });
  EXPECT_EQ(irNode(graph, "relu").kind, OpKind::Relu);
  EXPECT_EQ(irNode(graph, "sigmoid").kind, OpKind::Sigmoid);
  const Node& add = irNode(graph, "add");
  EXPECT_EQ(add.kind, OpKind::Add);
  ASSERT_EQ(add.inputs.size(), 2u);
  EXPECT_EQ(graph.tensors[size_t(add.inputs[0])].name, "r");
  EXPECT_EQ(graph.tensors[size_t(add.inputs[1])].name, "g");
  EXPECT_EQ(irNode(graph, "identity").kind, OpKind::Identity);
}

TEST(OnnxImport, IdentityOnAnInitializerStaysAConstant) {
  OnnxModelBuilder builder;
  builder.input("image", {int64_t(1), int64_t(3), "h", "w"});
  builder.initializer("w", {8, 3, 1, 1}, randomFloats(24, 41));
  builder.node("Identity", {"w"}, {"w_copy"}, "weights_identity");
  builder.node("Conv", {"image", "w_copy"}, {"features"}, "conv");
  addPoseHeads(builder, "features", 8);
  Graph graph = importOnnxBytes(builder.bytes());
  EXPECT_EQ(graph.nodes.size(), 5u);  // conv and heads; no Identity node
  EXPECT_TRUE(bitIdentical(irNode(graph, "conv").weights, initializerValues(builder, "w")));
}

TEST(OnnxImport, ClipAttributeFormBeforeOpset11) {
  Graph graph = importBody(6, 3, [](OnnxModelBuilder& b) {
    auto& relu6 = b.node("Clip", {"image"}, {"c"}, "relu6");
    setFloat(relu6, "min", 0.f);
    setFloat(relu6, "max", 6.f);
    setFloat(b.node("Clip", {"c"}, {"features"}, "floor_only"), "min", -1.f);
  });
  const Node& relu6 = irNode(graph, "relu6");
  EXPECT_EQ(relu6.kind, OpKind::Clip);
  EXPECT_EQ(std::make_pair(relu6.clip_min, relu6.clip_max), std::make_pair(0.f, 6.f));
  EXPECT_EQ(std::make_pair(irNode(graph, "floor_only").clip_min, irNode(graph, "floor_only").clip_max),
            std::make_pair(-1.f, kInf));
}

TEST(OnnxImport, ClipInputFormFromInitializersAndConstants) {
  Graph graph = importBody(13, 3, [](OnnxModelBuilder& b) {
    b.initializer("lo", {}, {0.f});
    b.initializer("hi", {}, {6.f});
    b.node("Clip", {"image", "lo", "hi"}, {"c1"}, "from_initializers");
    onnx::TensorProto bound;
    bound.set_data_type(onnx::TensorProto::FLOAT);
    bound.add_float_data(-2.f);
    setTensor(b.node("Constant", {}, {"k_lo"}, "k_lo"), "value", bound);
    setFloat(b.node("Constant", {}, {"k_hi"}, "k_hi"), "value_float", 3.f);
    b.node("Clip", {"c1", "k_lo", "k_hi"}, {"c2"}, "from_constants");
    b.node("Clip", {"c2", "", "hi"}, {"c3"}, "max_only");
    b.node("Clip", {"c3", "lo"}, {"c4"}, "min_only");
    b.int64Initializer("int_hi", {}, {4});
    b.node("Clip", {"c4", "", "int_hi"}, {"c5"}, "int64_bound");
    b.node("Clip", {"c5"}, {"features"}, "unbounded");
  });
  auto bounds = [&](const char* name) {
    const Node& node = irNode(graph, name);
    return std::make_pair(node.clip_min, node.clip_max);
  };
  EXPECT_EQ(bounds("from_initializers"), std::make_pair(0.f, 6.f));
  EXPECT_EQ(bounds("from_constants"), std::make_pair(-2.f, 3.f));
  EXPECT_EQ(bounds("max_only"), std::make_pair(-kInf, 6.f));
  EXPECT_EQ(bounds("min_only"), std::make_pair(0.f, kInf));
  EXPECT_EQ(bounds("int64_bound"), std::make_pair(-kInf, 4.f));
  EXPECT_EQ(bounds("unbounded"), std::make_pair(-kInf, kInf));
  EXPECT_EQ(graph.nodes.size(), 10u);  // six Clips and the heads; Constant nodes leave none
}

TEST(OnnxImport, PoolAttributes) {
  Graph graph = importBody(13, 3, [](OnnxModelBuilder& b) {
    auto& max_pool = b.node("MaxPool", {"image"}, {"m"}, "max");
    setInts(max_pool, "kernel_shape", {3, 2});
    setInts(max_pool, "strides", {2, 1});
    setInts(max_pool, "pads", {1, 0, 1, 1});
    setInt(max_pool, "ceil_mode", 0);
    setInts(max_pool, "dilations", {1, 1});
    auto& avg_pool = b.node("AveragePool", {"m"}, {"features"}, "avg");
    setInts(avg_pool, "kernel_shape", {3, 3});
    setString(avg_pool, "auto_pad", "SAME_LOWER");
    setInt(avg_pool, "count_include_pad", 1);
  });
  const Node& max_pool = irNode(graph, "max");
  EXPECT_EQ(max_pool.kind, OpKind::MaxPool);
  const convert::Window& w = max_pool.window;
  EXPECT_EQ(std::tie(w.kernel_h, w.kernel_w, w.stride_h, w.stride_w), std::make_tuple(3, 2, 2, 1));
  EXPECT_EQ(std::tie(w.pad_top, w.pad_left, w.pad_bottom, w.pad_right), std::make_tuple(1, 0, 1, 1));
  const Node& avg_pool = irNode(graph, "avg");
  EXPECT_EQ(avg_pool.kind, OpKind::AveragePool);
  EXPECT_EQ(avg_pool.window.padding, PaddingMode::SameLower);
  EXPECT_TRUE(avg_pool.count_include_pad);
  EXPECT_FALSE(max_pool.count_include_pad);
}

}  // namespace
}  // namespace vkpose::test
