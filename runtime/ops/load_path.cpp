#include "runtime/ops/load_path.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/capabilities.h"

namespace vkpose {

LoadPath defaultLoadPath(const Capabilities& caps) {
  if (const char* env = std::getenv("VKPOSE_LOAD_PATH")) {
    if (std::strcmp(env, "storage") == 0) return LoadPath::Storage;
    if (std::strcmp(env, "texel") == 0) return LoadPath::Texel;
  }
  return caps.device_type == VK_PHYSICAL_DEVICE_TYPE_CPU ? LoadPath::Texel : LoadPath::Storage;
}

const char* loadPathSuffix(LoadPath path) { return path == LoadPath::Texel ? "texel" : "ssbo"; }

void applyLoadPath(PipelineDesc& desc, LoadPath path, Precision precision,
                   std::initializer_list<uint32_t> read_only_buffers) {
  desc.shader += std::string("_") + loadPathSuffix(path);
  if (path != LoadPath::Texel) return;
  // fp16 storage reads as R16G16B16A16 texels; the fetch returns fp32 either way.
  desc.texel_format = storageBytes(precision) == 2 ? VK_FORMAT_R16G16B16A16_SFLOAT : VK_FORMAT_R32G32B32A32_SFLOAT;
  for (uint32_t i : read_only_buffers) desc.texel_buffers |= 1u << i;
}

}  // namespace vkpose
