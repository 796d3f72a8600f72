// ONNX export: standard model structure, ONNX's own checker, refusals, and a
// round trip export -> import that keeps the IR and its weights bit for bit.
#include <gtest/gtest.h>

#include <limits>
#include <map>

#include "converter/onnx_export.h"
#include "converter/onnx_import.h"
#include "tests/support/ir_builder.h"
#include "tests/support/onnx_checker.h"
#include "tests/support/onnx_fixture.h"

namespace vkpose::test {
namespace {

using namespace convert;

// The four heads (1x1 convs) reading `from`.
void addHeads(GraphBuilder& b, int from) {
  const std::pair<OutputRole, int> roles[] = {{OutputRole::Heatmap, 17},
                                              {OutputRole::Offsets, 34},
                                              {OutputRole::DisplacementFwd, 32},
                                              {OutputRole::DisplacementBwd, 32}};
  for (const auto& [role, channels] : roles)
    b.output(role, b.conv(std::string(outputRoleName(role)) + "_head", from, channels, 1));
}

// Every IR node kind and window form, unfused (as a front end emits them).
Graph everyOperatorGraph() {
  GraphBuilder b;
  int x = b.conv("conv_explicit", b.input(), 8, 3);
  Window& explicit_pads = b.node("conv_explicit").window;
  explicit_pads.padding = PaddingMode::Explicit;
  explicit_pads.pad_top = 1;
  explicit_pads.pad_left = 2;
  explicit_pads.pad_right = 1;
  explicit_pads.dilation_h = 2;
  x = b.relu("relu", b.batchNorm("bn", x));
  int clipped = b.clip("clip", b.depthwise("dw_same_upper", x, 3, 2), 0.f, 6.f);
  int y = b.conv("conv_same_lower", clipped, 8, 2);
  b.node("conv_same_lower").window.padding = PaddingMode::SameLower;
  b.node("conv_same_lower").bias.clear();
  x = b.add("add", clipped, b.sigmoid("sigmoid", y));
  x = b.averagePool("avg_pool", b.maxPool("max_pool", x, 3, 1), 2, 2);
  b.node("avg_pool").window.padding = PaddingMode::Valid;
  b.node("avg_pool").count_include_pad = true;
  addHeads(b, b.identity("identity", x));
  b.graph().metadata = {"PoseNet test", "unit test weights", Preprocessing::ResNet, {-1.f, -2.5f, 3.f}, 8};
  return b.graph();
}

onnx::ModelProto parse(const std::vector<uint8_t>& bytes) {
  onnx::ModelProto model;
  EXPECT_TRUE(model.ParseFromArray(bytes.data(), int(bytes.size())));
  return model;
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& candidate : node.attribute())
    if (candidate.name() == name) return &candidate;
  return nullptr;
}

std::string attributeString(const onnx::NodeProto& node, const std::string& name) {
  const auto* found = attribute(node, name);
  return found ? found->s() : "";
}

std::vector<int64_t> attributeInts(const onnx::NodeProto& node, const std::string& name) {
  const auto* found = attribute(node, name);
  return found ? std::vector<int64_t>(found->ints().begin(), found->ints().end()) : std::vector<int64_t>{};
}

void expectSameGraph(const Graph& got, const Graph& want) {
  ASSERT_EQ(got.nodes.size(), want.nodes.size());
  for (size_t i = 0; i < want.nodes.size(); ++i) {
    const Node& a = got.nodes[i];
    const Node& b = want.nodes[i];
    SCOPED_TRACE(b.name);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.inputs, b.inputs);
    EXPECT_EQ(a.output, b.output);
    EXPECT_EQ(got.tensors[size_t(a.output)].channels, want.tensors[size_t(b.output)].channels);
    if (!b.weights.empty()) {
      EXPECT_EQ(std::tie(a.in_channels, a.out_channels), std::tie(b.in_channels, b.out_channels));
    }
    const Window &u = a.window, &v = b.window;
    EXPECT_EQ(std::tie(u.kernel_h, u.kernel_w, u.stride_h, u.stride_w, u.dilation_h, u.dilation_w, u.padding),
              std::tie(v.kernel_h, v.kernel_w, v.stride_h, v.stride_w, v.dilation_h, v.dilation_w, v.padding));
    EXPECT_EQ(std::tie(u.pad_top, u.pad_left, u.pad_bottom, u.pad_right),
              std::tie(v.pad_top, v.pad_left, v.pad_bottom, v.pad_right));
    EXPECT_EQ(a.count_include_pad, b.count_include_pad);
    EXPECT_TRUE(bitIdentical(a.weights, b.weights));
    EXPECT_TRUE(bitIdentical(a.bias, b.bias));
    if (b.kind == OpKind::Clip) {
      EXPECT_EQ(std::tie(a.clip_min, a.clip_max), std::tie(b.clip_min, b.clip_max));
    }
    for (auto member :
         {&BatchNormParams::scale, &BatchNormParams::shift, &BatchNormParams::mean, &BatchNormParams::variance})
      EXPECT_TRUE(bitIdentical(a.batch_norm.*member, b.batch_norm.*member));
    EXPECT_EQ(a.batch_norm.epsilon, b.batch_norm.epsilon);
  }
  ASSERT_EQ(got.outputs.size(), want.outputs.size());
  for (size_t i = 0; i < want.outputs.size(); ++i) {
    EXPECT_EQ(got.outputs[i].role, want.outputs[i].role);
    EXPECT_EQ(got.outputs[i].tensor, want.outputs[i].tensor);
  }
  EXPECT_EQ(got.metadata.preprocessing, want.metadata.preprocessing);
  EXPECT_EQ(got.metadata.output_stride, want.metadata.output_stride);
  EXPECT_EQ(got.metadata.architecture, want.metadata.architecture);
  EXPECT_EQ(got.metadata.source, want.metadata.source);
  EXPECT_EQ(got.metadata.mean, want.metadata.mean);
}

