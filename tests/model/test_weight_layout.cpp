// The kernels' weight layouts, position by position, without a GPU.
#include <gtest/gtest.h>

#include <numeric>

#include "runtime/model/weight_layout.h"

namespace vkpose {
namespace {

TEST(WeightLayout, DenseC4PutsInputLaneMajorOutputLaneMinor) {
  // 5 outputs x 6 inputs x 1x2 taps: two output blocks, two input blocks.
  const int out = 5, in = 6, kh = 1, kw = 2;
  std::vector<float> oihw(out * in * kh * kw);
  std::iota(oihw.begin(), oihw.end(), 1.f);
  std::vector<float> packed = packDenseC4(oihw, out, in, kh, kw);
  ASSERT_EQ(packed.size(), 2u * 2u * 2u * 16u);
  auto at = [&](int o, int i, int tap) {
    size_t block = size_t((o / 4) * 2 + i / 4) * 2 + size_t(tap);
    return packed[block * 16 + size_t(i % 4) * 4 + size_t(o % 4)];
  };
  for (int o = 0; o < out; ++o)
    for (int i = 0; i < in; ++i)
      for (int t = 0; t < 2; ++t) EXPECT_EQ(at(o, i, t), oihw[size_t((o * in + i) * 2 + t)]) << o << " " << i << " " << t;
  // Output 5..7 and input 6..7 lanes are padding.
  EXPECT_EQ(at(5, 0, 0), 0.f);
  EXPECT_EQ(at(0, 7, 1), 0.f);
}

TEST(WeightLayout, DepthwiseC4GroupsFourChannelsPerTap) {
  std::vector<float> w(5 * 9);
  std::iota(w.begin(), w.end(), 1.f);
  std::vector<float> packed = packDepthwiseC4(w, 5, 3, 3);
  ASSERT_EQ(packed.size(), 2u * 9u * 4u);
  EXPECT_EQ(packed[(0 * 9 + 4) * 4 + 2], w[2 * 9 + 4]);  // channel 2, centre tap
  EXPECT_EQ(packed[(1 * 9 + 8) * 4 + 0], w[4 * 9 + 8]);  // channel 4, last tap
  EXPECT_EQ(packed[(1 * 9 + 8) * 4 + 1], 0.f);           // channel 5 is padding
}

TEST(WeightLayout, BiasPadsWithZerosAndEmptyMeansZero) {
  EXPECT_EQ(packBiasC4({1, 2, 3, 4, 5}, 5), (std::vector<float>{1, 2, 3, 4, 5, 0, 0, 0}));
  EXPECT_EQ(packBiasC4({}, 3), (std::vector<float>{0, 0, 0, 0}));
}

TEST(WeightLayout, WrongCountsAreRefused) {
  EXPECT_THROW(packDenseC4(std::vector<float>(7), 2, 2, 1, 2), std::invalid_argument);
  EXPECT_THROW(packDepthwiseC4(std::vector<float>(8), 1, 3, 3), std::invalid_argument);
  EXPECT_THROW(packBiasC4({1, 2}, 3), std::invalid_argument);
}

}  // namespace
}  // namespace vkpose
