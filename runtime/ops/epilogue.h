// Shader variant selection for ops: the activation and precision axes of
// shaders/CMakeLists.txt, and workgroup sizes from the capability snapshot.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "engine/capabilities.h"
#include "runtime/model/activation.h"
#include "runtime/tensor.h"

namespace vkpose {

// "family_act_prec", the naming scheme of shaders/CMakeLists.txt.
std::string variantName(const std::string& family, Activation a, Precision p);

// Throws a readable error when the device can't run this precision.
void requirePrecision(const Context& ctx, Precision p);

inline uint32_t divUp(uint64_t n, uint32_t d) { return uint32_t((n + d - 1) / d); }

// Workgroup sizes from the capability snapshot: 64 and 8x8 invocations, which
// fit every device's minimum limits and are multiples of common subgroup
// sizes. On GPUs, VKPOSE_WORKGROUP_1D / VKPOSE_WORKGROUP_2D override them.
std::array<uint32_t, 3> workgroup1D(const Capabilities& caps);
std::array<uint32_t, 3> workgroup2D(const Capabilities& caps);  // x over width, y over height

}  // namespace vkpose
