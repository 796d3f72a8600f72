// vkpose-view --headless: no window, no display needed. Every frame is drawn
// by the window's renderer into an offscreen image of the frame's size and
// written as DIR/frame_NNNNNN.png; the poses go to DIR/keypoints.json.
#pragma once

#include "engine/validation.h"
#include "viewer/options.h"

namespace vkpose::view {

// Returns the exit status; throws MediaError / vkpose::Error / std::runtime_error.
int runHeadless(const ViewerOptions& options, ValidationLog& log);

}  // namespace vkpose::view
