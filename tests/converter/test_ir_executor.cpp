// The IR executor the pass tests trust: padding modes resolved per input
// size as the runtime will, BatchNorm by its formula, and clear refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "tests/support/ir_builder.h"
#include "tests/support/ir_executor.h"
#include "tests/support/test_data.h"

namespace vkpose::test {
namespace {

using convert::OutputRole;
using convert::PaddingMode;

// One 3x3 stride-2 conv on an even 8x8 input, where SAME padding is uneven.
struct OneConv {
  GraphBuilder b{2};
  ref::Tensor input = randomTensor(2, 8, 8, 21);

  OneConv() { b.output(OutputRole::Heatmap, b.conv("conv", b.input(), 3, 3, 2)); }

  ref::Tensor run(PaddingMode mode) {
    b.node("conv").window.padding = mode;
    return executeGraph(b.graph(), input).at(OutputRole::Heatmap);
  }
  ref::Tensor reference(ref::Padding pad) {
    const convert::Node& conv = b.node("conv");
    ref::ConvSpec spec;
    spec.kh = spec.kw = 3;
    spec.stride_h = spec.stride_w = 2;
    spec.pad = pad;
    return ref::conv2d(input, toDoubles(conv.weights), toDoubles(conv.bias), 3, spec);
  }
};

TEST(IrExecutor, SameUpperPadsTheEnd) {
  OneConv c;
  EXPECT_EQ(c.run(PaddingMode::SameUpper).data, c.reference({0, 0, 1, 1}).data);
}

TEST(IrExecutor, SameLowerPadsTheStart) {
  OneConv c;
  EXPECT_EQ(c.run(PaddingMode::SameLower).data, c.reference({1, 1, 0, 0}).data);
}

TEST(IrExecutor, ValidAndExplicitPadding) {
  OneConv c;
  ref::Tensor valid = c.run(PaddingMode::Valid);
  EXPECT_EQ(valid.h, 3);
  EXPECT_EQ(valid.data, c.reference({}).data);
  convert::Window& w = c.b.node("conv").window;
  w.pad_top = 2;
  w.pad_right = 1;
  EXPECT_EQ(c.run(PaddingMode::Explicit).data, c.reference({2, 0, 0, 1}).data);
}

TEST(IrExecutor, BatchNormFollowsItsFormula) {
  GraphBuilder b(2);
  b.output(OutputRole::Heatmap, b.batchNorm("bn", b.input()));
  ref::Tensor input = randomTensor(2, 3, 3, 22);
  ref::Tensor out = executeGraph(b.graph(), input).at(OutputRole::Heatmap);
  const convert::BatchNormParams& p = b.node("bn").batch_norm;
  double s = double(p.scale[1]) / std::sqrt(double(p.variance[1]) + double(p.epsilon));
  EXPECT_DOUBLE_EQ(out.at(1, 2, 0), (input.at(1, 2, 0) - double(p.mean[1])) * s + double(p.shift[1]));
}

TEST(IrExecutor, RefusesAnInputWithTheWrongChannelCount) {
  OneConv c;
  EXPECT_THROW(executeGraph(c.b.graph(), randomTensor(3, 8, 8, 1)), std::invalid_argument);
}

TEST(IrExecutor, DifferenceCatchesNaN) {
  OneConv c;
  OutputsByRole good = executeGraph(c.b.graph(), c.input);
  OutputsByRole bad = good;
  bad.at(OutputRole::Heatmap).data[5] = std::nan("");
  EXPECT_TRUE(std::isinf(maxRelativeDifference(good, bad)));
}

}  // namespace
}  // namespace vkpose::test
