// The activation fused into a kernel's epilogue. ReLU6 is Clip(0, 6).
#pragma once

namespace vkpose {

enum class Activation { None, Relu, Clip, Sigmoid };

struct Epilogue {
  Activation activation = Activation::None;
  float clip_min = 0.f;  // used by Clip only
  float clip_max = 6.f;
};

const char* activationSuffix(Activation a);  // "none", "relu", "clip", "sigmoid"

// Throws when Clip's bounds are reversed (GLSL clamp is undefined then) or NaN.
void validateEpilogue(const Epilogue& epilogue, const char* op);

}  // namespace vkpose
