#include "runtime/ops/epilogue.h"

#include "engine/context.h"
#include "engine/error.h"

#include <cmath>

namespace vkpose {

const char* activationSuffix(Activation a) {
  switch (a) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
    case Activation::Clip: return "clip";
    case Activation::Sigmoid: return "sigmoid";
  }
  return "?";
}

std::string variantName(const std::string& family, Activation a, Precision p) {
  return family + "_" + activationSuffix(a) + "_" + precisionSuffix(p);
}

void validateEpilogue(const Epilogue& e, const char* op) {
  if (e.activation != Activation::Clip) return;
  if (std::isnan(e.clip_min) || std::isnan(e.clip_max)) throw Error(std::string(op) + ": Clip bounds must not be NaN");
  if (e.clip_min > e.clip_max)
    throw Error(std::string(op) + ": Clip min " + std::to_string(e.clip_min) + " is greater than max " +
                std::to_string(e.clip_max));
}

void requirePrecision(const Context& ctx, Precision p) {
  if (!deviceSupports(ctx, p))
    throw Error(std::string("device ") + ctx.caps().device_name + " does not support precision " + precisionSuffix(p));
}

std::array<uint32_t, 3> workgroup1D(const Context& ctx) {
  return {std::min<uint32_t>(64, ctx.caps().max_workgroup_size[0]), 1, 1};
}

std::array<uint32_t, 3> workgroup2D(const Context& ctx) {
  (void)ctx;
  return {8, 8, 1};
}

}  // namespace vkpose
