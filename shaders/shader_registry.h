// The SPIR-V compiled from shaders/ at build time, looked up by variant name
// (family_axis1_axis2..., e.g. "conv2d_relu_fp16s").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vkpose::shaders {

struct SpirvBlob {
  const char* name;
  const uint32_t* words;
  size_t word_count;
};

std::span<const SpirvBlob> all();
// Returns nullptr when no variant of that name was built.
const SpirvBlob* find(std::string_view name);

}  // namespace vkpose::shaders
