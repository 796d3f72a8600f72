// The single table of PoseNet's keypoints and skeleton: the converter writes
// it into model metadata, and the runtime, its decode shader and the viewer
// all read it from here.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

namespace vkpose {

inline constexpr int kKeypointCount = 17;

inline constexpr std::array<std::string_view, kKeypointCount> kKeypointNames = {
    "nose",         "leftEye",     "rightEye",     "leftEar",   "rightEar",  "leftShoulder",
    "rightShoulder", "leftElbow",  "rightElbow",   "leftWrist", "rightWrist", "leftHip",
    "rightHip",     "leftKnee",    "rightKnee",    "leftAnkle", "rightAnkle"};

// Bones drawn between keypoints (indices into kKeypointNames).
inline constexpr std::array<std::pair<uint8_t, uint8_t>, 12> kSkeletonEdges = {{
    {5, 7}, {7, 9},      // left arm
    {6, 8}, {8, 10},     // right arm
    {5, 6}, {11, 12},    // shoulders, hips
    {5, 11}, {6, 12},    // torso sides
    {11, 13}, {13, 15},  // left leg
    {12, 14}, {14, 16},  // right leg
}};

}  // namespace vkpose
