#include "shader_registry.h"

namespace vkpose::shaders {

// Defined in the generated embedded_spirv.cpp.
extern const SpirvBlob kEmbedded[];
extern const size_t kEmbeddedCount;

std::span<const SpirvBlob> all() { return {kEmbedded, kEmbeddedCount}; }

const SpirvBlob* find(std::string_view name) {
  for (const SpirvBlob& blob : all())
    if (name == blob.name) return &blob;
  return nullptr;
}

}  // namespace vkpose::shaders
