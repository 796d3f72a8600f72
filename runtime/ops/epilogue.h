// The activation fused into a kernel's epilogue, and the shader variant it
// selects. ReLU6 is Clip(0, 6).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "runtime/tensor.h"

namespace vkpose {


enum class Activation { None, Relu, Clip, Sigmoid };

struct Epilogue {
  Activation activation = Activation::None;
  float clip_min = 0.f;  // used by Clip only
  float clip_max = 6.f;
};

const char* activationSuffix(Activation a);  // "none", "relu", "clip", "sigmoid"

// "family_act_prec", the naming scheme of shaders/CMakeLists.txt.
std::string variantName(const std::string& family, Activation a, Precision p);

// Throws when Clip's bounds are reversed (GLSL clamp is undefined then) or NaN.
void validateEpilogue(const Epilogue& epilogue, const char* op);

// Throws a readable error when the device can't run this precision.
void requirePrecision(const Context& ctx, Precision p);

inline uint32_t divUp(uint64_t n, uint32_t d) { return uint32_t((n + d - 1) / d); }

// Workgroup sizes from the capability snapshot; 64 invocations fit every
// device's minimum limits and are a multiple of common subgroup sizes.
std::array<uint32_t, 3> workgroup1D(const Context& ctx);
std::array<uint32_t, 3> workgroup2D(const Context& ctx);  // x over width, y over height

}  // namespace vkpose
