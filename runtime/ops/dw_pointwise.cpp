#include "runtime/ops/dw_pointwise.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/ops/kernel_weights.h"

namespace vkpose {

namespace {

struct DwPointwisePush {
  int32_t in_h, in_w;
  int32_t out_w;
  uint32_t out_plane;
  int32_t pad_top, pad_left;
  uint32_t in_c4;
  uint32_t out_c4;
  uint32_t out_channels;
  float dw_clip_min, dw_clip_max;
  float clip_min, clip_max;
};
VKPOSE_PUSH_CONSTANTS(DwPointwisePush);

// The shader's kAct* kinds (shaders/common/activation.glsl) follow the enum.
static_assert(int(Activation::None) == 0 && int(Activation::Relu) == 1 && int(Activation::Clip) == 2 &&
              int(Activation::Sigmoid) == 3);

// Past 16 the accumulators spill and only the JIT time grows (as in pointwise).
constexpr uint32_t kMaxOc4Block = 16;

std::string str(const DwPointwiseTiling& t) {
  return std::to_string(t.oc4_block) + " oc4 blocks, k split " + std::to_string(t.k_split) + ", " +
         std::to_string(t.pixels) + " pixels a workgroup";
}

uint64_t sharedBytes(const DwPointwiseTiling& t) { return uint64_t(t.k_split - 1) * t.pixels * t.oc4_block * 16; }

void validateTiling(const Capabilities& caps, const DwPointwiseTiling& t) {
  auto fail = [&](const std::string& what) { throw Error("DwPointwise: tiling (" + str(t) + "): " + what); };
  if (t.oc4_block < 1 || t.oc4_block > kMaxOc4Block)
    fail("oc4 blocks must be within 1.." + std::to_string(kMaxOc4Block));
  if (t.k_split < 1 || t.pixels < 1) fail("k split and pixels must be positive");
  if (t.pixels > caps.max_workgroup_size[0] || t.k_split > caps.max_workgroup_size[1] ||
      uint64_t(t.pixels) * t.k_split > caps.max_workgroup_invocations)
    fail("workgroup size exceeds the device limit");
  if (sharedBytes(t) > caps.max_shared_memory_bytes)
    fail("needs " + std::to_string(sharedBytes(t)) + " bytes of shared memory, the device has " +
         std::to_string(caps.max_shared_memory_bytes));
}

void validatePointwise(const DwPointwiseLayers& l) {
  if (l.out_channels < 1) throw Error("DwPointwise: output channel count must be positive");
  validateEpilogue(l.pw_epilogue, "DwPointwise");
  requireWeightLayout(l.pw_weights, WeightLayout::DenseC4, "DwPointwise", "pointwise weights");
  requireWeightLayout(l.pw_bias, WeightLayout::DenseC4, "DwPointwise", "pointwise bias");
  size_t expected = storedChannels(l.pw_weights.layout, l.out_channels) *
                    storedChannels(l.pw_weights.layout, l.depthwise.channels);
  if (l.pw_weights.values.size() != expected)
    throw Error("DwPointwise: expected " + std::to_string(expected) + " pointwise weights, got " +
                std::to_string(l.pw_weights.values.size()));
  size_t bias_expected = storedChannels(l.pw_bias.layout, l.out_channels);
  if (!l.pw_bias.values.empty() && l.pw_bias.values.size() != bias_expected)
    throw Error("DwPointwise: expected " + std::to_string(bias_expected) + " pointwise bias values or none, got " +
                std::to_string(l.pw_bias.values.size()));
}

const DwPointwiseLayers& validated(const Context& ctx, const DwPointwiseLayers& l, const DwPointwiseTiling& tiling) {
  validateDepthwise(l.depthwise, l.dw_epilogue, l.dw_weights, l.dw_bias);
  if (!fitsDepthwise3x3(l.depthwise.window))
    throw Error("DwPointwise: the depthwise window must be 3x3, dilation 1, stride 1 or 2 (" + l.depthwise.str() + ")");
  validatePointwise(l);
  validateTiling(ctx.caps(), tiling);
  return l;
}

PipelineDesc dwPointwiseDesc(Context& ctx, const DwPointwiseLayers& l, Precision precision,
                             const DwPointwiseTiling& t) {
  requirePrecision(ctx, precision);
  return {variantName("dwpw", l.pw_epilogue.activation, precision),
          4,
          sizeof(DwPointwisePush),
          {t.pixels, t.k_split, 1},
          {t.oc4_block, uint32_t(l.depthwise.window.stride_h), uint32_t(l.dw_epilogue.activation)}};
}

std::vector<float> concat(std::vector<float> a, const std::vector<float>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Buffer uploadDepthwise(Context& ctx, const DwPointwiseLayers& l, Precision precision) {
  int c = l.depthwise.channels;
  return uploadConstants(ctx, concat(depthwiseC4Weights(l.dw_weights, c, 3, 3), biasC4(l.dw_bias, c)), precision);
}

Buffer uploadPointwise(Context& ctx, const DwPointwiseLayers& l, Precision precision) {
  int in = l.depthwise.channels, out = l.out_channels;
  return uploadConstants(ctx, concat(denseC4Weights(l.pw_weights, out, in, 1, 1), biasC4(l.pw_bias, out)), precision);
}

// VKPOSE_DWPW_TILING=oc4_block,k_split,pixels, for tuning runs on GPUs.
std::optional<DwPointwiseTiling> tilingFromEnvironment() {
  const char* env = std::getenv("VKPOSE_DWPW_TILING");
  if (!env) return std::nullopt;
  unsigned block = 0, split = 0, pixels = 0;
  if (std::sscanf(env, "%u,%u,%u", &block, &split, &pixels) != 3) return std::nullopt;
  if (block < 1 || block > kMaxOc4Block || split < 1 || split > 64 || pixels < 1 || pixels * split > 1024)
    return std::nullopt;
  return DwPointwiseTiling{block, split, pixels};
}

}  // namespace

DwPointwiseTiling defaultDwPointwiseTiling(const Capabilities& caps) {
  if (caps.device_type != VK_PHYSICAL_DEVICE_TYPE_CPU)
    return tilingFromEnvironment().value_or(DwPointwiseTiling{});
  return {};
}

DwPointwiseOp::DwPointwiseOp(Context& ctx, const DwPointwiseLayers& layers, Precision precision)
    : DwPointwiseOp(ctx, layers, precision, defaultDwPointwiseTiling(ctx.caps())) {}

DwPointwiseOp::DwPointwiseOp(Context& ctx, const DwPointwiseLayers& layers, Precision precision,
                             DwPointwiseTiling tiling)
    : depthwise_(validated(ctx, layers, tiling).depthwise),
      out_channels_(layers.out_channels),
      dw_epilogue_(layers.dw_epilogue),
      pw_epilogue_(layers.pw_epilogue),
      precision_(precision),
      tiling_(tiling),
      pipeline_(ctx, dwPointwiseDesc(ctx, layers, precision, tiling)),
      dw_constants_(uploadDepthwise(ctx, layers, precision)),
      pw_constants_(uploadPointwise(ctx, layers, precision)) {}

Shape DwPointwiseOp::outputShape(Shape in) const {
  if (in.c != depthwise_.channels)
    throw Error("DwPointwise: input " + in.str() + " has " + std::to_string(in.c) + " channels, the op expects " +
                std::to_string(depthwise_.channels));
  return windowOutputShape(depthwise_.window, in, out_channels_, "DwPointwise");
}

void DwPointwiseOp::record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out) {
  Shape expected = outputShape(in.shape);
  if (!(out.shape == expected))
    throw Error("DwPointwise: output shape " + out.shape.str() + " should be " + expected.str() + " for input " +
                in.shape.str());
  for (const TensorView* t : {&in, &out})
    if (t->precision != precision_)
      throw Error(std::string("DwPointwise: ") + (t == &in ? "input" : "output") + " tensor is " +
                  precisionSuffix(t->precision) + ", the op is " + precisionSuffix(precision_));
  BufferBinding bindings[] = {bind(in), bind(out), bind(dw_constants_), bind(pw_constants_)};
  VkDescriptorSet set = arena.allocate(pipeline_, bindings);
  uint32_t out_plane = uint32_t(expected.h) * uint32_t(expected.w);
  const Padding& pad = depthwise_.window.pad;
  DwPointwisePush push{in.shape.h,          in.shape.w,           expected.w,           out_plane,
                       pad.top,             pad.left,             uint32_t(in.shape.c4()), uint32_t(expected.c4()),
                       uint32_t(expected.c), dw_epilogue_.clip_min, dw_epilogue_.clip_max, pw_epilogue_.clip_min,
                       pw_epilogue_.clip_max};
  rec.dispatch(pipeline_, set, push,
               {divUp(out_plane, tiling_.pixels), divUp(uint64_t(expected.c4()), tiling_.oc4_block), 1});
}

}  // namespace vkpose
