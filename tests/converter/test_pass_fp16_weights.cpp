// fp16Weights: conv weights are marked fp16 and hold exactly the values the
// file will store, so the graph's numbers move by fp16 rounding only.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "converter/passes/passes.h"
#include "runtime/model/half.h"
#include "tests/support/ir_builder.h"
#include "tests/support/ir_executor.h"

namespace vkpose::test {
namespace {

using convert::OpKind;
using convert::OutputRole;
using convert::WeightType;

// fp16 keeps 11 significant bits: each weight moves by at most 2^-11
// relative, and sums of such errors stay well inside this.
constexpr double kFp16Tolerance = 2e-3;

void build(GraphBuilder& b) {
  int dw = b.depthwise("dw", b.conv("conv", b.input(), 6, 3, 2));
  b.output(OutputRole::Heatmap, b.add("sum", dw, b.conv("pw", dw, 6, 1)));
}

bool isHalf(float value) { return halfToFloat(floatToHalf(value)) == value; }

TEST(Fp16Weights, RoundsToTheNearestHalf) {
  GraphBuilder b;
  build(b);
  convert::Node before = b.node("conv");
  convert::Log log;
  convert::fp16Weights(b.graph(), log);

  const convert::Node& after = b.node("conv");
  EXPECT_EQ(after.weight_type, WeightType::Float16);
  ASSERT_EQ(after.weights.size(), before.weights.size());
  for (size_t i = 0; i < after.weights.size(); ++i) {
    EXPECT_TRUE(isHalf(after.weights[i])) << i;
    EXPECT_EQ(after.weights[i], halfToFloat(floatToHalf(before.weights[i]))) << i;
  }
  for (float bias : after.bias) EXPECT_TRUE(isHalf(bias));
  EXPECT_EQ(countNodes(b.graph(), OpKind::Add), 1);
  EXPECT_EQ(log.lines().size(), 3u) << "one line per conv";
  EXPECT_NE(log.lines()[0].find("fp16_weights: 'conv' stored as fp16, max absolute rounding error "), std::string::npos)
      << log.lines()[0];
}

TEST(Fp16Weights, NumbersMoveByFp16RoundingOnly) {
  GraphBuilder b;
  build(b);
  OutputsByRole before = executeOnRandomInput(b.graph(), 11, 11, 9);
  convert::Log log;
  convert::fp16Weights(b.graph(), log);
  double difference = maxRelativeDifference(before, executeOnRandomInput(b.graph(), 11, 11, 9));
  EXPECT_LE(difference, kFp16Tolerance);
  EXPECT_GT(difference, 0.0) << "random fp32 weights are not all halves";
}

TEST(Fp16Weights, IsIdempotent) {
  GraphBuilder b;
  build(b);
  convert::Log first;
  convert::fp16Weights(b.graph(), first);
  std::vector<float> weights = b.node("pw").weights;
  convert::Log second;
  convert::fp16Weights(b.graph(), second);
  EXPECT_TRUE(second.lines().empty());
  EXPECT_EQ(b.node("pw").weights, weights);
}

TEST(Fp16Weights, KeepsPackedPaddingZero) {
  GraphBuilder b;
  build(b);
  convert::Log log;
  convert::relayoutWeights(b.graph(), log);
  std::vector<float> packed = b.node("dw").weights;
  convert::fp16Weights(b.graph(), log);
  const convert::Node& dw = b.node("dw");
  EXPECT_EQ(dw.layout, convert::WeightLayout::DepthwiseC4);
  ASSERT_EQ(dw.weights.size(), packed.size());
  for (size_t i = 0; i < packed.size(); ++i) {
    if (packed[i] == 0.f) {
      EXPECT_EQ(dw.weights[i], 0.f) << i;
    }
  }
}

TEST(Fp16Weights, OutOfRangeWeightIsAnErrorNamingTheNode) {
  GraphBuilder b;
  build(b);
  b.node("pw").weights[4] = 1e5f;
  std::vector<float> conv_weights = b.node("conv").weights;
  convert::Log log;
  EXPECT_TRUE(throwsConvertError([&] { convert::fp16Weights(b.graph(), log); }, "'pw' weights[4]"));
  EXPECT_EQ(b.node("conv").weights, conv_weights) << "nothing is rounded when any node fails";
  EXPECT_EQ(b.node("conv").weight_type, WeightType::Float32);
}

}  // namespace
}  // namespace vkpose::test
