// The real PoseNet MobileNetV1 0.75 TF.js graph model (docs/model-notes.md)
// through the TF.js front end. The model is not in the repository:
// models/fetch-posenet.sh puts it at the default path, VKPOSE_TFJS_MODEL
// points elsewhere. A missing model fails rather than skips, so a run that
// never looked at the real model cannot pass unnoticed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

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

std::string modelPath() {
  const char* env = std::getenv("VKPOSE_TFJS_MODEL");
  return env && *env ? env : VKPOSE_TFJS_DEFAULT_MODEL;
}

// The float32 values of weight `name`, straight from the model's shard:
// an independent read to check the importer's transposes against.
std::vector<float> rawWeight(const std::string& json_path, const std::string& name) {
  nlohmann::json model = nlohmann::json::parse(std::ifstream(json_path));
  const nlohmann::json& group = model.at("weightsManifest").at(0);
  size_t offset = 0;
  for (const nlohmann::json& entry : group.at("weights")) {
    size_t count = 1;
    for (const nlohmann::json& d : entry.at("shape")) count *= d.get<size_t>();
    if (entry.at("name") == name) {
      std::filesystem::path shard =
          std::filesystem::path(json_path).parent_path() / group.at("paths").at(0).get<std::string>();
      std::ifstream in(shard, std::ios::binary);
      in.seekg(std::streamoff(offset * sizeof(float)));
      std::vector<float> values(count);
      in.read(reinterpret_cast<char*>(values.data()), std::streamsize(count * sizeof(float)));
      return values;
    }
    offset += count;
  }
  throw std::invalid_argument("no weight '" + name + "' in " + json_path);
}

class TfjsPoseNet : public ::testing::Test {
 protected:
  // Imported once: every test reads the same graph.
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(modelPath())) {
      problem_ = "the PoseNet TF.js model is not at " + modelPath() +
                 ": run models/fetch-posenet.sh (or set VKPOSE_TFJS_MODEL to its posenet.json)";
      return;
    }
    try {
      graph_ = new Graph(importTfjsModel(modelPath()));
    } catch (const convert::ConvertError& e) {
      problem_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    delete graph_;
    graph_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(graph_, nullptr) << problem_; }
  const Graph& graph() const { return *graph_; }

  static Graph* graph_;
  static std::string problem_;
};
Graph* TfjsPoseNet::graph_ = nullptr;
std::string TfjsPoseNet::problem_;

TEST_F(TfjsPoseNet, HasTheMobileNetV1Layers) {
  ASSERT_EQ(graph().nodes.size(), 31u);  // 1 conv + 13 depthwise + 13 pointwise + 4 heads
  EXPECT_EQ(countNodes(graph(), OpKind::Conv2d), 18);
  EXPECT_EQ(countNodes(graph(), OpKind::DepthwiseConv2d), 13);
  EXPECT_EQ(graph().tensors[size_t(graph().input)].channels, 3);
  const Node& first = graph().nodes[0];
  EXPECT_EQ(first.kind, OpKind::Conv2d);
  EXPECT_EQ(first.window.kernel_h, 3);
  EXPECT_EQ(first.window.stride_h, 2);
  EXPECT_EQ(first.out_channels, 24);
}

TEST_F(TfjsPoseNet, ChannelsAndStridesFollowTheBackbone) {
  const std::vector<int> pointwise_channels = {48, 96, 96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384};
  const std::vector<int> depthwise_strides = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1};
  int channels = 24;
  for (size_t block = 0; block < 13; ++block) {
    const Node& dw = graph().nodes[1 + 2 * block];
    const Node& pw = graph().nodes[2 + 2 * block];
    SCOPED_TRACE(dw.name);
    EXPECT_EQ(dw.kind, OpKind::DepthwiseConv2d);
    EXPECT_EQ(dw.in_channels, channels);
    EXPECT_EQ(dw.out_channels, channels);
    EXPECT_EQ(dw.window.kernel_h, 3);
    EXPECT_EQ(dw.window.stride_h, depthwise_strides[block]);
    EXPECT_EQ(dw.window.stride_w, depthwise_strides[block]);
    EXPECT_EQ(pw.kind, OpKind::Conv2d);
    EXPECT_EQ(pw.window.kernel_h, 1);
    EXPECT_EQ(pw.in_channels, channels);
    EXPECT_EQ(pw.out_channels, pointwise_channels[block]);
    channels = pw.out_channels;
  }
  for (const Node& node : graph().nodes) {
    EXPECT_EQ(node.window.padding, convert::PaddingMode::SameUpper) << node.name;
    EXPECT_EQ(node.window.dilation_h, 1) << node.name;
  }
  EXPECT_EQ(graph().metadata.output_stride, 16);
}

