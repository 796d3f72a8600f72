// ONNX front end: the graph boundary (input layouts, output roles, metadata)
// and the Transpose/Reshape forms accepted as no-ops, with their refusals.
#include <gtest/gtest.h>

#include "converter/onnx_import.h"
#include "tests/support/onnx_fixture.h"

namespace vkpose::test {
namespace {

using convert::Graph;
using convert::OpKind;
using convert::OutputRole;

TEST(OnnxImportLayout, NhwcInputTransposedToNchwBecomesIdentity) {
  OnnxModelBuilder builder;
  builder.input("image_nhwc", {"N", int64_t(385), int64_t(385), int64_t(3)});
  setInts(builder.node("Transpose", {"image_nhwc"}, {"nchw"}, "to_nchw"), "perm", {0, 3, 1, 2});
  builder.conv("stem", "nchw", "features", 3, 8, 3);
  addPoseHeads(builder, "features", 8);
  Graph graph = importOnnxBytes(builder.bytes());
  EXPECT_EQ(graph.tensors[size_t(graph.input)].name, "image_nhwc");
  EXPECT_EQ(graph.tensors[size_t(graph.input)].channels, 3);
  const convert::Node& transpose = irNode(graph, "to_nchw");
  EXPECT_EQ(transpose.kind, OpKind::Identity);
  EXPECT_EQ(transpose.inputs, std::vector<int>{graph.input});
  EXPECT_EQ(irNode(graph, "stem").in_channels, 3);
}

TEST(OnnxImportLayout, TransposeToNhwcProducingGraphOutputIsAccepted) {
  OnnxModelBuilder builder = poseModel();
  // Rename the heatmap head's output and transpose it into the graph output.
  builder.graph().mutable_node(2)->set_output(0, "heatmap_nchw");
  setInts(builder.node("Transpose", {"heatmap_nchw"}, {"heatmap"}, "heatmap_nhwc"), "perm", {0, 2, 3, 1});
  Graph graph = importOnnxBytes(builder.bytes());
  EXPECT_EQ(irNode(graph, "heatmap_nhwc").kind, OpKind::Identity);
  EXPECT_EQ(graph.tensors[size_t(graph.outputs[0].tensor)].name, "heatmap");
  EXPECT_EQ(graph.tensors[size_t(graph.outputs[0].tensor)].channels, 17);
}

TEST(OnnxImportLayout, TransposeElsewhereIsRefused) {
  std::string message =
      onnxImportError(bodyModel(13, 3, [](OnnxModelBuilder& b) {
                        b.node("Relu", {"image"}, {"r"}, "relu");
                        setInts(b.node("Transpose", {"r"}, {"features"}, "mid"), "perm", {0, 2, 3, 1});
                      }).bytes());
  EXPECT_TRUE(mentions(message, {"node 'mid' (Transpose, node 2 of 6)", "perm [0,2,3,1] is not supported",
                                 "runtime keeps every tensor NCHW"}));
}

TEST(OnnxImportLayout, NhwcInputNeedsThePerm0312AndOnlyTransposeReaders) {
  OnnxModelBuilder wrong_perm;
  wrong_perm.input("x", {int64_t(1), "h", "w", int64_t(3)});
  setInts(wrong_perm.node("Transpose", {"x"}, {"features"}, "t"), "perm", {0, 3, 2, 1});
  addPoseHeads(wrong_perm, "features", 3);
  EXPECT_TRUE(mentions(onnxImportError(wrong_perm.bytes()), {"node 't'", "perm [0,3,2,1]", "only [0,3,1,2]"}));

  OnnxModelBuilder mixed;
  mixed.input("x", {int64_t(1), "h", "w", int64_t(3)});
  setInts(mixed.node("Transpose", {"x"}, {"features"}, "t"), "perm", {0, 3, 1, 2});
  mixed.node("Relu", {"x"}, {"r"}, "raw_reader");
  addPoseHeads(mixed, "features", 3);
  EXPECT_TRUE(mentions(onnxImportError(mixed.bytes()), {"node 'raw_reader'", "reads the NHWC graph input 'x'"}));
}

TEST(OnnxImportLayout, NoOpReshapesBecomeIdentity) {
  Graph graph =
      importOnnxBytes(bodyModel(13, 8, [](OnnxModelBuilder& b) {
                        b.conv("stem", "image", "s", 3, 8, 1);
                        b.int64Initializer("same", {4}, {1, 8, 0, 0});
                        b.node("Reshape", {"s", "same"}, {"r1"}, "copy_dims");
                        setInts(b.node("Constant", {}, {"inferred"}, "inferred"), "value_ints", {0, 0, -1, 0});
                        b.node("Reshape", {"r1", "inferred"}, {"features"}, "infer_one");
                      }).bytes());
  EXPECT_EQ(irNode(graph, "copy_dims").kind, OpKind::Identity);
  EXPECT_EQ(irNode(graph, "infer_one").kind, OpKind::Identity);
}

struct ReshapeRefusal {
  std::vector<int64_t> shape;
  const char* why;
};

class OnnxImportReshapeRefusal : public ::testing::TestWithParam<ReshapeRefusal> {};

TEST_P(OnnxImportReshapeRefusal, ExplainsWhyItIsNotANoOp) {
  const ReshapeRefusal& param = GetParam();
  std::string message = onnxImportError(bodyModel(13, 8, [&](OnnxModelBuilder& b) {
                                          b.conv("stem", "image", "s", 3, 8, 1);
                                          b.int64Initializer("shape", {int64_t(param.shape.size())}, param.shape);
                                          b.node("Reshape", {"s", "shape"}, {"features"}, "reshape");
                                        }).bytes());
  EXPECT_TRUE(mentions(message, {"node 'reshape' (Reshape, node 2 of 6)", param.why, "only a Reshape that keeps"}));
}

INSTANTIATE_TEST_SUITE_P(Shapes, OnnxImportReshapeRefusal,
                         ::testing::Values(ReshapeRefusal{{1, -1}, "has rank 2 instead of 4"},
                                           ReshapeRefusal{{1, 8, 17, 17}, "fixes spatial dimension 2 to 17"},
                                           ReshapeRefusal{{1, 4, -1, 0}, "sets 4 channels where the input has 8"},
                                           ReshapeRefusal{{2, 8, 0, 0}, "sets the batch to 2"},
                                           ReshapeRefusal{{1, 8, -1, -1}, "has more than one -1"}));

TEST(OnnxImportLayout, SymbolicBatchAndFixedSizeInputs) {
  auto image_shape = [](OnnxModelBuilder& builder) {
    return builder.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  };
  OnnxModelBuilder symbolic_batch = poseModel();
  image_shape(symbolic_batch)->mutable_dim(0)->set_dim_param("N");
  EXPECT_NO_THROW(importOnnxBytes(symbolic_batch.bytes()));
  OnnxModelBuilder fixed = poseModel();
  image_shape(fixed)->mutable_dim(2)->set_dim_value(257);
  image_shape(fixed)->mutable_dim(3)->set_dim_value(257);
  EXPECT_NO_THROW(importOnnxBytes(fixed.bytes()));
}

TEST(OnnxImportLayout, InitializersListedAsInputsAreNotTheImage) {
  OnnxModelBuilder builder = poseModel();
  builder.input("stem.w", {int64_t(8), int64_t(3), int64_t(3), int64_t(3)});  // IR version 3 style
  Graph graph = importOnnxBytes(builder.bytes());
  EXPECT_EQ(graph.tensors[size_t(graph.input)].name, "image");
}

TEST(OnnxImportLayout, RolesMatchByCaseInsensitiveSubstring) {
  OnnxModelBuilder builder = poseModel();
  const char* names[] = {"MobilenetV1/Heatmap_2/BiasAdd", "MobilenetV1/offset_2/BiasAdd", "DISPLACEMENT_FWD_2",
                         "x/displacement_bwd_2:0"};
  for (int i = 0; i < 4; ++i) {
    builder.graph().mutable_node(2 + i)->set_output(0, names[i]);
    builder.graph().mutable_output(i)->set_name(names[i]);
  }
  Graph graph = importOnnxBytes(builder.bytes());
  const OutputRole roles[] = {OutputRole::Heatmap, OutputRole::Offsets, OutputRole::DisplacementFwd,
                              OutputRole::DisplacementBwd};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(graph.outputs[size_t(i)].role, roles[i]);
    EXPECT_EQ(graph.tensors[size_t(graph.outputs[size_t(i)].tensor)].name, names[i]);
  }
}

TEST(OnnxImportLayout, MetadataProperties) {
  OnnxModelBuilder builder = poseModel();
  builder.metadata("vkpose.preprocessing", "resnet");
  builder.metadata("vkpose.output_stride", "32");
  builder.metadata("vkpose.architecture", "PoseNet ResNet50");
  builder.metadata("vkpose.source", "tests");
  builder.metadata("unrelated", "ignored");
  Graph graph = importOnnxBytes(builder.bytes());
  EXPECT_EQ(graph.metadata.preprocessing, convert::Preprocessing::ResNet);
  EXPECT_EQ(graph.metadata.output_stride, 32);
  EXPECT_EQ(graph.metadata.architecture, "PoseNet ResNet50");
  EXPECT_EQ(graph.metadata.source, "tests");
  EXPECT_EQ(graph.metadata.mean, (std::vector<float>{-123.15f, -115.90f, -103.06f}));

  builder.metadata("vkpose.mean", "-1.5,2,3e1");
  EXPECT_EQ(importOnnxBytes(builder.bytes()).metadata.mean, (std::vector<float>{-1.5f, 2.f, 30.f}));
}

TEST(OnnxImportLayout, MalformedMetadataIsRefused) {
  const std::pair<const char*, const char*> cases[] = {
      {"vkpose.preprocessing", "vgg"}, {"vkpose.output_stride", "16px"}, {"vkpose.output_stride", "0"},
      {"vkpose.mean", "1,2"},          {"vkpose.mean", "1,2,x"},         {"vkpose.mean", "1,2,3,"}};
  for (const auto& [key, value] : cases) {
    OnnxModelBuilder builder = poseModel();
    builder.metadata(key, value);
    EXPECT_TRUE(
        mentions(onnxImportError(builder.bytes()), {std::string("metadata ") + key, std::string("'") + value + "'"}));
  }
}

}  // namespace
}  // namespace vkpose::test