TEST(OnnxExport, ModelHeaderInputOutputsAndMetadata) {
  onnx::ModelProto model = parse(exportOnnx(everyOperatorGraph()));
  EXPECT_EQ(model.ir_version(), 8);
  EXPECT_EQ(model.producer_name(), "vkpose-convert");
  ASSERT_EQ(model.opset_import_size(), 1);
  EXPECT_EQ(model.opset_import(0).domain(), "");
  EXPECT_EQ(model.opset_import(0).version(), 13);
  const auto& graph = model.graph();
  ASSERT_EQ(graph.input_size(), 1);
  EXPECT_EQ(graph.input(0).name(), "image");
  const auto& in_shape = graph.input(0).type().tensor_type().shape();
  ASSERT_EQ(in_shape.dim_size(), 4);
  EXPECT_EQ(in_shape.dim(0).dim_value(), 1);
  EXPECT_EQ(in_shape.dim(1).dim_value(), 3);
  EXPECT_EQ(in_shape.dim(2).dim_param(), "height");
  EXPECT_EQ(in_shape.dim(3).dim_param(), "width");
  const std::pair<const char*, int> outputs[] = {
      {"heatmap", 17}, {"offsets", 34}, {"displacement_fwd", 32}, {"displacement_bwd", 32}};
  ASSERT_EQ(graph.output_size(), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(graph.output(i).name(), outputs[i].first);
    const auto& shape = graph.output(i).type().tensor_type().shape();
    EXPECT_EQ(shape.dim(1).dim_value(), outputs[i].second);
    EXPECT_EQ(shape.dim(2).dim_param(), "out_h");
    EXPECT_EQ(shape.dim(3).dim_param(), "out_w");
  }
  for (const auto& node : graph.node()) EXPECT_EQ(node.domain(), "") << node.name();
  std::map<std::string, std::string> metadata;
  for (const auto& property : model.metadata_props()) metadata[property.key()] = property.value();
  EXPECT_EQ(metadata, (std::map<std::string, std::string>{{"vkpose.preprocessing", "resnet"},
                                                          {"vkpose.output_stride", "8"},
                                                          {"vkpose.architecture", "PoseNet test"},
                                                          {"vkpose.source", "unit test weights"},
                                                          {"vkpose.mean", "-1,-2.5,3"}}));
}

TEST(OnnxExport, PassesOnnxCheckerAndStrictShapeInference) {
  onnx::ModelProto model = parse(exportOnnx(everyOperatorGraph()));
  EXPECT_TRUE(passesOnnxChecks(model));
}

TEST(OnnxExport, StrictShapeInferenceIsLive) {
  onnx::ModelProto model = parse(exportOnnx(everyOperatorGraph()));
  for (auto& node : *model.mutable_graph()->mutable_node())
    if (node.op_type() == "Add") node.set_input(1, "image");  // 8 + 3 channels: structurally fine, shapes not
  EXPECT_FALSE(passesOnnxChecks(model));
}

TEST(OnnxExport, RoundTripKeepsStructureAndWeightsBitForBit) {
  Graph original = everyOperatorGraph();
  // Signed zeros and denormals must survive too.
  original.nodes[0].weights[0] = -0.f;
  original.nodes[0].weights[1] = std::numeric_limits<float>::denorm_min();
  Graph round_trip = importOnnxBytes(exportOnnx(original));
  expectSameGraph(round_trip, original);
}

