// Bad TF.js models: each is refused with a ConvertError naming the file,
// node, weight or shard at fault, and nothing else escapes (ASan-clean).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>

#include "converter/tfjs_import.h"
#include "tests/support/tfjs_fixture.h"

namespace vkpose::test {
namespace {

using nlohmann::json;

::testing::AssertionResult mentions(const std::string& message, std::initializer_list<std::string> fragments) {
  for (const std::string& fragment : fragments)
    if (message.find(fragment) == std::string::npos)
      return ::testing::AssertionFailure() << "\"" << message << "\" does not mention \"" << fragment << "\"";
  return ::testing::AssertionSuccess();
}

// image -> 3x3 conv "conv" (3 -> 4 channels) -> the heads: imports as is.
std::string writeValidModel(TfjsModel& model) {
  model.placeholder("image", {1, -1, -1, 3});
  model.conv("conv", "_FusedConv2D", "image", {3, 3, 3, 4}, windowAttr(), {"Relu6"});
  model.poseHeads("conv", 4);
  return model.write();
}

json& nodeJson(TfjsModel& model, const std::string& name) {
  for (json& node : model.modelJson()["modelTopology"]["node"])
    if (node["name"] == name) return node;
  throw std::invalid_argument("no node " + name);
}

// Rewrites model.json after `edit` and returns the import error.
template <typename Edit>
std::string errorAfter(TfjsModel& model, Edit edit) {
  std::string path = writeValidModel(model);
  edit(model.modelJson());
  model.rewriteJson();
  return tfjsImportError(path);
}

TEST(TfjsImportErrors, ValidModelImports) {
  TfjsModel model;
  EXPECT_EQ(tfjsImportError(writeValidModel(model)), "(no error)");
}

TEST(TfjsImportErrors, MissingModelJson) {
  TfjsModel model;
  std::string path = (model.dir() / "absent.json").string();
  EXPECT_TRUE(mentions(tfjsImportError(path), {"cannot open TF.js model", path}));
  EXPECT_TRUE(mentions(tfjsImportError(model.dir().string()), {"cannot open TF.js model"}));
}

TEST(TfjsImportErrors, InvalidJson) {
  TfjsModel model;
  std::string path = (model.dir() / "model.json").string();
  std::ofstream(path) << "{\"format\": \"graph-model\", \"modelTopology\": ";
  EXPECT_TRUE(mentions(tfjsImportError(path), {path, "is not valid JSON"}));
  std::ofstream(path) << "[1, 2]";
  EXPECT_TRUE(mentions(tfjsImportError(path), {"not a TF.js model.json"}));
}

TEST(TfjsImportErrors, NotAGraphModel) {
  TfjsModel model;
  EXPECT_TRUE(mentions(errorAfter(model, [](json& j) { j["format"] = "layers-model"; }),
                       {"\"layers-model\"", "only TF.js graph models"}));
  TfjsModel other;
  EXPECT_TRUE(mentions(errorAfter(other, [](json& j) { j.erase("modelTopology"); }), {"no 'node' list"}));
}

TEST(TfjsImportErrors, MissingShard) {
  TfjsModel model;
  std::string path = writeValidModel(model);
  std::filesystem::remove(model.shardPath(0, 0));
  EXPECT_TRUE(mentions(tfjsImportError(path), {"group1-shard1of1.bin", "missing", "weightsManifest[0]"}));
}

TEST(TfjsImportErrors, ShardShorterOrLongerThanTheManifest) {
  TfjsModel model;
  std::string path = writeValidModel(model);
  std::filesystem::path shard = model.shardPath(0, 0);
  auto size = std::filesystem::file_size(shard);
  std::filesystem::resize_file(shard, size - 4);
  EXPECT_TRUE(mentions(tfjsImportError(path), {"group1-shard1of1.bin' holds " + std::to_string(size - 4) + " bytes",
                                               "shorter than the " + std::to_string(size) + " bytes"}));
  std::filesystem::resize_file(shard, size + 1);
  EXPECT_TRUE(mentions(tfjsImportError(path), {"group1-shard1of1.bin", "longer than"}));
}

TEST(TfjsImportErrors, ShortShardAmongSeveral) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.conv("conv", "Conv2D", "image", {3, 3, 3, 4});
  model.poseHeads("conv", 4);
  std::string path = model.write(2);
  std::filesystem::resize_file(model.shardPath(0, 0, 2), 8);
  EXPECT_TRUE(mentions(tfjsImportError(path), {"group1-shard1of2.bin' (8 bytes)", "group1-shard2of2.bin", "shorter"}));
}

TEST(TfjsImportErrors, UnsupportedDtypes) {
  for (const char* dtype : {"float16", "int8", "uint8", "string"}) {
    TfjsModel model;
    model.rawConstant("odd", {2}, dtype, std::string(8, '\0'));
    EXPECT_TRUE(mentions(errorAfter(model, [](json&) {}), {"weight 'odd'", std::string("dtype ") + dtype}));
  }
  TfjsModel quantized;
  json quantization = {{"quantization", {{"dtype", "uint8"}, {"scale", 0.1}, {"min", -1.0}}}};
  quantized.rawConstant("q", {4}, "float32", std::string(4, '\0'), quantization);
  EXPECT_TRUE(mentions(errorAfter(quantized, [](json&) {}), {"weight 'q'", "quantized to uint8"}));
}

TEST(TfjsImportErrors, Int32WeightUsedAsAFilter) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.rawConstant("ints", {1, 1, 3, 4}, "int32", std::string(48, '\0'));
  model.node("conv", "Conv2D", {"image", "ints"}, windowAttr());
  model.poseHeads("conv", 4);
  EXPECT_TRUE(mentions(tfjsImportError(model.write()), {"node 'conv' (Conv2D)", "weight 'ints' has dtype int32"}));
}

