// The .vkpose writer, checked by reading its output back with the runtime's
// own loader: structure, weights, metadata, fp16, and what it refuses.
#include <gtest/gtest.h>

#include <filesystem>

#include "converter/passes/passes.h"
#include "converter/vkpose_writer.h"
#include "runtime/keypoints.h"
#include "runtime/model/model.h"
#include "runtime/model/weight_layout.h"
#include "tests/support/ir_builder.h"

namespace vkpose::test {
namespace {

using convert::OutputRole;

// conv+relu6 -> depthwise -> add(residual) -> pool -> four heads, like PoseNet's tail.
convert::Graph smallPoseGraph() {
  GraphBuilder b;
  int x = b.clip("relu6", b.conv("conv", b.input(), 8, 3, 2), 0.f, 6.f);
  int dw = b.depthwise("dw", x);
  int sum = b.add("residual", dw, x);
  int pooled = b.averagePool("pool", sum, 3, 1);
  b.output(OutputRole::Heatmap, b.conv("heatmap", pooled, 17, 1));
  b.output(OutputRole::Offsets, b.conv("offsets", pooled, 34, 1));
  b.output(OutputRole::DisplacementFwd, b.conv("fwd", pooled, 32, 1));
  b.output(OutputRole::DisplacementBwd, b.conv("bwd", pooled, 32, 1));
  b.graph().metadata.architecture = "toy";
  b.graph().metadata.source = "test";
  b.graph().metadata.output_stride = 2;
  return b.graph();
}

Model writeAndLoad(const convert::Graph& graph) {
  std::vector<uint8_t> bytes = convert::writeVkpose(graph);
  return parseModel(bytes, "written");
}

const ModelNode& nodeNamed(const Model& m, const std::string& name) {
  for (const ModelNode& n : m.nodes)
    if (n.name == name) return n;
  throw std::runtime_error("no node " + name);
}

TEST(VkposeWriter, RoundTripsThroughTheRuntimeLoader) {
  convert::Graph graph = smallPoseGraph();
  convert::Log log;
  convert::runPasses(graph, {.relayout = true, .fp16 = false}, log);
  Model m = writeAndLoad(graph);

  ASSERT_EQ(m.nodes.size(), graph.nodes.size());
  const ModelNode& conv = nodeNamed(m, "conv");
  EXPECT_EQ(conv.kind, NodeKind::Conv2d);
  EXPECT_EQ(conv.epilogue.activation, Activation::Clip);
  EXPECT_EQ(conv.epilogue.clip_max, 6.f);
  EXPECT_EQ(conv.window.stride_h, 2);
  EXPECT_EQ(conv.window.padding, PaddingMode::SameUpper);
  EXPECT_EQ(conv.weights.layout, WeightLayout::DenseC4);
  EXPECT_EQ(conv.weights.values, graph.nodes[0].weights);  // bit-identical floats
  EXPECT_EQ(nodeNamed(m, "dw").weights.layout, WeightLayout::DepthwiseC4);
  EXPECT_EQ(nodeNamed(m, "residual").kind, NodeKind::Add);
  EXPECT_EQ(nodeNamed(m, "pool").kind, NodeKind::AveragePool);
  EXPECT_EQ(nodeNamed(m, "pool").in_channels, 8);

  ASSERT_EQ(m.outputs.size(), 4u);
  EXPECT_EQ(m.tensors[size_t(m.outputs[0].tensor)].channels, 17);
  EXPECT_EQ(m.metadata.architecture, "toy");
  EXPECT_EQ(m.metadata.output_stride, 2);
  ASSERT_EQ(m.metadata.keypoint_names.size(), size_t(kKeypointCount));
  EXPECT_EQ(m.metadata.keypoint_names[5], "leftShoulder");
  EXPECT_EQ(m.metadata.skeleton.size(), kSkeletonEdges.size());
}

TEST(VkposeWriter, OrphanedTensorsAreNotWritten) {
  convert::Graph graph = smallPoseGraph();
  convert::Log log;
  convert::runPasses(graph, {.relayout = true, .fp16 = false}, log);
  graph.addTensor("orphan", 5);
  Model m = writeAndLoad(graph);
  EXPECT_EQ(m.tensors.size(), graph.nodes.size() + 1);  // the input plus one per node
}

TEST(VkposeWriter, Fp16WeightsAreStoredAsHalves) {
  convert::Graph graph = smallPoseGraph();
  convert::Log log;
  convert::runPasses(graph, {.relayout = true, .fp16 = true}, log);
  Model m = writeAndLoad(graph);
  const ModelNode& conv = nodeNamed(m, "conv");
  EXPECT_TRUE(conv.weights.stored_fp16);
  EXPECT_EQ(conv.weights.values, graph.nodes[0].weights);  // the pass already rounded to halves
  convert::Graph fp32_graph = smallPoseGraph();
  convert::runPasses(fp32_graph, {.relayout = true, .fp16 = false}, log);
  EXPECT_LT(convert::writeVkpose(graph).size(), convert::writeVkpose(fp32_graph).size());
}

TEST(VkposeWriter, UnfusedNodesAreRefusedByName) {
  convert::Graph graph = smallPoseGraph();  // the Clip node is still separate
  EXPECT_TRUE(throwsConvertError([&] { convert::writeVkpose(graph); }, "'relu6' (Clip) has no runtime kernel"));
}

TEST(VkposeWriter, AtomicWriteLeavesNothingOnFailure) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "vkpose-no-such-dir-for-writer-test";
  std::filesystem::remove_all(dir);
  std::string target = (dir / "out.vkpose").string();
  EXPECT_TRUE(throwsConvertError([&] { convert::writeFileAtomically(target, {1, 2, 3}); }, "cannot create"));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(VkposeWriter, AtomicWriteReplacesTheFile) {
  std::filesystem::path path = std::filesystem::temp_directory_path() / "vkpose-writer-test.bin";
  convert::writeFileAtomically(path.string(), {1, 2, 3});
  convert::writeFileAtomically(path.string(), {4, 5});
  EXPECT_EQ(std::filesystem::file_size(path), 2u);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".partial"));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vkpose::test
