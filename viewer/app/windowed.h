// vkpose-view with a window: the frame, its skeleton and the HUD drawn on
// the GPU into a GLFW window's swapchain, keys to change the settings live.
#pragma once

#include "engine/validation.h"
#include "viewer/options.h"

namespace vkpose::view {

// Returns the exit status; throws MediaError / WindowError / vkpose::Error.
int runWindowed(const ViewerOptions& options, ValidationLog& log);

}  // namespace vkpose::view