TEST(TfjsImportErrors, UnsupportedOp) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.node("pad", "MirrorPad", {"image"});
  model.poseHeads("pad", 3);
  EXPECT_TRUE(mentions(tfjsImportError(model.write()), {"unsupported op MirrorPad", "node 'pad'"}));
}

TEST(TfjsImportErrors, InputMustBeFourDNhwcRgb) {
  for (const std::vector<int64_t>& dims : std::vector<std::vector<int64_t>>{{1, 257, 3}, {1, 257, 257, 4}, {2, 9, 9, 3}}) {
    TfjsModel model;
    model.placeholder("image", dims);
    model.poseHeads("image", 3);
    EXPECT_TRUE(mentions(tfjsImportError(model.write()), {"node 'image' (Placeholder)", "must be 4-D NHWC"}));
  }
  TfjsModel unknown;
  EXPECT_TRUE(mentions(errorAfter(unknown, [](json& j) {
                         j["modelTopology"]["node"][0]["attr"]["shape"]["shape"] = {{"unknownRank", true}};
                       }),
                       {"unknown rank"}));
}

TEST(TfjsImportErrors, NchwDataFormat) {
  TfjsModel model;
  EXPECT_TRUE(mentions(errorAfter(model, [&](json&) { nodeJson(model, "conv")["attr"]["data_format"] = tfString("NCHW"); }),
                       {"node 'conv' (_FusedConv2D)", "data_format NCHW is not supported"}));
}

TEST(TfjsImportErrors, DepthwiseMultiplierTwo) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.conv("dw", "DepthwiseConv2dNative", "image", {3, 3, 3, 2});
  model.poseHeads("dw", 6);
  EXPECT_TRUE(mentions(tfjsImportError(model.write()), {"node 'dw'", "channel multiplier 2 is not supported"}));
}

TEST(TfjsImportErrors, OutputRolesMissingOrRepeated) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.conv(kHeatmapHead, "_FusedConv2D", "image", {1, 1, 3, 17});
  model.node("mystery", "Relu", {"image"});
  EXPECT_TRUE(mentions(tfjsImportError(model.write()),
                       {"heatmap, offset, displacement_fwd and displacement_bwd",
                        std::string("'") + kHeatmapHead + "' (heatmap)", "'mystery' (no role)"}));
  TfjsModel twice;
  twice.placeholder("image", {1, -1, -1, 3});
  twice.conv("another_heatmap", "Conv2D", "image", {1, 1, 3, 17});
  twice.poseHeads("image", 3, 1);
  EXPECT_TRUE(mentions(tfjsImportError(twice.write()), {"'another_heatmap' (heatmap)"}));
}

TEST(TfjsImportErrors, OutputStrideNotEightSixteenOrThirtyTwo) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.poseHeads("image", 3, 4);
  EXPECT_TRUE(mentions(tfjsImportError(model.write()), {"output stride 4x4"}));
}

TEST(TfjsImportErrors, BiasAddNotAfterAConv) {
  TfjsModel model;
  model.placeholder("image", {1, -1, -1, 3});
  model.node("relu", "Relu", {"image"});
  model.constant("bias", {3});
  model.node("biased", "BiasAdd", {"relu", "bias"});
  model.poseHeads("biased", 3);
  EXPECT_TRUE(mentions(tfjsImportError(model.write()), {"node 'biased' (BiasAdd)", "no separate bias add"}));
  // Folding would change what the other reader of the conv sees.
  TfjsModel shared;
  shared.placeholder("image", {1, -1, -1, 3});
  shared.conv("conv", "Conv2D", "image", {1, 1, 3, 3});
  shared.constant("bias", {3});
  shared.node("biased", "BiasAdd", {"conv", "bias"});
  shared.node("sum", "Add", {"biased", "conv"});
  shared.poseHeads("sum", 3);
  EXPECT_TRUE(mentions(tfjsImportError(shared.write()), {"node 'biased' (BiasAdd)", "no separate bias add"}));
}

