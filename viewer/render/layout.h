// Pure geometry shared by the renderer and the tests' checkers: where the
// frame sits in the target, what the skeleton's instances are, and the
// confidence colours. No Vulkan, so checkers compute exactly what was drawn.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "runtime/estimator.h"

namespace vkpose::view {

struct Rect {
  float x = 0, y = 0, width = 0, height = 0;  // target pixels, origin top-left
};

// The largest rectangle of the frame's aspect that fits the target, centred
// (letterbox or pillarbox bars on the sides that are left over).
Rect fitFrame(int frame_width, int frame_height, int target_width, int target_height);

// A frame pixel position in target pixels, for a frame drawn into `rect`.
std::array<float, 2> frameToTarget(const Rect& rect, int frame_width, int frame_height, float x, float y);

// One bone or keypoint dot: a capsule around a-b (a dot has a == b). Frame
// pixels. Mirrors the skeleton shader's per-instance vertex input.
struct SkeletonInstance {
  float ax = 0, ay = 0, bx = 0, by = 0;
  float radius = 0;
  float score = 0;
};
static_assert(sizeof(SkeletonInstance) == 24);

// The maximum: every bone of runtime/keypoints.h's table and every keypoint.
inline constexpr int kMaxSkeletonInstances = int(kSkeletonEdges.size()) + kKeypointCount;

// Bones (scored by their weaker end) first, then dots, so dots stay on top.
// Keypoints below min_score, non-finite ones, and bones touching them are left out.
std::vector<SkeletonInstance> skeletonInstances(const Pose& pose, float min_score, float bone_radius, float dot_radius);

// Red at min_score to green at 1 (blue fixed at 40): the `vkpose run --draw`
// ramp, computed on the GPU by skeleton.frag.
std::array<uint8_t, 3> confidenceColour(float score, float min_score);

// Stroke sizes in frame pixels: a window keeps them a fixed number of screen
// pixels (`target_pixels_per_frame_pixel` from the letterbox); a full-size
// frame scales them with the picture like `vkpose run --draw`.
struct StrokeSizes {
  float bone_radius, dot_radius;
};
StrokeSizes windowStrokes(float target_pixels_per_frame_pixel);
StrokeSizes frameStrokes(int frame_width, int frame_height);

}  // namespace vkpose::view
