#include "runtime/ops/epilogue.h"

#include <cstdio>
#include <cstdlib>
#include <optional>

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

namespace {

// VKPOSE_WORKGROUP_1D=x or VKPOSE_WORKGROUP_2D=x,y (`dims` values) on GPUs,
// for tuning another vendor's device (tools/gpu-tune.sh); a malformed or
// oversized value is ignored, and CPU devices keep their sizes.
std::optional<std::array<uint32_t, 3>> workgroupOverride(const Capabilities& caps, const char* name, int dims) {
  const char* env = std::getenv(name);
  if (!env || caps.device_type == VK_PHYSICAL_DEVICE_TYPE_CPU) return std::nullopt;
  unsigned x = 0, y = 1;
  char rest = 0;
  int read = dims == 1 ? std::sscanf(env, "%u%c", &x, &rest) : std::sscanf(env, "%u,%u%c", &x, &y, &rest);
  if (read != dims || x == 0 || y == 0) return std::nullopt;
  if (x > caps.max_workgroup_size[0] || y > caps.max_workgroup_size[1] || uint64_t(x) * y > caps.max_workgroup_invocations)
    return std::nullopt;
  return std::array<uint32_t, 3>{x, y, 1};
}

}  // namespace

// On an H200, 64 to 256 invocations in 1D and 8x8 to 16x16 in 2D gave PoseNet
// the same GPU time within 1 us; 32 in 1D was 8-18 us slower
// (docs/performance.md, step 21).
std::array<uint32_t, 3> workgroup1D(const Capabilities& caps) {
  if (auto o = workgroupOverride(caps, "VKPOSE_WORKGROUP_1D", 1)) return *o;
  return {std::min<uint32_t>(64, caps.max_workgroup_size[0]), 1, 1};
}

std::array<uint32_t, 3> workgroup2D(const Capabilities& caps) {
  if (auto o = workgroupOverride(caps, "VKPOSE_WORKGROUP_2D", 2)) return *o;
  return {8, 8, 1};
}

}  // namespace vkpose