TEST(TfjsImportErrors, UnsupportedFusedOps) {
  TfjsModel elu;
  EXPECT_TRUE(mentions(errorAfter(elu, [&](json&) {
                         nodeJson(elu, "conv")["attr"]["fused_ops"] = tfStrings({"BiasAdd", "Elu"});
                       }),
                       {"node 'conv'", "fused_ops [BiasAdd, Elu] is not supported"}));
  TfjsModel args;
  EXPECT_TRUE(mentions(errorAfter(args, [&](json&) { nodeJson(args, "conv")["attr"]["num_args"] = {{"i", "2"}}; }),
                       {"node 'conv'", "num_args is 2"}));
}

TEST(TfjsImportErrors, ChannelMismatches) {
  TfjsModel conv;
  conv.placeholder("image", {1, -1, -1, 3});
  conv.conv("conv", "Conv2D", "image", {3, 3, 4, 4});
  conv.poseHeads("conv", 4);
  EXPECT_TRUE(mentions(tfjsImportError(conv.write()), {"node 'conv'", "expects 4 input channels", "'image' has 3"}));
  TfjsModel add;
  add.placeholder("image", {1, -1, -1, 3});
  add.conv("wide", "Conv2D", "image", {1, 1, 3, 4});
  add.node("sum", "AddV2", {"wide", "image"});
  add.poseHeads("sum", 4);
  EXPECT_TRUE(mentions(tfjsImportError(add.write()), {"node 'sum' (AddV2)", "adds 4 channels to 3"}));
}

TEST(TfjsImportErrors, BrokenGraphStructure) {
  TfjsModel unknown;
  EXPECT_TRUE(mentions(errorAfter(unknown, [&](json&) { nodeJson(unknown, "conv")["input"][0] = "ghost"; }),
                       {"node 'conv'", "reads 'ghost', which is not a node"}));
  TfjsModel cycle;
  EXPECT_TRUE(mentions(errorAfter(cycle, [&](json&) { nodeJson(cycle, "conv")["input"][0] = "to_output_stride"; }),
                       {"cycle"}));
  TfjsModel second;
  EXPECT_TRUE(mentions(errorAfter(second, [&](json&) { nodeJson(second, "conv")["input"][0] = "image:1"; }),
                       {"reads 'image:1'", "only the first output"}));
  TfjsModel orphan;
  EXPECT_TRUE(mentions(errorAfter(orphan, [&](json& j) {
                         j["modelTopology"]["node"].push_back({{"name", "stray"}, {"op", "Const"}});
                       }),
                       {"node 'stray' (Const) has no entry in weightsManifest"}));
  TfjsModel base64;
  EXPECT_TRUE(mentions(errorAfter(base64, [&](json&) { nodeJson(base64, "conv")["attr"]["padding"] = {{"s", "!!"}}; }),
                       {"attr 'padding' is not valid base64"}));
  TfjsModel padding;
  EXPECT_TRUE(mentions(errorAfter(padding, [&](json&) { nodeJson(padding, "conv")["attr"]["padding"] = tfString("HALF"); }),
                       {"padding 'HALF' is not SAME, VALID or EXPLICIT"}));
}

// Every field of a valid model replaced by values of the wrong type: the
// import must either succeed or throw ConvertError, never anything else.
TEST(TfjsImportErrors, MalformedFieldsGiveConvertErrors) {
  TfjsModel model;
  std::string path = writeValidModel(model);
  const json valid = model.modelJson();
  const std::vector<json> wrong = {nullptr, -1, "x", json::array(), json::object(), json::array({"1", 2})};
  std::vector<json::json_pointer> fields;
  std::function<void(const json&, const json::json_pointer&)> collect = [&](const json& value,
                                                                          const json::json_pointer& at) {
    fields.push_back(at);
    if (value.is_object())
      for (const auto& [key, child] : value.items()) collect(child, at / key);
    if (value.is_array())
      for (size_t i = 0; i < value.size(); ++i) collect(value[i], at / i);
  };
  collect(valid, json::json_pointer());
  for (const json::json_pointer& field : fields) {
    for (const json& replacement : wrong) {
      model.modelJson() = valid;
      model.modelJson()[field] = replacement;
      model.rewriteJson();
      EXPECT_NO_THROW(tfjsImportError(path)) << field.to_string() << " = " << replacement.dump();
    }
  }
}

}  // namespace
}  // namespace vkpose::test
