#include "tools/vkpose/draw.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "runtime/keypoints.h"

namespace vkpose::cli {

namespace {

using Colour = std::array<uint8_t, 3>;

// Red (score at the threshold) to green (score 1).
Colour confidenceColour(float score, float min_score) {
  float t = std::clamp((score - min_score) / std::max(1e-6f, 1.f - min_score), 0.f, 1.f);
  return {uint8_t(255 * (1 - t)), uint8_t(255 * t), 40};
}

void plot(Image& image, int x, int y, Colour c) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  uint8_t* p = &image.rgba[(size_t(y) * size_t(image.width) + size_t(x)) * 4];
  p[0] = c[0], p[1] = c[1], p[2] = c[2], p[3] = 255;
}

void disc(Image& image, float cx, float cy, int radius, Colour c) {
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx)
      if (dx * dx + dy * dy <= radius * radius) plot(image, int(std::lround(cx)) + dx, int(std::lround(cy)) + dy, c);
}

void line(Image& image, const Keypoint& a, const Keypoint& b, int thickness, Colour c) {
  float length = std::hypot(b.x - a.x, b.y - a.y);
  int steps = std::max(1, int(std::ceil(length)));
  for (int i = 0; i <= steps; ++i) {
    float t = float(i) / float(steps);
    disc(image, a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, thickness, c);
  }
}

}  // namespace

void drawPose(Image& image, const Pose& pose, float min_score) {
  // Scale strokes with the image so they stay visible on large photos.
  int thickness = std::max(1, std::min(image.width, image.height) / 250);
  for (auto [a, b] : kSkeletonEdges) {
    const Keypoint& ka = pose.keypoints[a];
    const Keypoint& kb = pose.keypoints[b];
    if (ka.score < min_score || kb.score < min_score) continue;
    line(image, ka, kb, thickness, confidenceColour(std::min(ka.score, kb.score), min_score));
  }
  for (const Keypoint& k : pose.keypoints)
    if (k.score >= min_score) disc(image, k.x, k.y, thickness * 3, confidenceColour(k.score, min_score));
}

}  // namespace vkpose::cli
