// Semantic checks on models that are well-formed flatbuffers but make no
// sense as a graph: each is refused with a message naming the node or field.
#include <gtest/gtest.h>

#include <utility>

#include "runtime/model/model.h"
#include "tests/support/model_builder.h"

namespace vkpose {
namespace {

// Toy PoseNet nodes: 0 conv0, 1 dw1 (DepthwiseC4), 2 pw1 (DenseC4), 3 dw2,
// 4 pw2, 5 dw3, 6 pw3, 7..10 heads. Tensor i + 1 is node i's output.
Model toy() { return test::toyPoseNet(); }

std::string refusal(const Model& model, const test::SerializeOptions& options = {}) {
  try {
    parseModel(test::serializeModel(model, options), "toy.vkpose");
  } catch (const ModelError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the model loaded; expected a ModelError";
  return {};
}

TEST(ModelValidate, TensorIndexOutOfRange) {
  Model m = toy();
  m.nodes[2].inputs[0] = 99;
  EXPECT_EQ(refusal(m), "toy.vkpose: node 2 'pw1' (Conv2d): input tensor index 99 is out of range (12 tensors)");
  m = toy();
  m.nodes[3].output = 12;
  EXPECT_EQ(refusal(m),
            "toy.vkpose: node 3 'dw2' (DepthwiseConv2d): output tensor index 12 is out of range (12 tensors)");
  m = toy();
  m.outputs[1].tensor = 40;
  EXPECT_EQ(refusal(m), "toy.vkpose: output 1 (offsets): tensor index 40 is out of range (12 tensors)");
}

TEST(ModelValidate, NamesFromTheFileAreEscaped) {
  Model m = toy();
  m.nodes[2].name = "pw1\n\x1b[2J'";
  m.nodes[2].inputs[0] = 99;
  EXPECT_EQ(refusal(m),
            "toy.vkpose: node 2 'pw1\\x0a\\x1b[2J\\x27' (Conv2d): input tensor index 99 is out of range (12 tensors)");
}

TEST(ModelValidate, InputChannelsMustMatchTheProducer) {
  Model m = toy();
  m.nodes[4].in_channels = 12;
  EXPECT_EQ(refusal(m), "toy.vkpose: node 4 'pw2' (Conv2d): has 12 input channels but reads tensor 4 'dw2' with 16");
}

TEST(ModelValidate, NodesMustBeInTopologicalOrder) {
  Model m = toy();
  std::swap(m.nodes[3], m.nodes[4]);
  EXPECT_EQ(refusal(m),
            "toy.vkpose: node 3 'pw2' (Conv2d): reads tensor 4 'dw2' before any node produces it (nodes must be in "
            "topological order)");
}

TEST(ModelValidate, TensorsAreProducedExactlyOnce) {
  Model m = toy();
  m.nodes[4].output = 3;
  EXPECT_EQ(refusal(m), "toy.vkpose: node 4 'pw2' (Conv2d): writes tensor 3 'pw1', already produced by node 2 'pw1' "
                        "(Conv2d)");
  m = toy();
  m.tensors.push_back({"orphan", 4});
  EXPECT_EQ(refusal(m), "toy.vkpose: tensor 12 'orphan' is never produced");
}

TEST(ModelValidate, WeightCountMustMatchLayoutAndShape) {
  Model m = toy();
  m.nodes[6].weights.values.pop_back();
  EXPECT_EQ(refusal(m), "toy.vkpose: node 6 'pw3' (Conv2d): has 383 weights, expected 384 for OIHW 24x16 1x1");
  m = toy();
  m.nodes[1].weights.values.pop_back();
  EXPECT_EQ(refusal(m),
            "toy.vkpose: node 1 'dw1' (DepthwiseConv2d): has 71 weights, expected 72 for DepthwiseC4 8x8 3x3");
  m = toy();
  m.nodes[3].bias.values.push_back(0.f);
  EXPECT_EQ(refusal(m), "toy.vkpose: node 3 'dw2' (DepthwiseConv2d): has 17 bias values, expected 16 for OIHW");
}

TEST(ModelValidate, LayoutMustSuitTheKind) {
  Model m = toy();
  m.nodes[1].weights.layout = WeightLayout::DenseC4;
  EXPECT_EQ(refusal(m),
            "toy.vkpose: node 1 'dw1' (DepthwiseConv2d): weights use layout DenseC4, which is not a DepthwiseConv2d "
            "layout");
}

TEST(ModelValidate, Fp16DataMustMatchItsCount) {
  Model m = toy();
  test::storeAsFp16(m);
  EXPECT_EQ(refusal(m, {.weight_count_skew = 1}),
            "toy.vkpose: node 0 'conv0' (Conv2d): weights hold 432 bytes, but 217 fp16 values need 434");
}

TEST(ModelValidate, UnknownEnumValuesAreNamed) {
  Model m = toy();
  m.nodes[1].kind = static_cast<NodeKind>(9);
  EXPECT_EQ(refusal(m), "toy.vkpose: node 1 'dw1': unknown op kind 9");
  m = toy();
  m.nodes[0].epilogue.activation = static_cast<Activation>(4);
  EXPECT_EQ(refusal(m), "toy.vkpose: node 0 'conv0' (Conv2d): unknown activation 4");
}

TEST(ModelValidate, AddOperandsMustHaveTheSameChannels) {
  Model m = test::emptyModel();
  int a = test::addConv(m, "a", m.input, 8, {});
  int b = test::addConv(m, "b", m.input, 4, {});
  m.outputs = {{OutputRole::Heatmap, test::addAdd(m, "sum", a, b)}};
  EXPECT_EQ(refusal(m), "toy.vkpose: node 2 'sum' (Add): has 8 input channels but reads tensor 2 'b' with 4");
}

TEST(ModelValidate, ActivationsMustBeValid) {
  Model m = toy();
  m.nodes[0].epilogue = {Activation::Clip, 6.f, 0.f};
  EXPECT_EQ(refusal(m), "toy.vkpose: node 0 'conv0' (Conv2d): Clip min 6.000000 is greater than max 0.000000");
  m = test::emptyModel();
  int pooled = test::addPool(m, NodeKind::MaxPool, "pool", m.input, test::sameWindow(2, 2));
  m.nodes[0].epilogue.activation = Activation::Relu;
  m.outputs = {{OutputRole::Heatmap, pooled}};
  EXPECT_EQ(refusal(m), "toy.vkpose: node 0 'pool' (MaxPool): pooling has no activation, but relu is set");
}

TEST(ModelValidate, WindowsMustBeSane) {
  Model m = toy();
  m.nodes[0].window.stride_w = 0;
  EXPECT_EQ(refusal(m), "toy.vkpose: node 0 'conv0' (Conv2d): stride width 0 is out of range (1..1024)");
  m = test::emptyModel();
  WindowSpec padded = test::sameWindow(2, 2, PaddingMode::Explicit);
  padded.pad.left = 2;
  m.outputs = {{OutputRole::Heatmap, test::addPool(m, NodeKind::AveragePool, "pool", m.input, padded)}};
  EXPECT_EQ(refusal(m), "toy.vkpose: node 0 'pool' (AveragePool): padding must be smaller than the 2x2 kernel");
}

TEST(ModelValidate, OutputRolesAreUnique) {
  Model m = toy();
  m.outputs[2].role = OutputRole::Offsets;
  EXPECT_EQ(refusal(m), "toy.vkpose: output 2 (offsets): role already taken by output 1");
}

TEST(ModelValidate, MetadataIsChecked) {
  Model m = toy();
  m.metadata.output_stride = 0;
  EXPECT_EQ(refusal(m), "toy.vkpose: metadata: output stride 0 must be positive");
  m = toy();
  m.metadata.skeleton.push_back({3, 17});
  EXPECT_EQ(refusal(m), "toy.vkpose: metadata: skeleton edge 3-17 is out of range for 17 keypoints");
  m = toy();
  m.metadata.keypoint_names.push_back("tail");
  EXPECT_EQ(refusal(m), "toy.vkpose: heatmap output tensor 8 'heatmap' has 17 channels, expected 18 for 18 keypoints");
  m = toy();
  m.metadata.preprocessing = Preprocessing::ResNet;
  EXPECT_EQ(refusal(m), "toy.vkpose: metadata: ResNet preprocessing needs 3 mean values, has 0");
}

TEST(ModelValidate, InputMustBeAnRgbImage) {
  Model m = toy();
  m.tensors[0].channels = 4;
  EXPECT_EQ(refusal(m), "toy.vkpose: input tensor 0 'image' has 4 channels; the RGB image needs 3");
}

}  // namespace
}  // namespace vkpose
