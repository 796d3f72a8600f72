// The real PoseNet TF.js model through the ONNX exporter and back:
// importTfjs -> passes (no re-layout) -> exportOnnx -> importOnnx -> passes
// gives the same graph with the same weights, and ONNX's checker accepts the
// export. Like test_tfjs_posenet, a missing model fails rather than skips.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "converter/onnx_export.h"
#include "converter/passes/passes.h"
#include "converter/tfjs_import.h"
#include "tests/support/onnx_checker.h"
#include "tests/support/onnx_fixture.h"

namespace vkpose::test {
namespace {

using namespace convert;

std::string modelPath() {
  const char* env = std::getenv("VKPOSE_TFJS_MODEL");
  return env && *env ? env : VKPOSE_TFJS_DEFAULT_MODEL;
}

void expectSameNode(const Node& got, const Node& want) {
  SCOPED_TRACE(want.name);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.inputs.size(), want.inputs.size());
  EXPECT_EQ(std::tie(got.in_channels, got.out_channels), std::tie(want.in_channels, want.out_channels));
  EXPECT_EQ(got.activation, want.activation);
  if (want.activation == Activation::Clip) {
    EXPECT_EQ(std::tie(got.clip_min, got.clip_max), std::tie(want.clip_min, want.clip_max));
  }
  const Window &a = got.window, &b = want.window;
  EXPECT_EQ(std::tie(a.kernel_h, a.kernel_w, a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, a.padding),
            std::tie(b.kernel_h, b.kernel_w, b.stride_h, b.stride_w, b.dilation_h, b.dilation_w, b.padding));
  EXPECT_TRUE(bitIdentical(got.weights, want.weights));
  EXPECT_TRUE(bitIdentical(got.bias, want.bias));
}

TEST(OnnxPoseNet, TfjsExportImportKeepsNodesAndWeights) {
  ASSERT_TRUE(std::filesystem::exists(modelPath()))
      << "the PoseNet TF.js model is not at " << modelPath()
      << ": run models/fetch-posenet.sh (or set VKPOSE_TFJS_MODEL to its posenet.json)";
  Log log;
  Graph tfjs = importTfjs(modelPath(), log);
  runPasses(tfjs, PassOptions{.relayout = false}, log);
  std::vector<uint8_t> bytes = exportOnnx(tfjs);

  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromArray(bytes.data(), int(bytes.size())));
  EXPECT_TRUE(passesOnnxChecks(model));

  Graph onnx_graph = importOnnxBytes(bytes);
  // The export spells each fused epilogue as its own Clip node (standard
  // ONNX has no fused conv); the same passes fuse them again.
  runPasses(onnx_graph, PassOptions{.relayout = false}, log);
  ASSERT_EQ(onnx_graph.nodes.size(), tfjs.nodes.size());
  for (size_t i = 0; i < tfjs.nodes.size(); ++i) expectSameNode(onnx_graph.nodes[i], tfjs.nodes[i]);
  ASSERT_EQ(onnx_graph.outputs.size(), tfjs.outputs.size());
  for (size_t i = 0; i < tfjs.outputs.size(); ++i) {
    EXPECT_EQ(onnx_graph.outputs[i].role, tfjs.outputs[i].role);
    EXPECT_EQ(onnx_graph.tensors[size_t(onnx_graph.outputs[i].tensor)].channels,
              tfjs.tensors[size_t(tfjs.outputs[i].tensor)].channels);
  }
  EXPECT_EQ(onnx_graph.metadata.preprocessing, tfjs.metadata.preprocessing);
  EXPECT_EQ(onnx_graph.metadata.output_stride, tfjs.metadata.output_stride);
  EXPECT_EQ(onnx_graph.metadata.architecture, tfjs.metadata.architecture);
  EXPECT_EQ(onnx_graph.metadata.source, tfjs.metadata.source);
}

}  // namespace
}  // namespace vkpose::test
