// Naive CPU argmax and keypoint decoding that the GPU argmax and decode
// tests compare against: plain loops in double, written from the rules in
// runtime/ops/argmax.h and decode.h, sharing no code with the ops.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "runtime/frame_mapping.h"
#include "runtime/keypoints.h"
#include "runtime/model/shape.h"

namespace vkpose::test {

// The first maximum in row-major order; NaN loses to every number, so an
// all-NaN plane gives index 0.
inline int cpuArgmax(const float* plane, int count) {
  int best = 0;
  for (int i = 1; i < count; ++i) {
    float v = plane[i], b = plane[best];
    bool better = std::isnan(b) ? !std::isnan(v) : v > b;
    if (better) best = i;
  }
  return best;
}

// Argmax of every channel of a CHW tensor.
inline std::vector<int> cpuArgmaxPerChannel(const std::vector<float>& chw, Shape s) {
  size_t plane = size_t(s.h) * size_t(s.w);
  std::vector<int> cells;
  for (int c = 0; c < s.c; ++c) cells.push_back(cpuArgmax(chw.data() + c * plane, int(plane)));
  return cells;
}

struct CpuKeypoint {
  int cell = 0;
  double model_x = 0, model_y = 0;  // model input pixels
  double x = 0, y = 0;              // frame pixels
  double score = 0;
};

struct CpuPose {
  std::array<CpuKeypoint, kKeypointCount> keypoints;
  double score = 0;
};

// heatmap: 17 CHW planes of logits; offsets: 34 CHW planes (y then x).
inline CpuPose cpuDecode(const std::vector<float>& heatmap, const std::vector<float>& offsets, Shape heatmap_shape,
                         int output_stride, const FrameMapping& mapping) {
  size_t plane = size_t(heatmap_shape.h) * size_t(heatmap_shape.w);
  std::vector<int> cells = cpuArgmaxPerChannel(heatmap, heatmap_shape);
  CpuPose pose;
  double score_sum = 0;
  for (int k = 0; k < kKeypointCount; ++k) {
    CpuKeypoint& kp = pose.keypoints[size_t(k)];
    kp.cell = cells[size_t(k)];
    int cell_y = kp.cell / heatmap_shape.w, cell_x = kp.cell % heatmap_shape.w;
    kp.model_y = double(cell_y) * output_stride + double(offsets[size_t(k) * plane + size_t(kp.cell)]);
    kp.model_x = double(cell_x) * output_stride + double(offsets[size_t(kKeypointCount + k) * plane + size_t(kp.cell)]);
    kp.x = kp.model_x * double(mapping.scale_x) + double(mapping.offset_x);
    kp.y = kp.model_y * double(mapping.scale_y) + double(mapping.offset_y);
    kp.score = 1.0 / (1.0 + std::exp(-double(heatmap[size_t(k) * plane + size_t(kp.cell)])));
    score_sum += kp.score;
  }
  pose.score = score_sum / kKeypointCount;
  return pose;
}

}  // namespace vkpose::test
