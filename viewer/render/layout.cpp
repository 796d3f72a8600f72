#include "viewer/render/layout.h"

#include <algorithm>
#include <cmath>

namespace vkpose::view {

Rect fitFrame(int frame_width, int frame_height, int target_width, int target_height) {
  if (frame_width <= 0 || frame_height <= 0 || target_width <= 0 || target_height <= 0) return {};
  float scale = std::min(float(target_width) / float(frame_width), float(target_height) / float(frame_height));
  float w = float(frame_width) * scale, h = float(frame_height) * scale;
  return {(float(target_width) - w) * 0.5f, (float(target_height) - h) * 0.5f, w, h};
}

std::array<float, 2> frameToTarget(const Rect& rect, int frame_width, int frame_height, float x, float y) {
  return {rect.x + x * rect.width / float(frame_width), rect.y + y * rect.height / float(frame_height)};
}

std::vector<SkeletonInstance> skeletonInstances(const Pose& pose, float min_score, float bone_radius, float dot_radius) {
  auto usable = [&](const Keypoint& k) {
    return std::isfinite(k.x) && std::isfinite(k.y) && std::isfinite(k.score) && k.score >= min_score;
  };
  std::vector<SkeletonInstance> out;
  out.reserve(kMaxSkeletonInstances);
  for (auto [a, b] : kSkeletonEdges) {
    const Keypoint& ka = pose.keypoints[a];
    const Keypoint& kb = pose.keypoints[b];
    if (usable(ka) && usable(kb)) out.push_back({ka.x, ka.y, kb.x, kb.y, bone_radius, std::min(ka.score, kb.score)});
  }
  for (const Keypoint& k : pose.keypoints)
    if (usable(k)) out.push_back({k.x, k.y, k.x, k.y, dot_radius, k.score});
  return out;
}

std::array<uint8_t, 3> confidenceColour(float score, float min_score) {
  float t = std::clamp((score - min_score) / std::max(1e-6f, 1.f - min_score), 0.f, 1.f);
  return {uint8_t(std::lround(255 * (1 - t))), uint8_t(std::lround(255 * t)), 40};
}

StrokeSizes windowStrokes(float target_pixels_per_frame_pixel) {
  float s = std::max(target_pixels_per_frame_pixel, 1e-6f);
  return {2.0f / s, 5.0f / s};
}

StrokeSizes frameStrokes(int frame_width, int frame_height) {
  // tools/vkpose/draw.cpp: thickness = min side / 250, dots three times as wide.
  float thickness = std::max(1.0f, float(std::min(frame_width, frame_height)) / 250.0f);
  return {thickness, thickness * 3};
}

}  // namespace vkpose::view
