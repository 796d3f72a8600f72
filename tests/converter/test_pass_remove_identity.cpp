// removeIdentity: readers and output roles move to the Identity's input, the
// graph input stays, and the graph computes the same values.
#include <gtest/gtest.h>

#include "converter/passes/passes.h"
#include "tests/support/ir_builder.h"
#include "tests/support/ir_executor.h"

namespace vkpose::test {
namespace {

using convert::OpKind;
using convert::OutputRole;

TEST(RemoveIdentity, ReadersReadTheIdentitysInput) {
  GraphBuilder b;
  int c1 = b.conv("c1", b.input(), 4);
  int id = b.identity("id", c1);
  b.output(OutputRole::Heatmap, b.conv("c2", id, 2));
  convert::Graph& g = b.graph();
  OutputsByRole before = executeOnRandomInput(g, 9, 9, 1);

  convert::Log log;
  convert::removeIdentity(g, log);

  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(countNodes(g, OpKind::Identity), 0);
  EXPECT_EQ(g.tensors[size_t(findNode(g, "c2")->inputs[0])].name, "c1");
  EXPECT_EQ(outputTensorName(g, OutputRole::Heatmap), "c2");
  EXPECT_EQ(g.tensors.size(), 3u) << "the Identity's output tensor is dropped";
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_NE(log.lines()[0].find("remove_identity: removed 'id'"), std::string::npos) << log.lines()[0];
  EXPECT_EQ(maxRelativeDifference(before, executeOnRandomInput(g, 9, 9, 1)), 0.0);
}

TEST(RemoveIdentity, ChainCollapsesOntoTheFirstInput) {
  GraphBuilder b;
  int c1 = b.conv("c1", b.input(), 4);
  int id2 = b.identity("id2", b.identity("id1", c1));
  b.output(OutputRole::Heatmap, b.add("sum", id2, c1));
  convert::Graph& g = b.graph();
  OutputsByRole before = executeOnRandomInput(g, 8, 8, 2);

  convert::Log log;
  convert::removeIdentity(g, log);

  ASSERT_EQ(g.nodes.size(), 2u);
  const convert::Node* sum = findNode(g, "sum");
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->inputs[0], sum->inputs[1]);
  EXPECT_EQ(g.tensors[size_t(sum->inputs[0])].name, "c1");
  EXPECT_EQ(log.lines().size(), 2u);
  EXPECT_EQ(maxRelativeDifference(before, executeOnRandomInput(g, 8, 8, 2)), 0.0);
}

TEST(RemoveIdentity, GraphOutputMovesToTheIdentitysInput) {
  GraphBuilder b;
  int c1 = b.conv("c1", b.input(), 4);
  b.output(OutputRole::Offsets, b.identity("offsets_id", c1));
  b.output(OutputRole::Heatmap, b.conv("c2", c1, 2));
  convert::Graph& g = b.graph();
  OutputsByRole before = executeOnRandomInput(g, 9, 9, 3);

  convert::Log log;
  convert::removeIdentity(g, log);

  EXPECT_EQ(countNodes(g, OpKind::Identity), 0);
  EXPECT_EQ(outputTensorName(g, OutputRole::Offsets), "c1");
  EXPECT_EQ(outputTensorName(g, OutputRole::Heatmap), "c2");
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_NE(log.lines()[0].find("output offsets is now 'c1'"), std::string::npos) << log.lines()[0];
  EXPECT_EQ(maxRelativeDifference(before, executeOnRandomInput(g, 9, 9, 3)), 0.0);
}

TEST(RemoveIdentity, LeavesTheGraphInputInPlace) {
  GraphBuilder b;
  int id = b.identity("image_id", b.input());
  b.output(OutputRole::Heatmap, b.conv("c1", id, 2));
  convert::Graph& g = b.graph();

  convert::Log log;
  convert::removeIdentity(g, log);

  ASSERT_EQ(g.nodes.size(), 1u);
  ASSERT_EQ(g.tensors[size_t(g.input)].name, "image");
  EXPECT_EQ(g.tensors[size_t(g.input)].channels, 3);
  EXPECT_EQ(g.nodes[0].inputs[0], g.input);
  EXPECT_NO_THROW(convert::validateGraph(g));
}

TEST(RemoveIdentity, GraphWithoutIdentitiesIsUntouched) {
  GraphBuilder b;
  b.output(OutputRole::Heatmap, b.relu("r", b.conv("c1", b.input(), 4)));
  convert::Graph& g = b.graph();
  size_t tensors = g.tensors.size();

  convert::Log log;
  convert::removeIdentity(g, log);

  EXPECT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.tensors.size(), tensors);
  EXPECT_TRUE(log.lines().empty());
}

}  // namespace
}  // namespace vkpose::test
