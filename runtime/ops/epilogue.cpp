#include "runtime/ops/epilogue.h"

#include "engine/context.h"
#include "engine/error.h"

namespace vkpose {

std::string variantName(const std::string& family, Activation a, Precision p) {
  return family + "_" + activationSuffix(a) + "_" + precisionSuffix(p);
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
