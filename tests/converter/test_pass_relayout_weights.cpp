// relayoutWeights: conv weights end up exactly as the runtime's packers lay
// them out, padding lanes zero, once and only once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "converter/passes/passes.h"
#include "runtime/model/weight_layout.h"
#include "tests/support/ir_builder.h"
#include "tests/support/ir_executor.h"

namespace vkpose::test {
namespace {

using convert::OutputRole;
using convert::WeightLayout;

size_t roundUp4(int channels) { return size_t((channels + 3) / 4 * 4); }

// Without the packers: the packed buffer is the OIHW values plus zeros.
::testing::AssertionResult sameValuesPlusZeros(std::vector<float> oihw, const std::vector<float>& packed) {
  std::vector<float> nonzero;
  std::copy_if(packed.begin(), packed.end(), std::back_inserter(nonzero), [](float v) { return v != 0.f; });
  std::erase(oihw, 0.f);
  std::sort(oihw.begin(), oihw.end());
  std::sort(nonzero.begin(), nonzero.end());
  if (oihw == nonzero) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "packed holds " << nonzero.size() << " non-zero values, OIHW " << oihw.size();
}

// conv 3 -> 5 channels 3x3, depthwise over 5 channels: both pad to 8 lanes.
void build(GraphBuilder& b) {
  int dw = b.depthwise("dw", b.conv("conv", b.input(), 5));
  b.output(OutputRole::Heatmap, b.add("sum", dw, b.maxPool("pool", dw, 3, 1)));
}

TEST(RelayoutWeights, ConvMatchesPackDenseC4) {
  GraphBuilder b;
  build(b);
  convert::Node before = b.node("conv");
  convert::Log log;
  convert::relayoutWeights(b.graph(), log);

  const convert::Node& after = b.node("conv");
  EXPECT_EQ(after.layout, WeightLayout::DenseC4);
  EXPECT_EQ(after.weights, packDenseC4(before.weights, 5, 3, 3, 3));
  EXPECT_EQ(after.bias, packBiasC4(before.bias, 5));
  EXPECT_EQ(after.weights.size(), roundUp4(5) * roundUp4(3) * 9);
  EXPECT_EQ(after.bias.size(), 8u);
  EXPECT_TRUE(sameValuesPlusZeros(before.weights, after.weights));
  EXPECT_TRUE(sameValuesPlusZeros(before.bias, after.bias));
  EXPECT_EQ(log.lines()[0], "relayout_weights: 'conv' OIHW -> DenseC4 (135 -> 288 weights)");
}

TEST(RelayoutWeights, DepthwiseMatchesPackDepthwiseC4) {
  GraphBuilder b;
  build(b);
  convert::Node before = b.node("dw");
  convert::Log log;
  convert::relayoutWeights(b.graph(), log);

  const convert::Node& after = b.node("dw");
  EXPECT_EQ(after.layout, WeightLayout::DepthwiseC4);
  EXPECT_EQ(after.weights, packDepthwiseC4(before.weights, 5, 3, 3));
  EXPECT_EQ(after.bias, packBiasC4(before.bias, 5));
  EXPECT_EQ(after.weights.size(), roundUp4(5) * 9);
  EXPECT_TRUE(sameValuesPlusZeros(before.weights, after.weights));
  EXPECT_EQ(log.lines().size(), 2u) << "one line per conv, nothing for the pool or add";
}

TEST(RelayoutWeights, MissingBiasBecomesZeros) {
  GraphBuilder b;
  build(b);
  b.node("conv").bias.clear();
  convert::Log log;
  convert::relayoutWeights(b.graph(), log);
  EXPECT_EQ(b.node("conv").bias, std::vector<float>(8, 0.f));
}

TEST(RelayoutWeights, IsIdempotent) {
  GraphBuilder b;
  build(b);
  convert::Log first;
  convert::relayoutWeights(b.graph(), first);
  convert::Graph once = b.graph();

  convert::Log second;
  convert::relayoutWeights(b.graph(), second);
  EXPECT_TRUE(second.lines().empty());
  for (size_t i = 0; i < once.nodes.size(); ++i) {
    EXPECT_EQ(b.graph().nodes[i].weights, once.nodes[i].weights) << once.nodes[i].name;
    EXPECT_EQ(b.graph().nodes[i].bias, once.nodes[i].bias) << once.nodes[i].name;
  }
}

TEST(RelayoutWeights, ExecutorRefusesPackedWeights) {
  GraphBuilder b;
  build(b);
  convert::Log log;
  convert::relayoutWeights(b.graph(), log);
  try {
    executeOnRandomInput(b.graph(), 8, 8, 1);
    FAIL() << "the executor ran C4 weights";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'conv' has C4-packed weights"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vkpose::test
