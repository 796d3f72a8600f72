// Heatmap inputs for the argmax and decode tests: every size PoseNet
// produces, and planes that exercise the argmax order (ties to the lower
// index, infinities, NaN last) that random planes rarely reach.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "runtime/keypoints.h"
#include "runtime/ops/argmax.h"
#include "runtime/model/shape.h"

namespace vkpose::test {

// Every heatmap side PoseNet produces (9..65 step 4 holds 17, 25, 33 and 65), and non-square ones.
inline std::vector<Shape> heatmapShapes() {
  std::vector<Shape> shapes;
  for (int side = kMinHeatmapSize; side <= kMaxHeatmapSize; side += 4) shapes.push_back({kKeypointCount, side, side});
  for (auto [h, w] : {std::pair{17, 25}, {25, 17}, {9, 65}, {65, 9}, {64, 10}})
    shapes.push_back({kKeypointCount, h, w});
  return shapes;
}

// Channel c gets scenario c: the rules that random planes rarely exercise.
inline std::vector<float> edgeCasePlanes(Shape s, uint32_t seed) {
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
  constexpr float kInf = std::numeric_limits<float>::infinity();
  int n = s.h * s.w;
  std::mt19937 rng(seed);
  auto random_below = [&](float hi) { return std::uniform_real_distribution<float>(hi - 2.f, hi)(rng); };
  auto position = [&] { return std::uniform_int_distribution<int>(1, n - 1)(rng); };
  std::vector<float> chw;
  for (int c = 0; c < s.c; ++c) {
    std::vector<float> p(static_cast<size_t>(n));
    for (float& v : p) v = random_below(0.5f);
    auto at = [&](int i) -> float& { return p[size_t(i)]; };
    switch (c) {
      case 0:  // all equal: index 0
        std::fill(p.begin(), p.end(), 0.25f);
        break;
      case 1:  // all equal and negative
        std::fill(p.begin(), p.end(), -3.f);
        break;
      case 2:  // max at the last index
        at(n - 1) = 1.f;
        break;
      case 3:  // tie at the very end
        at(n - 2) = at(n - 1) = 1.f;
        break;
      case 4:  // many equal maxima scattered over every block
        for (int k = 0; k < n / 7; ++k) at(position()) = 0.75f;
        break;
      case 5:  // the first of a tie is index 0
        at(0) = at(n - 1) = at(n / 2) = 1.f;
        break;
      case 6:  // all negative
        for (float& v : p) v = random_below(-5.f);
        break;
      case 7:  // infinities tie like numbers
        at(position()) = at(position()) = kInf;
        break;
      case 8:  // all -inf: index 0
        std::fill(p.begin(), p.end(), -kInf);
        break;
      case 9:  // NaN never beats a number
        at(0) = kNaN;
        for (int k = 0; k < n / 5; ++k) at(position()) = kNaN;
        break;
      case 10:  // all NaN: index 0
        std::fill(p.begin(), p.end(), kNaN);
        break;
      case 11:  // NaNs beside a scattered tie
        for (int k = 0; k < n / 9; ++k) at(position()) = 0.75f;
        for (int k = 0; k < n / 9; ++k) at(position()) = kNaN;
        break;
      case 12:  // +0 and -0 are equal: the lower index wins
        std::fill(p.begin(), p.end(), -1.f);
        at(n / 3) = -0.f;
        at(n / 2) = 0.f;
        break;
      case 13:  // beyond fp16's range: inf there
        at(position()) = 1e30f;
        break;
      default:  // random
        break;
    }
    chw.insert(chw.end(), p.begin(), p.end());
  }
  return chw;
}

}  // namespace vkpose::test
