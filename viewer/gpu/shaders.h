// The viewer's graphics shaders (viewer/shaders/), compiled by glslc at build
// time into C initialiser lists and embedded here. They stay out of the
// runtime's compute-kernel table: an embedding application never needs them.
#pragma once

#include "engine/vulkan_api.h"

#include <string_view>

namespace vkpose::view {

// name: "frame.vert", "frame.frag", "skeleton.vert", ... Throws vkpose::Error
// for an unknown name.
VkShaderModule createShaderModule(VkDevice device, std::string_view name);

}  // namespace vkpose::view
