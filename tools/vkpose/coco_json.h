// COCO keypoint-results JSON for `vkpose run --json`:
//   [{"image_id": "pose.jpg", "category_id": 1,
//     "keypoints": [x1, y1, s1, ..., x17, y17, s17], "score": s}]
// COCO's "v" slot carries the keypoint score, as detectors' results files do.
#pragma once

#include <string>

#include "runtime/estimator.h"

namespace vkpose::cli {

std::string cocoResultsJson(const std::string& image_id, const Pose& pose);

}  // namespace vkpose::cli