TEST(OnnxExport, PaddingModesAndDepthwiseGroup) {
  onnx::ModelProto model = parse(exportOnnx(everyOperatorGraph()));
  std::map<std::string, const onnx::NodeProto*> nodes;
  for (const auto& node : model.graph().node()) nodes[node.name()] = &node;
  EXPECT_EQ(attributeString(*nodes["dw_same_upper"], "auto_pad"), "SAME_UPPER");
  EXPECT_EQ(attributeString(*nodes["conv_same_lower"], "auto_pad"), "SAME_LOWER");
  EXPECT_EQ(attributeString(*nodes["avg_pool"], "auto_pad"), "VALID");
  EXPECT_EQ(attributeString(*nodes["conv_explicit"], "auto_pad"), "");
  EXPECT_EQ(attributeInts(*nodes["conv_explicit"], "pads"), (std::vector<int64_t>{1, 2, 0, 1}));
  EXPECT_EQ(attributeInts(*nodes["conv_explicit"], "dilations"), (std::vector<int64_t>{2, 1}));
  ASSERT_NE(attribute(*nodes["dw_same_upper"], "group"), nullptr);
  EXPECT_EQ(attribute(*nodes["dw_same_upper"], "group")->i(), 8);
  EXPECT_EQ(nodes["clip"]->input_size(), 3);  // opset 13 input form
}

TEST(OnnxExport, FusedEpiloguesBecomeActivationNodes) {
  GraphBuilder b;
  int x = b.conv("conv", b.input(), 8, 3, 2);
  b.node("conv").activation = Activation::Clip;  // Relu6
  int y = b.conv("pw", x, 8, 1);
  b.node("pw").activation = Activation::Sigmoid;
  x = b.add("add", x, y);
  b.node("add").activation = Activation::Relu;
  addHeads(b, x);
  const Graph& fused = b.graph();
  std::vector<uint8_t> bytes = exportOnnx(fused);
  onnx::ModelProto model = parse(bytes);
  EXPECT_TRUE(passesOnnxChecks(model));
  std::vector<std::string> ops;
  for (const auto& node : model.graph().node()) ops.push_back(node.op_type());
  EXPECT_EQ(std::vector<std::string>(ops.begin(), ops.begin() + 6),
            (std::vector<std::string>{"Conv", "Clip", "Conv", "Sigmoid", "Add", "Relu"}));

  Graph imported = importOnnxBytes(bytes);
  ASSERT_EQ(imported.nodes.size(), fused.nodes.size() + 3);
  const Node& clip = imported.nodes[1];
  EXPECT_EQ(clip.kind, OpKind::Clip);
  EXPECT_EQ(std::make_pair(clip.clip_min, clip.clip_max), std::make_pair(0.f, 6.f));
  EXPECT_EQ(imported.nodes[0].activation, Activation::None);
  EXPECT_TRUE(bitIdentical(imported.nodes[0].weights, fused.nodes[0].weights));
}

TEST(OnnxExport, InfiniteClipBoundsAreLeftOut) {
  GraphBuilder b;
  addHeads(b, b.clip("clip", b.input(), -std::numeric_limits<float>::infinity(), 1.f));
  std::vector<uint8_t> bytes = exportOnnx(b.graph());
  EXPECT_EQ(parse(bytes).graph().node(0).input(1), "");
  Graph graph = importOnnxBytes(bytes);
  const Node& imported = irNode(graph, "clip");
  EXPECT_EQ(std::make_pair(imported.clip_min, imported.clip_max),
            std::make_pair(-std::numeric_limits<float>::infinity(), 1.f));
}

TEST(OnnxExport, SharedOutputTensorIsRenamedByIdentity) {
  GraphBuilder b;
  addHeads(b, b.input());
  auto& outputs = b.graph().outputs;
  outputs[1].tensor = outputs[2].tensor;  // offsets and displacement_fwd share a tensor
  onnx::ModelProto model = parse(exportOnnx(b.graph()));
  EXPECT_TRUE(passesOnnxChecks(model));
  int identities = 0;
  for (const auto& node : model.graph().node()) identities += node.op_type() == "Identity" ? 1 : 0;
  EXPECT_EQ(identities, 2);
}

TEST(OnnxExport, RefusesReLaidOutOrFp16Weights) {
  Graph relaid = everyOperatorGraph();
  relaid.nodes[0].layout = WeightLayout::DenseC4;
  try {
    exportOnnx(relaid);
    FAIL() << "no error";
  } catch (const ConvertError& error) {
    EXPECT_TRUE(mentions(error.what(), {"node 'conv_explicit'", "ONNX needs OIHW"}));
  }
  Graph fp16 = everyOperatorGraph();
  fp16.nodes[3].weight_type = WeightType::Float16;
  try {
    exportOnnx(fp16);
    FAIL() << "no error";
  } catch (const ConvertError& error) {
    EXPECT_TRUE(mentions(error.what(), {"node 'dw_same_upper'", "marked for fp16"}));
  }
}

}  // namespace
}  // namespace vkpose::test
