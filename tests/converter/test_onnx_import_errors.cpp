// ONNX front end on bad input: every refusal is a ConvertError whose message
// names the file, node, tensor or field at fault; nothing crashes.
#include <gtest/gtest.h>

#include <random>

#include "converter/onnx_import.h"
#include "tests/support/onnx_fixture.h"

namespace vkpose::test {
namespace {

using convert::ConvertError;

onnx::NodeProto& protoNode(OnnxModelBuilder& builder, const std::string& name) {
  for (auto& node : *builder.graph().mutable_node())
    if (node.name() == name) return node;
  throw std::runtime_error("fixture has no node " + name);
}

onnx::TensorProto& protoInitializer(OnnxModelBuilder& builder, const std::string& name) {
  for (auto& tensor : *builder.graph().mutable_initializer())
    if (tensor.name() == name) return tensor;
  throw std::runtime_error("fixture has no initializer " + name);
}

TEST(OnnxImportErrors, MissingFile) {
  convert::Log log;
  try {
    convert::importOnnx("/nonexistent/dir/model.onnx", log);
    FAIL() << "no error";
  } catch (const ConvertError& error) {
    EXPECT_TRUE(mentions(error.what(), {"/nonexistent/dir/model.onnx", "cannot open"}));
  }
}

TEST(OnnxImportErrors, TruncatedFile) {
  std::vector<uint8_t> bytes = poseModel().bytes();
  bytes.resize(bytes.size() / 2);  // inside an initializer's raw_data
  EXPECT_TRUE(mentions(onnxImportError(bytes), {".onnx is not a valid ONNX model (protobuf parse failed)"}));
}

TEST(OnnxImportErrors, RandomBytesAndEmptyFile) {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    std::mt19937 random(seed);
    std::vector<uint8_t> bytes(size_t(1 + random() % 4096));
    for (auto& byte : bytes) byte = uint8_t(random());
    std::string message = onnxImportError(bytes);
    EXPECT_TRUE(mentions(message, {".onnx"})) << "seed " << seed;
  }
  EXPECT_TRUE(mentions(onnxImportError({}), {".onnx: model has no graph (not an ONNX model?)"}));
}

TEST(OnnxImportErrors, NoOpset) {
  OnnxModelBuilder builder = poseModel();
  builder.model().clear_opset_import();
  EXPECT_TRUE(mentions(onnxImportError(builder.bytes()), {"declares no ai.onnx opset"}));
}

TEST(OnnxImportErrors, MissingInitializerAndMissingInput) {
  OnnxModelBuilder no_weights = poseModel();
  no_weights.graph().mutable_initializer()->erase(no_weights.graph().mutable_initializer()->begin());
  EXPECT_TRUE(mentions(onnxImportError(no_weights.bytes()),
                       {"node 'stem' (Conv, node 1 of 6)", "weights 'stem.w' is not an initializer"}));

  OnnxModelBuilder no_input = poseModel();
  protoNode(no_input, "stem_relu").set_input(0, "nowhere");
  EXPECT_TRUE(mentions(onnxImportError(no_input.bytes()),
                       {"node 'stem_relu' (Relu, node 2 of 6)", "input 'nowhere' is not a graph input"}));
}

TEST(OnnxImportErrors, UnsupportedOperatorNamedWithPosition) {
  std::string message = onnxImportError(bodyModel(13, 3, [](OnnxModelBuilder& b) {
                                          b.node("Relu", {"image"}, {"r"}, "relu");
                                          b.node("Softmax", {"r"}, {"features"}, "foo");
                                        }).bytes());
  EXPECT_TRUE(mentions(message, {"unsupported operator 'Softmax' in node 'foo' (node 2 of 6)"}));

  std::string unnamed = onnxImportError(bodyModel(13, 3, [](OnnxModelBuilder& b) {
                                          b.node("Softmax", {"image"}, {"features"}).set_domain("com.example");
                                        }).bytes());
  EXPECT_TRUE(mentions(unnamed, {"unsupported operator 'com.example.Softmax' in node <unnamed, output 'features'> "
                                 "(node 1 of 5)"}));
}

TEST(OnnxImportErrors, InputShapeProblems) {
  const std::pair<std::vector<OnnxDim>, const char*> cases[] = {
      {{int64_t(1), int64_t(3), "h"}, "input 'image' has rank 3; expected a 4-D image [N,3,H,W]"},
      {{int64_t(1), int64_t(4), "h", "w"}, "input 'image' has 4 at dimension 1; expected 3"},
      {{int64_t(2), int64_t(3), "h", "w"}, "input 'image' has 2 at dimension 0; expected 1"},
      {{int64_t(1), int64_t(3), int64_t(0), "w"}, "input 'image' has size 0 at dimension 2"}};
  for (const auto& [dims, expected] : cases) {
    OnnxModelBuilder builder = poseModel();
    builder.graph().clear_input();
    builder.input("image", dims);
    EXPECT_TRUE(mentions(onnxImportError(builder.bytes()), {expected}));
  }
  OnnxModelBuilder two_inputs = poseModel();
  two_inputs.input("mask", {int64_t(1), int64_t(1), "h", "w"});
  EXPECT_TRUE(mentions(onnxImportError(two_inputs.bytes()), {"graph has 2 inputs ('image', 'mask')"}));
}

TEST(OnnxImportErrors, InitializerDtypeAndSize) {
  OnnxModelBuilder fp16 = poseModel();
  protoInitializer(fp16, "stem.w").set_data_type(onnx::TensorProto::FLOAT16);
  EXPECT_TRUE(mentions(onnxImportError(fp16.bytes()),
                       {"node 'stem' (Conv, node 1 of 6)", "tensor 'stem.w' has dtype FLOAT16, expected FLOAT"}));

  OnnxModelBuilder short_raw = poseModel();
  protoInitializer(short_raw, "stem.b").mutable_raw_data()->resize(12);
  EXPECT_TRUE(mentions(onnxImportError(short_raw.bytes()), {"tensor 'stem.b' has 12 bytes of raw_data, expected 32"}));

  OnnxModelBuilder negative_dim = poseModel();
  protoInitializer(negative_dim, "stem.w").set_dims(0, -8);
  EXPECT_TRUE(mentions(onnxImportError(negative_dim.bytes()), {"tensor 'stem.w' has negative dimension -8"}));

  OnnxModelBuilder huge = poseModel();
  protoInitializer(huge, "stem.w").set_dims(0, int64_t(1) << 40);
  EXPECT_TRUE(mentions(onnxImportError(huge.bytes()), {"tensor 'stem.w' is too large"}));

  OnnxModelBuilder external = poseModel();
  protoInitializer(external, "stem.w").set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_TRUE(mentions(onnxImportError(external.bytes()), {"tensor 'stem.w' keeps its data in an external file"}));
}

TEST(OnnxImportErrors, ConvForms) {
  OnnxModelBuilder grouped = bodyModel(13, 8, [](OnnxModelBuilder& b) {
    b.conv("stem", "image", "s", 3, 8, 1);
    b.conv("grouped", "s", "features", 8, 8, 3, /*group=*/2);
  });
  EXPECT_TRUE(mentions(onnxImportError(grouped.bytes()),
                       {"node 'grouped'", "group 2 with 8 input and 8 output channels is not supported"}));

  OnnxModelBuilder kernel = poseModel();
  setInts(protoNode(kernel, "stem"), "kernel_shape", {5, 5});
  EXPECT_TRUE(mentions(onnxImportError(kernel.bytes()), {"kernel_shape [5,5] disagrees with weights 'stem.w' (3x3)"}));

  OnnxModelBuilder channels = poseModel();
  protoNode(channels, "heatmap_conv").set_input(0, "image");
  EXPECT_TRUE(
      mentions(onnxImportError(channels.bytes()),
               {"node 'heatmap_conv'", "weights 'heatmap_conv.w' expect 8 input channels but the input has 3"}));

  OnnxModelBuilder pads = poseModel();
  setInts(protoNode(pads, "stem"), "pads", {1, 1, 1});
  EXPECT_TRUE(mentions(onnxImportError(pads.bytes()), {"pads [1,1,1] conflict with auto_pad 'SAME_UPPER'"}));

  OnnxModelBuilder auto_pad = poseModel();
  protoNode(auto_pad, "stem").mutable_attribute(0)->set_s("SAME");
  EXPECT_TRUE(mentions(onnxImportError(auto_pad.bytes()), {"auto_pad 'SAME' is not one of"}));

  OnnxModelBuilder wrong_type = poseModel();
  setInt(protoNode(wrong_type, "heatmap_conv"), "strides", 2);
  EXPECT_TRUE(mentions(onnxImportError(wrong_type.bytes()),
                       {"node 'heatmap_conv'", "attribute 'strides' is INT, expected INTS"}));

  OnnxModelBuilder conv1d = poseModel();
  setInts(protoNode(conv1d, "heatmap_conv"), "strides", {1, 1, 1});
  EXPECT_TRUE(mentions(onnxImportError(conv1d.bytes()), {"strides [1,1,1] has 3 values; only 2-D"}));
}

TEST(OnnxImportErrors, PoolForms) {
  auto pool_error = [](const std::function<void(onnx::NodeProto&)>& configure) {
    return onnxImportError(bodyModel(13, 3, [&](OnnxModelBuilder& b) {
                             auto& pool = b.node("MaxPool", {"image"}, {"features"}, "pool");
                             setInts(pool, "kernel_shape", {2, 2});
                             configure(pool);
                           }).bytes());
  };
  EXPECT_TRUE(mentions(pool_error([](onnx::NodeProto& p) { setInt(p, "ceil_mode", 1); }),
                       {"node 'pool' (MaxPool, node 1 of 5)", "ceil_mode 1 is not supported"}));
  EXPECT_TRUE(mentions(pool_error([](onnx::NodeProto& p) {
                         setInts(p, "dilations", {2, 2});
                       }),
                       {"dilations [2,2] are not supported for pooling"}));
  EXPECT_TRUE(mentions(pool_error([](onnx::NodeProto& p) { p.add_output("indices"); }), {"extra output 'indices'"}));
  EXPECT_TRUE(mentions(pool_error([](onnx::NodeProto& p) { p.clear_attribute(); }), {"has no kernel_shape"}));
}

TEST(OnnxImportErrors, BatchNormTrainingForm) {
  std::string message = onnxImportError(
      bodyModel(15, 3, [](OnnxModelBuilder& b) {
        for (const char* name : {"s", "b", "m", "v"}) b.initializer(name, {3}, {1, 1, 1});
        setInt(b.node("BatchNormalization", {"image", "s", "b", "m", "v"}, {"features"}, "bn"), "training_mode", 1);
      }).bytes());
  EXPECT_TRUE(mentions(message, {"node 'bn'", "training_mode 1 is not supported"}));

  std::string negative =
      onnxImportError(bodyModel(13, 3, [](OnnxModelBuilder& b) {
                        for (const char* name : {"s", "b", "m"}) b.initializer(name, {3}, {1, 1, 1});
                        b.initializer("v", {3}, {1, -2, 1});
                        b.node("BatchNormalization", {"image", "s", "b", "m", "v"}, {"features"}, "bn");
                      }).bytes());
  EXPECT_TRUE(mentions(negative, {"var + epsilon is", "at channel 1"}));
}

TEST(OnnxImportErrors, AddAndClipForms) {
  std::string constant = onnxImportError(bodyModel(13, 3, [](OnnxModelBuilder& b) {
                                           b.initializer("bias", {1, 3, 1, 1}, {1, 2, 3});
                                           b.node("Add", {"image", "bias"}, {"features"}, "add_bias");
                                         }).bytes());
  EXPECT_TRUE(mentions(constant, {"node 'add_bias'", "adds the constant 'bias'"}));

  std::string broadcast = onnxImportError(bodyModel(13, 8, [](OnnxModelBuilder& b) {
                                            b.conv("stem", "image", "s", 3, 8, 1);
                                            b.node("Add", {"s", "image"}, {"features"}, "add");
                                          }).bytes());
  EXPECT_TRUE(mentions(broadcast, {"node 'add'", "adds 8 channels to 3; broadcasting is not supported"}));

  std::string reversed = onnxImportError(bodyModel(13, 3, [](OnnxModelBuilder& b) {
                                           b.initializer("lo", {}, {6});
                                           b.initializer("hi", {}, {0});
                                           b.node("Clip", {"image", "lo", "hi"}, {"features"}, "clip");
                                         }).bytes());
  EXPECT_TRUE(mentions(reversed, {"node 'clip'", "are not an ordered range"}));

  std::string computed = onnxImportError(bodyModel(13, 3, [](OnnxModelBuilder& b) {
                                           b.node("Relu", {"image"}, {"r"}, "relu");
                                           b.node("Clip", {"image", "r"}, {"features"}, "clip");
                                         }).bytes());
  EXPECT_TRUE(mentions(computed, {"node 'clip'", "min 'r' is computed by the graph"}));
}

TEST(OnnxImportErrors, OutputRoles) {
  OnnxModelBuilder missing = poseModel();
  missing.graph().mutable_output()->RemoveLast();
  EXPECT_TRUE(mentions(onnxImportError(missing.bytes()),
                       {"graph outputs must be exactly heatmap, offsets, displacement_fwd and displacement_bwd",
                        "found 'heatmap' (heatmap), 'offsets' (offsets), 'displacement_fwd' (displacement_fwd)"}));

  OnnxModelBuilder extra = poseModel();
  extra.output("features");
  EXPECT_TRUE(mentions(onnxImportError(extra.bytes()), {"'features' (no role)"}));

  OnnxModelBuilder unproduced = poseModel();
  unproduced.graph().mutable_output(0)->set_name("heatmap_missing");
  EXPECT_TRUE(mentions(onnxImportError(unproduced.bytes()), {"graph output 'heatmap_missing' is not produced"}));
}

TEST(OnnxImportErrors, DuplicateOutputName) {
  OnnxModelBuilder builder = poseModel();
  protoNode(builder, "stem_relu").set_output(0, "stem_out");
  EXPECT_TRUE(mentions(onnxImportError(builder.bytes()),
                       {"node 'stem_relu'", "output 'stem_out' is already defined earlier in the graph"}));
}

}  // namespace
}  // namespace vkpose::test