TEST_F(TfjsPoseNet, BackboneClipsAndHeadsAreLinear) {
  for (size_t i = 0; i < graph().nodes.size(); ++i) {
    const Node& node = graph().nodes[i];
    SCOPED_TRACE(node.name);
    EXPECT_EQ(node.bias.size(), size_t(node.out_channels));
    if (i < 27) {
      EXPECT_EQ(node.activation, Activation::Clip);
      EXPECT_EQ(node.clip_min, 0.f);
      EXPECT_EQ(node.clip_max, 6.f);
    } else {
      EXPECT_EQ(node.activation, Activation::None);
    }
  }
}

TEST_F(TfjsPoseNet, FourOutputRoles) {
  ASSERT_EQ(graph().outputs.size(), 4u);
  const std::vector<std::pair<OutputRole, int>> expected = {{OutputRole::Heatmap, 17},
                                                            {OutputRole::Offsets, 34},
                                                            {OutputRole::DisplacementFwd, 32},
                                                            {OutputRole::DisplacementBwd, 32}};
  const int backbone_end = graph().nodes[26].output;
  for (size_t i = 0; i < expected.size(); ++i) {
    const convert::Output& output = graph().outputs[i];
    EXPECT_EQ(output.role, expected[i].first);
    EXPECT_EQ(graph().tensors[size_t(output.tensor)].channels, expected[i].second);
    const Node& head = graph().nodes[size_t(graph().producerOf(output.tensor))];
    EXPECT_EQ(head.inputs[0], backbone_end) << head.name;
    EXPECT_EQ(head.window.kernel_h, 1) << head.name;
  }
  EXPECT_EQ(outputTensorName(graph(), OutputRole::Heatmap), "MobilenetV1/heatmap_2/BiasAdd");
  EXPECT_EQ(outputTensorName(graph(), OutputRole::Offsets), "MobilenetV1/offset_2/BiasAdd");
  EXPECT_EQ(outputTensorName(graph(), OutputRole::DisplacementFwd), "MobilenetV1/displacement_fwd_2/BiasAdd");
  EXPECT_EQ(outputTensorName(graph(), OutputRole::DisplacementBwd), "MobilenetV1/displacement_bwd_2/BiasAdd");
}

TEST_F(TfjsPoseNet, WeightsMatchTheShardTransposed) {
  // Conv2d_0's filter is Const_55, [3][3][3][24] HWIO; Conv2d_1_depthwise's is Const_53, [3][3][24][1].
  std::vector<float> conv_hwio = rawWeight(modelPath(), "Const_55");
  const Node& conv = graph().nodes[0];
  ASSERT_EQ(conv.weights.size(), conv_hwio.size());
  for (size_t o = 0; o < 24; ++o)
    for (size_t i = 0; i < 3; ++i)
      for (size_t tap = 0; tap < 9; ++tap)
        ASSERT_EQ(conv.weights[(o * 3 + i) * 9 + tap], conv_hwio[(tap * 3 + i) * 24 + o]) << o << " " << i << " " << tap;
  std::vector<float> dw_hwcm = rawWeight(modelPath(), "Const_53");
  const Node& dw = graph().nodes[1];
  ASSERT_EQ(dw.weights.size(), dw_hwcm.size());
  for (size_t c = 0; c < 24; ++c)
    for (size_t tap = 0; tap < 9; ++tap) ASSERT_EQ(dw.weights[c * 9 + tap], dw_hwcm[tap * 24 + c]) << c << " " << tap;
  for (const Node& node : graph().nodes)
    for (float w : node.weights) ASSERT_TRUE(std::isfinite(w)) << node.name;
}

TEST_F(TfjsPoseNet, MetadataNamesTheSource) {
  const convert::Metadata& meta = graph().metadata;
  EXPECT_EQ(meta.source, "posenet.json (https://github.com/atomicbits/posenet-python)");
  EXPECT_NE(meta.architecture.find("PoseNet MobileNetV1 (TF.js graph model"), std::string::npos);
  EXPECT_NE(meta.architecture.find("https://github.com/vladmandic"), std::string::npos);
  EXPECT_EQ(meta.preprocessing, convert::Preprocessing::MobileNet);
}

}  // namespace
}  // namespace vkpose::test
