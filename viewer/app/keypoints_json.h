// DIR/keypoints.json of headless runs: every frame's pose, so tests (and
// users) can check keypoints without decoding the PNGs.
//   {"source": ..., "input_size": 257, "min_confidence": 0.3, "keypoint_names": [...],
//    "frames": [{"index": 0, "timestamp": 0.0, "width": 720, "height": 1280,
//                "file": "frame_000000.png", "score": 0.71, "keypoints": [[x, y, score], ...]}]}
// A non-finite number is written as null, which keeps the file valid JSON
// and makes the problem impossible to miss.
#pragma once

#include <string>
#include <vector>

#include "runtime/estimator.h"

namespace vkpose::view {

struct FramePose {
  int64_t index = 0;
  double timestamp = 0;
  int width = 0, height = 0;
  std::string file;
  Pose pose;
};

std::string keypointsJson(const std::string& source, int input_size, float min_confidence,
                          const std::vector<FramePose>& frames);

}  // namespace vkpose::view
