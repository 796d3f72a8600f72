// The skeleton drawn over an image for `vkpose run --draw`: bones as lines
// and keypoints as dots, coloured by confidence, skipping keypoints below
// the minimum score. (The viewer draws on the GPU; a saved picture only
// needs this.)
#pragma once

#include "runtime/estimator.h"
#include "tools/vkpose/image_io.h"

namespace vkpose::cli {

void drawPose(Image& image, const Pose& pose, float min_score);

}  // namespace vkpose::cli
