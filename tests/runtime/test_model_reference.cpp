// The CPU reference executor's own pieces, without a GPU: unpacking is the
// exact inverse of the kernels' packers, and a hand-computed graph (packed
// weights, SAME_UPPER vs SAME_LOWER, pooling, Add) comes out as computed.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "runtime/model/weight_layout.h"
#include "tests/support/model_builder.h"
#include "tests/support/model_reference.h"
#include "tests/support/test_data.h"

namespace vkpose::test {
namespace {

TEST(UnpackWeights, DenseC4IsTheInverseOfPacking) {
  for (auto [out, in, kh, kw] : {std::array{1, 1, 1, 1}, {5, 7, 3, 3}, {8, 4, 1, 1}, {17, 3, 2, 5}}) {
    std::vector<float> oihw = randomFloats(size_t(out * in * kh * kw), kDefaultSeed + uint32_t(out));
    std::vector<float> packed = packDenseC4(oihw, out, in, kh, kw);
    EXPECT_EQ(unpackDenseC4(packed, out, in, kh, kw), oihw) << out << "x" << in << "x" << kh << "x" << kw;
    EXPECT_EQ(packDenseC4(unpackDenseC4(packed, out, in, kh, kw), out, in, kh, kw), packed);
  }
}

TEST(UnpackWeights, DepthwiseC4IsTheInverseOfPacking) {
  for (auto [channels, kh, kw] : {std::array{1, 1, 1}, {6, 3, 3}, {8, 3, 3}, {13, 2, 5}}) {
    std::vector<float> weights = randomFloats(size_t(channels * kh * kw), kDefaultSeed + uint32_t(channels));
    std::vector<float> packed = packDepthwiseC4(weights, channels, kh, kw);
    EXPECT_EQ(unpackDepthwiseC4(packed, channels, kh, kw), weights) << channels << "x" << kh << "x" << kw;
    EXPECT_EQ(packDepthwiseC4(unpackDepthwiseC4(packed, channels, kh, kw), channels, kh, kw), packed);
  }
}

TEST(UnpackWeights, BiasC4IsTheInverseOfPacking) {
  for (int channels : {1, 4, 17, 34}) {
    std::vector<float> bias = randomFloats(size_t(channels), kDefaultSeed + uint32_t(channels));
    EXPECT_EQ(unpackBiasC4(packBiasC4(bias, channels), channels), bias) << channels;
  }
}

TEST(UnpackWeights, RefusesWrongCountsAndLivePadding) {
  std::vector<float> packed = packDenseC4(std::vector<float>(5 * 3, 1.f), 5, 3, 1, 1);
  EXPECT_THROW(unpackDenseC4(packed, 5, 3, 3, 3), std::invalid_argument);
  packed.back() = 0.5f;  // output lane 3 of the second block: channel 7 of 5
  EXPECT_THROW(unpackDenseC4(packed, 5, 3, 1, 1), std::invalid_argument);
  std::vector<float> bias = packBiasC4({1.f, 2.f}, 2);
  bias[3] = 1.f;
  EXPECT_THROW(unpackBiasC4(bias, 2), std::invalid_argument);
  EXPECT_THROW(unpackDepthwiseC4(std::vector<float>(7), 2, 1, 1), std::invalid_argument);
}

// 2x2 all-ones depthwise kernel on an all-ones 3x3 plane: SAME pads one pixel
// per axis; SAME_UPPER puts it after (the top-left output sees 4 inputs),
// SAME_LOWER before (the top-left output sees only itself).
TEST(ModelReference, SamePaddingSidesFollowTheMode) {
  for (PaddingMode mode : {PaddingMode::SameUpper, PaddingMode::SameLower}) {
    Model m = emptyModel();
    int dw = addDepthwise(m, "dw", m.input, sameWindow(2, 1, mode));
    ModelNode& node = m.nodes.back();
    node.weights.values.assign(node.weights.values.size(), 1.f);
    node.bias.values.assign(node.bias.values.size(), 0.f);
    packForKernels(node);
    m.outputs = {{OutputRole::Heatmap, dw}};
    validateModel(m, "reference test");
    ref::Tensor input{3, 3, 3, std::vector<double>(27, 1.0)};
    ref::Tensor out = runModelReference(m, input)[size_t(dw)];
    ASSERT_EQ(out.h, 3);
    bool upper = mode == PaddingMode::SameUpper;
    EXPECT_EQ(out.at(0, 0, 0), upper ? 4.0 : 1.0);
    EXPECT_EQ(out.at(2, 2, 2), upper ? 1.0 : 4.0);
  }
}

// conv 1x1 (packed) -> max pool 2x2 VALID -> Add with itself, by hand.
TEST(ModelReference, HandComputedGraph) {
  Model m = emptyModel();
  WindowSpec pointwise;
  int conv = addConv(m, "conv", m.input, 2, pointwise);
  ModelNode& node = m.nodes.back();
  node.weights.values = {1, 2, 3, -1, 0, 1};  // out0 = r + 2g + 3b, out1 = -r + b
  node.bias.values = {0.5f, -0.5f};
  packForKernels(node);
  int pool = addPool(m, NodeKind::MaxPool, "pool", conv, sameWindow(2, 2, PaddingMode::Valid));
  int sum = addAdd(m, "sum", pool, pool);
  m.outputs = {{OutputRole::Heatmap, sum}};
  validateModel(m, "reference test");
  // Pixel (y, x) holds r = y * 2 + x, g = 1, b = -x.
  ref::Tensor input = ref::Tensor::zeros(3, 2, 2);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x) {
      input.at(0, y, x) = y * 2 + x;
      input.at(1, y, x) = 1;
      input.at(2, y, x) = -x;
    }
  ref::Tensor out = runModelReference(m, input)[size_t(sum)];
  ASSERT_EQ(out.c, 2);
  ASSERT_EQ(out.h, 1);
  // out0 over the four pixels: 2.5, 0.5, 4.5, 2.5 -> max 4.5, doubled 9.
  // out1: -0.5, -2.5, -2.5, -4.5 -> max -0.5, doubled -1.
  EXPECT_DOUBLE_EQ(out.at(0, 0, 0), 9.0);
  EXPECT_DOUBLE_EQ(out.at(1, 0, 0), -1.0);
}

}  // namespace
}  // namespace vkpose::test
