#include "viewer/gpu/shaders.h"

#include <cstdint>
#include <span>
#include <string>

#include "engine/error.h"

namespace vkpose::view {

namespace {

// Each .inc is glslc -mfmt=c output: "{0x07230203, ...}".
const uint32_t kFrameVert[] =
#include "frame.vert.inc"
    ;
const uint32_t kFrameFrag[] =
#include "frame.frag.inc"
    ;
const uint32_t kSkeletonVert[] =
#include "skeleton.vert.inc"
    ;
const uint32_t kSkeletonFrag[] =
#include "skeleton.frag.inc"
    ;
const uint32_t kHudVert[] =
#include "hud.vert.inc"
    ;
const uint32_t kHudFrag[] =
#include "hud.frag.inc"
    ;

struct Entry {
  std::string_view name;
  std::span<const uint32_t> words;
};

const Entry kShaders[] = {
    {"frame.vert", kFrameVert},       {"frame.frag", kFrameFrag}, {"skeleton.vert", kSkeletonVert},
    {"skeleton.frag", kSkeletonFrag}, {"hud.vert", kHudVert},     {"hud.frag", kHudFrag},
};

}  // namespace

VkShaderModule createShaderModule(VkDevice device, std::string_view name) {
  for (const Entry& e : kShaders) {
    if (e.name != name) continue;
    VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    info.codeSize = e.words.size_bytes();
    info.pCode = e.words.data();
    VkShaderModule module = VK_NULL_HANDLE;
    VKPOSE_VK(vkCreateShaderModule(device, &info, nullptr, &module));
    return module;
  }
  throw Error("viewer shader " + std::string(name) + " was not built");
}

}  // namespace vkpose::view
